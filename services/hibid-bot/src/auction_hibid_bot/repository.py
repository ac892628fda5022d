"""The bot's tables: what each job did on the site, so a redelivered or resumed job never repeats it.

- `event_creations`: one row per create task; the site's event id once the event exists.
- `csv_uploads`: one row per event, CSV version, SHA-256 and mode. A real import is done at
  most once, but a validation may run again from another task.
- `void_runs`: one row per void task with its running count and the stored export.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Integer,
    String,
    Table,
    func,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncSession

from auction_shared.db import MessagingTables, service_metadata

SCHEMA = "hibid_bot"

metadata = service_metadata()
messaging = MessagingTables(metadata)

event_creations = Table(
    "event_creations",
    metadata,
    Column("task_id", String(200), primary_key=True),
    Column("warehouse", String(40), nullable=False),
    Column("title", String(80), nullable=False),
    Column("starts_at", DateTime(timezone=True), nullable=False),
    Column("ends_at", DateTime(timezone=True), nullable=False),
    Column("event_id", String(40), nullable=True),
    Column("banner_key", String(1024), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# Upload states, in order: submitting (about to press Upload CSV), started (the site accepted
# the file; its report is pending), refused ("NO ACTION HAS BEEN TAKEN"), completed.
SUBMITTING, STARTED, REFUSED, COMPLETED = "submitting", "started", "refused", "completed"

csv_uploads = Table(
    "csv_uploads",
    metadata,
    Column("event_id", String(40), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("sha256", String(64), primary_key=True),
    # "import" or "validate".
    Column("mode", String(10), primary_key=True),
    Column("task_id", String(200), nullable=False),
    Column("warehouse", String(40), nullable=False),
    Column("state", String(20), nullable=False),
    Column("file_name", String(255), nullable=False),
    Column("report_path", String(1024), nullable=True),
    Column("rows_total", Integer, nullable=True),
    Column("rows_succeeded", Integer, nullable=True),
    Column("rows_failed", Integer, nullable=True),
    Column("row_errors", JSON, nullable=True),
    Column("site_status", String(20), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

void_runs = Table(
    "void_runs",
    metadata,
    Column("task_id", String(200), primary_key=True),
    Column("event_id", String(40), nullable=False),
    Column("warehouse", String(40), nullable=False),
    Column("state", String(20), nullable=False),
    Column("voided_count", Integer, nullable=False, server_default="0"),
    Column("copy_to_cancels", Boolean, nullable=False),
    Column("export_bucket", String(63), nullable=True),
    Column("export_key", String(1024), nullable=True),
    Column("export_sha256", String(64), nullable=True),
    Column("export_size", Integer, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)


# --- event creations ------------------------------------------------------------------------------


async def creation_of_task(session: AsyncSession, task_id: str) -> RowMapping | None:
    row = await session.execute(select(event_creations).where(event_creations.c.task_id == task_id))
    return row.mappings().first()


async def record_creation_started(
    session: AsyncSession,
    *,
    task_id: str,
    warehouse: str,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
) -> None:
    await session.execute(
        insert(event_creations)
        .values(
            task_id=task_id, warehouse=warehouse, title=title, starts_at=starts_at, ends_at=ends_at
        )
        .on_conflict_do_nothing()
    )


async def record_event_created(
    session: AsyncSession, task_id: str, event_id: str, banner_key: str | None
) -> None:
    await session.execute(
        update(event_creations)
        .where(event_creations.c.task_id == task_id)
        .values(event_id=event_id, banner_key=banner_key, updated_at=func.now())
    )


# --- CSV uploads ----------------------------------------------------------------------------------


def upload_key(event_id: str, version: int, sha256: str, validate_only: bool) -> dict[str, Any]:
    return {
        "event_id": event_id,
        "version": version,
        "sha256": sha256,
        "mode": "validate" if validate_only else "import",
    }


async def upload_of(session: AsyncSession, key: dict[str, Any]) -> RowMapping | None:
    row = await session.execute(
        select(csv_uploads).where(*(csv_uploads.c[name] == value for name, value in key.items()))
    )
    return row.mappings().first()


async def start_upload(
    session: AsyncSession, key: dict[str, Any], *, task_id: str, warehouse: str, file_name: str
) -> None:
    """Record an upload as about to be submitted, replacing an earlier row of the same key."""
    values = {
        "task_id": task_id,
        "warehouse": warehouse,
        "state": SUBMITTING,
        "file_name": file_name,
        "report_path": None,
        "rows_total": None,
        "rows_succeeded": None,
        "rows_failed": None,
        "row_errors": None,
        "site_status": None,
    }
    await session.execute(
        insert(csv_uploads)
        .values(**key, **values)
        .on_conflict_do_update(index_elements=list(key), set_={**values, "updated_at": func.now()})
    )


async def update_upload(session: AsyncSession, key: dict[str, Any], **values: Any) -> None:
    await session.execute(
        update(csv_uploads)
        .where(*(csv_uploads.c[name] == value for name, value in key.items()))
        .values(**values, updated_at=func.now())
    )


# --- void runs ------------------------------------------------------------------------------------


async def void_run_of(session: AsyncSession, task_id: str) -> RowMapping | None:
    row = await session.execute(select(void_runs).where(void_runs.c.task_id == task_id))
    return row.mappings().first()


async def start_void_run(
    session: AsyncSession, *, task_id: str, event_id: str, warehouse: str, copy_to_cancels: bool
) -> None:
    await session.execute(
        insert(void_runs)
        .values(
            task_id=task_id,
            event_id=event_id,
            warehouse=warehouse,
            state="voiding",
            copy_to_cancels=copy_to_cancels,
        )
        .on_conflict_do_nothing()
    )


async def count_void(session: AsyncSession, task_id: str) -> None:
    await session.execute(
        update(void_runs)
        .where(void_runs.c.task_id == task_id)
        .values(voided_count=void_runs.c.voided_count + 1, updated_at=func.now())
    )


async def finish_void_run(session: AsyncSession, task_id: str, **values: Any) -> None:
    await session.execute(
        update(void_runs)
        .where(void_runs.c.task_id == task_id)
        .values(state="completed", **values, updated_at=func.now())
    )
