"""Create the inbox, the outbox and the CSV versions.

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


def upgrade() -> None:
    create_messaging_tables(SCHEMA)
    op.create_table(
        "csv_versions",
        sa.Column("event_id", sa.String(40), primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("task_id", sa.String(200), nullable=False),
        sa.Column("warehouse", sa.String(40), nullable=False),
        sa.Column("bucket", sa.String(63), nullable=False),
        sa.Column("key", sa.String(1024), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("lot_count", sa.Integer, nullable=False),
        sa.Column("warning_count", sa.Integer, nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.UniqueConstraint("event_id", "task_id", name="uq_csv_versions_event_id_task_id"),
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_table("csv_versions", schema=SCHEMA)
    drop_messaging_tables(SCHEMA)
