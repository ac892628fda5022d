"""Fixtures for the shared library's integration tests: an isolated schema and topic prefix each."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from auction_shared.db import MessagingTables, service_metadata
from auction_shared.settings import ServiceSettings
from support.kafka import isolated_topics


@pytest.fixture
async def isolated_settings(stack_env: dict[str, str]) -> AsyncIterator[ServiceSettings]:
    """Settings pointing at a fresh schema and a fresh set of prefixed topics."""
    suffix = uuid.uuid4().hex[:10]
    schema = f"test_{suffix}"
    prefix = f"test-{suffix}."
    admin_url = stack_env["AUCTION_ADMIN_DATABASE_URL"]

    metadata = service_metadata(schema)
    MessagingTables(metadata)
    engine = create_async_engine(admin_url)
    async with engine.begin() as connection:
        await connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        await connection.run_sync(metadata.create_all)

    settings = ServiceSettings(
        service_name=f"svc-{suffix}",
        kafka_bootstrap=stack_env["AUCTION_KAFKA_BOOTSTRAP"],
        database_url=admin_url,
        database_schema=schema,
        s3_endpoint=stack_env["AUCTION_S3_ENDPOINT"],
        s3_access_key=stack_env["AUCTION_S3_ACCESS_KEY"],  # type: ignore[arg-type]
        s3_secret_key=stack_env["AUCTION_S3_SECRET_KEY"],  # type: ignore[arg-type]
        topic_prefix=prefix,
        consumer_retry_backoff_seconds=0.05,
        shutdown_timeout_seconds=5,
    )
    async with isolated_topics(settings.kafka_bootstrap, prefix):
        yield settings

    async with engine.begin() as connection:
        await connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    await engine.dispose()
