"""Create the inbox, the outbox, event creations, CSV uploads and void runs.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from auction_shared.db import create_messaging_tables, drop_messaging_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

SCHEMA = None  # unqualified: the search path selects the service schema


def _timestamps() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
    ]


def upgrade() -> None:
    create_messaging_tables(SCHEMA)
    op.create_table(
        "event_creations",
        sa.Column("task_id", sa.String(200), primary_key=True),
        sa.Column("warehouse", sa.String(40), nullable=False),
        sa.Column("title", sa.String(80), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("event_id", sa.String(40), nullable=True),
        sa.Column("banner_key", sa.String(1024), nullable=True),
        *_timestamps(),
        schema=SCHEMA,
    )
    op.create_table(
        "csv_uploads",
        sa.Column("event_id", sa.String(40), primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("mode", sa.String(10), primary_key=True),
        sa.Column("task_id", sa.String(200), nullable=False),
        sa.Column("warehouse", sa.String(40), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("report_path", sa.String(1024), nullable=True),
        sa.Column("rows_total", sa.Integer, nullable=True),
        sa.Column("rows_succeeded", sa.Integer, nullable=True),
        sa.Column("rows_failed", sa.Integer, nullable=True),
        sa.Column("row_errors", sa.JSON, nullable=True),
        *_timestamps(),
        schema=SCHEMA,
    )
    op.create_table(
        "void_runs",
        sa.Column("task_id", sa.String(200), primary_key=True),
        sa.Column("event_id", sa.String(40), nullable=False),
        sa.Column("warehouse", sa.String(40), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("voided_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("copy_to_cancels", sa.Boolean, nullable=False),
        sa.Column("export_bucket", sa.String(63), nullable=True),
        sa.Column("export_key", sa.String(1024), nullable=True),
        sa.Column("export_sha256", sa.String(64), nullable=True),
        sa.Column("export_size", sa.Integer, nullable=True),
        *_timestamps(),
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_table("void_runs", schema=SCHEMA)
    op.drop_table("csv_uploads", schema=SCHEMA)
    op.drop_table("event_creations", schema=SCHEMA)
    drop_messaging_tables(SCHEMA)
