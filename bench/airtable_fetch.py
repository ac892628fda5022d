"""Fetch 5,000 records through airtable-sync's paced client from the sandbox, rate limit on.

Airtable serves 100 records per page and allows 5 requests per second per base, so 5,000
records take 50 requests and at least 10 s. The target is at most 1.1 x that floor (11 s) with
no 429. Slots are reserved in PostgreSQL, as in production, when --database-url is given (the
local stack's admin URL from .state/stack.env); otherwise in this process only.

Run: uv run python bench/airtable_fetch.py [--records 5000] [--database-url URL]
"""

from __future__ import annotations

import argparse
import os
import time
import uuid
from collections import Counter
from typing import Any

from sqlalchemy import create_engine, text

from airtable_sandbox.seed import parse_seed
from airtable_sandbox.testing import run_sandbox
from auction_airtable_sync.adapters.airtable import AirtableClient, Location
from auction_airtable_sync.adapters.pacer import (
    MemorySlotStore,
    Pacer,
    PostgresSlotStore,
    SlotStore,
)
from auction_airtable_sync.domain.inventory import SNAPSHOT_FIELDS
from auction_airtable_sync.domain.retry import RetryPolicy
from auction_airtable_sync.settings import AirtableSyncSettings

BASE = "appBenchInventory"
TABLE = "Inventory"
VIEW = "Send to Auction"
PAGE_SIZE = 100
REQUESTS_PER_SECOND = 5
TARGET_RATIO = 1.1


def bench_seed(records: int) -> dict[str, Any]:
    fields = [{"name": name, "type": "singleLineText"} for name in SNAPSHOT_FIELDS]
    for field in fields:
        if field["name"] in ("Lot Number", "Auction Count"):
            field["type"] = "number"
        elif field["name"] == "MSRP":
            field["type"] = "currency"
        elif field["name"].startswith("Image "):
            field["type"] = "multipleAttachments"
    fields.append({"name": "Status", "type": "singleLineText"})
    rows = [
        {
            "fields": {
                "Lot Number": 10_000 + number,
                "Product Name": f"Benchmark item {number} with a realistic product title",
                "Category": "Home & Kitchen",
                "Condition": "New",
                "MSRP": 10 + number % 200,
                "Notes": "Box opened" if number % 7 == 0 else "",
                "Auction Count": 1 + number % 4,
                "Status": "Send to Auction",
            }
        }
        for number in range(records)
    ]
    return {
        "settings": {"tokens": ["bench-token"], "request_log_size": 10_000},
        "bases": [
            {
                "id": BASE,
                "name": "Benchmark",
                "tables": [
                    {
                        "name": TABLE,
                        "fields": fields,
                        "views": [{"name": VIEW, "formula": "{Status} = 'Send to Auction'"}],
                        "records": rows,
                    }
                ],
            }
        ],
    }


def slot_store(database_url: str | None) -> tuple[SlotStore, str]:
    if not database_url:
        return MemorySlotStore(), "in-process"
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    engine = create_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        connection.execute(
            text(
                f'CREATE TABLE "{schema}".base_slots (base_id varchar(40) PRIMARY KEY, '
                "next_slot timestamptz NOT NULL, locked_until timestamptz)"
            )
        )
    return PostgresSlotStore(engine, schema), f"PostgreSQL (schema {schema}, dropped afterwards)"


def drop_schema(store: SlotStore) -> None:
    if isinstance(store, PostgresSlotStore):
        with store.engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{store.schema}" CASCADE'))
        store.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=5000, help="records in the view")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("AUCTION_ADMIN_DATABASE_URL"),
        help="PostgreSQL URL for the slot table (default: AUCTION_ADMIN_DATABASE_URL)",
    )
    parser.add_argument("--verbose", action="store_true", help="print each request's timing")
    arguments = parser.parse_args()
    interval = AirtableSyncSettings().airtable_request_interval_ms / 1000

    store, where = slot_store(arguments.database_url)
    try:
        with run_sandbox(parse_seed(bench_seed(arguments.records))) as sandbox:
            client = AirtableClient(
                endpoint_url=sandbox.url,
                token=sandbox.token,
                pacer=Pacer(store, interval),
                policy=RetryPolicy(),
            )
            sandbox.sandbox.requests.clear()
            started = time.perf_counter()
            fetched = sum(
                len(page)
                for page in client.iterate_records(Location(BASE, TABLE, VIEW), SNAPSHOT_FIELDS)
            )
            elapsed = time.perf_counter() - started
            log = sandbox.request_log()["log"]
            statuses = Counter(entry["status"] for entry in log)
    finally:
        drop_schema(store)

    pages = -(-arguments.records // PAGE_SIZE)
    floor = pages / REQUESTS_PER_SECOND
    print(f"slots:          {where}, {interval * 1000:.0f} ms apart")
    print(f"records:        {fetched} of {arguments.records}")
    print(f"requests:       {sum(statuses.values())} ({dict(sorted(statuses.items()))})")
    print(f"elapsed:        {elapsed:.2f} s")
    print(f"floor:          {floor:.2f} s ({pages} requests at {REQUESTS_PER_SECOND}/s)")
    print(f"ratio:          {elapsed / floor:.3f} (target at most {TARGET_RATIO})")
    ok = fetched == arguments.records and statuses.get(429, 0) == 0
    ok = ok and elapsed <= TARGET_RATIO * floor
    print("result:         " + ("PASS" if ok else "FAIL"))
    if arguments.verbose:
        first = log[0]["time"] - log[0]["duration_ms"] / 1000
        for entry in log:
            start = entry["time"] - entry["duration_ms"] / 1000 - first
            print(f"  {start:8.3f} s  {entry['status']}  {entry['duration_ms']:7.1f} ms")


if __name__ == "__main__":
    main()
