"""Helpers of the airtable-sync integration tests: requests in, statuses and results out."""

from __future__ import annotations

import time
from typing import Any

from aiokafka import AIOKafkaConsumer

from airtable_sandbox.testing import RunningSandbox
from auction_airtable_sync.settings import AirtableSyncSettings
from auction_shared.events import (
    Envelope,
    FormatRequested,
    InventoryImportRequested,
    Payload,
    Requester,
    TaskStatus,
    decode,
    encode,
    make_envelope,
)
from auction_shared.storage import ObjectStore
from support.kafka import read_all

from .conftest import MAULE_BASE, MAULE_INVENTORY, SyncEnv

EVENT_ID = "4412"


def format_request(task_id: str, warehouse: str = "maule") -> bytes:
    payload = FormatRequested(
        warehouse=warehouse, event_id=EVENT_ID, requested_by=Requester(name="test")
    )
    return encode(make_envelope(payload, source="/test", task_id=task_id, subject=EVENT_ID))


async def statuses(
    env: SyncEnv, task_id: str, *, final: bool = True, timeout: float = 60
) -> list[TaskStatus]:
    """Read the task's statuses, in order, until the last one is final or `timeout` passes.

    With `final=False` the read stops at the first quiet second after some status arrived.
    """
    consumer = AIOKafkaConsumer(
        env.prefix + "task.status",
        bootstrap_servers=env.stack["AUCTION_KAFKA_BOOTSTRAP"],
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    found: list[TaskStatus] = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=1000)
            for record in (record for records in batch.values() for record in records):
                status = decode(record.value, max_bytes=1 << 20).data
                if isinstance(status, TaskStatus) and status.task_id == task_id:
                    found.append(status)
            found.sort(key=lambda status: status.sequence)
            if found and (found[-1].state.is_final or (not final and not batch)):
                break
    finally:
        await consumer.stop()
    return found


async def fetched_events(
    env: SyncEnv, expected: int = 1, timeout: float = 60
) -> list[Envelope[Payload]]:
    records = await read_all(
        env.stack["AUCTION_KAFKA_BOOTSTRAP"],
        env.prefix + "inventory.fetched",
        expected=expected,
        timeout=timeout,
    )
    return [decode(record.value, max_bytes=1 << 20) for record in records]


MANIFEST_HEADER = "Lot ID,ASIN,LPN,Item Description,Unit Retail,Qty,Condition,UPC\n"


def amazon_manifest(rows: int, *, bad_lines: tuple[int, ...] = ()) -> bytes:
    """Build an Amazon B-Stock manifest CSV; rows on `bad_lines` have a blank description."""
    lines = [MANIFEST_HEADER]
    for number in range(rows):
        line = number + 2
        description = "" if line in bad_lines else f"Imported item {number}"
        lines.append(
            f"L-77,B0IMPORT{number:02d},LPNIMPORT{number:04d},{description},"
            f"{10 + number}.50,1,NEW,01234567{number:04d}\n"
        )
    return "".join(lines).encode()


async def import_request(
    settings: AirtableSyncSettings,
    task_id: str,
    manifest: bytes,
    *,
    skip_bad_rows: bool = False,
    status: str | None = None,
) -> bytes:
    """Store the manifest in the private bucket and return the request event's bytes."""
    store = ObjectStore(settings)
    ref = await store.put_bytes(
        store.private_bucket, f"manifests/{task_id}.csv", manifest, "text/csv"
    )
    payload = InventoryImportRequested(
        warehouse="maule",
        manifest=ref,
        filename="pallet-77.csv",
        skip_bad_rows=skip_bad_rows,
        status=status,
        requested_by=Requester(name="test"),
    )
    return encode(make_envelope(payload, source="/test", task_id=task_id))


def inventory_records(sandbox: RunningSandbox) -> list[dict[str, Any]]:
    """Read the Maule inventory straight from the sandbox (not through the pacer).

    The rate limiter is reset first, so these checks never count against the service's requests.
    """
    sandbox.sandbox.rate_limiter.clear()
    records: list[dict[str, Any]] = sandbox.api().table(MAULE_BASE, MAULE_INVENTORY).all()
    return records


def event_bytes(payload: Payload, task_id: str, subject: str | None = None) -> bytes:
    return encode(make_envelope(payload, source="/test", task_id=task_id, subject=subject))
