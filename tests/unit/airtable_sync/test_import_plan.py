"""Import plan rules: lot numbers per unit, batches of 10, progress, rejected-row results."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from auction_airtable_sync.domain import import_plan
from auction_airtable_sync.domain.manifest import InventoryRecord, RowIssue


def _records(count: int) -> list[InventoryRecord]:
    return [
        InventoryRecord(product_name=f"Item {n}", msrp=Decimal("9.99"), source_line=n + 2)
        for n in range(count)
    ]


def test_plan_units_pairs_lots_and_batches() -> None:
    units = import_plan.plan_units(_records(23), list(range(101, 124)), status=None)
    assert [unit.lot_number for unit in units] == list(range(101, 124))
    assert [unit.batch for unit in units] == [0] * 10 + [1] * 10 + [2] * 3
    assert units[0].fields["Lot Number"] == 101
    assert units[0].fields["Product Name"] == "Item 0"
    assert "Status" not in units[0].fields
    assert units[22].source_line == 24


def test_plan_units_sets_status() -> None:
    units = import_plan.plan_units(_records(1), [5], status="Send to Auction")
    assert units[0].fields["Status"] == "Send to Auction"


def test_plan_units_rejects_count_mismatch() -> None:
    with pytest.raises(ValueError, match="2 records but 1 lot numbers"):
        import_plan.plan_units(_records(2), [1], status=None)


def test_pending_batches_skip_written_units() -> None:
    units = import_plan.plan_units(_records(25), list(range(1, 26)), status=None)
    written = [
        import_plan.PlannedUnit(**{**unit.__dict__, "record_id": f"rec{unit.position}"})
        if unit.batch == 0 or unit.position == 10
        else unit
        for unit in units
    ]
    batches = import_plan.pending_batches(written)
    assert [[unit.position for unit in batch] for batch in batches] == [
        list(range(11, 20)),
        list(range(20, 25)),
    ]


def test_pending_batches_empty_when_all_written() -> None:
    units = [
        import_plan.PlannedUnit(
            position=0, batch=0, source_line=2, unit=1, lot_number=1, fields={}, record_id="rec1"
        )
    ]
    assert import_plan.pending_batches(units) == []


@pytest.mark.parametrize(("units", "batches"), [(0, 0), (1, 1), (10, 1), (11, 2), (100, 10)])
def test_batch_count(units: int, batches: int) -> None:
    assert import_plan.batch_count(units) == batches


@pytest.mark.parametrize(
    ("done", "total", "progress"),
    [(0, 10, 10), (1, 10, 18), (5, 10, 54), (10, 10, 99), (0, 0, 99), (3, 3, 99)],
)
def test_write_progress(done: int, total: int, progress: int) -> None:
    assert import_plan.write_progress(done, total) == progress


@pytest.mark.parametrize(
    ("values", "numbers", "invalid"),
    [
        ([1, 2.0, "3", " 4 "], [1, 2, 3, 4], []),
        ([None, ""], [], []),
        ([2.5, "A12", True], [], [2.5, "A12", True]),
        ([1001, "1002", 1003.0, "x"], [1001, 1002, 1003], ["x"]),
    ],
)
def test_lot_numbers_in(values: list[Any], numbers: list[int], invalid: list[Any]) -> None:
    assert import_plan.lot_numbers_in(values) == (numbers, invalid)


def test_row_error_result_caps_the_list() -> None:
    errors = [RowIssue(line=n, severity="error", message=f"bad {n}") for n in range(2, 152)]
    result = import_plan.row_error_result(errors, filename="m.csv", rows=150)
    assert result["row_error_count"] == 150
    assert len(result["row_errors"]) == import_plan.MAX_REPORTED_ROW_ERRORS
    assert result["row_errors"][0] == {"line": 2, "message": "bad 2", "column": None, "value": None}
    assert result["filename"] == "m.csv"


def test_partial_import_note() -> None:
    units = import_plan.plan_units(_records(25), list(range(301, 326)), status=None)
    assert import_plan.partial_import_note(units, 0) == "No record was created."
    note = import_plan.partial_import_note(units, 20)
    assert note.startswith("20 of 25 records were created")
    assert "(lot numbers 301-320)" in note
