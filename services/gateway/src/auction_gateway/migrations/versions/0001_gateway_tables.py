"""Create the event catalogue, the task read model, CSV versions, and the inbox and outbox.

Revision ID: 0001
Revises:
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from auction_shared.db import create_messaging_tables, drop_messaging_tables

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = None  # unqualified: the search path selects the gateway's schema


def upgrade() -> None:
    create_messaging_tables(SCHEMA)

    op.create_table(
        "auction_events",
        sa.Column("event_id", sa.String(40), nullable=False),
        sa.Column("warehouse", sa.String(40), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.text("true")),
        sa.Column("origin", sa.String(40), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.PrimaryKeyConstraint("event_id", name="pk_auction_events"),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_auction_events_warehouse_starts_at",
        "auction_events",
        ["warehouse", "starts_at"],
        schema=SCHEMA,
    )

    op.create_table(
        "tasks",
        sa.Column("task_id", sa.String(200), nullable=False),
        sa.Column("job", sa.String(40), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("progress", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("stage", sa.String(100), nullable=False, server_default=""),
        sa.Column("substage", sa.String(200), nullable=False, server_default=""),
        sa.Column("message", sa.Text, nullable=False, server_default=""),
        sa.Column("service", sa.String(60), nullable=False, server_default=""),
        sa.Column("sequence", sa.BigInteger, nullable=False, server_default=sa.text("0")),
        sa.Column("warehouse", sa.String(40), nullable=True),
        sa.Column("event_id", sa.String(200), nullable=True),
        sa.Column("requested_by", sa.String(100), nullable=True),
        sa.Column(
            "result", postgresql.JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")
        ),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("task_id", name="pk_tasks"),
        schema=SCHEMA,
    )
    op.create_index("ix_tasks_updated_at", "tasks", ["updated_at"], schema=SCHEMA)
    op.create_index(
        "ix_tasks_finished_at",
        "tasks",
        ["finished_at"],
        schema=SCHEMA,
        postgresql_where=sa.text("finished_at IS NOT NULL"),
    )

    op.create_table(
        "task_steps",
        sa.Column("id", sa.BigInteger, autoincrement=True, nullable=False),
        sa.Column("task_id", sa.String(200), nullable=False),
        sa.Column("sequence", sa.BigInteger, nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("progress", sa.Integer, nullable=False),
        sa.Column("stage", sa.String(100), nullable=False),
        sa.Column("substage", sa.String(200), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("service", sa.String(60), nullable=False),
        sa.Column(
            "recorded_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.PrimaryKeyConstraint("id", name="pk_task_steps"),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["tasks.task_id"],
            name="fk_task_steps_task_id_tasks",
            ondelete="CASCADE",
        ),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_task_steps_task_id_sequence", "task_steps", ["task_id", "sequence"], schema=SCHEMA
    )

    op.create_table(
        "csv_versions",
        sa.Column("event_id", sa.String(200), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("warehouse", sa.String(40), nullable=False),
        sa.Column("csv", postgresql.JSONB, nullable=False),
        sa.Column("lot_count", sa.Integer, nullable=False),
        sa.Column("warning_count", sa.Integer, nullable=False),
        sa.Column("task_id", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("event_id", "version", name="pk_csv_versions"),
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_table("csv_versions", schema=SCHEMA)
    op.drop_table("task_steps", schema=SCHEMA)
    op.drop_table("tasks", schema=SCHEMA)
    op.drop_table("auction_events", schema=SCHEMA)
    drop_messaging_tables(SCHEMA)
