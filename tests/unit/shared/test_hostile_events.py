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


def _images_ready_document(starting_price: str) -> dict[str, object]:
    reference = {"bucket": "auction-private", "key": "k", "sha256": "0" * 64, "size": 1}
    data = {
        "warehouse": "maule",
        "event_id": "4412",
        "starting_price": starting_price,
        "snapshot": reference,
        "manifest": reference,
        "photos_processed": 0,
        "photos_rejected": 0,
    }
    return _document(type="auction.images.ready.v1", data=data)


@pytest.mark.parametrize("price", ["-5", "0", "0.001", "99999999999999999999", "1e30"])
def test_decode_images_ready_bad_price(price: str) -> None:
    body = json.dumps(_images_ready_document(price)).encode()

    with pytest.raises(InvalidEvent) as caught:
        decode(body, max_bytes=100_000)

    assert caught.value.reason == "bad_payload"
    assert "starting_price" in caught.value.detail


def test_decode_images_ready_good_price() -> None:
    body = json.dumps(_images_ready_document("2.50")).encode()

    envelope = decode(body, max_bytes=100_000)

    assert envelope.type == "auction.images.ready.v1"
