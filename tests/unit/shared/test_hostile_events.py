"""decode on hostile values: each must raise InvalidEvent, never another exception."""

import json

import pytest

from auction_shared.events import FormatRequested, Requester, encode, make_envelope
from auction_shared.events.codec import InvalidEvent, decode


def _document(**overrides: object) -> dict[str, object]:
    payload = FormatRequested(warehouse="maule", event_id="4412", requested_by=Requester(name="a"))
    document: dict[str, object] = json.loads(
        encode(make_envelope(payload, source="/test", task_id="t-1"))
    )
    document.update(overrides)
    return document


HOSTILE_MESSAGES = [
    ("deeply nested array", b"[" * 5_000 + b"]" * 5_000, "unparsable"),
    ("deeply nested object", b'{"a":' * 5_000 + b"1" + b"}" * 5_000, "unparsable"),
    ("NUL in event id", json.dumps(_document(id="a\u0000b")).encode(), "bad_text"),
    ("NUL in task id", json.dumps(_document(taskid="t\u0000")).encode(), "bad_text"),
    (
        "lone surrogate in payload key",
        json.dumps(_document(data={"\udc80": 1})).encode(),
        "bad_text",
    ),
]


@pytest.mark.parametrize(
    ("case", "body", "reason"), HOSTILE_MESSAGES, ids=[case[0] for case in HOSTILE_MESSAGES]
)
def test_decode_hostile_value(case: str, body: bytes, reason: str) -> None:
    with pytest.raises(InvalidEvent) as caught:
        decode(body, max_bytes=100_000)

    assert caught.value.reason == reason
    assert caught.value.detail
    caught.value.detail.encode()  # the DLQ header must be valid UTF-8
