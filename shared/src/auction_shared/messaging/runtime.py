"""Wiring of one service process: the Kafka broker (FastStream), its subscriptions, the outbox
relay, the database, object storage, and the lifespan that starts and stops them in order.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections.abc import AsyncIterator
from typing import Any

from aiokafka import ConsumerRecord
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from auction_shared.db import MessagingTables, make_engine, make_session_factory
from auction_shared.events.models import Payload
from auction_shared.logging import get_logger
from auction_shared.messaging.consumer import Handler, MessageProcessor, RawMessage
from auction_shared.messaging.metrics import CONSUMER_LAG, OUTBOX_PUBLISHED
from auction_shared.messaging.outbox import OutboxRelay, OutboxWriter
from auction_shared.settings import ServiceSettings
from auction_shared.storage import ObjectStore

log = get_logger(__name__)

REDELIVERY_PAUSE_SECONDS = 2.0
LAG_SAMPLE_SECONDS = 10.0


async def _tolerant_parser(record: ConsumerRecord[Any, Any], original: Any) -> Any:
    """Replace header values that are not UTF-8 so a hostile header cannot crash the parser."""
    headers = []
    for name, value in record.headers or ():
        try:
            (value or b"").decode()
        except UnicodeDecodeError:
            value = b"<not utf-8>"
        headers.append((name, value or b""))
    return await original(dataclasses.replace(record, headers=headers))


async def _raw_body_decoder(message: Any, original: Any) -> Any:
    """Return the body as bytes, so that `decode` (not FastStream) judges every message.

    FastStream's own decoder parses JSON or text before the handler runs. A body it cannot
    parse (deeply nested JSON, non-UTF-8 bytes under `content-type: text/plain`) would then
    fail outside the handler, so the message would be neither processed nor sent to the DLQ.
    """
    return message.body


class ServiceRuntime:
    """One service's connections and subscriptions; `lifespan` runs them inside an ASGI app."""

    def __init__(
        self,
        settings: ServiceSettings,
        tables: MessagingTables,
        *,
        engine: AsyncEngine | None = None,
        store: ObjectStore | None = None,
    ) -> None:
        self.settings = settings
        self.name = settings.service_name
        self.tables = tables
        self.broker = KafkaBroker(
            settings.kafka_bootstrap,
            client_id=self.name,
            enable_idempotence=True,
            graceful_timeout=settings.shutdown_timeout_seconds,
        )
        self.engine = engine or make_engine(settings.database_url, settings.database_schema)
        self.sessions: async_sessionmaker[AsyncSession] = make_session_factory(self.engine)
        self.store = store or ObjectStore(settings)
        self.relay = OutboxRelay(self.sessions, tables, self.publish_raw)
        self.processors: list[MessageProcessor] = []
        self._stop = asyncio.Event()
        self._relay_task: asyncio.Task[None] | None = None
        self._lag_task: asyncio.Task[None] | None = None
        self._subscribers: list[tuple[Any, str]] = []

    @property
    def group(self) -> str:
        """Prefix of this service's consumer groups: one group per subscribed topic."""
        return self.name

    def group_for(self, model: type[Payload]) -> str:
        """Name the consumer group of one subscription: `<service>.<topic>`.

        A group per topic keeps a slow handler of one topic from holding up the others, and lets
        the subscriptions join at once. In one shared group, every new member would make all
        members rebalance, one join after another, at each start.
        """
        return f"{self.group}.{model.topic}"

    def outbox_writer(self, session: AsyncSession, task_id: str) -> OutboxWriter:
        """Return a writer for events caused by a request that did not come from Kafka (HTTP)."""
        return OutboxWriter(
            session,
            self.tables,
            source=f"/{self.name}",
            task_id=task_id,
            topic_prefix=self.settings.topic_prefix,
        )

    async def publish_raw(
        self, topic: str, key: bytes | None, value: bytes, headers: dict[str, str]
    ) -> None:
        """Publish one record and wait for the broker's acknowledgement."""
        await self.broker.publish(value, topic, key=key, headers=headers)
        OUTBOX_PUBLISHED.inc()

    def subscribe(
        self,
        model: type[Payload],
        handler: Handler,
        *,
        max_poll_interval_ms: int = 5 * 60 * 1000,
    ) -> MessageProcessor:
        """Consume `model`'s topic in this service's consumer group for it with `handler`."""
        topic = self.settings.topic_prefix + model.topic
        group = self.group_for(model)
        processor = MessageProcessor(
            topic=model.topic,
            topic_prefix=self.settings.topic_prefix,
            group=group,
            source=f"/{self.name}",
            handler=handler,
            sessions=self.sessions,
            tables=self.tables,
            publish=self.publish_raw,
            notify_relay=self.relay.notify,
            max_attempts=self.settings.consumer_max_attempts,
            backoff_seconds=self.settings.consumer_retry_backoff_seconds,
            max_message_bytes=self.settings.max_message_bytes,
        )
        self.processors.append(processor)

        subscriber = self.broker.subscriber(
            topic,
            group_id=group,
            ack_policy=AckPolicy.MANUAL,
            auto_offset_reset="earliest",
            max_poll_interval_ms=max_poll_interval_ms,
            parser=_tolerant_parser,
            decoder=_raw_body_decoder,
        )
        self._subscribers.append((subscriber, group))

        @subscriber
        async def on_message(message: KafkaMessage) -> None:
            record: ConsumerRecord[Any, Any] = message.raw_message  # type: ignore[assignment]
            raw = RawMessage(
                topic=record.topic,
                partition=record.partition,
                offset=record.offset,
                key=record.key,
                value=record.value,
                headers=dict(message.headers),
            )
            try:
                await processor.process(raw)
            except Exception:
                # The database or the broker is unreachable: rewind so the message is read again,
                # rather than committing a later offset past it.
                log.exception("message_redelivery_scheduled", topic=raw.topic, offset=raw.offset)
                await message.nack()
                await asyncio.sleep(REDELIVERY_PAUSE_SECONDS)
                return
            await message.ack()

        return processor

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[ServiceRuntime]:
        """Start the broker and the outbox relay; stop both within the shutdown bound on exit."""
        await self.broker.start()
        self._stop.clear()
        self._lag_task = asyncio.create_task(self._sample_lag(), name=f"{self.name}-lag")
        self._relay_task = asyncio.create_task(
            self.relay.run(self._stop), name=f"{self.name}-outbox-relay"
        )
        log.info("service_started", subscriptions=[p.group for p in self.processors])
        try:
            yield self
        finally:
            await self.shutdown()

    async def _sample_lag(self) -> None:
        """Update the consumer-lag gauge of every assigned partition every few seconds."""
        while not self._stop.is_set():
            for subscriber, group in self._subscribers:
                consumer = getattr(subscriber, "consumer", None)
                if consumer is None:
                    continue
                try:
                    assigned = list(consumer.assignment())
                    if not assigned:
                        continue
                    ends = await consumer.end_offsets(assigned)
                    for partition in assigned:
                        committed = await consumer.committed(partition) or 0
                        CONSUMER_LAG.labels(
                            topic=partition.topic,
                            partition=str(partition.partition),
                            group=group,
                        ).set(max(0, ends[partition] - committed))
                except Exception as error:
                    log.debug("consumer_lag_not_sampled", error=str(error)[:200])
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), timeout=LAG_SAMPLE_SECONDS)

    async def shutdown(self) -> None:
        self._stop.set()
        if self._lag_task is not None:
            self._lag_task.cancel()
        timeout = self.settings.shutdown_timeout_seconds
        if self._relay_task is not None:
            try:
                await asyncio.wait_for(self._relay_task, timeout=timeout)
            except TimeoutError:
                log.warning("outbox_relay_stop_timed_out", timeout_seconds=timeout)
        try:
            # aiokafka's consumer stop can hang when every broker is down; bound it.
            await asyncio.wait_for(self.broker.stop(), timeout=timeout)
        except TimeoutError:
            log.warning("broker_stop_timed_out", timeout_seconds=timeout)
        await self.engine.dispose()
        log.info("service_stopped")
