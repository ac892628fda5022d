"""Recording consumed events, following tasks live, and purging finished tasks (on fakes)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from auction_gateway.handlers import record_created_event, record_csv_version, record_status
from auction_gateway.live import ChangeSignal, follow_task
from auction_gateway.retention import purge_finished_tasks
from auction_shared.events import (
    AuctionCreated,
    AuctionFormatted,
    JobKind,
    TaskState,
    TaskStatus,
)

from .fakes import NOW, FakeDatabase, csv_ref, make_harness, task


def status(state: TaskState, sequence: int, progress: int = 50, task_id: str = "t-1") -> TaskStatus:
    return TaskStatus(
        task_id=task_id,
        job=JobKind.FORMAT,
        state=state,
        progress=progress,
        stage=f"stage-{sequence}",
        service="formatter",
        sequence=sequence,
    )


async def test_status_out_of_order_kept_in_history() -> None:
    database = FakeDatabase()
    async with database.unit_of_work()() as work:
        await work.tasks.save(task())
        assert await record_status(work.tasks, status(TaskState.COMPLETED, 30, 100), NOW)
        assert not await record_status(work.tasks, status(TaskState.IN_PROGRESS, 20), NOW)
        current = await work.tasks.get("t-1")
        steps = await work.tasks.steps("t-1")
    assert current is not None
    assert current.state == "COMPLETED"
    assert [step.sequence for step in steps] == [20, 30]


async def test_status_of_unknown_task_creates_it() -> None:
    database = FakeDatabase()
    async with database.unit_of_work()() as work:
        assert await record_status(work.tasks, status(TaskState.IN_PROGRESS, 5, task_id="t-9"), NOW)
    assert database.state.tasks["t-9"].state == "IN_PROGRESS"
    assert len(database.state.steps["t-9"]) == 1


async def test_created_event_upserted() -> None:
    database = FakeDatabase()
    payload = AuctionCreated(
        warehouse="maule", event_id="5001", title="Ending Dec 10th", starts_at=NOW, ends_at=NOW
    )
    async with database.unit_of_work()() as work:
        assert await record_created_event(work.events, payload)
        assert await record_created_event(work.events, payload)
    assert database.state.events["5001"].origin == "auction.created"


async def test_created_event_with_bad_id_skipped() -> None:
    database = FakeDatabase()
    payload = AuctionCreated(
        warehouse="maule", event_id="bad id", title="T", starts_at=NOW, ends_at=NOW
    )
    async with database.unit_of_work()() as work:
        assert not await record_created_event(work.events, payload)
    assert database.state.events == {}


async def test_formatted_version_recorded() -> None:
    database = FakeDatabase()
    payload = AuctionFormatted(
        warehouse="maule",
        event_id="4412",
        version=3,
        csv=csv_ref("4412", 3),
        lot_count=12,
        warning_count=1,
    )
    async with database.unit_of_work()() as work:
        await record_csv_version(work.versions, payload, "t-7", NOW)
        newest = await work.versions.get("4412")
    assert newest is not None
    assert (newest.version, newest.lot_count, newest.task_id) == (3, 12, "t-7")


async def test_follow_task_until_final() -> None:
    database = FakeDatabase()
    database.state.tasks["t-1"] = task()
    signal = ChangeSignal()
    updates = []

    async def produce() -> None:
        for sequence, state in ((1, TaskState.IN_PROGRESS), (2, TaskState.COMPLETED)):
            await asyncio.sleep(0.05)
            async with database.unit_of_work()() as work:
                await record_status(work.tasks, status(state, sequence), NOW)
            signal.notify()

    producer = asyncio.create_task(produce())
    async for update in follow_task(
        database.unit_of_work(), "t-1", signal, poll_seconds=5, max_seconds=30
    ):
        updates.append(update)
    await producer
    assert [update.task.state for update in updates] == ["NOT_STARTED", "IN_PROGRESS", "COMPLETED"]
    assert [len(update.new_steps) for update in updates] == [0, 1, 1]


async def test_follow_unknown_task_ends() -> None:
    database = FakeDatabase()
    updates = [
        update
        async for update in follow_task(
            database.unit_of_work(), "nope", ChangeSignal(), poll_seconds=1, max_seconds=30
        )
    ]
    assert updates == []


async def test_follow_task_stops_at_max_seconds() -> None:
    database = FakeDatabase()
    database.state.tasks["t-1"] = task(state="IN_PROGRESS")
    updates = [
        update
        async for update in follow_task(
            database.unit_of_work(), "t-1", ChangeSignal(), poll_seconds=0.02, max_seconds=0.2
        )
    ]
    assert [update.task.state for update in updates] == ["IN_PROGRESS"]


async def test_purge_removes_only_old_finished_tasks() -> None:
    harness = make_harness(task_retention_hours=24)
    state = harness.database.state
    old = NOW - timedelta(hours=25)
    state.tasks["old-done"] = task("old-done", state="COMPLETED", finished_at=old, updated_at=old)
    state.tasks["old-error"] = task("old-error", state="ERROR", finished_at=old, updated_at=old)
    state.tasks["new-done"] = task("new-done", state="WARNING", finished_at=NOW, updated_at=NOW)
    state.tasks["old-running"] = task("old-running", state="IN_PROGRESS", updated_at=old)
    assert await purge_finished_tasks(harness.gateway) == 2
    assert sorted(state.tasks) == ["new-done", "old-running"]
