"""Database plumbing: async SQLAlchemy 2.0 on psycopg 3, the inbox and outbox tables, Alembic.

Each service owns one schema and one database role. Its metadata holds the service's own tables and
the inbox and outbox made by `messaging_tables`; Alembic keeps its version table in the same schema.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Index,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

SessionFactory = Callable[[], AsyncSession]


def service_metadata(schema: str) -> MetaData:
    """Return a MetaData bound to the service's schema, with constraint names Alembic can track."""
    return MetaData(
        schema=schema,
        naming_convention={
            "ix": "ix_%(table_name)s_%(column_0_N_name)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        },
    )


class MessagingTables:
    """The inbox (processed event ids per consumer group) and the outbox (events to publish)."""

    def __init__(self, metadata: MetaData) -> None:
        self.inbox = Table(
            "inbox",
            metadata,
            Column("consumer", String(200), primary_key=True),
            Column("event_id", String(200), primary_key=True),
            Column("topic", String(255), nullable=False),
            Column(
                "processed_at", DateTime(timezone=True), nullable=False, server_default=func.now()
            ),
        )
        self.outbox = Table(
            "outbox",
            metadata,
            Column("id", BigInteger, primary_key=True, autoincrement=True),
            Column("topic", String(255), nullable=False),
            Column("key", Text, nullable=True),
            Column("value", LargeBinary, nullable=False),
            Column("headers", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
            Column(
                "created_at", DateTime(timezone=True), nullable=False, server_default=func.now()
            ),
            Column("published_at", DateTime(timezone=True), nullable=True),
            Index("ix_outbox_unpublished", "id", postgresql_where=text("published_at IS NULL")),
        )


def make_engine(url: str, schema: str, *, pool_size: int = 5) -> AsyncEngine:
    """Create an engine whose connections use the service's schema as their search path."""
    return create_async_engine(
        url,
        pool_size=pool_size,
        pool_pre_ping=True,
        connect_args={"options": f"-c search_path={schema}"},
    )


def make_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


async def ping(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))


def run_migrations(migrations_dir: Path, url: str, schema: str, revision: str = "head") -> None:
    """Upgrade the service's schema with Alembic; the version table lives in that schema."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["schema"] = schema
    command.upgrade(config, revision)


def alembic_env_online(metadata: MetaData) -> None:
    """Body of a service's Alembic `env.py`: migrate online through an async engine."""
    from alembic import context

    config = context.config
    schema = config.attributes.get("schema") or metadata.schema or "public"
    url = config.get_main_option("sqlalchemy.url") or ""

    def migrate(connection: object) -> None:
        context.configure(
            connection=connection,  # type: ignore[arg-type]
            target_metadata=metadata,
            version_table_schema=schema,
            include_schemas=False,
        )
        with context.begin_transaction():
            context.run_migrations()

    async def run() -> None:
        engine = create_async_engine(url)
        async with engine.begin() as connection:
            await connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
            await connection.run_sync(migrate)
        await engine.dispose()

    asyncio.run(run())
