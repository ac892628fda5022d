"""The whole platform in one process: four services on the real stack (five with hibid-bot and
the auction-site sandbox), the Airtable sandbox, the gateway on a real HTTP port, and Chromium
driven by Playwright.

Every service gets its own schema and the topics get a prefix of their own, so the test runs beside
anything else on the stack.
"""

from __future__ import annotations

import asyncio
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from airtable_sandbox.seed import demo_seed_path
from airtable_sandbox.testing import RunningSandbox, run_sandbox
from auction_airtable_sync.entrypoint import build as build_airtable_sync
from auction_airtable_sync.settings import AirtableSyncSettings
from auction_formatter.entrypoint import FormatterSettings
from auction_formatter.entrypoint import create_app as create_formatter
from auction_gateway.entrypoint import create_app as create_gateway
from auction_gateway.settings import GatewaySettings
from auction_hibid_bot.entrypoint import MIGRATIONS as HIBID_BOT_MIGRATIONS
from auction_hibid_bot.entrypoint import create_app as create_hibid_bot
from auction_hibid_bot.settings import HibidBotSettings
from auction_images.entrypoint import ImagesSettings
from auction_images.entrypoint import create_app as create_images
from auction_shared.db import run_migrations
from auction_shared.telemetry import configure_telemetry
from auction_site_sandbox.testing import RunningSandbox as RunningSite
from support.kafka import isolated_topics

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--disable-background-networking", "--disable-component-update", "--disable-sync"]
DEMO_USER = "demo"
DEMO_PASSWORD = "auction-demo-dev-password"
MIGRATIONS = {
    "gateway": REPO / "services/gateway/src/auction_gateway/migrations",
    "airtable_sync": REPO / "services/airtable-sync/src/auction_airtable_sync/migrations",
    "images": REPO / "services/images/src/auction_images/migrations",
    "formatter": REPO / "services/formatter/src/auction_formatter/migrations",
}
SITE_USER, SITE_PASSWORD = "admin", "sandbox-password"

SPANS = InMemorySpanExporter()


@dataclass
class Platform:
    gateway_url: str
    airtable: RunningSandbox
    spans: InMemorySpanExporter
    prefix: str
    # Schema of each service, by the keys of MIGRATIONS (plus "hibid_bot" with a site).
    schemas: dict[str, str] = field(default_factory=dict)
    admin_url: str = ""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def airtable() -> Iterator[RunningSandbox]:
    with run_sandbox(demo_seed_path()) as sandbox:
        yield sandbox


@pytest.fixture
async def platform(stack_env: dict[str, str], airtable: RunningSandbox) -> AsyncIterator[Platform]:
    async with running_platform(stack_env, airtable) as started:
        yield started


@asynccontextmanager
async def running_platform(
    stack_env: dict[str, str],
    airtable: RunningSandbox,
    site: RunningSite | None = None,
    bot_settings: dict[str, Any] | None = None,
) -> AsyncIterator[Platform]:
    """Run gateway, airtable-sync, images and formatter, plus hibid-bot when `site` is given.

    The bot signs in to `site` as SITE_USER for both warehouses; `bot_settings` override its
    other settings (retry pauses, timeouts).
    """
    suffix = uuid.uuid4().hex[:8]
    prefix = f"e2e-{suffix}."
    admin_url = stack_env["AUCTION_ADMIN_DATABASE_URL"]
    migrations = dict(MIGRATIONS)
    if site is not None:
        migrations["hibid_bot"] = Path(HIBID_BOT_MIGRATIONS)
    schemas = {service: f"e2e{suffix}_{service}" for service in migrations}
    for service, folder in migrations.items():
        await asyncio.to_thread(run_migrations, folder, admin_url, schemas[service])
    configure_telemetry("e2e", exporter=SPANS)
    SPANS.clear()

    def common(service: str) -> dict[str, Any]:
        return {
            "environment": "development",
            "service_name": service.replace("_", "-"),
            "kafka_bootstrap": stack_env["AUCTION_KAFKA_BOOTSTRAP"],
            "database_url": admin_url,
            "database_schema": schemas[service],
            "s3_endpoint": stack_env["AUCTION_S3_ENDPOINT"],
            "s3_access_key": stack_env["AUCTION_S3_ACCESS_KEY"],
            "s3_secret_key": stack_env["AUCTION_S3_SECRET_KEY"],
            "topic_prefix": prefix,
            "shutdown_timeout_seconds": 5,
        }

    port = _free_port()
    apps: list[FastAPI] = [
        create_gateway(GatewaySettings(**common("gateway"), http_port=port)),
        build_airtable_sync(
            AirtableSyncSettings(
                **common("airtable_sync"), airtable_url=airtable.url, airtable_token=airtable.token
            )
        ),
        create_images(ImagesSettings(**common("images"), images_allowed_hosts="127.0.0.1")),
        create_formatter(FormatterSettings(**common("formatter"))),
    ]
    if site is not None:
        account = {"username": SITE_USER, "password": SITE_PASSWORD}
        bot = HibidBotSettings.model_validate(
            {
                **common("hibid_bot"),
                "site_base_url": site.base_url,
                "site_accounts": {"maule": account, "sahara": account},
                "site_report_email": "reports@example.test",
                **(bot_settings or {}),
            }
        )
        apps.append(create_hibid_bot(bot))
    gateway_server = uvicorn.Server(
        uvicorn.Config(apps[0], host="127.0.0.1", port=port, log_config=None, lifespan="off")
    )
    async with (
        isolated_topics(stack_env["AUCTION_KAFKA_BOOTSTRAP"], prefix),
        AsyncExitStack() as stack,
    ):
        for app in apps:
            await stack.enter_async_context(app.router.lifespan_context(app))
        serving = asyncio.create_task(gateway_server.serve())
        while not gateway_server.started:
            await asyncio.sleep(0.05)
        try:
            yield Platform(f"http://127.0.0.1:{port}", airtable, SPANS, prefix, schemas, admin_url)
        finally:
            gateway_server.should_exit = True
            await serving

    engine = create_async_engine(admin_url)
    async with engine.begin() as connection:
        for schema in schemas.values():
            await connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    await engine.dispose()
