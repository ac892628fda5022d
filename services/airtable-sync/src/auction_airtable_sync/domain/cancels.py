"""Rows of a voided-sales export turned into records of the warehouse's Cancels table.

The export is the auction site's sales report CSV. Its columns have the names of the Cancels
table's fields. Buyer data in these rows is personal: it goes to Airtable and nowhere else,
never into logs or task messages.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

CANCELS_FIELDS: tuple[str, ...] = (
    "Lot #",
    "Date/Time",
    "Invoice #",
    "Description",
    "Price",
    "Quantity",
    "Total",
    "Paid",
    "Buyer ID",
    "Buyer",
    "Address",
    "First Name",
    "Last Name",
    "MSRP",
    "UPC",
    "Item Condition",
    "Other Notes",
    "Source",
    "Photo Taker",
    "Amazon ID",
    "Buyer Phone Number",
    "Buyer Tax Exempt",
    "Status",
)
MONEY_FIELDS = frozenset({"Price", "Total", "MSRP"})
INTEGER_FIELDS = frozenset({"Quantity"})
# One sale of a lot. The same lot can be sold and voided again in a later auction, so the time
# of sale is part of the key. The invoice number is not: a sale removed from its invoice has
# none, and Airtable rejects an upsert whose merge field is blank.
MERGE_FIELDS: tuple[str, ...] = ("Lot #", "Date/Time")


class CancelsExportError(ValueError):
    """The export cannot be read at all; nothing from it is written."""


@dataclass(frozen=True)
class CancelRows:
    rows: tuple[dict[str, Any], ...]
    issues: tuple[str, ...]
    """Problems by line and column; they never contain the cell's value (buyer data)."""
    ignored_columns: tuple[str, ...]


def read_cancel_rows(data: bytes) -> CancelRows:
    """Parse the export into Cancels fields; blank cells are left out of each row."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CancelsExportError(f"the voided-sales export is not UTF-8 text ({error})") from error
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if not header:
        raise CancelsExportError("the voided-sales export is empty; it needs a header row")
    known = {name.casefold(): name for name in CANCELS_FIELDS}
    columns = [known.get(name.strip().casefold()) for name in header]
    missing = [name for name in MERGE_FIELDS if name not in columns]
    if missing:
        raise CancelsExportError(
            f"the voided-sales export lacks the columns {missing}; "
            f"it has {[name.strip() for name in header]}"
        )

    rows: list[dict[str, Any]] = []
    issues: list[str] = []
    for line, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        row: dict[str, Any] = {}
        for field, cell in zip(columns, cells, strict=False):
            value = cell.strip()
            if field is None or not value:
                continue
            converted = _convert(field, value)
            if converted is None:
                issues.append(f"line {line}: {field} is not a number; the cell was left blank")
                continue
            row[field] = converted
        blank = [field for field in MERGE_FIELDS if field not in row]
        if blank:
            issues.append(f"line {line}: {' and '.join(blank)} blank; the row was not copied")
            continue
        rows.append(row)
    ignored = tuple(name.strip() for name, field in zip(header, columns, strict=True) if not field)
    return CancelRows(tuple(rows), tuple(issues), ignored)


def batches(rows: Sequence[dict[str, Any]], size: int = 10) -> list[list[dict[str, Any]]]:
    return [list(rows[start : start + size]) for start in range(0, len(rows), size)]


def _convert(field: str, value: str) -> Any:
    if field in MONEY_FIELDS:
        try:
            amount = Decimal(value.replace("$", "").replace(",", ""))
        except InvalidOperation:
            return None
        return float(amount) if amount.is_finite() else None
    if field in INTEGER_FIELDS:
        return int(value) if value.isdigit() else None
    return value
