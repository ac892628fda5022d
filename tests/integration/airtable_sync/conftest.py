"""Fixtures for airtable-sync on the real stack: an isolated schema and topics, and a sandbox."""

from __future__ import annotations

import asyncio
import copy
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from airtable_sandbox.seed import Seed, parse_seed
from airtable_sandbox.testing import RunningSandbox, run_sandbox
from auction_airtable_sync.entrypoint import MIGRATIONS_DIR
from auction_airtable_sync.settings import AirtableSyncSettings
from auction_shared import topics
from auction_shared.db import run_migrations

REPO_ROOT = Path(__file__).resolve().parents[3]
DEMO_SEED = REPO_ROOT / "sandboxes/airtable/seeds/demo.yaml"
MAULE_BASE = "app8P7o3PcNfZduiu"
SAHARA_BASE = "appY1qnUDaaC7HWQl"
MAULE_INVENTORY = "tblg6d2IRW2fw6L44"
DEMO_SEND_TO_AUCTION = 2  # records of the Maule demo base with Status 'Send to Auction'


# Generated Maule records in the "Remove Dups" view: (product name, copies, MSRP).
DUPLICATE_GROUPS = (("Desk Lamp", 6, 20), ("Electric Kettle", 3, 30))


def demo_seed(
    *, extra_maule_records: int = 0, empty_sahara_view: bool = False, duplicates: bool = False
) -> Seed:
    """Return the demo seed, optionally with generated Maule records in its two views."""
    document: dict[str, Any] = copy.deepcopy(yaml.safe_load(DEMO_SEED.read_text()))
    bases = {base["id"]: base for base in document["bases"]}
    maule = next(t for t in bases[MAULE_BASE]["tables"] if t["name"] == "Inventory")
    for number in range(extra_maule_records):
        maule["records"].append(
            {
                "fields": {
                    "Lot Number": 5000 + number,
                    "Product Name": f"Generated item {number}",
                    "Category": "Home & Kitchen",
                    "Condition": "New",
                    "MSRP": 10 + number % 90,
                    "Auction Count": 1,
                    "Status": "Send to Auction",
                }
            }
        )
    if duplicates:
        lot = 7000
        for name, copies, msrp in DUPLICATE_GROUPS:
            for copy_number in range(copies):
                lot += 1
                maule["records"].append(
                    {
                        "fields": {
                            "Lot Number": lot,
                            "Product Name": name if copy_number % 2 else name.upper(),
                            "MSRP": msrp,
                            "Auction Count": copy_number + 1,
                            "Status": "Remove Dups",
                        }
                    }
                )
    if empty_sahara_view:
        for table in bases[SAHARA_BASE]["tables"]:
            for record in table.get("records") or []:
                if record["fields"].get("Status") == "Send to Auction":
                    record["fields"]["Status"] = "New"
    return parse_seed(document, DEMO_SEED.parent)


@pytest.fixture
def sandbox() -> Iterator[RunningSandbox]:
    """The demo seed plus 250 generated Maule records (3 pages), with Airtable's rate limit on."""
    with run_sandbox(demo_seed(extra_maule_records=250, empty_sahara_view=True)) as running:
        yield running


@dataclass(frozen=True)
class SyncEnv:
    stack: dict[str, str]
    suffix: str

    @property
    def schema(self) -> str:
        return f"t{self.suffix}_airtable_sync"

    @property
    def prefix(self) -> str:
        return f"ats-{self.suffix}."

    def settings(self, sandbox: RunningSandbox, **overrides: Any) -> AirtableSyncSettings:
        values: dict[str, Any] = {
            "environment": "test",
            "service_name": f"airtable-sync-{self.suffix}",
            "kafka_bootstrap": self.stack["AUCTION_KAFKA_BOOTSTRAP"],
            "database_url": self.stack["AUCTION_ADMIN_DATABASE_URL"],
            "database_schema": self.schema,
            "s3_endpoint": self.stack["AUCTION_S3_ENDPOINT"],
            "s3_access_key": self.stack["AUCTION_S3_ACCESS_KEY"],
            "s3_secret_key": self.stack["AUCTION_S3_SECRET_KEY"],
            "topic_prefix": self.prefix,
            "consumer_retry_backoff_seconds": 0.05,
            "shutdown_timeout_seconds": 5,
            "airtable_url": sandbox.url,
            "airtable_token": sandbox.token,
            "airtable_retry_backoff_seconds": 0.05,
        }
        values.update(overrides)
        return AirtableSyncSettings(**values)


@pytest.fixture
async def sync_env(stack_env: dict[str, str]) -> AsyncIterator[SyncEnv]:
    """A fresh migrated schema and a fresh set of prefixed topics for one test."""
    env = SyncEnv(stack_env, uuid.uuid4().hex[:8])
    admin_url = stack_env["AUCTION_ADMIN_DATABASE_URL"]
    await asyncio.to_thread(run_migrations, MIGRATIONS_DIR, admin_url, env.schema)
    admin = AIOKafkaAdminClient(bootstrap_servers=stack_env["AUCTION_KAFKA_BOOTSTRAP"])
    await admin.start()
    await admin.create_topics(
        [
            NewTopic(env.prefix + name, num_partitions=1, replication_factor=1)
            for name in topics.all_topics()
        ]
    )
    await admin.close()
    yield env
    engine = create_async_engine(admin_url)
    async with engine.begin() as connection:
        await connection.execute(text(f'DROP SCHEMA IF EXISTS "{env.schema}" CASCADE'))
    await engine.dispose()
