"""Completion events of the jobs the gateway starts, kept by task id for the task page.

`upload.completed` carries the per-row errors of an import and `void.completed` the claim check
of the voided-sales export; neither is in the final `task.status`. A void with "copy to cancels"
even gets later statuses from airtable-sync whose `result` replaces the hibid-bot's. The
gateway therefore stores each completion event's payload as it arrived, one row per task.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction_gateway import tables
from auction_gateway.live import ChangeSignal
from auction_shared.events import (
    Envelope,
    Payload,
    UploadCompleted,
    VoidCompleted,
    payload_as,
)
from auction_shared.events.envelope import utc_now
from auction_shared.messaging import HandlerContext, ServiceRuntime


class JobOutcomes(Protocol):
    async def get(self, task_id: str) -> dict[str, Any] | None:
        """Return the completion payload of the task (as JSON data), or None."""
        ...

    async def purge(self, before: datetime) -> int:
        """Delete payloads recorded before `before`; return how many."""
        ...


class MemoryJobOutcomes:
    """Outcomes in a dict: the default until the entry point wires PostgreSQL, and for tests."""

    def __init__(self) -> None:
        self.payloads: dict[str, tuple[datetime, dict[str, Any]]] = {}

    async def get(self, task_id: str) -> dict[str, Any] | None:
        found = self.payloads.get(task_id)
        return found[1] if found else None

    async def purge(self, before: datetime) -> int:
        doomed = [task_id for task_id, (when, _) in self.payloads.items() if when < before]
        for task_id in doomed:
            del self.payloads[task_id]
        return len(doomed)


class SqlJobOutcomes:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def get(self, task_id: str) -> dict[str, Any] | None:
        table = tables.job_outcomes
        async with self._sessions() as session:
            row = (
                await session.execute(select(table.c.payload).where(table.c.task_id == task_id))
            ).first()
        return dict(row[0]) if row is not None else None

    async def purge(self, before: datetime) -> int:
        table = tables.job_outcomes
        async with self._sessions() as session, session.begin():
            result = await session.execute(delete(table).where(table.c.recorded_at < before))
        return int(getattr(result, "rowcount", 0) or 0)


async def record_outcome(
    session: AsyncSession, task_id: str, event_type: str, payload: dict[str, Any], now: datetime
) -> None:
    """Store the payload for the task; a later completion of the same task replaces it."""
    statement = insert(tables.job_outcomes).values(
        task_id=task_id, event_type=event_type, payload=payload, recorded_at=now
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["task_id"],
            set_={
                "event_type": statement.excluded.event_type,
                "payload": statement.excluded.payload,
                "recorded_at": statement.excluded.recorded_at,
            },
        )
    )


class OutcomeHandlers:
    """Subscriptions to the completion events; each writes in the consumer's transaction."""

    def __init__(self, changes: ChangeSignal, clock: Callable[[], datetime] = utc_now) -> None:
        self._changes = changes
        self._clock = clock

    def subscribe(self, runtime: ServiceRuntime) -> None:
        runtime.subscribe(UploadCompleted, self.on_upload_completed)
        runtime.subscribe(VoidCompleted, self.on_void_completed)

    async def on_upload_completed(self, envelope: Envelope[Payload], ctx: HandlerContext) -> None:
        await self._record(envelope, ctx, payload_as(envelope, UploadCompleted))

    async def on_void_completed(self, envelope: Envelope[Payload], ctx: HandlerContext) -> None:
        await self._record(envelope, ctx, payload_as(envelope, VoidCompleted))

    async def _record(
        self,
        envelope: Envelope[Payload],
        ctx: HandlerContext,
        payload: UploadCompleted | VoidCompleted,
    ) -> None:
        data = payload.model_dump(mode="json")
        async with ctx.transaction() as tx:
            await record_outcome(tx.session, envelope.taskid, envelope.type, data, self._clock())
        self._changes.notify()
        ctx.log.info(
            "job_outcome_recorded",
            task_id=envelope.taskid,
            event_type=envelope.type,
            event_id=payload.event_id,
        )
