"""Inspect and replay dead-lettered messages (`<topic>.dlq`).

A replay publishes the original value and key back to the original topic, without the `dlq.*`
headers and with `dlq.replayed_from` naming the DLQ coordinates. The consumer's inbox makes a replay
safe to repeat: an event that a handler already processed is skipped.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from auction_shared.topics import DLQ_SUFFIX, all_topics

DLQ_HEADER_PREFIX = "dlq."
REPLAYED_FROM_HEADER = "dlq.replayed_from"


@dataclass(frozen=True)
class DeadLetter:
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: dict[str, str]

    @property
    def reason(self) -> str:
        return self.headers.get("dlq.reason", "")

    @property
    def original_topic(self) -> str:
        return self.headers.get("dlq.original_topic") or self.topic.removesuffix(DLQ_SUFFIX)

    @property
    def coordinates(self) -> str:
        return f"{self.topic}:{self.partition}:{self.offset}"


def dlq_topics(prefix: str = "") -> list[str]:
    return [prefix + name for name in all_topics() if name.endswith(DLQ_SUFFIX)]


async def read_dead_letters(
    bootstrap: str, topics: Sequence[str], *, limit: int = 1000
) -> list[DeadLetter]:
    """Read every DLQ record currently in `topics` (up to `limit`), without joining a group."""
    partitions = await _partitions(bootstrap, topics)
    if not partitions:
        return []
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, enable_auto_commit=False, auto_offset_reset="earliest"
    )
    await consumer.start()
    letters: list[DeadLetter] = []
    try:
        consumer.assign(partitions)
        end_offsets = await consumer.end_offsets(partitions)
        await consumer.seek_to_beginning(*partitions)
        remaining = {tp for tp in partitions if end_offsets[tp] > await consumer.position(tp)}
        while remaining and len(letters) < limit:
            batch = await consumer.getmany(*remaining, timeout_ms=1000, max_records=500)
            if not batch:
                break
            for tp, records in batch.items():
                for record in records:
                    letters.append(
                        DeadLetter(
                            topic=record.topic,
                            partition=record.partition,
                            offset=record.offset,
                            key=record.key,
                            value=record.value,
                            headers={
                                name: value.decode(errors="replace")
                                for name, value in record.headers or ()
                            },
                        )
                    )
                if await consumer.position(tp) >= end_offsets[tp]:
                    remaining.discard(tp)
    finally:
        await _stop_quietly(consumer)
    letters.sort(key=lambda letter: (letter.topic, letter.partition, letter.offset))
    return letters[:limit]


async def _partitions(bootstrap: str, topics: Sequence[str]) -> list[TopicPartition]:
    """List the partitions of the topics that exist; missing topics are left out."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        wanted = [topic for topic in topics if topic in existing]
        if not wanted:
            return []
        described = await admin.describe_topics(wanted)
    finally:
        await admin.close()
    return [
        TopicPartition(topic["topic"], partition["partition"])
        for topic in described
        for partition in sorted(topic["partitions"], key=lambda item: item["partition"])
    ]


async def _stop_quietly(consumer: AIOKafkaConsumer) -> None:
    try:
        await consumer.stop()
    except asyncio.CancelledError:
        # NOTE: aiokafka 0.14 re-raises the cancellation of its own committed-offsets task when a
        # consumer without a group stops. Only a cancellation of this task is passed on.
        task = asyncio.current_task()
        if task is not None and task.cancelling():
            raise


async def replay(bootstrap: str, letters: Sequence[DeadLetter]) -> int:
    """Publish each dead letter back to its original topic; return how many were sent."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True)
    await producer.start()
    try:
        for letter in letters:
            headers = [
                (name, value.encode())
                for name, value in letter.headers.items()
                if not name.startswith(DLQ_HEADER_PREFIX)
            ]
            headers.append((REPLAYED_FROM_HEADER, letter.coordinates.encode()))
            await producer.send_and_wait(
                letter.original_topic, value=letter.value, key=letter.key, headers=headers
            )
    finally:
        await producer.stop()
    return len(letters)
