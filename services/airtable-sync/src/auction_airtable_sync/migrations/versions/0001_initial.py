"""Create the inbox, the outbox, base slots, sync runs, lot reservations and import plans.

Revision ID: 0001
Revises:
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _schema() -> str:
    # run_migrations passes the schema to env.py, which makes it the version table's schema.
    schema = op.get_context().version_table_schema
    return str(schema or "airtable_sync")


def _now() -> sa.TextClause:
    return sa.text("now()")


def upgrade() -> None:
    schema = _schema()
    op.create_table(
        "inbox",
        sa.Column("consumer", sa.String(200), primary_key=True),
        sa.Column("event_id", sa.String(200), primary_key=True),
        sa.Column("topic", sa.String(255), nullable=False),
        sa.Column(
            "processed_at", sa.DateTime(timezone=True), nullable=False, server_default=_now()
        ),
        sa.PrimaryKeyConstraint("consumer", "event_id", name="pk_inbox"),
        schema=schema,
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("topic", sa.String(255), nullable=False),
        sa.Column("key", sa.Text, nullable=True),
        sa.Column("value", sa.LargeBinary, nullable=False),
        sa.Column("headers", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=_now()),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
        schema=schema,
    )
    op.create_index(
        "ix_outbox_unpublished",
        "outbox",
        ["id"],
        schema=schema,
        postgresql_where=sa.text("published_at IS NULL"),
    )
    op.create_table(
        "base_slots",
        sa.Column("base_id", sa.String(40), nullable=False),
        sa.Column("next_slot", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("base_id", name="pk_base_slots"),
        schema=schema,
    )
    op.create_table(
        "sync_runs",
        sa.Column("id", sa.BigInteger, autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("task_id", sa.String(200), nullable=False),
        sa.Column("warehouse", sa.String(40), nullable=False),
        sa.Column("base_id", sa.String(40), nullable=False),
        sa.Column("event_id", sa.String(40), nullable=True),
        sa.Column("record_count", sa.Integer, nullable=False),
        sa.Column("object_key", sa.Text, nullable=True),
        sa.Column("object_sha256", sa.String(64), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False, server_default=_now()),
        sa.PrimaryKeyConstraint("id", name="pk_sync_runs"),
        sa.UniqueConstraint("kind", "task_id", name="uq_sync_runs_kind_task_id"),
        schema=schema,
    )
    op.create_table(
        "lot_reservations",
        sa.Column("warehouse", sa.String(40), nullable=False),
        sa.Column("last_lot_number", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("warehouse", name="pk_lot_reservations"),
        schema=schema,
    )
    op.create_table(
        "imports",
        sa.Column("task_id", sa.String(200), nullable=False),
        sa.Column("warehouse", sa.String(40), nullable=False),
        sa.Column("base_id", sa.String(40), nullable=False),
        sa.Column("table_name", sa.String(200), nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("manifest_sha256", sa.String(64), nullable=False),
        sa.Column("unit_count", sa.Integer, nullable=False),
        sa.Column("rows_skipped", sa.Integer, nullable=False),
        sa.Column("first_lot_number", sa.BigInteger, nullable=True),
        sa.Column("last_lot_number", sa.BigInteger, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=_now()),
        sa.PrimaryKeyConstraint("task_id", name="pk_imports"),
        schema=schema,
    )
    op.create_table(
        "import_units",
        sa.Column("task_id", sa.String(200), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("batch", sa.Integer, nullable=False),
        sa.Column("source_line", sa.Integer, nullable=False),
        sa.Column("unit", sa.Integer, nullable=False),
        sa.Column("lot_number", sa.BigInteger, nullable=False),
        sa.Column("fields", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column("record_id", sa.String(40), nullable=True),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("task_id", "position", name="pk_import_units"),
        schema=schema,
    )


def downgrade() -> None:
    schema = _schema()
    for table in (
        "import_units",
        "imports",
        "lot_reservations",
        "sync_runs",
        "base_slots",
        "outbox",
        "inbox",
    ):
        op.drop_table(table, schema=schema)
