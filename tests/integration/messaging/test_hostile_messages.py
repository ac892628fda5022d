"""Hostile records on the real broker: each goes to the DLQ and the next valid one is handled."""

from __future__ import annotations

import json

import pytest
from aiokafka import AIOKafkaProducer

from auction_shared.db import MessagingTables, service_metadata
from auction_shared.events import Envelope, FormatRequested, Payload
from auction_shared.messaging import HandlerContext, ServiceRuntime
from auction_shared.settings import ServiceSettings
from support.kafka import eventually, format_request_bytes, read_all

pytestmark = pytest.mark.integration


async def test_hostile_records_dead_lettered(isolated_settings: ServiceSettings) -> None:
    tables = MessagingTables(service_metadata(isolated_settings.database_schema))
    runtime = ServiceRuntime(isolated_settings, tables)
    handled: list[str] = []

    async def record(envelope: Envelope[Payload], ctx: HandlerContext) -> None:
        handled.append(envelope.taskid)

    runtime.subscribe(FormatRequested, record)
    topic = isolated_settings.topic_prefix + FormatRequested.topic
    nul_id = json.loads(format_request_bytes("task-nul"))
    nul_id["id"] = "a\u0000b"
    hostile: list[tuple[bytes, list[tuple[str, bytes]]]] = [
        (b"[" * 5_000 + b"]" * 5_000, []),
        (b"\xff\xfe binary", [("content-type", b"text/plain")]),
        (json.dumps(nul_id).encode(), []),
        (format_request_bytes("task-ok"), []),
    ]

    async with runtime.running():
        producer = AIOKafkaProducer(bootstrap_servers=isolated_settings.kafka_bootstrap)
        await producer.start()
        try:
            for value, headers in hostile:
                await producer.send_and_wait(topic, value=value, key=b"4412", headers=headers)
        finally:
            await producer.stop()

        async def valid_one_handled() -> bool:
            return handled == ["task-ok"]

        await eventually(valid_one_handled, what="the valid record after the hostile ones")

    dead = await read_all(isolated_settings.kafka_bootstrap, topic + ".dlq", expected=3)
    reasons = [dict(record.headers)["dlq.reason"].decode() for record in dead]
    assert reasons == ["unparsable", "unparsable", "bad_text"]
    assert [record.value for record in dead] == [value for value, _ in hostile[:3]]
