"""The Kafka plumbing on the real broker, PostgreSQL and S3."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from sqlalchemy import text

from auction_shared.db import MessagingTables, service_metadata
from auction_shared.events import Envelope, FormatRequested, Payload, TaskState, TaskStatus
from auction_shared.messaging import HandlerContext, OutboxRelay, RejectedRequest, ServiceRuntime
from auction_shared.settings import ServiceSettings
from auction_shared.storage import ChecksumMismatch, ObjectStore
from support.kafka import eventually, format_request_bytes, produce, read_all

pytestmark = pytest.mark.integration

CRASHING_CONSUMER = Path(__file__).with_name("crashing_consumer.py")


def _runtime(settings: ServiceSettings) -> tuple[ServiceRuntime, MessagingTables]:
    tables = MessagingTables(service_metadata(settings.database_schema))
    return ServiceRuntime(settings, tables), tables


async def _create_side_effects(runtime: ServiceRuntime) -> None:
    async with runtime.engine.begin() as connection:
        await connection.execute(text("CREATE TABLE IF NOT EXISTS side_effects (event_id text)"))


async def _side_effect_count(runtime: ServiceRuntime) -> int:
    async with runtime.engine.connect() as connection:
        return int(
            (await connection.execute(text("SELECT count(*) FROM side_effects"))).scalar_one()
        )


async def _record_side_effect(envelope: Envelope[Payload], ctx: HandlerContext) -> None:
    async with ctx.transaction() as tx:
        await tx.session.execute(
            text("INSERT INTO side_effects (event_id) VALUES (:id)"), {"id": envelope.id}
        )


async def test_consume_commits_offsets(isolated_settings: ServiceSettings) -> None:
    runtime, _ = _runtime(isolated_settings)
    await _create_side_effects(runtime)
    runtime.subscribe(FormatRequested, _record_side_effect)
    topic = isolated_settings.topic_prefix + FormatRequested.topic
    values: list[bytes | None] = [format_request_bytes(f"task-{n}") for n in range(3)]

    async with runtime.running():
        await produce(isolated_settings.kafka_bootstrap, topic, values)

        async def handled() -> bool:
            return await _side_effect_count(runtime) == 3

        await eventually(handled, what="three handled messages")

        async def committed() -> bool:
            consumer = AIOKafkaConsumer(
                bootstrap_servers=isolated_settings.kafka_bootstrap,
                group_id=runtime.group_for(FormatRequested),
            )
            await consumer.start()
            try:
                offset = await consumer.committed(TopicPartition(topic, 0))
            finally:
                await consumer.stop()
            return bool(offset == 3)

        await eventually(committed, what="the group's committed offset to reach 3")


async def test_crash_before_commit_redelivers_once(isolated_settings: ServiceSettings) -> None:
    runtime, _ = _runtime(isolated_settings)
    await _create_side_effects(runtime)
    topic = isolated_settings.topic_prefix + FormatRequested.topic
    await produce(isolated_settings.kafka_bootstrap, topic, [format_request_bytes("task-crash")])

    # A separate process handles the message, commits its transaction, and is killed before it
    # can commit the Kafka offset.
    marker = Path(f"/tmp/{isolated_settings.service_name}.committed")
    environment = {
        **os.environ,
        "AUCTION_SERVICE_NAME": isolated_settings.service_name,
        "AUCTION_KAFKA_BOOTSTRAP": isolated_settings.kafka_bootstrap,
        "AUCTION_DATABASE_URL": isolated_settings.database_url,
        "AUCTION_DATABASE_SCHEMA": isolated_settings.database_schema,
        "AUCTION_TOPIC_PREFIX": isolated_settings.topic_prefix,
        "AUCTION_S3_ENDPOINT": isolated_settings.s3_endpoint,
        "CRASH_MARKER": str(marker),
    }
    process = subprocess.Popen([sys.executable, str(CRASHING_CONSUMER)], env=environment)
    try:
        for _ in range(300):
            if marker.exists():
                break
            await asyncio.sleep(0.1)
        assert marker.exists(), "the crashing consumer never committed its transaction"
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        marker.unlink(missing_ok=True)
    assert await _side_effect_count(runtime) == 1

    outcomes: list[str] = []
    processor = runtime.subscribe(FormatRequested, _record_side_effect)
    original = processor.process

    async def recording(raw):  # type: ignore[no-untyped-def]
        outcome = await original(raw)
        outcomes.append(outcome)
        return outcome

    processor.process = recording  # type: ignore[method-assign]
    async with runtime.running():

        async def redelivered() -> bool:
            return bool(outcomes)

        await eventually(redelivered, timeout=30, what="the redelivery")

    assert outcomes == ["duplicate"]
    assert await _side_effect_count(runtime) == 1


async def test_malformed_message_goes_to_dlq(isolated_settings: ServiceSettings) -> None:
    runtime, _ = _runtime(isolated_settings)
    await _create_side_effects(runtime)
    runtime.subscribe(FormatRequested, _record_side_effect)
    topic = isolated_settings.topic_prefix + FormatRequested.topic
    garbage = [b"not json at all", None, b'{"specversion": "1.0"}', format_request_bytes("task-ok")]

    async with runtime.running():
        await produce(isolated_settings.kafka_bootstrap, topic, garbage)

        async def good_one_handled() -> bool:
            return await _side_effect_count(runtime) == 1

        await eventually(good_one_handled, what="the valid message after the bad ones")

    dead = await read_all(isolated_settings.kafka_bootstrap, topic + ".dlq", expected=3)
    reasons = [dict(record.headers)["dlq.reason"].decode() for record in dead]
    assert reasons == ["unparsable", "empty", "bad_envelope"]
    headers = dict(dead[0].headers)
    assert headers["dlq.original_topic"].decode() == topic
    assert headers["dlq.original_offset"].decode() == "0"
    assert dead[0].value == b"not json at all"


async def test_failing_handler_dead_letters_after_retries(
    isolated_settings: ServiceSettings,
) -> None:
    runtime, _ = _runtime(isolated_settings)
    attempts: list[int] = []

    async def always_fails(envelope: Envelope[Payload], ctx: HandlerContext) -> None:
        attempts.append(1)
        raise RuntimeError("Airtable is down")

    runtime.subscribe(FormatRequested, always_fails)
    topic = isolated_settings.topic_prefix + FormatRequested.topic
    async with runtime.running():
        await produce(isolated_settings.kafka_bootstrap, topic, [format_request_bytes("task-fail")])
        dead = await read_all(isolated_settings.kafka_bootstrap, topic + ".dlq", expected=1)
        statuses = await read_all(
            isolated_settings.kafka_bootstrap,
            isolated_settings.topic_prefix + TaskStatus.topic,
            expected=1,
        )

    assert len(attempts) == isolated_settings.consumer_max_attempts
    assert dict(dead[0].headers)["dlq.reason"] == b"handler_failed"
    assert b"Airtable is down" in dict(dead[0].headers)["dlq.error"]
    status = json.loads(statuses[0].value)["data"]
    assert status["state"] == TaskState.ERROR
    assert status["task_id"] == "task-fail"


async def test_rejected_request_ends_task_in_error(isolated_settings: ServiceSettings) -> None:
    runtime, _ = _runtime(isolated_settings)

    async def rejects(envelope: Envelope[Payload], ctx: HandlerContext) -> None:
        raise RejectedRequest("Unknown warehouse 'mars'; use maule or sahara.")

    runtime.subscribe(FormatRequested, rejects)
    topic = isolated_settings.topic_prefix + FormatRequested.topic
    async with runtime.running():
        await produce(
            isolated_settings.kafka_bootstrap, topic, [format_request_bytes("task-rejected")]
        )
        statuses = await read_all(
            isolated_settings.kafka_bootstrap,
            isolated_settings.topic_prefix + TaskStatus.topic,
            expected=1,
        )

    status = json.loads(statuses[0].value)["data"]
    assert status["state"] == TaskState.ERROR
    assert "mars" in status["message"]


async def test_outbox_rows_published_once_by_two_relays(isolated_settings: ServiceSettings) -> None:
    runtime, tables = _runtime(isolated_settings)
    topic = isolated_settings.topic_prefix + FormatRequested.topic
    rows = 300
    async with runtime.sessions() as session, session.begin():
        await session.execute(
            tables.outbox.insert(),
            [
                {"topic": topic, "key": "k", "value": f"{n}".encode(), "headers": {}}
                for n in range(rows)
            ],
        )

    await runtime.broker.start()
    try:
        first = OutboxRelay(runtime.sessions, tables, runtime.publish_raw, batch_size=7)
        second = OutboxRelay(runtime.sessions, tables, runtime.publish_raw, batch_size=7)

        async def drain(relay: OutboxRelay) -> None:
            while await relay.publish_batch():
                await asyncio.sleep(0)

        await asyncio.gather(drain(first), drain(second))
    finally:
        await runtime.broker.stop()
        await runtime.engine.dispose()

    assert first.published_total > 0
    assert second.published_total > 0
    assert first.published_total + second.published_total == rows
    records = await read_all(isolated_settings.kafka_bootstrap, topic, expected=rows + 1, timeout=8)
    values = sorted(int(record.value) for record in records)
    assert values == list(range(rows))


async def test_claim_check_round_trip(isolated_settings: ServiceSettings) -> None:
    store = ObjectStore(isolated_settings)
    document = {"records": [{"id": "rec1", "fields": {"Product Name": "Kettle ☕"}}]}

    ref = await store.put_json(
        store.private_bucket, f"tests/{isolated_settings.service_name}.json", document
    )

    assert await store.get_json(ref) == document
    tampered = ref.model_copy(update={"sha256": "0" * 64})
    with pytest.raises(ChecksumMismatch):
        await store.get_json(tampered)
    assert "X-Amz-Signature" in await store.presigned_get(ref)


async def test_invalid_request_ends_its_task(isolated_settings: ServiceSettings) -> None:
    runtime, _ = _runtime(isolated_settings)
    await _create_side_effects(runtime)
    runtime.subscribe(FormatRequested, _record_side_effect)
    topic = isolated_settings.topic_prefix + FormatRequested.topic
    document = json.loads(format_request_bytes("task-bad-price"))
    document["data"]["starting_price"] = "abc"

    async with runtime.running():
        await produce(isolated_settings.kafka_bootstrap, topic, [json.dumps(document).encode()])
        statuses = await read_all(
            isolated_settings.kafka_bootstrap,
            isolated_settings.topic_prefix + TaskStatus.topic,
            expected=1,
        )

    status = json.loads(statuses[0].value)["data"]
    assert status["task_id"] == "task-bad-price"
    assert status["state"] == TaskState.ERROR
    assert "starting_price" in status["message"]
    assert await _side_effect_count(runtime) == 0
