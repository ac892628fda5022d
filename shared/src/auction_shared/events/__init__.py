"""The event catalogue: envelope, payload models, codec and generated schemas."""

from auction_shared.events.codec import InvalidEvent, decode, encode, make_envelope, payload_as
from auction_shared.events.envelope import Envelope
from auction_shared.events.models import *  # noqa: F403
from auction_shared.events.models import __all__ as _models_all

__all__ = [
    "Envelope",
    "InvalidEvent",
    "decode",
    "encode",
    "make_envelope",
    "payload_as",
    *_models_all,
]
