"""Transactional outbox: events are written in the same transaction as the state they describe,
and a relay publishes them to Kafka afterwards.

Several relays (replicas) may run at once: each claims rows with `FOR UPDATE SKIP LOCKED`, so a row
is published by one relay. Delivery stays at least once (a relay that crashes after publishing but
before marking the row publishes it again on restart), and consumers are idempotent by event id.
Rows claimed by different relays may reach Kafka in a different order than they were written;
`task.status` carries a sequence number for that reason.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction_shared.db import MessagingTables
from auction_shared.events.codec import encode, make_envelope
from auction_shared.events.models import JobKind, Payload, TaskState, TaskStatus
from auction_shared.logging import get_logger
from auction_shared.telemetry import current_traceparent, inject_headers

log = get_logger(__name__)

PURGE_INTERVAL_SECONDS = 3600
PublishFunc = Callable[[str, bytes | None, bytes, dict[str, str]], Awaitable[None]]


class OutboxWriter:
    """Adds events to the outbox inside a caller's transaction."""

    def __init__(
        self,
        session: AsyncSession,
        tables: MessagingTables,
        *,
        source: str,
        task_id: str,
        topic_prefix: str = "",
    ) -> None:
        self._session = session
        self._topic_prefix = topic_prefix
        self._tables = tables
        self._source = source
        self._task_id = task_id
        self.pending: list[str] = []

    async def publish(
        self, payload: Payload, *, key: str | None, subject: str | None = None
    ) -> str:
        """Write one event to the outbox; return its event id."""
        envelope = make_envelope(
            payload,
            source=self._source,
            task_id=self._task_id,
            subject=subject,
            traceparent=current_traceparent(),
        )
        headers = {name: value.decode() for name, value in inject_headers()}
        headers["ce_type"] = envelope.type
        headers["ce_id"] = envelope.id
        await self._session.execute(
            self._tables.outbox.insert().values(
                topic=self._topic_prefix + payload.topic,
                key=key,
                value=encode(envelope),
                headers=headers,
            )
        )
        self.pending.append(envelope.id)
        return envelope.id

    async def status(
        self,
        *,
        job: JobKind,
        state: TaskState,
        progress: int,
        stage: str = "",
        substage: str = "",
        message: str = "",
        warehouse: str | None = None,
        event_id: str | None = None,
        result: dict[str, Any] | None = None,
    ) -> str:
        """Write a `task.status` event for this writer's task."""
        status = TaskStatus(
            task_id=self._task_id,
            job=job,
            state=state,
            progress=max(0, min(100, progress)),
            stage=stage[:100],
            substage=substage[:200],
            message=message[:2000],
            service=self._source.strip("/"),
            sequence=time.time_ns(),
            warehouse=warehouse,
            event_id=event_id,
            result=result or {},
        )
        return await self.publish(status, key=self._task_id, subject=event_id)


class OutboxRelay:
    """Publishes unpublished outbox rows in id order and marks them published."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        tables: MessagingTables,
        publish: PublishFunc,
        *,
        batch_size: int = 100,
        idle_seconds: float = 0.5,
        retention: timedelta = timedelta(days=1),
        inbox_retention: timedelta = timedelta(days=7),
    ) -> None:
        self._sessions = sessions
        self._tables = tables
        self._publish = publish
        self._batch_size = batch_size
        self._idle_seconds = idle_seconds
        self._retention = retention
        self._inbox_retention = inbox_retention
        self._wakeup = asyncio.Event()
        self.published_total = 0

    def notify(self) -> None:
        """Wake the relay now instead of at its next poll (called after a commit that wrote rows)."""
        self._wakeup.set()

    async def publish_batch(self) -> int:
        """Claim, publish and mark one batch; return how many rows it published."""
        outbox = self._tables.outbox
        async with self._sessions() as session, session.begin():
            rows: Sequence[Any] = (
                await session.execute(
                    select(
                        outbox.c.id, outbox.c.topic, outbox.c.key, outbox.c.value, outbox.c.headers
                    )
                    .where(outbox.c.published_at.is_(None))
                    .order_by(outbox.c.id)
                    .limit(self._batch_size)
                    .with_for_update(skip_locked=True)
                )
            ).all()
            if not rows:
                return 0
            for row in rows:
                key = row.key.encode() if row.key is not None else None
                await self._publish(row.topic, key, row.value, dict(row.headers))
            await session.execute(
                update(outbox)
                .where(outbox.c.id.in_([row.id for row in rows]))
                .values(published_at=func.now())
            )
        self.published_total += len(rows)
        return len(rows)

    async def purge_published(self) -> int:
        outbox = self._tables.outbox
        async with self._sessions() as session, session.begin():
            result = await session.execute(
                delete(outbox).where(
                    outbox.c.published_at.is_not(None),
                    outbox.c.published_at < func.now() - self._retention,
                )
            )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def purge_inbox(self) -> int:
        """Forget processed event ids older than the inbox retention.

        The default, 7 days, is Kafka's default log retention: a topic cannot redeliver an event
        older than that, so its id is no longer needed.
        """
        inbox = self._tables.inbox
        async with self._sessions() as session, session.begin():
            result = await session.execute(
                delete(inbox).where(inbox.c.processed_at < func.now() - self._inbox_retention)
            )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def run(self, stop: asyncio.Event) -> None:
        """Relay until `stop` is set; errors are logged and retried after a pause."""
        last_purge = 0.0
        while not stop.is_set():
            try:
                published = await self.publish_batch()
                if time.monotonic() - last_purge > PURGE_INTERVAL_SECONDS:
                    last_purge = time.monotonic()
                    await self.purge_published()
                    await self.purge_inbox()
            except Exception:
                log.exception("outbox_relay_failed", retry_in_seconds=2)
                published = 0
                await _sleep_or_stop(stop, 2.0)
            if published:
                continue
            self._wakeup.clear()
            waiter = asyncio.ensure_future(self._wakeup.wait())
            stopper = asyncio.ensure_future(stop.wait())
            await asyncio.wait(
                {waiter, stopper}, timeout=self._idle_seconds, return_when="FIRST_COMPLETED"
            )
            waiter.cancel()
            stopper.cancel()


async def _sleep_or_stop(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
