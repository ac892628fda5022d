"""Fixtures for the gateway on the real stack: a migrated schema and prefixed topics per test."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from auction_gateway.migrate import migrate
from auction_gateway.settings import GatewaySettings
from support.kafka import isolated_topics

USER = "integration"
PASSWORD = "integration-password"


@dataclass(frozen=True)
class GatewayEnv:
    stack: dict[str, str]
    settings: GatewaySettings
    suffix: str

    @property
    def bootstrap(self) -> str:
        return self.settings.kafka_bootstrap

    def topic(self, name: str) -> str:
        return self.settings.topic_prefix + name


@pytest.fixture
async def gateway_env(stack_env: dict[str, str]) -> AsyncIterator[GatewayEnv]:
    suffix = uuid.uuid4().hex[:8]
    admin_url = stack_env["AUCTION_ADMIN_DATABASE_URL"]
    settings = GatewaySettings(
        environment="test",  # type: ignore[arg-type]
        service_name=f"gateway-{suffix}",
        kafka_bootstrap=stack_env["AUCTION_KAFKA_BOOTSTRAP"],
        database_url=admin_url,
        database_schema=f"t{suffix}_gateway",
        s3_endpoint=stack_env["AUCTION_S3_ENDPOINT"],
        s3_access_key=stack_env["AUCTION_S3_ACCESS_KEY"],  # type: ignore[arg-type]
        s3_secret_key=stack_env["AUCTION_S3_SECRET_KEY"],  # type: ignore[arg-type]
        topic_prefix=f"gw-{suffix}.",
        consumer_retry_backoff_seconds=0.05,
        shutdown_timeout_seconds=5,
        demo_user=USER,
        demo_password=PASSWORD,  # type: ignore[arg-type]
        session_secret="s" * 40,  # type: ignore[arg-type]
        stream_poll_seconds=0.2,
        warehouses=("maule", "sahara"),
    )
    await asyncio.to_thread(migrate, settings)
    async with isolated_topics(settings.kafka_bootstrap, settings.topic_prefix):
        yield GatewayEnv(stack_env, settings, suffix)
    engine = create_async_engine(admin_url)
    async with engine.begin() as connection:
        await connection.execute(
            text(f'DROP SCHEMA IF EXISTS "{settings.database_schema}" CASCADE')
        )
    await engine.dispose()
