"""Add staff accounts, login sessions, API tokens and the audit log.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = None  # unqualified: the search path selects the gateway's schema


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.text("true")),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.PrimaryKeyConstraint("username", name="pk_accounts"),
        schema=SCHEMA,
    )

    op.create_table(
        "login_sessions",
        sa.Column("session_hash", sa.String(64), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("session_hash", name="pk_login_sessions"),
        sa.ForeignKeyConstraint(
            ["username"],
            ["accounts.username"],
            name="fk_login_sessions_username_accounts",
            ondelete="CASCADE",
        ),
        schema=SCHEMA,
    )
    op.create_index("ix_login_sessions_username", "login_sessions", ["username"], schema=SCHEMA)
    op.create_index("ix_login_sessions_expires_at", "login_sessions", ["expires_at"], schema=SCHEMA)

    op.create_table(
        "api_tokens",
        sa.Column("token_id", sa.String(32), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("permissions", postgresql.JSONB, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("token_id", name="pk_api_tokens"),
        sa.UniqueConstraint("token_hash", name="uq_api_tokens_token_hash"),
        sa.ForeignKeyConstraint(
            ["username"],
            ["accounts.username"],
            name="fk_api_tokens_username_accounts",
            ondelete="CASCADE",
        ),
        schema=SCHEMA,
    )
    op.create_index("ix_api_tokens_username", "api_tokens", ["username"], schema=SCHEMA)

    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger, autoincrement=True, nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("actor_kind", sa.String(20), nullable=False),
        sa.Column("via", sa.String(20), nullable=False),
        sa.Column("action", sa.String(200), nullable=False),
        sa.Column(
            "parameters", postgresql.JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")
        ),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("status_code", sa.Integer, nullable=True),
        sa.Column("task_id", sa.String(200), nullable=True),
        sa.Column("client", sa.String(100), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
        schema=SCHEMA,
    )
    op.create_index("ix_audit_log_occurred_at", "audit_log", ["occurred_at"], schema=SCHEMA)
    op.create_index(
        "ix_audit_log_actor_occurred_at", "audit_log", ["actor", "occurred_at"], schema=SCHEMA
    )
    op.create_index(
        "ix_audit_log_action_occurred_at", "audit_log", ["action", "occurred_at"], schema=SCHEMA
    )


def downgrade() -> None:
    op.drop_table("audit_log", schema=SCHEMA)
    op.drop_table("api_tokens", schema=SCHEMA)
    op.drop_table("login_sessions", schema=SCHEMA)
    op.drop_table("accounts", schema=SCHEMA)
