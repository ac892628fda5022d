"""The Alembic migrations create exactly the tables the code declares."""

from __future__ import annotations

from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.ext.asyncio import create_async_engine

from auction_airtable_sync.adapters.tables import Tables

from .conftest import SyncEnv

pytestmark = pytest.mark.integration


async def test_migrations_match_tables(sync_env: SyncEnv) -> None:
    metadata = Tables(sync_env.schema).metadata

    def compared(name: str | None, type_: str, _: Any) -> bool:
        return type_ != "schema" or name == sync_env.schema

    def differences(connection: Any) -> list[Any]:
        context = MigrationContext.configure(
            connection, opts={"include_schemas": True, "include_name": compared}
        )
        # Alembic's own version table is in the schema but not in the service's metadata.
        return [
            change
            for change in compare_metadata(context, metadata)
            if not (change[0] == "remove_table" and change[1].name == "alembic_version")
        ]

    engine = create_async_engine(sync_env.stack["AUCTION_ADMIN_DATABASE_URL"])
    async with engine.connect() as connection:
        diff = await connection.run_sync(differences)
    await engine.dispose()
    assert diff == []
