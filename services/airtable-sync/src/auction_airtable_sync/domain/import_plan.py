"""Plan of an inventory import: which lot number each unit gets and which write batch carries it.

The plan is stored before the first write, so a redelivered or restarted import sends the same
records with the same lot numbers again. Writes are upserts matched on `Lot Number`, so a batch
that reached Airtable before a crash updates the records it created instead of duplicating them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from auction_airtable_sync.domain.manifest import InventoryRecord, RowIssue

LOT_NUMBER_FIELD = "Lot Number"
STATUS_FIELD = "Status"
# Airtable creates at most 10 records per request.
BATCH_SIZE = 10
# Row errors listed in the result of a rejected import; the message names the first 20.
MAX_REPORTED_ROW_ERRORS = 100

# Progress of an import task: reading the manifest, reading lot numbers, then writing batches.
PROGRESS_MANIFEST_READ = 5
PROGRESS_LOTS_READ = 10
PROGRESS_DONE = 100
WRITE_STAGE = "creating records"


@dataclass(frozen=True)
class PlannedUnit:
    """One record to create: its place in the import, its batch, lot number and fields."""

    position: int
    batch: int
    source_line: int
    unit: int
    lot_number: int
    fields: Mapping[str, Any]
    record_id: str | None = None

    @property
    def written(self) -> bool:
        return self.record_id is not None


def plan_units(
    records: Sequence[InventoryRecord], lot_numbers: Sequence[int], status: str | None
) -> list[PlannedUnit]:
    """Pair each record with its lot number and put them in batches of BATCH_SIZE, in file order."""
    if len(records) != len(lot_numbers):
        raise ValueError(f"{len(records)} records but {len(lot_numbers)} lot numbers")
    units: list[PlannedUnit] = []
    for position, (record, lot_number) in enumerate(zip(records, lot_numbers, strict=True)):
        fields: dict[str, Any] = dict(record.airtable_fields(lot_number))
        if status:
            fields[STATUS_FIELD] = status
        units.append(
            PlannedUnit(
                position=position,
                batch=position // BATCH_SIZE,
                source_line=record.source_line,
                unit=record.unit,
                lot_number=lot_number,
                fields=fields,
            )
        )
    return units


def pending_batches(units: Iterable[PlannedUnit]) -> list[list[PlannedUnit]]:
    """Group the units not written yet by batch, in batch order."""
    batches: dict[int, list[PlannedUnit]] = {}
    for unit in sorted(units, key=lambda item: item.position):
        if not unit.written:
            batches.setdefault(unit.batch, []).append(unit)
    return [batches[number] for number in sorted(batches)]


def batch_count(unit_count: int) -> int:
    return -(-unit_count // BATCH_SIZE)


def write_progress(batches_done: int, batches_total: int) -> int:
    """Return the task progress after `batches_done` of `batches_total` write batches (10 to 99)."""
    if batches_total <= 0:
        return PROGRESS_DONE - 1
    span = PROGRESS_DONE - 1 - PROGRESS_LOTS_READ
    return PROGRESS_LOTS_READ + span * batches_done // batches_total


def partial_import_note(units: Sequence[PlannedUnit], created: int) -> str:
    """Say how much of an import that failed for good reached Airtable.

    Batches are written in plan order, so the created records are the first `created` units.
    """
    if created == 0:
        return "No record was created."
    first = units[0].lot_number
    last = units[created - 1].lot_number
    return (
        f"{created} of {len(units)} records were created before the error and stay in Airtable "
        f"(lot numbers {first}-{last}); delete them, or import only the rows after them."
    )


def lot_numbers_in(values: Iterable[Any]) -> tuple[list[int], list[Any]]:
    """Split `Lot Number` cells read from Airtable into integers and values that are not lot numbers.

    Airtable returns a number field as a JSON number, so 1001 may arrive as 1001.0; a text field
    holds strings. Blank cells are left out of both lists.
    """
    numbers: list[int] = []
    invalid: list[Any] = []
    for value in values:
        if value is None or value == "":
            continue
        if isinstance(value, bool):
            invalid.append(value)
        elif isinstance(value, int):
            numbers.append(value)
        elif isinstance(value, float) and value.is_integer():
            numbers.append(int(value))
        elif isinstance(value, str) and value.strip().isdigit():
            numbers.append(int(value.strip()))
        else:
            invalid.append(value)
    return numbers, invalid


def row_error_result(errors: Sequence[RowIssue], *, filename: str, rows: int) -> dict[str, Any]:
    """Build the result of a rejected import: counts and up to MAX_REPORTED_ROW_ERRORS errors."""
    return {
        "filename": filename,
        "rows": rows,
        "row_error_count": len(errors),
        "row_errors": [
            {
                "line": issue.line,
                "message": issue.message,
                "column": issue.column,
                "value": issue.value,
            }
            for issue in errors[:MAX_REPORTED_ROW_ERRORS]
        ],
    }
