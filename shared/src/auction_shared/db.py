"""Database plumbing: async SQLAlchemy 2.0 on psycopg 3, the inbox and outbox tables, Alembic.

Each service owns one schema and one database role. Table names are unqualified: every connection
sets its search path to the service's schema (`AUCTION_DATABASE_SCHEMA`), so the same metadata and
migrations serve any schema name. Alembic keeps its version table in that schema too.
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


def service_metadata(schema: str | None = None) -> MetaData:
    """Return a MetaData with constraint names Alembic can track; unqualified unless `schema`."""
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
            exists = await connection.execute(
                text("SELECT 1 FROM pg_namespace WHERE nspname = :schema"), {"schema": schema}
            )
            if exists.first() is None:
                # A service role usually cannot create schemas; the stack or an admin makes them.
                await connection.execute(text(f'CREATE SCHEMA "{schema}"'))
            await connection.execute(text(f'SET search_path TO "{schema}"'))
            await connection.run_sync(migrate)
        await engine.dispose()

    asyncio.run(run())


def create_messaging_tables(schema: str | None = None) -> None:
    """Create the inbox and outbox in a service's first Alembic revision (call from `upgrade`)."""
    from alembic import op

    op.create_table(
        "inbox",
        Column("consumer", String(200), primary_key=True),
        Column("event_id", String(200), primary_key=True),
        Column("topic", String(255), nullable=False),
        Column("processed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        schema=schema,
    )
    op.create_table(
        "outbox",
        Column("id", BigInteger, primary_key=True, autoincrement=True),
        Column("topic", String(255), nullable=False),
        Column("key", Text, nullable=True),
        Column("value", LargeBinary, nullable=False),
        Column("headers", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("published_at", DateTime(timezone=True), nullable=True),
        schema=schema,
    )
    op.create_index(
        "ix_outbox_unpublished",
        "outbox",
        ["id"],
        schema=schema,
        postgresql_where=text("published_at IS NULL"),
    )


def drop_messaging_tables(schema: str | None = None) -> None:
    from alembic import op

    op.drop_table("outbox", schema=schema)
    op.drop_table("inbox", schema=schema)
