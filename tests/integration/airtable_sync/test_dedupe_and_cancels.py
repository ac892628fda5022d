"""Remove-duplicates plans and Cancels postings through Kafka into the sandbox."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from airtable_sandbox.testing import RunningSandbox, run_sandbox
from auction_airtable_sync.domain.cancels import CANCELS_FIELDS
from auction_airtable_sync.entrypoint import build_runtime
from auction_shared.events import (
    DedupeCompleted,
    DedupeMode,
    DedupeRequested,
    Payload,
    Requester,
    TaskState,
    TaskStatus,
    VoidCompleted,
    decode,
)
from auction_shared.storage import ObjectStore
from support.kafka import produce, read_all

from .conftest import MAULE_BASE, SyncEnv, demo_seed
from .helpers import event_bytes, statuses

pytestmark = pytest.mark.integration

AUCTION = "1205"
CANCELS_TABLE = "tblae2PGrdPY3Nrky"


@pytest.fixture
def dups_sandbox() -> Iterator[RunningSandbox]:
    with run_sandbox(demo_seed(duplicates=True)) as running:
        yield running


async def run_events(
    env: SyncEnv, sandbox: RunningSandbox, topic: str, events: list[tuple[Payload, str]]
) -> list[list[TaskStatus]]:
    """Publish (payload, task id) pairs one after the other; return each task's statuses."""
    runtime = build_runtime(env.settings(sandbox))
    found = []
    async with runtime.running():
        for payload, task_id in events:
            await produce(
                env.stack["AUCTION_KAFKA_BOOTSTRAP"],
                env.prefix + topic,
                [event_bytes(payload, task_id, AUCTION)],
                key=AUCTION.encode(),
            )
            found.append(await statuses(env, task_id))
    return found


def dedupe_request(mode: DedupeMode, plan_id: str | None = None) -> DedupeRequested:
    return DedupeRequested(
        warehouse="maule",
        auction_number=AUCTION,
        target_msrp=Decimal(1000),
        mode=mode,
        plan_id=plan_id,
        requested_by=Requester(name="test"),
    )


def auctions_by_lot(sandbox: RunningSandbox) -> dict[int, list[str]]:
    sandbox.sandbox.rate_limiter.clear()
    records = sandbox.api().table(MAULE_BASE, "Inventory").all(view="Remove Dups")
    return {
        int(record["fields"]["Lot Number"]): list(record["fields"].get("Auctions", []))
        for record in records
    }


def writes(sandbox: RunningSandbox) -> list[dict[str, Any]]:
    return [e for e in sandbox.request_log()["log"] if e["method"] in ("PATCH", "POST", "PUT")]


async def test_dedupe_plan_then_apply(sync_env: SyncEnv, dups_sandbox: RunningSandbox) -> None:
    plan_task = f"plan-{uuid.uuid4().hex[:8]}"
    planned, applied, again = await run_events(
        sync_env,
        dups_sandbox,
        "dedupe.requested",
        [
            (dedupe_request(DedupeMode.PLAN), plan_task),
            (dedupe_request(DedupeMode.APPLY, plan_task), f"apply-{uuid.uuid4().hex[:8]}"),
            (dedupe_request(DedupeMode.APPLY, plan_task), f"again-{uuid.uuid4().hex[:8]}"),
        ],
    )

    # Chargers: 1 of 2 (the lower Auction Count); lamps: 3 of 6; kettles: 2 of 3.
    plan = planned[-1]
    assert plan.state is TaskState.WARNING  # $139.99 of MSRP is below the $1,000 target
    assert plan.result["plan_id"] == plan_task
    assert plan.result["msrp_total"] == "139.99"
    assert sorted(row["lot_number"] for row in plan.result["records"]) == [
        1003,
        7001,
        7002,
        7003,
        7007,
        7008,
    ]

    assert applied[-1].state is TaskState.COMPLETED
    assert applied[-1].result["records_written"] == 6
    tagged = {lot for lot, auctions in auctions_by_lot(dups_sandbox).items() if AUCTION in auctions}
    assert tagged == {1003, 7001, 7002, 7003, 7007, 7008}
    assert auctions_by_lot(dups_sandbox)[1004] == ["1200"]

    assert again[-1].state is TaskState.COMPLETED
    assert again[-1].result["records_written"] == 0
    patches = [entry for entry in writes(dups_sandbox) if entry["method"] == "PATCH"]
    assert len(patches) == 1  # the 6 updates in one batch; planning and re-applying write nothing

    records = await read_all(
        sync_env.stack["AUCTION_KAFKA_BOOTSTRAP"],
        sync_env.prefix + "dedupe.completed",
        expected=3,
    )
    completed = [decode(record.value, max_bytes=1 << 20).data for record in records]
    assert [item.mode for item in completed if isinstance(item, DedupeCompleted)] == [
        DedupeMode.PLAN,
        DedupeMode.APPLY,
        DedupeMode.APPLY,
    ]


async def test_dedupe_apply_unknown_plan(sync_env: SyncEnv, dups_sandbox: RunningSandbox) -> None:
    (task,) = await run_events(
        sync_env,
        dups_sandbox,
        "dedupe.requested",
        [(dedupe_request(DedupeMode.APPLY, "no-such-plan"), f"apply-{uuid.uuid4().hex[:8]}")],
    )
    assert task[-1].state is TaskState.ERROR
    assert "'no-such-plan'" in task[-1].message
    assert writes(dups_sandbox) == []


def voided_export(rows: int) -> bytes:
    lines = [",".join(CANCELS_FIELDS)]
    for number in range(rows):
        cells = [f"M{2000 + number}", f"12/01/2026 06:{number:02d}:00 PM", str(500 + number)]
        cells += [f"Item {number}", "5.00", "1", "5.00", "False", "9", "bidder9", "1 Main St"]
        cells += ["Ann", "Lee", "19.99", "", "New", "", "AMZ FC", "Dana", "", "555-0100"]
        cells += ["False", "Voided"]
        lines.append(",".join(cells))
    return ("\r\n".join(lines) + "\r\n").encode()


async def test_void_rows_copied_once(sync_env: SyncEnv, sandbox: RunningSandbox) -> None:
    settings = sync_env.settings(sandbox)
    store = ObjectStore(settings)
    export = await store.put_bytes(
        store.private_bucket, f"voids/{AUCTION}/{uuid.uuid4().hex}.csv", voided_export(13)
    )

    def voided(copy: bool) -> VoidCompleted:
        return VoidCompleted(
            warehouse="maule",
            event_id=AUCTION,
            voided_count=13,
            export=export,
            copy_to_cancels=copy,
        )

    first, second = await run_events(
        sync_env,
        sandbox,
        "void.completed",
        [
            (voided(True), f"void-{uuid.uuid4().hex[:8]}"),
            (voided(True), f"void-{uuid.uuid4().hex[:8]}"),
        ],
    )

    assert first[-1].state is TaskState.COMPLETED
    assert first[-1].result["cancels_copied"] == 13
    assert "bidder9" not in first[-1].message
    assert second[-1].state is TaskState.COMPLETED
    sandbox.sandbox.rate_limiter.clear()
    rows = sandbox.api().table(MAULE_BASE, CANCELS_TABLE).all()
    copied = [row for row in rows if str(row["fields"].get("Lot #", "")).startswith("M2")]
    assert len(copied) == 13
    assert copied[0]["fields"]["Price"] == 5.0
    assert len([entry for entry in writes(sandbox) if entry["method"] == "PATCH"]) == 4


async def test_void_without_copy_writes_nothing(sync_env: SyncEnv, sandbox: RunningSandbox) -> None:
    runtime = build_runtime(sync_env.settings(sandbox))
    payload = VoidCompleted(warehouse="maule", event_id=AUCTION, voided_count=0)
    async with runtime.running():
        await produce(
            sync_env.stack["AUCTION_KAFKA_BOOTSTRAP"],
            sync_env.prefix + "void.completed",
            [event_bytes(payload, "void-none", AUCTION)],
        )
        found = await statuses(sync_env, "void-none", timeout=5)
    assert found == []
    assert sandbox.request_log()["log"] == []
