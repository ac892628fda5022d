"""Rules of an inventory snapshot: the fields the formatter needs, its object key, its document."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

FIELDS_WITHOUT_IMAGES: tuple[str, ...] = (
    "Lot Number",
    "Product Name",
    "Category",
    "Condition",
    "Working Condition",
    "UPC",
    "MSRP",
    "Notes",
    "Description",
    "Location",
    "Size",
    "Shipment",
    "Clerk",
    "B00 ASIN",
    "Auction Count",
    "Auctions",
)
MAX_IMAGES = 10
IMAGE_FIELDS: tuple[str, ...] = tuple(f"Image {number}" for number in range(1, MAX_IMAGES + 1))
SNAPSHOT_FIELDS: tuple[str, ...] = FIELDS_WITHOUT_IMAGES + IMAGE_FIELDS

# Progress of a format task while airtable-sync reads the view: 0 at the start, 30 when done.
FETCH_PROGRESS_START = 0
FETCH_PROGRESS_END = 30
FETCH_STAGE = "fetching inventory"
PAGE_SHARE_LEFT = 0.85


def snapshot_key(event_id: str, task_id: str) -> str:
    """Return the private-bucket key of a format task's snapshot (the same on every retry)."""
    return f"snapshots/{event_id}/{task_id}.json"


def snapshot_document(
    *,
    warehouse: str,
    event_id: str,
    base_id: str,
    view: str,
    fetched_at: datetime,
    records: Sequence[Mapping[str, Any]],
) -> dict[str, Any]:
    """Build the snapshot JSON: the records as `{id, fields}` plus where and when they were read."""
    return {
        "warehouse": warehouse,
        "event_id": event_id,
        "base_id": base_id,
        "view": view,
        "fetched_at": fetched_at.isoformat(),
        "record_count": len(records),
        "records": [{"id": record["id"], "fields": dict(record["fields"])} for record in records],
    }


def fetch_progress(pages_read: int) -> int:
    """Return the task progress after `pages_read` pages; the total is unknown until the last page.

    Each page covers 15 % of the distance still left to FETCH_PROGRESS_END, so progress rises with
    every page of a long view (about 24 after 10 pages, 29 after 30) and never reaches the end
    before the fetch is complete.
    """
    span = FETCH_PROGRESS_END - FETCH_PROGRESS_START
    remaining = span * PAGE_SHARE_LEFT**pages_read
    return min(FETCH_PROGRESS_END - 1, FETCH_PROGRESS_END - round(remaining))


def page_substage(pages_read: int, records_read: int) -> str:
    return f"page {pages_read}, {records_read} records"


def empty_view_message(*, warehouse: str, view: str, base_id: str, table: str) -> str:
    return (
        f"No records in view {view!r} of base {base_id} (table {table!r}, warehouse {warehouse}); "
        "mark records with Status 'Send to Auction' in Airtable and request the format again."
    )
