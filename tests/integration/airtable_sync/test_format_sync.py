"""A format request through Kafka to `inventory.fetched`, on the real stack and the sandbox."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from airtable_sandbox.testing import RunningSandbox
from auction_airtable_sync.entrypoint import build_runtime
from auction_shared.events import (
    InventoryFetched,
    TaskState,
    TaskStatus,
)
from auction_shared.storage import ObjectStore
from support.kafka import produce

from .conftest import DEMO_SEND_TO_AUCTION, MAULE_BASE, SyncEnv
from .helpers import EVENT_ID, fetched_events, format_request, statuses

pytestmark = pytest.mark.integration

GENERATED = 250


async def test_format_request_stores_snapshot(sync_env: SyncEnv, sandbox: RunningSandbox) -> None:
    settings = sync_env.settings(sandbox)
    runtime = build_runtime(settings)
    task_id = f"task-{uuid.uuid4().hex[:8]}"
    async with runtime.running():
        await produce(
            sync_env.stack["AUCTION_KAFKA_BOOTSTRAP"],
            sync_env.prefix + "format.requested",
            [format_request(task_id)],
            key=EVENT_ID.encode(),
        )
        events = await fetched_events(sync_env)

    assert len(events) == 1
    envelope = events[0]
    assert envelope.subject == EVENT_ID
    assert envelope.taskid == task_id
    fetched = envelope.data
    assert isinstance(fetched, InventoryFetched)
    assert fetched.warehouse == "maule"
    assert fetched.record_count == GENERATED + DEMO_SEND_TO_AUCTION
    assert fetched.snapshot.key == f"snapshots/{EVENT_ID}/{task_id}.json"

    snapshot = await ObjectStore(settings).get_json(fetched.snapshot)
    assert snapshot["warehouse"] == "maule"
    assert snapshot["base_id"] == MAULE_BASE
    records = snapshot["records"]
    assert len(records) == fetched.record_count
    assert len({record["id"] for record in records}) == len(records)
    first = next(record for record in records if record["fields"].get("Lot Number") == 1001)
    assert first["fields"]["Product Name"].startswith("Single-Serve Coffee Maker")
    assert first["fields"]["Image 1"][0]["url"]
    assert "Status" not in first["fields"]

    task = await statuses(sync_env, task_id, final=False)
    substages = [status.substage for status in task]
    assert "page 1, 100 records" in substages
    assert "page 3, 252 records" in substages
    assert [status.progress for status in task] == sorted(status.progress for status in task)
    assert task[-1].progress == 30
    assert task[-1].state is TaskState.IN_PROGRESS

    engine = create_async_engine(settings.database_url)
    async with engine.connect() as connection:
        row = (
            await connection.execute(
                text(f'SELECT record_count, object_key FROM "{sync_env.schema}".sync_runs')
            )
        ).one()
    await engine.dispose()
    assert row.record_count == fetched.record_count
    assert row.object_key == fetched.snapshot.key

    log = sandbox.request_log()
    list_requests = [entry for entry in log["log"] if entry["base"] == MAULE_BASE]
    assert [entry["status"] for entry in list_requests] == [200, 200, 200]
    assert "Image+10" in list_requests[0]["query"] or "Image%2010" in list_requests[0]["query"]


async def run_rejected_format(env: SyncEnv, sandbox: RunningSandbox, warehouse: str) -> TaskStatus:
    """Send a format request that should fail and return the task's last status."""
    runtime = build_runtime(env.settings(sandbox))
    task_id = f"task-{uuid.uuid4().hex[:8]}"
    async with runtime.running():
        await produce(
            env.stack["AUCTION_KAFKA_BOOTSTRAP"],
            env.prefix + "format.requested",
            [format_request(task_id, warehouse=warehouse)],
        )
        task = await statuses(env, task_id)
    return task[-1]


async def test_unknown_warehouse_rejected(sync_env: SyncEnv, sandbox: RunningSandbox) -> None:
    last = await run_rejected_format(sync_env, sandbox, "boulder")
    assert last.state is TaskState.ERROR
    assert "'boulder'" in last.message
    assert "maule, sahara" in last.message
    assert sandbox.request_log()["log"] == []


async def test_empty_view_ends_in_error(sync_env: SyncEnv, sandbox: RunningSandbox) -> None:
    last = await run_rejected_format(sync_env, sandbox, "sahara")
    assert last.state is TaskState.ERROR
    assert "No records in view" in last.message
    assert "Status 'Send to Auction'" in last.message
    assert await fetched_events(sync_env, expected=1, timeout=2) == []
