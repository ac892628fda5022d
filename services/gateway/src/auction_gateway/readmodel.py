"""The task read model: the latest state of each job and its history of steps."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from auction_gateway import tables
from auction_gateway.records import FINAL_STATES, TaskRecord, TaskStep

RECENT_TASKS_LIMIT = 500


class TaskReadModel(Protocol):
    async def get(self, task_id: str, *, lock: bool = False) -> TaskRecord | None:
        """Return the task; with `lock`, hold its row until the transaction ends."""
        ...

    async def save(self, task: TaskRecord) -> None:
        """Insert the task, or replace its stored state when `task.sequence` is higher."""
        ...

    async def add_step(self, task_id: str, step: TaskStep) -> None: ...

    async def steps(self, task_id: str, *, after_sequence: int = -1) -> list[TaskStep]:
        """Return the task's steps by sequence, only those after `after_sequence`."""
        ...

    async def recent(self, since: datetime, *, limit: int = RECENT_TASKS_LIMIT) -> list[TaskRecord]:
        """Return tasks updated since `since`, newest first."""
        ...

    async def purge_finished(self, before: datetime) -> int:
        """Delete finished tasks (and their steps) that finished before `before`."""
        ...


class SqlTaskReadModel:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, task_id: str, *, lock: bool = False) -> TaskRecord | None:
        query = select(tables.tasks).where(tables.tasks.c.task_id == task_id)
        if lock:
            query = query.with_for_update()
        row = (await self._session.execute(query)).mappings().first()
        return _task_of(row) if row is not None else None

    async def save(self, task: TaskRecord) -> None:
        values = {
            "task_id": task.task_id,
            "job": task.job,
            "state": task.state,
            "progress": task.progress,
            "stage": task.stage,
            "substage": task.substage,
            "message": task.message,
            "service": task.service,
            "sequence": task.sequence,
            "warehouse": task.warehouse,
            "event_id": task.event_id,
            "requested_by": task.requested_by,
            "result": task.result,
            "created_at": task.created_at,
            "updated_at": task.updated_at,
            "finished_at": task.finished_at,
        }
        statement = insert(tables.tasks).values(**values)
        changed = {name: statement.excluded[name] for name in values if name != "task_id"}
        # The condition keeps the newest status even when two transactions race to insert the
        # same new task (both saw no row, so neither could lock it).
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=["task_id"],
                set_=changed,
                where=tables.tasks.c.sequence < statement.excluded.sequence,
            )
        )

    async def add_step(self, task_id: str, step: TaskStep) -> None:
        await self._session.execute(
            tables.task_steps.insert().values(
                task_id=task_id,
                sequence=step.sequence,
                state=step.state,
                progress=step.progress,
                stage=step.stage,
                substage=step.substage,
                message=step.message,
                service=step.service,
                recorded_at=step.recorded_at,
            )
        )

    async def steps(self, task_id: str, *, after_sequence: int = -1) -> list[TaskStep]:
        table = tables.task_steps
        rows = (
            (
                await self._session.execute(
                    select(table)
                    .where(table.c.task_id == task_id, table.c.sequence > after_sequence)
                    .order_by(table.c.sequence, table.c.id)
                )
            )
            .mappings()
            .all()
        )
        return [
            TaskStep(
                sequence=row["sequence"],
                state=row["state"],
                progress=row["progress"],
                stage=row["stage"],
                substage=row["substage"],
                message=row["message"],
                service=row["service"],
                recorded_at=row["recorded_at"],
            )
            for row in rows
        ]

    async def recent(self, since: datetime, *, limit: int = RECENT_TASKS_LIMIT) -> list[TaskRecord]:
        table = tables.tasks
        rows = (
            (
                await self._session.execute(
                    select(table)
                    .where(table.c.updated_at >= since)
                    .order_by(table.c.created_at.desc(), table.c.task_id)
                    .limit(limit)
                )
            )
            .mappings()
            .all()
        )
        return [_task_of(row) for row in rows]

    async def purge_finished(self, before: datetime) -> int:
        table = tables.tasks
        result = await self._session.execute(
            delete(table).where(
                table.c.state.in_(sorted(FINAL_STATES)),
                table.c.finished_at.is_not(None),
                table.c.finished_at < before,
            )
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _task_of(row: Any) -> TaskRecord:
    return TaskRecord(
        task_id=row["task_id"],
        job=row["job"],
        state=row["state"],
        progress=row["progress"],
        stage=row["stage"],
        substage=row["substage"],
        message=row["message"],
        service=row["service"],
        sequence=row["sequence"],
        warehouse=row["warehouse"],
        event_id=row["event_id"],
        requested_by=row["requested_by"],
        result=dict(row["result"] or {}),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        finished_at=row["finished_at"],
    )
