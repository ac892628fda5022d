"""The service's tables in its own schema (`airtable_sync` in production, another in tests)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

from auction_shared.db import MessagingTables, service_metadata


class Tables:
    """Every table of the service, bound to one schema."""

    def __init__(self, schema: str) -> None:
        self.schema = schema
        self.metadata: MetaData = service_metadata(schema)
        self.messaging = MessagingTables(self.metadata)

        # One row per Airtable base: the next free request slot shared by all replicas, and the
        # end of the lock after a 429.
        self.base_slots = Table(
            "base_slots",
            self.metadata,
            Column("base_id", String(40), primary_key=True),
            Column("next_slot", DateTime(timezone=True), nullable=False),
            Column("locked_until", DateTime(timezone=True), nullable=True),
        )

        # One row per finished fetch or import, written in the transaction that publishes its result.
        self.sync_runs = Table(
            "sync_runs",
            self.metadata,
            Column("id", BigInteger, primary_key=True, autoincrement=True),
            Column("kind", String(20), nullable=False),
            Column("task_id", String(200), nullable=False),
            Column("warehouse", String(40), nullable=False),
            Column("base_id", String(40), nullable=False),
            Column("event_id", String(40), nullable=True),
            Column("record_count", Integer, nullable=False),
            Column("object_key", Text, nullable=True),
            Column("object_sha256", String(64), nullable=True),
            Column("started_at", DateTime(timezone=True), nullable=False),
            Column(
                "finished_at", DateTime(timezone=True), nullable=False, server_default=func.now()
            ),
            UniqueConstraint("kind", "task_id"),
        )

        # Highest lot number handed out per warehouse, so concurrent imports never share one.
        self.lot_reservations = Table(
            "lot_reservations",
            self.metadata,
            Column("warehouse", String(40), primary_key=True),
            Column("last_lot_number", BigInteger, nullable=False),
        )

        # An inventory import's plan: written once, before any record is created, so a redelivery
        # resumes with the same lot numbers instead of planning again.
        self.imports = Table(
            "imports",
            self.metadata,
            Column("task_id", String(200), primary_key=True),
            Column("warehouse", String(40), nullable=False),
            Column("base_id", String(40), nullable=False),
            Column("table_name", String(200), nullable=False),
            Column("filename", String(255), nullable=False),
            Column("manifest_sha256", String(64), nullable=False),
            Column("unit_count", Integer, nullable=False),
            Column("rows_skipped", Integer, nullable=False),
            Column("first_lot_number", BigInteger, nullable=True),
            Column("last_lot_number", BigInteger, nullable=True),
            Column(
                "created_at", DateTime(timezone=True), nullable=False, server_default=func.now()
            ),
        )
        self.import_units = Table(
            "import_units",
            self.metadata,
            Column("task_id", String(200), primary_key=True),
            Column("position", Integer, primary_key=True),
            Column("batch", Integer, nullable=False),
            Column("source_line", Integer, nullable=False),
            Column("unit", Integer, nullable=False),
            Column("lot_number", BigInteger, nullable=False),
            Column("fields", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
            Column("record_id", String(40), nullable=True),
            Column("written_at", DateTime(timezone=True), nullable=True),
        )

        # A remove-duplicates plan: shown to staff, applied later by its id.
        self.dedupe_plans = Table(
            "dedupe_plans",
            self.metadata,
            Column("plan_id", String(100), primary_key=True),
            Column("task_id", String(200), nullable=False),
            Column("warehouse", String(40), nullable=False),
            Column("auction_number", String(40), nullable=False),
            Column("target_msrp", Numeric(12, 2), nullable=False),
            Column("msrp_total", Numeric(14, 2), nullable=False),
            Column("groups_touched", Integer, nullable=False),
            Column("tags", JSONB, nullable=False),
            Column(
                "created_at", DateTime(timezone=True), nullable=False, server_default=func.now()
            ),
            Column("applied_at", DateTime(timezone=True), nullable=True),
            Column("applied_task_id", String(200), nullable=True),
        )
