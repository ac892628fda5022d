"""Live task updates: followers poll the read model and wake early when this process records a status.

Several gateway replicas share the `task.status` partitions, so the replica that serves a stream
may not be the one that consumes the task's statuses: polling the database covers that case, and
the in-process signal only shortens the wait.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from auction_gateway.records import TaskRecord, TaskStep
from auction_gateway.repository import UnitOfWorkFactory


class ChangeSignal:
    """Wakes every waiter when any task changed in this process."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, seconds: float) -> None:
        """Return when the next change is signalled or after `seconds`."""
        event = self._event
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), timeout=seconds)


@dataclass(frozen=True)
class TaskUpdate:
    """The task's current state plus the steps recorded since the previous update."""

    task: TaskRecord
    new_steps: list[TaskStep] = field(default_factory=list)


async def follow_task(
    unit_of_work: UnitOfWorkFactory,
    task_id: str,
    signal: ChangeSignal,
    *,
    poll_seconds: float,
    max_seconds: float,
) -> AsyncIterator[TaskUpdate]:
    """Yield the task whenever it changes, starting with its current state, until it is final.

    Ends at once when the task does not exist (or was purged while being followed), and after
    `max_seconds` so a task that never finishes does not hold a stream open forever.
    """
    last_sequence: int | None = None
    last_step = -1
    deadline = asyncio.get_running_loop().time() + max_seconds
    while asyncio.get_running_loop().time() < deadline:
        async with unit_of_work() as work:
            task = await work.tasks.get(task_id)
            steps = await work.tasks.steps(task_id, after_sequence=last_step) if task else []
        if task is None:
            return
        if task.sequence != last_sequence or steps:
            last_sequence = task.sequence
            if steps:
                last_step = steps[-1].sequence
            yield TaskUpdate(task, steps)
        if task.is_final:
            return
        await signal.wait(poll_seconds)
