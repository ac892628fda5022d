"""The images service's tables: processed photos by source checksum, and each lot's photos."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Column, DateTime, Integer, String, Table, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from auction_shared.db import MessagingTables, service_metadata

metadata = service_metadata()
messaging = MessagingTables(metadata)

processed_photos = Table(
    "processed_photos",
    metadata,
    Column("source_sha256", String(64), primary_key=True),
    Column("key", String(1024), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("width", Integer, nullable=False),
    Column("height", Integer, nullable=False),
    Column("size", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

record_photos = Table(
    "record_photos",
    metadata,
    Column("record_id", String(64), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("key", String(1024), nullable=False),
    Column("source_sha256", String(64), nullable=False),
    Column("source_field", String(40), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)


@dataclass(frozen=True)
class KnownPhoto:
    key: str
    sha256: str
    width: int
    height: int
    size: int


async def find_processed(session: AsyncSession, source_sha256: str) -> KnownPhoto | None:
    row = (
        await session.execute(
            select(processed_photos).where(processed_photos.c.source_sha256 == source_sha256)
        )
    ).first()
    if row is None:
        return None
    return KnownPhoto(row.key, row.sha256, row.width, row.height, row.size)


async def record_processed(session: AsyncSession, source_sha256: str, photo: KnownPhoto) -> None:
    await session.execute(
        insert(processed_photos)
        .values(
            source_sha256=source_sha256,
            key=photo.key,
            sha256=photo.sha256,
            width=photo.width,
            height=photo.height,
            size=photo.size,
        )
        .on_conflict_do_nothing()
    )


async def record_lot_photos(session: AsyncSession, rows: list[dict[str, object]]) -> None:
    """Upsert each lot photo (record_id, position, key, source_sha256, source_field) in one statement."""
    if not rows:
        return
    statement = insert(record_photos).values(rows)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[record_photos.c.record_id, record_photos.c.position],
            set_={
                "key": statement.excluded.key,
                "source_sha256": statement.excluded.source_sha256,
                "source_field": statement.excluded.source_field,
                "updated_at": func.now(),
            },
        )
    )
