"""Encode events for Kafka and decode them back, rejecting bad messages with a reason code."""

from __future__ import annotations

import json
from typing import Any, TypeVar

from pydantic import ValidationError

from auction_shared.events.envelope import Envelope, RawEnvelope
from auction_shared.events.models import BY_TYPE, Payload

PayloadT = TypeVar("PayloadT", bound=Payload)


class InvalidEvent(Exception):
    """A message that no retry can fix; `reason` is a short code for the DLQ header."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


def make_envelope(
    payload: Payload,
    *,
    source: str,
    task_id: str,
    subject: str | None = None,
    traceparent: str | None = None,
) -> Envelope[Payload]:
    return Envelope[Payload](
        type=payload.event_type(),
        source=source,
        subject=subject,
        taskid=task_id,
        traceparent=traceparent,
        data=payload,
    )


def encode(envelope: Envelope[Any]) -> bytes:
    return envelope.model_dump_json(serialize_as_any=True).encode()


def decode(body: bytes | None, *, max_bytes: int) -> Envelope[Payload]:
    """Parse and validate one message value into an envelope with its typed payload."""
    if body is None or not body:
        raise InvalidEvent("empty", "the message has no value; publish a CloudEvents JSON object")
    if len(body) > max_bytes:
        raise InvalidEvent(
            "too_large",
            f"the message is {len(body)} bytes, above the {max_bytes}-byte limit; "
            "put large payloads in object storage and send an object reference",
        )
    try:
        document = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InvalidEvent("unparsable", f"the value is not JSON ({error})") from error
    except RecursionError as error:
        raise InvalidEvent(
            "unparsable",
            "the value nests JSON arrays or objects too deeply to parse; publish a flat "
            "CloudEvents JSON object",
        ) from error
    _reject_unstorable_text(document)
    try:
        raw = RawEnvelope.model_validate(document)
    except ValidationError as error:
        raise InvalidEvent("bad_envelope", _summarise(error)) from error
    model = BY_TYPE.get(raw.type)
    if model is None:
        known = ", ".join(sorted(BY_TYPE))
        raise InvalidEvent("unknown_type", f"type {raw.type!r} is not in the catalogue ({known})")
    try:
        data = model.model_validate(raw.data)
    except ValidationError as error:
        raise InvalidEvent("bad_payload", f"{raw.type}: {_summarise(error)}") from error
    fields = raw.model_dump(exclude={"data"})
    return Envelope[Payload].model_construct(**fields, data=data)


def _reject_unstorable_text(document: Any) -> None:
    """Raise InvalidEvent for a string PostgreSQL cannot store: a NUL or a lone surrogate.

    Such a string in the event id fails every inbox query the same way, so the consumer would
    retry the message forever instead of sending it to the DLQ.
    """
    pending = [document]
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
        elif isinstance(value, str):
            if "\x00" in value:
                raise InvalidEvent(
                    "bad_text",
                    f"the string {value[:40]!r} contains a NUL character (U+0000); remove it",
                )
            try:
                value.encode()
            except UnicodeEncodeError as error:
                raise InvalidEvent(
                    "bad_text",
                    f"the string {value[:40]!r} contains a lone UTF-16 surrogate ({error.reason}); "
                    "send valid Unicode",
                ) from error


def payload_as(envelope: Envelope[Payload], model: type[PayloadT]) -> PayloadT:
    """Return the payload as `model`, or raise InvalidEvent when the topic carried another type."""
    if not isinstance(envelope.data, model):
        raise InvalidEvent(
            "wrong_type",
            f"expected {model.event_type()} on topic {model.topic}, got {envelope.type}",
        )
    return envelope.data


def _summarise(error: ValidationError) -> str:
    parts = []
    for item in error.errors()[:5]:
        location = ".".join(str(part) for part in item["loc"]) or "(root)"
        parts.append(f"{location}: {item['msg']}")
    more = error.error_count() - 5
    if more > 0:
        parts.append(f"and {more} more")
    return "; ".join(parts)
