"""The service's own state in PostgreSQL: sync runs, lot number reservations, import plans."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from auction_airtable_sync.adapters.tables import Tables
from auction_airtable_sync.domain.dedupe import DedupePlan, PlannedTag
from auction_airtable_sync.domain.import_plan import PlannedUnit
from auction_airtable_sync.domain.lot_numbers import assign_lot_numbers


@dataclass(frozen=True)
class ImportPlan:
    task_id: str
    warehouse: str
    base_id: str
    table: str
    rows_skipped: int
    units: tuple[PlannedUnit, ...]

    @property
    def first_lot_number(self) -> int | None:
        return min((unit.lot_number for unit in self.units), default=None)

    @property
    def last_lot_number(self) -> int | None:
        return max((unit.lot_number for unit in self.units), default=None)


@dataclass(frozen=True)
class NewImport:
    task_id: str
    warehouse: str
    base_id: str
    table: str
    filename: str
    manifest_sha256: str
    rows_skipped: int


class Repository:
    def __init__(self, tables: Tables) -> None:
        self.tables = tables

    async def record_sync_run(
        self,
        session: AsyncSession,
        *,
        kind: str,
        task_id: str,
        warehouse: str,
        base_id: str,
        record_count: int,
        started_at: datetime,
        event_id: str | None = None,
        object_key: str | None = None,
        object_sha256: str | None = None,
    ) -> None:
        """Insert the run; a second insert for the same kind and task changes nothing."""
        await session.execute(
            insert(self.tables.sync_runs)
            .values(
                kind=kind,
                task_id=task_id,
                warehouse=warehouse,
                base_id=base_id,
                event_id=event_id,
                record_count=record_count,
                object_key=object_key,
                object_sha256=object_sha256,
                started_at=started_at,
            )
            .on_conflict_do_nothing()
        )

    async def reserve_lot_numbers(
        self, session: AsyncSession, warehouse: str, existing: Sequence[int], count: int
    ) -> list[int]:
        """Hand out `count` lot numbers above Airtable's and above every earlier reservation.

        The reservation row is locked for the rest of the caller's transaction, so two imports
        into one warehouse, on any replicas, never get the same numbers.
        """
        reservations = self.tables.lot_reservations
        await session.execute(
            insert(reservations)
            .values(warehouse=warehouse, last_lot_number=0)
            .on_conflict_do_nothing()
        )
        reserved = (
            await session.execute(
                select(reservations.c.last_lot_number)
                .where(reservations.c.warehouse == warehouse)
                .with_for_update()
            )
        ).scalar_one()
        numbers = assign_lot_numbers([*existing, int(reserved)], count)
        if numbers:
            await session.execute(
                update(reservations)
                .where(reservations.c.warehouse == warehouse)
                .values(last_lot_number=numbers[-1])
            )
        return numbers

    async def save_import_plan(
        self, session: AsyncSession, new_import: NewImport, units: Sequence[PlannedUnit]
    ) -> ImportPlan:
        await session.execute(
            insert(self.tables.imports).values(
                task_id=new_import.task_id,
                warehouse=new_import.warehouse,
                base_id=new_import.base_id,
                table_name=new_import.table,
                filename=new_import.filename,
                manifest_sha256=new_import.manifest_sha256,
                unit_count=len(units),
                rows_skipped=new_import.rows_skipped,
                first_lot_number=min((unit.lot_number for unit in units), default=None),
                last_lot_number=max((unit.lot_number for unit in units), default=None),
            )
        )
        if units:
            await session.execute(
                insert(self.tables.import_units),
                [
                    {
                        "task_id": new_import.task_id,
                        "position": unit.position,
                        "batch": unit.batch,
                        "source_line": unit.source_line,
                        "unit": unit.unit,
                        "lot_number": unit.lot_number,
                        "fields": dict(unit.fields),
                    }
                    for unit in units
                ],
            )
        return ImportPlan(
            task_id=new_import.task_id,
            warehouse=new_import.warehouse,
            base_id=new_import.base_id,
            table=new_import.table,
            rows_skipped=new_import.rows_skipped,
            units=tuple(units),
        )

    async def load_import_plan(self, session: AsyncSession, task_id: str) -> ImportPlan | None:
        imports, units = self.tables.imports, self.tables.import_units
        header = (
            await session.execute(select(imports).where(imports.c.task_id == task_id))
        ).first()
        if header is None:
            return None
        rows = (
            await session.execute(
                select(units).where(units.c.task_id == task_id).order_by(units.c.position)
            )
        ).all()
        return ImportPlan(
            task_id=task_id,
            warehouse=header.warehouse,
            base_id=header.base_id,
            table=header.table_name,
            rows_skipped=header.rows_skipped,
            units=tuple(
                PlannedUnit(
                    position=row.position,
                    batch=row.batch,
                    source_line=row.source_line,
                    unit=row.unit,
                    lot_number=row.lot_number,
                    fields=row.fields,
                    record_id=row.record_id,
                )
                for row in rows
            ),
        )

    async def mark_written(
        self, session: AsyncSession, task_id: str, record_ids: Mapping[int, str]
    ) -> None:
        """Store the Airtable record id of each written unit, by lot number."""
        units = self.tables.import_units
        for lot_number, record_id in record_ids.items():
            await session.execute(
                update(units)
                .where(units.c.task_id == task_id, units.c.lot_number == lot_number)
                .values(record_id=record_id, written_at=func.now())
            )


@dataclass(frozen=True)
class StoredDedupePlan:
    plan_id: str
    task_id: str
    warehouse: str
    auction_number: str
    target_msrp: Decimal
    msrp_total: Decimal
    groups_touched: int
    tags: tuple[PlannedTag, ...]
    applied: bool


class DedupeRepository:
    """Remove-duplicates plans, kept so that staff can apply the plan they were shown."""

    def __init__(self, tables: Tables) -> None:
        self.tables = tables

    async def save_plan(
        self, session: AsyncSession, *, plan_id: str, task_id: str, warehouse: str, plan: DedupePlan
    ) -> None:
        """Store the plan; a redelivered request stores nothing new."""
        await session.execute(
            insert(self.tables.dedupe_plans)
            .values(
                plan_id=plan_id,
                task_id=task_id,
                warehouse=warehouse,
                auction_number=plan.auction_number,
                target_msrp=plan.target_msrp,
                msrp_total=plan.msrp_total,
                groups_touched=plan.groups_touched,
                tags=[
                    {
                        "record_id": tag.record_id,
                        "product_name": tag.product_name,
                        "lot_number": tag.lot_number,
                        "auction_count": tag.auction_count,
                        "msrp": str(tag.msrp),
                    }
                    for tag in plan.tags
                ],
            )
            .on_conflict_do_nothing()
        )

    async def load_plan(self, session: AsyncSession, plan_id: str) -> StoredDedupePlan | None:
        plans = self.tables.dedupe_plans
        row = (await session.execute(select(plans).where(plans.c.plan_id == plan_id))).first()
        if row is None:
            return None
        return StoredDedupePlan(
            plan_id=row.plan_id,
            task_id=row.task_id,
            warehouse=row.warehouse,
            auction_number=row.auction_number,
            target_msrp=Decimal(row.target_msrp),
            msrp_total=Decimal(row.msrp_total),
            groups_touched=row.groups_touched,
            tags=tuple(
                PlannedTag(
                    record_id=tag["record_id"],
                    product_name=tag["product_name"],
                    lot_number=tag["lot_number"],
                    auction_count=tag["auction_count"],
                    msrp=Decimal(tag["msrp"]),
                )
                for tag in row.tags
            ),
            applied=row.applied_at is not None,
        )

    async def mark_applied(self, session: AsyncSession, plan_id: str, task_id: str) -> None:
        plans = self.tables.dedupe_plans
        await session.execute(
            update(plans)
            .where(plans.c.plan_id == plan_id)
            .values(applied_at=func.now(), applied_task_id=task_id)
        )
