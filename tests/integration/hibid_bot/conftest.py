"""The site bot on the real stack against the auction-site sandbox, driven by real Chromium.

One bot app (one Chromium) and one sandbox serve every test of this folder, because starting
them and joining the consumer group takes most of the time. Each test resets the sandbox and its
faults and uses its own task ids, so tests do not see each other's results.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from auction_hibid_bot.entrypoint import MIGRATIONS, create_app
from auction_hibid_bot.settings import HibidBotSettings
from auction_shared import topics
from auction_shared.db import run_migrations
from auction_shared.events import Payload, Requester, TaskState, encode, make_envelope
from auction_shared.settings import ServiceSettings
from auction_shared.storage import ObjectStore
from auction_site_sandbox.testing import (
    RunningSandbox,
    create_draft_event,
    log_on,
    running_sandbox,
)
from support.kafka import produce

REQUESTER = Requester(name="hibid-bot test")
SITE_USER, SITE_PASSWORD = "admin", "sandbox-password"


@dataclass
class BotHarness:
    """The running bot app, its sandbox site and helpers to send requests and read results."""

    stack: dict[str, str]
    prefix: str
    suffix: str
    site: RunningSandbox
    api: httpx.Client
    store: ObjectStore
    consumers: dict[str, AIOKafkaConsumer] = field(default_factory=dict)
    seen: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def bootstrap(self) -> str:
        return self.stack["AUCTION_KAFKA_BOOTSTRAP"]

    def new_task(self, name: str) -> str:
        return f"{name}-{self.suffix}-{uuid.uuid4().hex[:6]}"

    def reset_site(self, faults: dict[str, Any] | None = None) -> None:
        self.api.post("/_sandbox/reset").raise_for_status()
        self.api.post("/_sandbox/faults", json=faults or {}).raise_for_status()

    def set_faults(self, faults: dict[str, Any]) -> None:
        self.api.post("/_sandbox/faults", json=faults).raise_for_status()

    def draft_event(self, title: str) -> int:
        """Create a Draft event ending in 2099 through the sandbox's form; return its id."""
        log_on(self.api, SITE_USER, SITE_PASSWORD)
        return create_draft_event(self.api, title)

    def site_state(self) -> dict[str, Any]:
        response = self.api.get("/_sandbox/state")
        response.raise_for_status()
        state: dict[str, Any] = response.json()
        return state

    async def send(self, payload: Payload, task_id: str, subject: str | None = None) -> str:
        envelope = make_envelope(payload, source="/test", task_id=task_id, subject=subject)
        await produce(
            self.bootstrap,
            self.prefix + payload.topic,
            [encode(envelope)],
            key=(subject or task_id).encode(),
        )
        return envelope.id

    async def records(
        self,
        topic: str,
        match: Callable[[dict[str, Any]], bool],
        *,
        expected: int = 1,
        timeout: float = 90,
    ) -> list[dict[str, Any]]:
        """Read `topic` until `expected` envelopes satisfy `match`; return those envelopes."""
        consumer = self.consumers.get(topic)
        if consumer is None:
            consumer = AIOKafkaConsumer(
                self.prefix + topic,
                bootstrap_servers=self.bootstrap,
                auto_offset_reset="earliest",
                enable_auto_commit=False,
            )
            await consumer.start()
            self.consumers[topic] = consumer
        seen = self.seen.setdefault(topic, [])
        deadline = time.monotonic() + timeout
        while True:
            found = [envelope for envelope in seen if match(envelope)]
            if len(found) >= expected or time.monotonic() > deadline:
                return found
            batch = await consumer.getmany(timeout_ms=500)
            for partition_records in batch.values():
                seen.extend(json.loads(record.value) for record in partition_records)

    async def final_status(self, task_id: str, timeout: float = 90) -> dict[str, Any]:
        """Return the task's final `task.status` payload (COMPLETED, WARNING or ERROR)."""
        finals = {state.value for state in TaskState if state.is_final}
        found = await self.records(
            topics.TASK_STATUS,
            lambda envelope: envelope["taskid"] == task_id and envelope["data"]["state"] in finals,
            timeout=timeout,
        )
        assert found, f"task {task_id} reached no final status within {timeout} s"
        data: dict[str, Any] = found[-1]["data"]
        return data

    async def statuses(self, task_id: str) -> list[dict[str, Any]]:
        found = await self.records(
            topics.TASK_STATUS, lambda envelope: envelope["taskid"] == task_id, timeout=0
        )
        return [envelope["data"] for envelope in found]


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSandbox]:
    with running_sandbox(tmp_path_factory.mktemp("site")) as running:
        yield running


@pytest.fixture(scope="session")
async def bot(stack_env: dict[str, str], site: RunningSandbox) -> AsyncIterator[BotHarness]:
    suffix = uuid.uuid4().hex[:8]
    prefix = f"bot-{suffix}."
    schema = f"t{suffix}_hibid_bot"
    database_url = stack_env["AUCTION_ADMIN_DATABASE_URL"]
    await asyncio.to_thread(run_migrations, Path(MIGRATIONS), database_url, schema)

    admin = AIOKafkaAdminClient(bootstrap_servers=stack_env["AUCTION_KAFKA_BOOTSTRAP"])
    await admin.start()
    await admin.create_topics(
        [
            NewTopic(prefix + name, num_partitions=1, replication_factor=1)
            for name in topics.all_topics()
        ]
    )
    await admin.close()

    common: dict[str, Any] = {
        "service_name": f"hibid-bot-{suffix}",
        "kafka_bootstrap": stack_env["AUCTION_KAFKA_BOOTSTRAP"],
        "database_url": database_url,
        "database_schema": schema,
        "s3_endpoint": stack_env["AUCTION_S3_ENDPOINT"],
        "s3_access_key": stack_env["AUCTION_S3_ACCESS_KEY"],
        "s3_secret_key": stack_env["AUCTION_S3_SECRET_KEY"],
        "topic_prefix": prefix,
        "consumer_retry_backoff_seconds": 0.05,
        "shutdown_timeout_seconds": 5,
    }
    settings = HibidBotSettings.model_validate(
        {
            **common,
            "site_base_url": site.base_url,
            "site_accounts": {
                "maule": {"username": SITE_USER, "password": SITE_PASSWORD},
                "sahara": {"username": SITE_USER, "password": SITE_PASSWORD},
            },
            "site_report_email": "reports@example.test",
            "step_retry_base_seconds": 0.1,
            "import_report_poll_seconds": 0.3,
            "action_timeout_seconds": 15,
        }
    )
    store = ObjectStore(ServiceSettings.model_validate(common))
    app = create_app(settings)
    with ExitStack() as stack:
        api = stack.enter_context(httpx.Client(base_url=site.base_url, timeout=10))
        harness = BotHarness(stack_env, prefix, suffix, site, api, store)
        async with app.router.lifespan_context(app):
            yield harness
        for consumer in harness.consumers.values():
            await consumer.stop()

    engine = create_async_engine(database_url)
    async with engine.begin() as connection:
        await connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    await engine.dispose()
