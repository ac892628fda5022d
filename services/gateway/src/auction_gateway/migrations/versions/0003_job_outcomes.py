"""Keep the completion events of jobs (upload and void) by task id.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = None  # unqualified: the search path selects the gateway's schema


def upgrade() -> None:
    op.create_table(
        "job_outcomes",
        sa.Column("task_id", sa.String(200), nullable=False),
        sa.Column("event_type", sa.String(100), nullable=False),
        sa.Column("payload", postgresql.JSONB, nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("task_id", name="pk_job_outcomes"),
        schema=SCHEMA,
    )
    op.create_index("ix_job_outcomes_recorded_at", "job_outcomes", ["recorded_at"], schema=SCHEMA)


def downgrade() -> None:
    op.drop_index("ix_job_outcomes_recorded_at", "job_outcomes", schema=SCHEMA)
    op.drop_table("job_outcomes", schema=SCHEMA)
