"""The formatter's tables: one row per stored CSV version of an auction event."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Column, DateTime, Integer, String, Table, UniqueConstraint, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from auction_shared.db import MessagingTables, service_metadata

SCHEMA = "formatter"

metadata = service_metadata()
messaging = MessagingTables(metadata)

csv_versions = Table(
    "csv_versions",
    metadata,
    Column("event_id", String(40), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("task_id", String(200), nullable=False),
    Column("warehouse", String(40), nullable=False),
    Column("bucket", String(63), nullable=False),
    Column("key", String(1024), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("size", Integer, nullable=False),
    Column("lot_count", Integer, nullable=False),
    Column("warning_count", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    UniqueConstraint("event_id", "task_id"),
)


@dataclass(frozen=True)
class StoredVersion:
    version: int
    key: str
    sha256: str


async def version_of_task(
    session: AsyncSession, event_id: str, task_id: str
) -> StoredVersion | None:
    """Return the version a task already stored (a redelivered task reuses it)."""
    row = (
        await session.execute(
            select(csv_versions.c.version, csv_versions.c.key, csv_versions.c.sha256).where(
                csv_versions.c.event_id == event_id, csv_versions.c.task_id == task_id
            )
        )
    ).first()
    return StoredVersion(row.version, row.key, row.sha256) if row else None


async def next_version(session: AsyncSession, event_id: str) -> int:
    latest = (
        await session.execute(
            select(func.max(csv_versions.c.version)).where(csv_versions.c.event_id == event_id)
        )
    ).scalar_one()
    return int(latest or 0) + 1
