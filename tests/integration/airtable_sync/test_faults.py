"""Airtable faults slow a sync down but lose and duplicate nothing; pacing keeps replicas under the limit."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests
from prometheus_client import REGISTRY

from airtable_sandbox.config import RateLimitSettings
from airtable_sandbox.testing import RunningSandbox, run_sandbox
from auction_airtable_sync.adapters.airtable import Location
from auction_airtable_sync.domain.inventory import SNAPSHOT_FIELDS
from auction_airtable_sync.entrypoint import build_airtable_client, build_runtime
from auction_shared.events import InventoryFetched
from auction_shared.storage import ObjectStore
from support.kafka import produce

from .conftest import (
    DEMO_SEND_TO_AUCTION,
    MAULE_BASE,
    MAULE_INVENTORY,
    SyncEnv,
    demo_seed,
)
from .helpers import fetched_events, format_request, statuses

pytestmark = pytest.mark.integration

GENERATED = 250
# The demo's "Send to Auction" view of Maule.
MAULE_VIEW = "viwGbosLZA3IIT4yg"


def metric(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def test_429_storm_and_5xx_burst_slow_the_fetch(
    sync_env: SyncEnv, sandbox: RunningSandbox
) -> None:
    lock_seconds = 1.0
    settings = sync_env.settings(sandbox, airtable_lock_seconds=lock_seconds)
    sandbox.add_faults(
        {"kind": "rate_limit", "count": 3, "base": MAULE_BASE},
        {"kind": "server_error", "status": 503, "count": 2, "base": MAULE_BASE},
        {"kind": "drop", "count": 1, "base": MAULE_BASE},
    )
    rate_limited_before = metric("airtable_rate_limited_total", base=MAULE_BASE)
    runtime = build_runtime(settings)
    task_id = f"task-{uuid.uuid4().hex[:8]}"
    started = time.monotonic()
    async with runtime.running():
        await produce(
            sync_env.stack["AUCTION_KAFKA_BOOTSTRAP"],
            sync_env.prefix + "format.requested",
            [format_request(task_id)],
        )
        events = await fetched_events(sync_env, timeout=90)
        elapsed = time.monotonic() - started
        await asyncio.sleep(1)  # a second event would be published by now

    assert len(events) == 1
    fetched = events[0].data
    assert isinstance(fetched, InventoryFetched)
    assert fetched.record_count == GENERATED + DEMO_SEND_TO_AUCTION
    snapshot = await ObjectStore(settings).get_json(fetched.snapshot)
    ids = [record["id"] for record in snapshot["records"]]
    assert len(ids) == len(set(ids)) == fetched.record_count

    statuses_by_request = Counter(entry["status"] for entry in sandbox.request_log()["log"])
    assert statuses_by_request[429] == 3
    assert statuses_by_request[503] == 2
    assert statuses_by_request[200] == 3
    assert statuses_by_request[0] == 1  # the dropped connection got no response
    assert elapsed >= 3 * lock_seconds
    assert metric("airtable_rate_limited_total", base=MAULE_BASE) - rate_limited_before == 3

    task = await statuses(sync_env, task_id, final=False)
    assert task[-1].progress == 30
    assert len(await fetched_events(sync_env, expected=2, timeout=2)) == 1


def request_starts(sandbox: RunningSandbox, base: str) -> list[float]:
    """Return when each logged request to `base` reached the sandbox, in seconds, sorted."""
    log = sandbox.request_log()["log"]
    return sorted(
        entry["time"] - entry["duration_ms"] / 1000 for entry in log if entry["base"] == base
    )


def max_in_window(starts: list[float], window: float = 1.0) -> int:
    """Return the largest number of requests that started within any `window` seconds."""
    largest = 0
    for index, start in enumerate(starts):
        inside = sum(1 for other in starts[index:] if other < start + window)
        largest = max(largest, inside)
    return largest


@pytest.fixture
def large_sandbox() -> Iterator[RunningSandbox]:
    """1,000 generated Maule records in the view (11 pages with the demo records)."""
    with run_sandbox(demo_seed(extra_maule_records=1000)) as running:
        yield running


async def test_two_pacers_share_the_limit(sync_env: SyncEnv, large_sandbox: RunningSandbox) -> None:
    # 300 ms slots leave room for scheduling delays on a loaded 2-core CI machine; the test is
    # about two clients sharing one pace, not about how close to the limit the default runs.
    settings = sync_env.settings(large_sandbox, airtable_request_interval_ms=300)
    replicas = [build_airtable_client(settings), build_airtable_client(settings)]
    location = Location(MAULE_BASE, MAULE_INVENTORY, MAULE_VIEW)

    def fetch(client_index: int) -> int:
        client = replicas[client_index % 2]
        return sum(len(page) for page in client.iterate_records(location, SNAPSHOT_FIELDS))

    large_sandbox.sandbox.requests.clear()
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=4) as pool:
        counts = list(pool.map(fetch, range(4)))
    elapsed = time.monotonic() - started

    assert counts == [1000 + DEMO_SEND_TO_AUCTION] * 4
    starts = request_starts(large_sandbox, MAULE_BASE)
    statuses_seen: Counter[Any] = Counter(
        entry["status"] for entry in large_sandbox.request_log()["log"]
    )
    assert statuses_seen == {200: 44}
    assert len(starts) == 44
    assert max_in_window(starts) <= 5
    # 44 requests one interval apart need at least 43 intervals.
    assert elapsed >= 43 * settings.airtable_request_interval_ms / 1000 - 0.1


@pytest.fixture
def scaled_sandbox() -> Iterator[RunningSandbox]:
    """Airtable's limit at a tenth of its time scale: 5 requests per 0.1 s, then a 3 s lock."""
    limit = RateLimitSettings(time_scale=0.1)
    seed = demo_seed(extra_maule_records=250, empty_sahara_view=True)
    with run_sandbox(seed, rate_limit=limit) as running:
        yield running


async def test_fetch_waits_out_a_real_lock(
    sync_env: SyncEnv, scaled_sandbox: RunningSandbox
) -> None:
    settings = sync_env.settings(scaled_sandbox, airtable_lock_seconds=3.0)
    flood = scaled_sandbox.api().table(MAULE_BASE, MAULE_INVENTORY)
    for _ in range(6):  # another client overruns the limit, so the sandbox locks the base
        with contextlib.suppress(requests.HTTPError):
            flood.first()
    assert MAULE_BASE in scaled_sandbox.request_log()["locked_bases"]
    scaled_sandbox.sandbox.requests.clear()

    client = build_airtable_client(settings)
    location = Location(MAULE_BASE, MAULE_INVENTORY, MAULE_VIEW)
    started = time.monotonic()
    pages = await asyncio.to_thread(lambda: list(client.iterate_records(location, SNAPSHOT_FIELDS)))
    elapsed = time.monotonic() - started

    records = [record for page in pages for record in page]
    assert len(records) == len({record["id"] for record in records}) == 252
    statuses_seen = Counter(entry["status"] for entry in scaled_sandbox.request_log()["log"])
    assert statuses_seen == {429: 1, 200: 3}
    assert elapsed >= 2.5
