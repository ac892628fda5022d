"""Purge of finished tasks once they are older than the retention window."""

from __future__ import annotations

import asyncio
import contextlib

from auction_gateway.context import Gateway
from auction_gateway.domain import retention_cutoff
from auction_shared.logging import get_logger

log = get_logger(__name__)


async def purge_finished_tasks(gateway: Gateway) -> int:
    """Delete tasks that finished before the retention window; return how many."""
    before = retention_cutoff(gateway.clock(), gateway.settings.task_retention_hours)
    async with gateway.unit_of_work() as work:
        purged = await work.tasks.purge_finished(before)
    # A job's completion event arrives when it finishes, so it goes with its task.
    await gateway.outcomes.purge(before)
    if purged:
        log.info("finished_tasks_purged", count=purged, finished_before=before.isoformat())
    return purged


async def run_purge_loop(gateway: Gateway, stop: asyncio.Event) -> None:
    """Purge every `task_purge_interval_seconds` until `stop` is set; errors are logged and retried."""
    interval = gateway.settings.task_purge_interval_seconds
    while not stop.is_set():
        try:
            await purge_finished_tasks(gateway)
        except Exception as error:
            log.warning("task_purge_failed", error=f"{type(error).__name__}: {error}"[:300])
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)
