"""`auctionctl dlq list|show|replay` with the Kafka functions of `auction_shared.dlq` faked."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from aiokafka.errors import KafkaConnectionError
from typer.testing import CliRunner

from auction_gateway.cli.main import app
from auction_shared import dlq as shared_dlq
from auction_shared.dlq import DeadLetter

runner = CliRunner()


def letter(topic: str, offset: int, partition: int = 0) -> DeadLetter:
    return DeadLetter(
        topic=topic,
        partition=partition,
        offset=offset,
        key=b"4412",
        value=b'{"type": "auction.images.ready.v1", "data": {"event_id": "4412"}}',
        headers={
            "dlq.reason": "handler_failed",
            "dlq.error": "KeyError: 'Lot Number'",
            "dlq.original_topic": topic.removesuffix(".dlq"),
            "dlq.failed_at": "2026-12-04T20:00:00Z",
            "dlq.attempts": "3",
        },
    )


class FakeKafka:
    def __init__(self, letters: list[DeadLetter]) -> None:
        self.letters = letters
        self.read_topics: list[list[str]] = []
        self.replayed: list[DeadLetter] = []
        self.bootstraps: list[str] = []

    async def read(self, bootstrap: str, topics: Sequence[str], *, limit: int) -> list[DeadLetter]:
        self.bootstraps.append(bootstrap)
        self.read_topics.append(list(topics))
        return [item for item in self.letters if item.topic in topics][:limit]

    async def replay(self, bootstrap: str, letters: Sequence[DeadLetter]) -> int:
        self.replayed.extend(letters)
        return len(letters)


@pytest.fixture
def kafka(monkeypatch: pytest.MonkeyPatch) -> FakeKafka:
    fake = FakeKafka(
        [
            letter("images.ready.dlq", 4),
            letter("images.ready.dlq", 5),
            letter("images.ready.dlq", 5, partition=1),
            letter("format.requested.dlq", 0),
        ]
    )
    monkeypatch.setattr(shared_dlq, "read_dead_letters", fake.read)
    monkeypatch.setattr(shared_dlq, "replay", fake.replay)
    monkeypatch.delenv("AUCTION_TOPIC_PREFIX", raising=False)
    monkeypatch.setenv("AUCTION_KAFKA_BOOTSTRAP", "127.0.0.1:19092")
    return fake


def test_list_every_dlq(kafka: FakeKafka) -> None:
    result = runner.invoke(app, ["dlq", "list"])
    assert result.exit_code == 0, result.output
    assert "images.ready.dlq:0:4" in result.output
    assert "handler_failed" in result.output
    assert "4 dead letters." in result.output
    assert kafka.bootstraps == ["127.0.0.1:19092"]
    assert "task.status.dlq" in kafka.read_topics[0]


def test_list_one_topic_with_prefix(kafka: FakeKafka) -> None:
    result = runner.invoke(
        app, ["dlq", "list", "--topic", "images.ready", "--prefix", "dev.", "--bootstrap", "k:1"]
    )
    assert result.exit_code == 0, result.output
    assert kafka.read_topics == [["dev.images.ready.dlq"]]
    assert kafka.bootstraps == ["k:1"]
    assert "No dead letters." in result.output


def test_list_unknown_topic(kafka: FakeKafka) -> None:
    result = runner.invoke(app, ["dlq", "list", "--topic", "nope"])
    assert result.exit_code == 2
    assert "'nope' is not a topic of the catalogue" in " ".join(result.output.split())


def test_show_prints_headers_and_value(kafka: FakeKafka) -> None:
    result = runner.invoke(app, ["dlq", "show", "images.ready.dlq:0:5"])
    assert result.exit_code == 0, result.output
    assert "dlq.error: KeyError: 'Lot Number'" in result.output
    assert "key: 4412" in result.output
    assert '"event_id": "4412"' in result.output


@pytest.mark.parametrize("coordinates", ["images.ready.dlq:0", "x:y:z", "images.ready.dlq:0:99"])
def test_show_rejects_bad_coordinates(kafka: FakeKafka, coordinates: str) -> None:
    result = runner.invoke(app, ["dlq", "show", coordinates])
    assert result.exit_code == 2


def test_replay_asks_first(kafka: FakeKafka) -> None:
    declined = runner.invoke(app, ["dlq", "replay", "--topic", "images.ready"], input="n\n")
    assert declined.exit_code == 2
    assert "Nothing was replayed." in declined.output
    assert kafka.replayed == []
    accepted = runner.invoke(app, ["dlq", "replay", "--topic", "images.ready"], input="y\n")
    assert accepted.exit_code == 0, accepted.output
    assert "Replayed 3 messages." in accepted.output
    assert len(kafka.replayed) == 3


def test_replay_one_offset(kafka: FakeKafka) -> None:
    result = runner.invoke(
        app,
        [
            "dlq",
            "replay",
            "--topic",
            "images.ready.dlq",
            "--offset",
            "5",
            "--partition",
            "1",
            "--yes",
        ],
    )
    assert result.exit_code == 0, result.output
    assert [(item.partition, item.offset) for item in kafka.replayed] == [(1, 5)]


def test_replay_offset_needs_topic(kafka: FakeKafka) -> None:
    result = runner.invoke(app, ["dlq", "replay", "--offset", "5", "--yes"])
    assert result.exit_code == 2
    assert kafka.replayed == []


def test_replay_nothing_matches(kafka: FakeKafka) -> None:
    result = runner.invoke(
        app, ["dlq", "replay", "--topic", "images.ready", "--offset", "77", "--yes"]
    )
    assert result.exit_code == 0
    assert "nothing was replayed" in result.output


def test_unreachable_kafka(monkeypatch: pytest.MonkeyPatch) -> None:
    async def broken(*args: Any, **kwargs: Any) -> list[DeadLetter]:
        raise KafkaConnectionError("Unable to bootstrap from [('127.0.0.1', 1)]")

    monkeypatch.setattr(shared_dlq, "read_dead_letters", broken)
    result = runner.invoke(app, ["dlq", "list", "--bootstrap", "127.0.0.1:1"])
    assert result.exit_code == 3
    assert "Cannot reach Kafka at 127.0.0.1:1" in " ".join(result.output.split())
