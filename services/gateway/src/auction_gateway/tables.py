"""Tables of the gateway's schema: the event catalogue, the task read model, CSV versions, and
staff accounts with their sessions, API tokens and audit trail.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

from auction_shared.db import MessagingTables, service_metadata

# The schema's default name. Table names stay unqualified because each connection's search path
# selects the schema (AUCTION_DATABASE_SCHEMA), so tests can migrate a schema of their own.
DEFAULT_SCHEMA = "gateway"

metadata = service_metadata()
messaging = MessagingTables(metadata)

auction_events = Table(
    "auction_events",
    metadata,
    Column("event_id", String(40), primary_key=True),
    Column("warehouse", String(40), nullable=False),
    Column("title", String(200), nullable=False),
    Column("starts_at", DateTime(timezone=True), nullable=False),
    Column("ends_at", DateTime(timezone=True), nullable=False),
    Column("active", Boolean, nullable=False, server_default=text("true")),
    # "gateway" for events added by staff, "auction.created" for events the site bot created.
    Column("origin", String(40), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_auction_events_warehouse_starts_at", "warehouse", "starts_at"),
)

tasks = Table(
    "tasks",
    metadata,
    Column("task_id", String(200), primary_key=True),
    Column("job", String(40), nullable=False),
    Column("state", String(20), nullable=False),
    Column("progress", Integer, nullable=False, server_default=text("0")),
    Column("stage", String(100), nullable=False, server_default=""),
    Column("substage", String(200), nullable=False, server_default=""),
    Column("message", Text, nullable=False, server_default=""),
    Column("service", String(60), nullable=False, server_default=""),
    # The `sequence` of the status the row shows; 0 for the gateway's own NOT_STARTED placeholder.
    Column("sequence", BigInteger, nullable=False, server_default=text("0")),
    Column("warehouse", String(40), nullable=True),
    Column("event_id", String(200), nullable=True),
    Column("requested_by", String(100), nullable=True),
    Column("result", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("finished_at", DateTime(timezone=True), nullable=True),
    Index("ix_tasks_updated_at", "updated_at"),
    Index("ix_tasks_finished_at", "finished_at", postgresql_where=text("finished_at IS NOT NULL")),
)

task_steps = Table(
    "task_steps",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column(
        "task_id",
        String(200),
        ForeignKey(tasks.c.task_id, ondelete="CASCADE"),
        nullable=False,
    ),
    Column("sequence", BigInteger, nullable=False),
    Column("state", String(20), nullable=False),
    Column("progress", Integer, nullable=False),
    Column("stage", String(100), nullable=False),
    Column("substage", String(200), nullable=False),
    Column("message", Text, nullable=False),
    Column("service", String(60), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_task_steps_task_id_sequence", "task_id", "sequence"),
)

csv_versions = Table(
    "csv_versions",
    metadata,
    Column("event_id", String(200), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("warehouse", String(40), nullable=False),
    Column("csv", JSONB, nullable=False),
    Column("lot_count", Integer, nullable=False),
    Column("warning_count", Integer, nullable=False),
    Column("task_id", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# --- staff accounts, login sessions, API tokens and the audit trail --------------------------------

accounts = Table(
    "accounts",
    metadata,
    Column("username", String(64), primary_key=True),
    # viewer, staff, manager or admin (auction_gateway.accounts.roles.Role)
    Column("role", String(20), nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("active", Boolean, nullable=False, server_default=text("true")),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

login_sessions = Table(
    "login_sessions",
    metadata,
    # SHA-256 of the session id in the signed cookie, so a database reader cannot log in.
    Column("session_hash", String(64), primary_key=True),
    Column(
        "username",
        String(64),
        ForeignKey(accounts.c.username, ondelete="CASCADE"),
        nullable=False,
    ),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Index("ix_login_sessions_username", "username"),
    Index("ix_login_sessions_expires_at", "expires_at"),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("token_id", String(32), primary_key=True),
    Column(
        "username",
        String(64),
        ForeignKey(accounts.c.username, ondelete="CASCADE"),
        nullable=False,
    ),
    Column("name", String(100), nullable=False),
    # SHA-256 (hex) of the whole token; the token itself is shown once and never stored.
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("permissions", JSONB, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_used_at", DateTime(timezone=True), nullable=True),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
    Index("ix_api_tokens_username", "username"),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("occurred_at", DateTime(timezone=True), nullable=False),
    # A username, a system's name from `requested_by`, or "anonymous" for failed logins.
    Column("actor", String(100), nullable=False),
    Column("actor_kind", String(20), nullable=False),
    # session, token, basic or kafka
    Column("via", String(20), nullable=False),
    Column("action", String(200), nullable=False),
    Column("parameters", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("outcome", String(20), nullable=False),
    Column("status_code", Integer, nullable=True),
    Column("task_id", String(200), nullable=True),
    Column("client", String(100), nullable=True),
    Index("ix_audit_log_occurred_at", "occurred_at"),
    Index("ix_audit_log_actor_occurred_at", "actor", "occurred_at"),
    Index("ix_audit_log_action_occurred_at", "action", "occurred_at"),
)

# The completion event of a job the gateway started (`upload.completed`, `void.completed`), by
# task id, because the task's final status lacks what they carry (see outcomes.py).
job_outcomes = Table(
    "job_outcomes",
    metadata,
    Column("task_id", String(200), primary_key=True),
    Column("event_type", String(100), nullable=False),
    Column("payload", JSONB, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Index("ix_job_outcomes_recorded_at", "recorded_at"),
)
