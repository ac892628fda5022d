"""Applying a remove-duplicates plan survives dropped connections, a replica stopped between
batches and a 429 storm.

Each test plans first, then arms the fault, then applies: the apply writes 3 batches of 10, 10
and 5 records. Afterwards every planned record carries the auction number exactly once, and no
record outside the plan changed.
"""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from airtable_sandbox.testing import RunningSandbox, run_sandbox
from auction_airtable_sync.adapters.airtable import AirtableClient, Location
from auction_airtable_sync.entrypoint import build_runtime
from auction_airtable_sync.settings import AirtableSyncSettings
from auction_shared.events import DedupeMode, DedupeRequested, Requester, TaskState, TaskStatus
from support.kafka import produce

from .conftest import MAULE_BASE, MAULE_INVENTORY, SyncEnv, demo_seed
from .helpers import event_bytes, statuses

pytestmark = pytest.mark.integration

AUCTION = "1207"
# 12 products with 4 identical units each: ceil(4 / 2) = 2 per product. With one of the demo
# seed's two identical chargers, 25 records are planned.
PRODUCTS = 12
UNITS = 4
PLANNED = PRODUCTS * ((UNITS + 1) // 2) + 1
BATCHES = -(-PLANNED // 10)


@pytest.fixture
def dups_sandbox() -> Iterator[RunningSandbox]:
    """The demo seed plus 48 "Remove Dups" records, with Airtable's rate limit on."""
    with run_sandbox(demo_seed(empty_sahara_view=True)) as running:
        table = running.api().table(MAULE_BASE, MAULE_INVENTORY)
        table.batch_create(
            [
                {
                    "Lot Number": 8000 + product * UNITS + unit,
                    "Product Name": f"Robust item {product}",
                    "MSRP": 10,
                    "Auction Count": unit + 1,
                    "Auctions": ["1199"] if unit % 2 else [],
                    "Status": "Remove Dups",
                }
                for product in range(PRODUCTS)
                for unit in range(UNITS)
            ]
        )
        running.sandbox.rate_limiter.clear()
        running.sandbox.requests.clear()
        yield running


def dedupe_request(mode: DedupeMode, plan_id: str | None = None) -> DedupeRequested:
    return DedupeRequested(
        warehouse="maule",
        auction_number=AUCTION,
        target_msrp=Decimal(100_000),
        mode=mode,
        plan_id=plan_id,
        requested_by=Requester(name="test"),
    )


async def run_request(env: SyncEnv, request: DedupeRequested, task_id: str) -> list[TaskStatus]:
    await produce(
        env.stack["AUCTION_KAFKA_BOOTSTRAP"],
        env.prefix + "dedupe.requested",
        [event_bytes(request, task_id, AUCTION)],
        key=AUCTION.encode(),
    )
    return await statuses(env, task_id, timeout=90)


def remove_dups_records(sandbox: RunningSandbox) -> dict[str, list[str]]:
    """Return each "Remove Dups" record's `Auctions`, read past the pacer and the limiter."""
    sandbox.sandbox.rate_limiter.clear()
    records = sandbox.api().table(MAULE_BASE, MAULE_INVENTORY).all(view="Remove Dups")
    return {record["id"]: list(record["fields"].get("Auctions", [])) for record in records}


class RecordingUpdates:
    """Wrap `AirtableClient.update` to record the ids of each batch Airtable accepted.

    With `fault_after`, the sandbox's faults are armed once that many batches went through.
    With `hang_after`, the next call blocks as in a stalled process until `release` is set,
    then fails without writing.
    """

    def __init__(
        self,
        sandbox: RunningSandbox,
        fault_after: int | None = None,
        faults: list[dict[str, Any]] | None = None,
        hang_after: int | None = None,
    ) -> None:
        self.sandbox = sandbox
        self.fault_after = fault_after
        self.faults = faults or []
        self.hang_after = hang_after
        self.hung = threading.Event()
        self.release = threading.Event()
        self.accepted: list[list[str]] = []
        self.original = AirtableClient.update

    @property
    def accepted_ids(self) -> list[str]:
        return [record_id for batch in self.accepted for record_id in batch]

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        def update(
            client: AirtableClient, location: Location, records: Any, *, typecast: bool = False
        ) -> list[dict[str, Any]]:
            return self.update(client, location, records, typecast=typecast)

        monkeypatch.setattr(AirtableClient, "update", update)

    def update(
        self, client: AirtableClient, location: Location, records: Any, *, typecast: bool
    ) -> list[dict[str, Any]]:
        if self.fault_after is not None and len(self.accepted) == self.fault_after:
            self.sandbox.add_faults(*self.faults)
            self.fault_after = None
        if self.hang_after is not None and len(self.accepted) == self.hang_after:
            self.hang_after = None
            self.hung.set()
            self.release.wait(timeout=60)
            raise ConnectionError("the process was stopped before this batch was sent")
        written = self.original(client, location, records, typecast=typecast)
        self.accepted.append([record["id"] for record in written])
        return written


async def plan_then_apply(
    env: SyncEnv,
    sandbox: RunningSandbox,
    settings: AirtableSyncSettings,
    monkeypatch: pytest.MonkeyPatch,
    updates: RecordingUpdates,
) -> tuple[list[TaskStatus], list[TaskStatus], float]:
    """Plan, then apply with `updates` in place; return both tasks' statuses and the apply time."""
    plan_id = f"plan-{uuid.uuid4().hex[:8]}"
    runtime = build_runtime(settings)
    async with runtime.running():
        planned = await run_request(env, dedupe_request(DedupeMode.PLAN), plan_id)
        # The target is above the view's whole MSRP, so every eligible record is planned.
        assert planned[-1].state is TaskState.WARNING, planned[-1].message

        updates.install(monkeypatch)
        sandbox.sandbox.requests.clear()
        started = time.monotonic()
        applied = await run_request(
            env, dedupe_request(DedupeMode.APPLY, plan_id), f"apply-{uuid.uuid4().hex[:8]}"
        )
        elapsed = time.monotonic() - started
    return planned, applied, elapsed


def patch_statuses(sandbox: RunningSandbox) -> Counter[int]:
    """Count the status codes of the write requests; 0 is a dropped connection."""
    return Counter(
        entry["status"] for entry in sandbox.request_log()["log"] if entry["method"] == "PATCH"
    )


def assert_tagged_once(
    sandbox: RunningSandbox, before: dict[str, list[str]], planned: list[str]
) -> None:
    after = remove_dups_records(sandbox)
    assert set(after) == set(before)
    for record_id, auctions in after.items():
        if record_id in planned:
            assert auctions.count(AUCTION) == 1, (record_id, auctions)
            assert [value for value in auctions if value != AUCTION] == before[record_id]
        else:
            assert auctions == before[record_id], record_id


async def test_drop_after_two_batches_then_rerun(
    sync_env: SyncEnv, dups_sandbox: RunningSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The pacer retries a dropped connection twice, so 3 drops fail the handler's first
    # attempt. The consumer then runs it again on the same message, as after a redelivery.
    settings = sync_env.settings(dups_sandbox, airtable_max_retries=2)
    drop = {"kind": "drop", "count": 3, "method": "PATCH", "base": MAULE_BASE}
    updates = RecordingUpdates(dups_sandbox, fault_after=2, faults=[drop])
    before = remove_dups_records(dups_sandbox)

    planned, applied, _ = await plan_then_apply(
        sync_env, dups_sandbox, settings, monkeypatch, updates
    )

    planned_ids = [row["record_id"] for row in planned[-1].result["records"]]
    assert len(planned_ids) == PLANNED
    assert applied[-1].state is TaskState.COMPLETED, applied[-1].message
    assert applied[-1].result["records_tagged"] == PLANNED
    # The second attempt writes only what the first did not: the last 5 records.
    assert applied[-1].result["records_written"] == PLANNED - 20

    assert [len(batch) for batch in updates.accepted] == [10, 10, PLANNED - 20]
    assert sorted(updates.accepted_ids) == sorted(planned_ids)
    assert patch_statuses(dups_sandbox) == {200: BATCHES, 0: 3}
    assert_tagged_once(dups_sandbox, before, planned_ids)


async def test_429_storm_during_apply(
    sync_env: SyncEnv, dups_sandbox: RunningSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    lock_seconds = 0.5
    settings = sync_env.settings(dups_sandbox, airtable_lock_seconds=lock_seconds)
    storm = {"kind": "rate_limit", "count": 4, "method": "PATCH", "base": MAULE_BASE}
    updates = RecordingUpdates(dups_sandbox, fault_after=1, faults=[storm])
    before = remove_dups_records(dups_sandbox)

    planned, applied, elapsed = await plan_then_apply(
        sync_env, dups_sandbox, settings, monkeypatch, updates
    )

    planned_ids = [row["record_id"] for row in planned[-1].result["records"]]
    assert applied[-1].state is TaskState.COMPLETED, applied[-1].message
    assert applied[-1].result["records_written"] == PLANNED
    assert [len(batch) for batch in updates.accepted] == [10, 10, PLANNED - 20]
    assert sorted(updates.accepted_ids) == sorted(planned_ids)
    assert patch_statuses(dups_sandbox) == {200: BATCHES, 429: 4}
    assert elapsed >= 4 * lock_seconds
    assert_tagged_once(dups_sandbox, before, planned_ids)


async def test_stopped_between_batches_then_redelivered(
    sync_env: SyncEnv, dups_sandbox: RunningSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The first replica stops while its third batch hangs, so the request's offset is not
    # committed. A second replica in the same consumer group receives the request again.
    settings = sync_env.settings(dups_sandbox, shutdown_timeout_seconds=2)
    updates = RecordingUpdates(dups_sandbox, hang_after=2)
    before = remove_dups_records(dups_sandbox)
    plan_id = f"plan-{uuid.uuid4().hex[:8]}"
    apply_id = f"apply-{uuid.uuid4().hex[:8]}"

    async with build_runtime(settings).running():
        planned = await run_request(sync_env, dedupe_request(DedupeMode.PLAN), plan_id)
        updates.install(monkeypatch)
        await produce(
            sync_env.stack["AUCTION_KAFKA_BOOTSTRAP"],
            sync_env.prefix + "dedupe.requested",
            [event_bytes(dedupe_request(DedupeMode.APPLY, plan_id), apply_id, AUCTION)],
            key=AUCTION.encode(),
        )
        assert await asyncio.to_thread(updates.hung.wait, 60)
    updates.release.set()
    assert updates.accepted_ids  # two batches went through before the stop

    async with build_runtime(settings).running():
        applied = await statuses(sync_env, apply_id, timeout=90)

    planned_ids = [row["record_id"] for row in planned[-1].result["records"]]
    assert applied[-1].state is TaskState.COMPLETED, applied[-1].message
    assert applied[-1].result["records_written"] == PLANNED - 20
    assert [len(batch) for batch in updates.accepted] == [10, 10, PLANNED - 20]
    assert sorted(updates.accepted_ids) == sorted(planned_ids)
    assert patch_statuses(dups_sandbox) == {200: BATCHES}
    assert_tagged_once(dups_sandbox, before, planned_ids)


async def test_records_changed_since_plan_are_reported(
    sync_env: SyncEnv, dups_sandbox: RunningSandbox
) -> None:
    settings = sync_env.settings(dups_sandbox)
    plan_id = f"plan-{uuid.uuid4().hex[:8]}"
    runtime = build_runtime(settings)
    async with runtime.running():
        planned = await run_request(sync_env, dedupe_request(DedupeMode.PLAN), plan_id)
        planned_ids = [row["record_id"] for row in planned[-1].result["records"]]
        repriced, relisted = planned_ids[:2]
        table = dups_sandbox.api().table(MAULE_BASE, MAULE_INVENTORY)
        table.batch_update(
            [
                {"id": repriced, "fields": {"MSRP": 99}},
                {"id": relisted, "fields": {"Auction Count": 7, "Auctions": ["1201"]}},
            ]
        )
        before = remove_dups_records(dups_sandbox)

        applied = await run_request(
            sync_env, dedupe_request(DedupeMode.APPLY, plan_id), f"apply-{uuid.uuid4().hex[:8]}"
        )

    assert applied[-1].state is TaskState.WARNING
    assert "2 planned records changed in Airtable" in applied[-1].message
    assert applied[-1].result["records_changed"] == [
        {"record_id": repriced, "fields": ["MSRP"]},
        {"record_id": relisted, "fields": ["Auction Count"]},
    ]
    assert applied[-1].result["records_written"] == PLANNED - 2
    assert_tagged_once(dups_sandbox, before, planned_ids[2:])
