"""Snapshot rules of a format request."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from auction_airtable_sync.domain import inventory


def test_snapshot_fields_cover_formatter_needs() -> None:
    fields = inventory.SNAPSHOT_FIELDS
    assert fields[:3] == ("Lot Number", "Product Name", "Category")
    assert "Auction Count" in fields
    assert "Auctions" in fields
    assert "B00 ASIN" in fields
    assert fields[-10:] == tuple(f"Image {n}" for n in range(1, 11))
    assert len(set(fields)) == len(fields) == 26


def test_snapshot_key_is_deterministic() -> None:
    assert inventory.snapshot_key("4412", "task-1") == "snapshots/4412/task-1.json"
    assert inventory.snapshot_key("4412", "task-1") == inventory.snapshot_key("4412", "task-1")


def test_snapshot_document_lists_records() -> None:
    fetched_at = datetime(2026, 12, 4, 20, 0, tzinfo=UTC)
    records = [
        {"id": "rec1", "createdTime": "2026-01-01T00:00:00.000Z", "fields": {"Lot Number": 7}},
        {"id": "rec2", "fields": {}},
    ]
    document = inventory.snapshot_document(
        warehouse="maule",
        event_id="4412",
        base_id="appAAAAAAAAAAAAAA",
        view="Send to Auction",
        fetched_at=fetched_at,
        records=records,
    )
    assert document["warehouse"] == "maule"
    assert document["event_id"] == "4412"
    assert document["fetched_at"] == "2026-12-04T20:00:00+00:00"
    assert document["record_count"] == 2
    assert document["records"] == [
        {"id": "rec1", "fields": {"Lot Number": 7}},
        {"id": "rec2", "fields": {}},
    ]


@pytest.mark.parametrize(
    ("pages", "progress"),
    [(0, 0), (1, 4), (2, 8), (5, 17), (10, 24), (20, 29), (50, 29), (500, 29)],
)
def test_fetch_progress(pages: int, progress: int) -> None:
    assert inventory.fetch_progress(pages) == progress


def test_fetch_progress_never_falls() -> None:
    values = [inventory.fetch_progress(pages) for pages in range(200)]
    assert values == sorted(values)
    assert max(values) < inventory.FETCH_PROGRESS_END


def test_page_substage() -> None:
    assert inventory.page_substage(3, 300) == "page 3, 300 records"


def test_empty_view_message_names_view_base_and_fix() -> None:
    message = inventory.empty_view_message(
        warehouse="maule", view="Send to Auction", base_id="appAAAAAAAAAAAAAA", table="Inventory"
    )
    assert "'Send to Auction'" in message
    assert "appAAAAAAAAAAAAAA" in message
    assert "Status 'Send to Auction'" in message
