"""Storage of the gateway's state behind small interfaces, with PostgreSQL implementations.

Routes and handlers use the interfaces (`EventCatalogue`, `TaskReadModel`, `CsvVersions`) through a
unit of work, so unit tests can swap in the in-memory fakes of tests/unit/gateway.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction_gateway import tables
from auction_gateway.readmodel import SqlTaskReadModel, TaskReadModel
from auction_gateway.records import AuctionEvent, CsvVersion
from auction_shared.events import ObjectRef, Payload
from auction_shared.messaging import OutboxWriter


class EventCatalogue(Protocol):
    async def find(
        self, *, warehouse: str | None = None, active_only: bool = False
    ) -> list[AuctionEvent]:
        """Return the events, latest start first."""
        ...

    async def get(self, event_id: str) -> AuctionEvent | None: ...

    async def add(self, event: AuctionEvent) -> bool:
        """Insert a new event; return False when the id is taken."""
        ...

    async def upsert(self, event: AuctionEvent) -> None: ...

    async def set_active(self, event_id: str, active: bool) -> AuctionEvent | None:
        """Mark the event active or not; return it, or None when it is not in the catalogue."""
        ...


class CsvVersions(Protocol):
    async def record(self, version: CsvVersion) -> None: ...

    async def history(self, event_id: str) -> list[CsvVersion]:
        """Return the event's versions, newest first."""
        ...

    async def get(self, event_id: str, version: int | None = None) -> CsvVersion | None:
        """Return one version, or the newest when `version` is None."""
        ...


class UnitOfWork(Protocol):
    """One transaction over the gateway's tables and its outbox."""

    events: EventCatalogue
    tasks: TaskReadModel
    versions: CsvVersions

    async def publish(
        self, payload: Payload, *, task_id: str, key: str | None, subject: str | None
    ) -> str:
        """Add an event to the outbox; it reaches Kafka after the transaction commits."""
        ...


UnitOfWorkFactory = Callable[[], AbstractAsyncContextManager[UnitOfWork]]


class SqlEventCatalogue:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def find(
        self, *, warehouse: str | None = None, active_only: bool = False
    ) -> list[AuctionEvent]:
        table = tables.auction_events
        query = select(table).order_by(table.c.starts_at.desc(), table.c.event_id)
        if warehouse is not None:
            query = query.where(table.c.warehouse == warehouse)
        if active_only:
            query = query.where(table.c.active.is_(True))
        rows = (await self._session.execute(query)).mappings().all()
        return [_event_of(row) for row in rows]

    async def get(self, event_id: str) -> AuctionEvent | None:
        table = tables.auction_events
        row = (
            (await self._session.execute(select(table).where(table.c.event_id == event_id)))
            .mappings()
            .first()
        )
        return _event_of(row) if row is not None else None

    async def add(self, event: AuctionEvent) -> bool:
        inserted = await self._session.execute(
            insert(tables.auction_events)
            .values(**_event_values(event))
            .on_conflict_do_nothing(index_elements=["event_id"])
            .returning(tables.auction_events.c.event_id)
        )
        return inserted.first() is not None

    async def upsert(self, event: AuctionEvent) -> None:
        values = _event_values(event)
        statement = insert(tables.auction_events).values(**values)
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=["event_id"],
                set_={
                    "warehouse": statement.excluded.warehouse,
                    "title": statement.excluded.title,
                    "starts_at": statement.excluded.starts_at,
                    "ends_at": statement.excluded.ends_at,
                    "active": statement.excluded.active,
                    "updated_at": statement.excluded.updated_at,
                },
            )
        )

    async def set_active(self, event_id: str, active: bool) -> AuctionEvent | None:
        table = tables.auction_events
        row = (
            (
                await self._session.execute(
                    update(table)
                    .where(table.c.event_id == event_id)
                    .values(active=active, updated_at=func.now())
                    .returning(*table.c)
                )
            )
            .mappings()
            .first()
        )
        return _event_of(row) if row is not None else None


class SqlCsvVersions:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def record(self, version: CsvVersion) -> None:
        statement = insert(tables.csv_versions).values(
            event_id=version.event_id,
            version=version.version,
            warehouse=version.warehouse,
            csv=version.csv.model_dump(mode="json"),
            lot_count=version.lot_count,
            warning_count=version.warning_count,
            task_id=version.task_id,
            created_at=version.created_at,
        )
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=["event_id", "version"],
                set_={
                    "csv": statement.excluded.csv,
                    "lot_count": statement.excluded.lot_count,
                    "warning_count": statement.excluded.warning_count,
                    "task_id": statement.excluded.task_id,
                    "created_at": statement.excluded.created_at,
                },
            )
        )

    async def history(self, event_id: str) -> list[CsvVersion]:
        table = tables.csv_versions
        rows = (
            (
                await self._session.execute(
                    select(table)
                    .where(table.c.event_id == event_id)
                    .order_by(table.c.version.desc())
                )
            )
            .mappings()
            .all()
        )
        return [_version_of(row) for row in rows]

    async def get(self, event_id: str, version: int | None = None) -> CsvVersion | None:
        table = tables.csv_versions
        query = select(table).where(table.c.event_id == event_id)
        if version is None:
            query = query.order_by(table.c.version.desc()).limit(1)
        else:
            query = query.where(table.c.version == version)
        row = (await self._session.execute(query)).mappings().first()
        return _version_of(row) if row is not None else None


OutboxFactory = Callable[[AsyncSession, str], OutboxWriter]
"""Makes an outbox writer for a session and task id (the runtime's `outbox_writer`)."""


class SqlUnitOfWork:
    def __init__(self, session: AsyncSession, outbox: OutboxFactory) -> None:
        self.session = session
        self._outbox = outbox
        self.events: EventCatalogue = SqlEventCatalogue(session)
        self.tasks: TaskReadModel = SqlTaskReadModel(session)
        self.versions: CsvVersions = SqlCsvVersions(session)
        self.published = 0

    async def publish(
        self, payload: Payload, *, task_id: str, key: str | None, subject: str | None
    ) -> str:
        writer = self._outbox(self.session, task_id)
        event_id = await writer.publish(payload, key=key, subject=subject)
        self.published += 1
        return event_id


def sql_unit_of_work(
    sessions: async_sessionmaker[AsyncSession],
    outbox: OutboxFactory,
    on_published: Callable[[], None],
) -> UnitOfWorkFactory:
    """Return a factory of transactions; `on_published` runs after a commit that wrote events."""

    @asynccontextmanager
    async def unit_of_work() -> AsyncIterator[UnitOfWork]:
        async with sessions() as session, session.begin():
            work = SqlUnitOfWork(session, outbox)
            yield work
        if work.published:
            on_published()

    return unit_of_work


def _event_values(event: AuctionEvent) -> dict[str, Any]:
    return {
        "event_id": event.event_id,
        "warehouse": event.warehouse,
        "title": event.title,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "active": event.active,
        "origin": event.origin,
        "updated_at": func.now(),
    }


def _event_of(row: Any) -> AuctionEvent:
    return AuctionEvent(
        event_id=row["event_id"],
        warehouse=row["warehouse"],
        title=row["title"],
        starts_at=row["starts_at"],
        ends_at=row["ends_at"],
        active=row["active"],
        origin=row["origin"],
    )


def _version_of(row: Any) -> CsvVersion:
    created_at: datetime = row["created_at"]
    return CsvVersion(
        event_id=row["event_id"],
        version=row["version"],
        warehouse=row["warehouse"],
        csv=ObjectRef.model_validate(row["csv"]),
        lot_count=row["lot_count"],
        warning_count=row["warning_count"],
        task_id=row["task_id"],
        created_at=created_at,
    )
