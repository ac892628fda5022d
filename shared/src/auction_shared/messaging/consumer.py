"""Idempotent, bounded-retry processing of one Kafka message.

The life of a message:
1. decode it, and skip it when the inbox has its id;
2. run the handler, up to `max_attempts` times with backoff;
3. the handler's transaction records the id in the inbox with its state and outgoing events;
4. the caller commits the Kafka offset.

A message that cannot be
decoded, or that still fails after the last attempt, goes to `<topic>.dlq` with the reason and its
original coordinates in headers, and the consumer moves on.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

from opentelemetry import context as otel_context
from opentelemetry import trace
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction_shared.db import MessagingTables
from auction_shared.events.codec import InvalidEvent, decode
from auction_shared.events.envelope import Envelope
from auction_shared.events.models import JOB_BY_TOPIC, JobKind, Payload, TaskState
from auction_shared.logging import bind_job, get_logger
from auction_shared.messaging.metrics import HANDLER_SECONDS, MESSAGES, RETRIES
from auction_shared.messaging.outbox import OutboxWriter, PublishFunc
from auction_shared.telemetry import extract_context
from auction_shared.topics import dlq_topic

log = get_logger(__name__)
tracer = trace.get_tracer("auction_shared.messaging")


class RejectedRequest(Exception):
    """A valid event that the business rules reject; the task ends in ERROR with this message."""


class AlreadyProcessed(Exception):
    """Another delivery of the same event committed first."""


@dataclass(frozen=True)
class RawMessage:
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: dict[str, str]


class HandlerContext:
    """Context of one handler call: its transaction, progress reports and logger."""

    def __init__(
        self, consumer: MessageProcessor, envelope: Envelope[Payload], raw: RawMessage
    ) -> None:
        self._consumer = consumer
        self.envelope = envelope
        self.raw = raw
        self.committed = False
        self.log = log.bind(event_type=envelope.type, event_id=envelope.id)

    @property
    def task_id(self) -> str:
        return self.envelope.taskid

    def session(self) -> AsyncSession:
        """Open a session for reads outside the handler's transaction."""
        return self._consumer.sessions()

    @property
    def job(self) -> JobKind:
        return JOB_BY_TOPIC.get(self._consumer.topic, JobKind.FORMAT)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        """Open the handler's one transaction: it records the event in the inbox when it commits.

        Raises AlreadyProcessed when another delivery of this event has committed already.
        """
        consumer = self._consumer
        async with consumer.sessions() as session, session.begin():
            inserted = await session.execute(
                insert(consumer.tables.inbox)
                .values(consumer=consumer.group, event_id=self.envelope.id, topic=self.raw.topic)
                .on_conflict_do_nothing()
                .returning(consumer.tables.inbox.c.event_id)
            )
            if inserted.first() is None:
                raise AlreadyProcessed(self.envelope.id)
            writer = consumer.outbox_writer(session, self.envelope.taskid)
            yield Transaction(session, writer, self)
        self.committed = True
        consumer.notify_relay()

    async def progress(
        self,
        progress: int,
        stage: str,
        substage: str = "",
        message: str = "",
        *,
        state: TaskState = TaskState.IN_PROGRESS,
        warehouse: str | None = None,
        event_id: str | None = None,
    ) -> None:
        """Publish an IN_PROGRESS status for this task now (its own short transaction)."""
        consumer = self._consumer
        async with consumer.sessions() as session, session.begin():
            writer = consumer.outbox_writer(session, self.envelope.taskid)
            await writer.status(
                job=self.job,
                state=state,
                progress=progress,
                stage=stage,
                substage=substage,
                message=message,
                warehouse=warehouse,
                event_id=event_id or self.envelope.subject,
            )
        consumer.notify_relay()


@dataclass
class Transaction:
    session: AsyncSession
    outbox: OutboxWriter
    context: HandlerContext = field(repr=False)


Handler = Callable[[Envelope[Payload], HandlerContext], Awaitable[None]]


class MessageProcessor:
    """Runs one subscription's handler on raw messages with the inbox, retries and the DLQ."""

    def __init__(
        self,
        *,
        topic: str,
        group: str,
        source: str,
        handler: Handler,
        sessions: async_sessionmaker[AsyncSession],
        tables: MessagingTables,
        publish: PublishFunc,
        notify_relay: Callable[[], None] = lambda: None,
        max_attempts: int = 3,
        backoff_seconds: float = 0.5,
        max_message_bytes: int = 256 * 1024,
        topic_prefix: str = "",
    ) -> None:
        self.topic = topic
        self.topic_prefix = topic_prefix
        self.group = group
        self.source = source
        self.handler = handler
        self.sessions = sessions
        self.tables = tables
        self.publish = publish
        self.notify_relay = notify_relay
        self.max_attempts = max_attempts
        self.backoff_seconds = backoff_seconds
        self.max_message_bytes = max_message_bytes

    def outbox_writer(self, session: AsyncSession, task_id: str) -> OutboxWriter:
        return OutboxWriter(
            session,
            self.tables,
            source=self.source,
            task_id=task_id,
            topic_prefix=self.topic_prefix,
        )

    async def process(self, raw: RawMessage) -> str:
        """Handle one message to its end; return the outcome (for logs, metrics and tests)."""
        coordinates = {"topic": raw.topic, "partition": raw.partition, "offset": raw.offset}
        try:
            envelope = decode(raw.value, max_bytes=self.max_message_bytes)
        except InvalidEvent as error:
            log.warning("message_invalid", reason=error.reason, detail=error.detail, **coordinates)
            await self._dead_letter(raw, reason=error.reason, error=error.detail, attempts=0)
            await self._report_invalid_request(raw, error)
            return self._count(raw, "dead_lettered")

        bind_job(task_id=envelope.taskid, event_id=envelope.subject)
        if await self._seen(envelope.id):
            log.info("message_duplicate_skipped", message_id=envelope.id, **coordinates)
            return self._count(raw, "duplicate")

        parent = extract_context(raw.headers)
        token = otel_context.attach(parent)
        try:
            with tracer.start_as_current_span(
                f"{raw.topic} process",
                kind=trace.SpanKind.CONSUMER,
                attributes={
                    "messaging.system": "kafka",
                    "messaging.destination.name": raw.topic,
                    "messaging.consumer.group.name": self.group,
                    "messaging.message.id": envelope.id,
                },
            ):
                return await self._run_with_retries(envelope, raw)
        finally:
            otel_context.detach(token)

    async def _run_with_retries(self, envelope: Envelope[Payload], raw: RawMessage) -> str:
        coordinates = {"topic": raw.topic, "partition": raw.partition, "offset": raw.offset}
        last_error: BaseException | None = None
        for attempt in range(1, self.max_attempts + 1):
            context = HandlerContext(self, envelope, raw)
            started = time.perf_counter()
            try:
                await self.handler(envelope, context)
                if not context.committed:
                    async with context.transaction():
                        pass
            except AlreadyProcessed:
                log.info("message_duplicate_skipped", message_id=envelope.id, **coordinates)
                return self._count(raw, "duplicate")
            except RejectedRequest as rejection:
                log.warning("request_rejected", reason=str(rejection), **coordinates)
                await self._finish_rejected(envelope, raw, str(rejection))
                return self._count(raw, "rejected")
            except InvalidEvent as error:
                log.warning(
                    "message_invalid", reason=error.reason, detail=error.detail, **coordinates
                )
                await self._dead_letter(
                    raw, reason=error.reason, error=error.detail, attempts=attempt
                )
                return self._count(raw, "dead_lettered")
            except Exception as error:
                last_error = error
                log.warning(
                    "handler_failed",
                    attempt=attempt,
                    max_attempts=self.max_attempts,
                    error=f"{type(error).__name__}: {error}",
                    **coordinates,
                )
                if attempt < self.max_attempts:
                    RETRIES.labels(topic=raw.topic, group=self.group).inc()
                    await asyncio.sleep(self.backoff_seconds * 2 ** (attempt - 1))
                continue
            finally:
                HANDLER_SECONDS.labels(topic=raw.topic, group=self.group).observe(
                    time.perf_counter() - started
                )
            log.info("message_processed", attempt=attempt, **coordinates)
            return self._count(raw, "processed")

        detail = f"{type(last_error).__name__}: {last_error}"
        log.error("message_dead_lettered", attempts=self.max_attempts, error=detail, **coordinates)
        await self._dead_letter(
            raw, reason="handler_failed", error=detail, attempts=self.max_attempts
        )
        await self._report_failure(
            envelope,
            raw,
            f"Failed after {self.max_attempts} attempts ({detail}); the request was moved to "
            f"{dlq_topic(raw.topic)} and can be replayed once the cause is fixed.",
        )
        return self._count(raw, "dead_lettered")

    async def _seen(self, event_id: str) -> bool:
        inbox = self.tables.inbox
        async with self.sessions() as session:
            found = await session.execute(
                select(inbox.c.event_id).where(
                    inbox.c.consumer == self.group, inbox.c.event_id == event_id
                )
            )
            return found.first() is not None

    async def _finish_rejected(
        self, envelope: Envelope[Payload], raw: RawMessage, reason: str
    ) -> None:
        context = HandlerContext(self, envelope, raw)
        try:
            async with context.transaction() as tx:
                await tx.outbox.status(
                    job=context.job,
                    state=TaskState.ERROR,
                    progress=100,
                    stage="rejected",
                    message=reason,
                    event_id=envelope.subject,
                )
        except AlreadyProcessed:
            return

    async def _report_invalid_request(self, raw: RawMessage, error: InvalidEvent) -> None:
        """End the task of a request whose envelope names a task but whose payload is invalid.

        Only request topics get this status: a bad result event belongs to a task that its
        publisher already reports on.
        """
        if not self.topic.endswith(".requested"):
            return
        task_id = task_id_of(raw.value)
        if task_id is None:
            return
        try:
            async with self.sessions() as session, session.begin():
                await self.outbox_writer(session, task_id).status(
                    job=JOB_BY_TOPIC.get(self.topic, JobKind.FORMAT),
                    state=TaskState.ERROR,
                    progress=100,
                    stage="rejected",
                    message=(
                        f"The request was rejected because it is invalid ({error.detail}); "
                        f"fix it against the event's JSON Schema and publish it again. It was "
                        f"moved to {dlq_topic(raw.topic)}."
                    ),
                )
            self.notify_relay()
        except Exception:
            log.exception("invalid_request_status_not_written", topic=raw.topic, offset=raw.offset)

    async def _report_failure(
        self, envelope: Envelope[Payload], raw: RawMessage, message: str
    ) -> None:
        """Publish the task's ERROR status without recording the event, so a replay still runs."""
        context = HandlerContext(self, envelope, raw)
        try:
            await context.progress(100, "failed", message=message, state=TaskState.ERROR)
        except Exception:
            log.exception("failure_status_not_written", topic=raw.topic, offset=raw.offset)

    async def _dead_letter(
        self, raw: RawMessage, *, reason: str, error: str, attempts: int
    ) -> None:
        headers = dict(raw.headers)
        headers.update(
            {
                "dlq.reason": reason,
                "dlq.error": error[:2000],
                "dlq.original_topic": raw.topic,
                "dlq.original_partition": str(raw.partition),
                "dlq.original_offset": str(raw.offset),
                "dlq.consumer_group": self.group,
                "dlq.attempts": str(attempts),
                "dlq.failed_at": datetime.now(UTC).isoformat(),
            }
        )
        await self.publish(dlq_topic(raw.topic), raw.key, raw.value or b"", headers)

    def _count(self, raw: RawMessage, outcome: str) -> str:
        MESSAGES.labels(topic=raw.topic, group=self.group, outcome=outcome).inc()
        return outcome


def task_id_of(value: bytes | None) -> str | None:
    """Return the `taskid` attribute of a message that is a JSON object, if it has a usable one."""
    try:
        document = json.loads(value or b"")
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return None
    if not isinstance(document, dict):
        return None
    task_id = document.get("taskid")
    if isinstance(task_id, str) and 0 < len(task_id) <= 200:
        return task_id
    return None
