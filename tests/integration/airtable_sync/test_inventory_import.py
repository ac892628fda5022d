"""Manifest imports through Kafka into the sandbox: lot numbers, batches, resumption."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import pytest
import requests

from airtable_sandbox.testing import RunningSandbox
from auction_airtable_sync.adapters.airtable import AirtableClient, Location
from auction_airtable_sync.entrypoint import build_airtable_client, build_runtime
from auction_shared.events import InventoryImported, TaskState, decode
from support.kafka import produce, read_all

from .conftest import MAULE_BASE, SyncEnv
from .helpers import amazon_manifest, import_request, inventory_records, statuses

pytestmark = pytest.mark.integration

# The sandbox fixture's Maule base: demo lots 1001-1005 plus generated lots 5000-5249.
NEXT_LOT = 5250


def imported_lots(sandbox: RunningSandbox) -> Counter[int]:
    return Counter(
        int(record["fields"]["Lot Number"])
        for record in inventory_records(sandbox)
        if str(record["fields"].get("Product Name", "")).startswith("Imported item")
    )


async def imported_events(env: SyncEnv, expected: int = 1, timeout: float = 60) -> list[Any]:
    records = await read_all(
        env.stack["AUCTION_KAFKA_BOOTSTRAP"],
        env.prefix + "inventory.imported",
        expected=expected,
        timeout=timeout,
    )
    return [decode(record.value, max_bytes=1 << 20).data for record in records]


async def run_import(
    env: SyncEnv,
    sandbox: RunningSandbox,
    manifest: bytes,
    *,
    airtable: AirtableClient | None = None,
    **options: Any,
) -> str:
    settings = env.settings(sandbox)
    runtime = build_runtime(settings, airtable=airtable)
    task_id = f"import-{uuid.uuid4().hex[:8]}"
    async with runtime.running():
        await produce(
            env.stack["AUCTION_KAFKA_BOOTSTRAP"],
            env.prefix + "inventory.import.requested",
            [await import_request(settings, task_id, manifest, **options)],
            key=b"maule",
        )
        await statuses(env, task_id, timeout=120)
    return task_id


async def test_import_creates_records_after_max_lot(
    sync_env: SyncEnv, sandbox: RunningSandbox
) -> None:
    task_id = await run_import(sync_env, sandbox, amazon_manifest(25), status="Send to Auction")

    task = await statuses(sync_env, task_id)
    assert task[-1].state is TaskState.COMPLETED
    assert task[-1].result["records_created"] == 25
    assert "batch 3 of 3" in [status.substage for status in task]
    events = await imported_events(sync_env)
    assert len(events) == 1
    imported = events[0]
    assert isinstance(imported, InventoryImported)
    assert imported.records_created == 25
    assert imported.first_lot_number == NEXT_LOT
    assert imported.last_lot_number == NEXT_LOT + 24

    lots = imported_lots(sandbox)
    assert sorted(lots) == list(range(NEXT_LOT, NEXT_LOT + 25))
    assert set(lots.values()) == {1}
    record = next(r for r in inventory_records(sandbox) if r["fields"]["Lot Number"] == NEXT_LOT)
    assert record["fields"]["Product Name"] == "Imported item 0"
    assert record["fields"]["MSRP"] == 10.5
    assert record["fields"]["Condition"] == "New"
    assert record["fields"]["Auction Count"] == 0
    assert record["fields"]["Status"] == "Send to Auction"

    writes = [e for e in sandbox.request_log()["log"] if e["method"] in ("PATCH", "POST")]
    assert len(writes) == 3


async def test_import_with_row_errors_writes_nothing(
    sync_env: SyncEnv, sandbox: RunningSandbox
) -> None:
    task_id = await run_import(sync_env, sandbox, amazon_manifest(12, bad_lines=(4, 9)))

    last = (await statuses(sync_env, task_id))[-1]
    assert last.state is TaskState.ERROR
    assert "line 4" in last.message
    assert "line 9" in last.message
    assert last.result["row_error_count"] == 2
    assert [error["line"] for error in last.result["row_errors"]] == [4, 9]
    assert sandbox.request_log()["log"] == []  # before the check below reads the table
    assert imported_lots(sandbox) == Counter()


async def test_import_skipping_bad_rows_warns(sync_env: SyncEnv, sandbox: RunningSandbox) -> None:
    task_id = await run_import(
        sync_env, sandbox, amazon_manifest(12, bad_lines=(4,)), skip_bad_rows=True
    )

    last = (await statuses(sync_env, task_id))[-1]
    assert last.state is TaskState.WARNING
    assert last.result["records_created"] == 11
    assert last.result["rows_skipped"] == 1
    assert sum(imported_lots(sandbox).values()) == 11


class LosesSecondResponse(AirtableClient):
    """Writes the second batch, then fails as if the response was lost on the way back."""

    calls = 0

    def upsert(
        self, location: Location, records: Sequence[Mapping[str, Any]], key_fields: Sequence[str]
    ) -> list[dict[str, Any]]:
        written = super().upsert(location, records, key_fields)
        type(self).calls += 1
        if type(self).calls == 2:
            raise requests.ConnectionError("connection reset after the write (test)")
        return written


async def test_import_resumes_without_duplicates(
    sync_env: SyncEnv, sandbox: RunningSandbox
) -> None:
    settings = sync_env.settings(sandbox)
    client = build_airtable_client(settings, LosesSecondResponse)
    sandbox.add_faults(
        {"kind": "server_error", "status": 503, "count": 2, "base": MAULE_BASE, "method": "PATCH"}
    )

    task_id = await run_import(sync_env, sandbox, amazon_manifest(35), airtable=client)

    last = (await statuses(sync_env, task_id))[-1]
    assert last.state is TaskState.COMPLETED
    lots = imported_lots(sandbox)
    assert sorted(lots) == list(range(NEXT_LOT, NEXT_LOT + 35))
    assert set(lots.values()) == {1}
    log = sandbox.request_log()["log"]
    writes = [entry for entry in log if entry["method"] == "PATCH"]
    # 4 batches, the second sent twice (lost response), plus the two 503s.
    assert Counter(entry["status"] for entry in writes) == {200: 5, 503: 2}
    assert len(await imported_events(sync_env)) == 1


async def test_import_with_unknown_status_rejected(
    sync_env: SyncEnv, sandbox: RunningSandbox
) -> None:
    task_id = await run_import(sync_env, sandbox, amazon_manifest(3), status="Bogus")

    last = (await statuses(sync_env, task_id))[-1]
    assert last.state is TaskState.ERROR
    assert "422" in last.message
    assert "No record was created." in last.message
    assert imported_lots(sandbox) == Counter()
