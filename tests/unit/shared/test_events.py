import json
from decimal import Decimal

import pytest

from auction_shared import topics
from auction_shared.events import (
    CATALOGUE,
    FormatRequested,
    InvalidEvent,
    Payload,
    Requester,
    TaskStatus,
    decode,
    encode,
    make_envelope,
    payload_as,
)
from auction_shared.events.schema import asyncapi_document, event_json_schema


def _format_request(**overrides: object) -> FormatRequested:
    fields: dict[str, object] = {
        "warehouse": "maule",
        "event_id": "4412",
        "requested_by": Requester(name="ann"),
    }
    fields.update(overrides)
    return FormatRequested.model_validate(fields)


def test_round_trip_keeps_payload_and_attributes() -> None:
    envelope = make_envelope(
        _format_request(starting_price=Decimal("2.50")),
        source="/gateway",
        task_id="t-1",
        subject="4412",
    )

    decoded = decode(encode(envelope), max_bytes=10_000)

    assert decoded.id == envelope.id
    assert decoded.taskid == "t-1"
    assert decoded.subject == "4412"
    assert decoded.type == "auction.format.requested.v1"
    assert payload_as(decoded, FormatRequested).starting_price == Decimal("2.50")


def _valid_document() -> dict[str, object]:
    envelope = make_envelope(_format_request(), source="/gateway", task_id="t-1")
    document: dict[str, object] = json.loads(encode(envelope))
    return document


BAD_MESSAGES = [
    ("empty value", None, "empty"),
    ("not json", b"\xff\xfe{", "unparsable"),
    ("json array", b"[1, 2]", "bad_envelope"),
    ("missing task id", {**_valid_document(), "taskid": None}, "bad_envelope"),
    ("unknown type", {**_valid_document(), "type": "auction.format.requested.v9"}, "unknown_type"),
    ("bad payload", {**_valid_document(), "data": {"warehouse": "maule"}}, "bad_payload"),
    (
        "negative price",
        {**_valid_document(), "data": {**_valid_document()["data"], "starting_price": "-1"}},  # type: ignore[dict-item]
        "bad_payload",
    ),
    ("extra attribute", {**_valid_document(), "evil": "x"}, "bad_envelope"),
    ("too large", b"{" + b" " * 2_000 + b"}", "too_large"),
]


@pytest.mark.parametrize(
    ("case", "body", "reason"), BAD_MESSAGES, ids=[case[0] for case in BAD_MESSAGES]
)
def test_decode_rejects_bad_message(case: str, body: object, reason: str) -> None:
    raw = json.dumps(body).encode() if isinstance(body, dict) else body

    with pytest.raises(InvalidEvent) as caught:
        decode(raw, max_bytes=1_000)  # type: ignore[arg-type]

    assert caught.value.reason == reason
    assert caught.value.detail


def test_payload_as_rejects_other_type() -> None:
    envelope = decode(
        encode(make_envelope(_format_request(), source="/g", task_id="t")), max_bytes=10_000
    )

    with pytest.raises(InvalidEvent) as caught:
        payload_as(envelope, TaskStatus)

    assert caught.value.reason == "wrong_type"


def test_catalogue_matches_topic_registry() -> None:
    assert sorted(model.topic for model in CATALOGUE) == sorted(topics.CATALOGUE)


def test_every_dlq_twin_listed() -> None:
    names = topics.all_topics()

    assert len(names) == 2 * len(topics.CATALOGUE)
    assert all(topics.dlq_topic(topic) in names for topic in topics.CATALOGUE)


@pytest.mark.parametrize("model", CATALOGUE, ids=[model.event_type() for model in CATALOGUE])
def test_json_schema_describes_envelope(model: type[Payload]) -> None:
    schema = event_json_schema(model)

    assert schema["title"] == model.event_type()
    assert {"specversion", "id", "type", "source", "taskid", "data"} <= set(schema["properties"])


def test_asyncapi_has_channel_per_topic() -> None:
    document = asyncapi_document()

    assert document["asyncapi"].startswith("3.")
    assert set(document["channels"]) == set(topics.CATALOGUE)
    json.dumps(document)
