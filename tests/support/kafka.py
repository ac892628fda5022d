"""Small helpers for tests that talk to the real broker."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from auction_shared import topics
from auction_shared.events import FormatRequested, Requester, encode, make_envelope


def format_request_bytes(task_id: str, event_id: str = "4412") -> bytes:
    payload = FormatRequested(
        warehouse="maule", event_id=event_id, requested_by=Requester(name="test")
    )
    return encode(make_envelope(payload, source="/test", task_id=task_id, subject=event_id))


async def produce(
    bootstrap: str, topic: str, values: list[bytes | None], key: bytes = b"4412"
) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        for value in values:
            await producer.send_and_wait(topic, value=value, key=key)
    finally:
        await producer.stop()


async def read_all(
    bootstrap: str, topic: str, *, expected: int, timeout: float = 20
) -> list[ConsumerRecord]:  # type: ignore[type-arg]
    """Read a topic from the start until `expected` records arrived or the timeout passed."""
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest", enable_auto_commit=False
    )
    await consumer.start()
    records: list[ConsumerRecord] = []  # type: ignore[type-arg]
    deadline = time.monotonic() + timeout
    try:
        while len(records) < expected and time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=500)
            for partition_records in batch.values():
                records.extend(partition_records)
    finally:
        await consumer.stop()
    return records


async def eventually(
    check: Callable[[], Awaitable[bool]], *, timeout: float = 20, what: str = ""
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await check():
            return
        await asyncio.sleep(0.2)
    raise AssertionError(f"timed out after {timeout}s waiting for {what or check}")


@asynccontextmanager
async def isolated_topics(bootstrap: str, prefix: str) -> AsyncIterator[list[str]]:
    """Create every catalogue topic under `prefix` (one partition each) and delete them after."""
    names = [prefix + name for name in topics.all_topics()]
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics(
            [NewTopic(name, num_partitions=1, replication_factor=1) for name in names]
        )
        yield names
        await admin.delete_topics(names)
    finally:
        await admin.close()
