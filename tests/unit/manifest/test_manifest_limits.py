"""Whole-file limits: a small manifest must not expand into millions of records or cells."""

from __future__ import annotations

import pytest

from auction_airtable_sync.domain.manifest import (
    ImportOptions,
    ManifestError,
    read_manifest,
    sheets,
)
from auction_airtable_sync.domain.manifest.model import UnreadableManifestError

from .manifest_inputs import TARGET_HEADERS, csv_bytes, table, target_row, xlsx_bytes


def _target_manifest(rows: int, quantity: int) -> bytes:
    grid = table(
        TARGET_HEADERS,
        [target_row(**{"Item #": f"LPTG{n:07d}", "Qty": str(quantity)}) for n in range(rows)],
    )
    return csv_bytes(grid)


def test_unit_total_above_limit_rejected() -> None:
    data = _target_manifest(rows=3, quantity=4)

    with pytest.raises(ManifestError) as caught:
        read_manifest(data, "target.csv", options=ImportOptions(max_units=10))

    assert "12 units" in str(caught.value)
    assert "10" in str(caught.value)


def test_unit_total_at_limit_read() -> None:
    data = _target_manifest(rows=2, quantity=5)

    parsed = read_manifest(data, "target.csv", options=ImportOptions(max_units=10))

    assert len(parsed.records) == 10


def test_default_unit_limit_stops_amplification() -> None:
    # 2,000 rows of 500 units each: a file of about 500 KB that would make a million records.
    data = _target_manifest(rows=2_000, quantity=500)

    with pytest.raises(ManifestError, match="1000000 units"):
        read_manifest(data, "target.csv")


def test_xlsx_expanding_above_limit_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sheets, "MAX_XLSX_UNCOMPRESSED_BYTES", 1024 * 1024)
    grid = [["x"] * 200 for _ in range(500)]  # about 3 MB of sheet XML
    data = xlsx_bytes(grid)
    assert len(data) < 1024 * 1024

    with pytest.raises(UnreadableManifestError, match="expands to"):
        sheets.read_sheet(data, "bomb.xlsx", max_rows=20_000)
