"""Add remove-duplicates plans.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _schema() -> str:
    schema = op.get_context().version_table_schema
    return str(schema or "airtable_sync")


def upgrade() -> None:
    op.create_table(
        "dedupe_plans",
        sa.Column("plan_id", sa.String(100), nullable=False),
        sa.Column("task_id", sa.String(200), nullable=False),
        sa.Column("warehouse", sa.String(40), nullable=False),
        sa.Column("auction_number", sa.String(40), nullable=False),
        sa.Column("target_msrp", sa.Numeric(12, 2), nullable=False),
        sa.Column("msrp_total", sa.Numeric(14, 2), nullable=False),
        sa.Column("groups_touched", sa.Integer, nullable=False),
        sa.Column("tags", JSONB, nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            nullable=False,
            server_default=sa.text("now()"),
        ),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("applied_task_id", sa.String(200), nullable=True),
        sa.PrimaryKeyConstraint("plan_id", name="pk_dedupe_plans"),
        schema=_schema(),
    )


def downgrade() -> None:
    op.drop_table("dedupe_plans", schema=_schema())
