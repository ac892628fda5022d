"""Result model of a manifest import: inventory records, row issues and the parsed manifest."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Literal

# A new item has not been listed yet. `Auction Count` counts listings including the current
# one, so the step that sends an item to auction raises it to 1.
NEW_ITEM_AUCTION_COUNT = 0


class ImportField(StrEnum):
    """Field a manifest column can fill: a house Airtable field or an import-only value."""

    PRODUCT_NAME = "Product Name"
    CATEGORY = "Category"
    CONDITION = "Condition"
    UPC = "UPC"
    MSRP = "MSRP"
    ASIN = "B00 ASIN"
    SHIPMENT = "Shipment"
    NOTES = "Notes"
    DESCRIPTION = "Description"
    # Import-only values: they shape the records but have no Airtable field of their own.
    BRAND = "Brand"
    MODEL = "Model"
    VENDOR = "Vendor"
    QTY = "Qty"
    EXT_RETAIL = "Ext. Retail"
    LPN = "LPN"


REQUIRED_FIELDS: tuple[ImportField, ...] = (ImportField.PRODUCT_NAME, ImportField.MSRP)

Severity = Literal["error", "warning"]
FileFormat = Literal["csv", "xlsx"]


@dataclass(frozen=True)
class ImportOptions:
    """Limits and severities of the row checks."""

    max_units_per_row: int = 500
    """A row with a larger Qty is reported with `units_over_max` severity."""
    units_over_max: Severity = "error"
    """`warning` imports such rows in full; `error` rejects them."""
    ext_retail_tolerance: Decimal = Decimal("0.01")
    """Largest difference between Ext. Retail and Qty x Unit Retail that is not reported."""
    max_rows: int = 20_000
    """Maximum rows read from a file, blank rows and the header included."""
    max_units: int = 50_000
    """Maximum units (one Airtable record each) of a whole manifest after Qty expansion.

    At 5 requests per second of 10 records, 50,000 records take Airtable about 17 minutes.
    """
    header_search_rows: int = 10
    """Non-blank rows searched for the header when a file starts with title lines."""


class ManifestError(ValueError):
    """The manifest as a whole cannot be read: nothing from it may be imported."""


class UnreadableManifestError(ManifestError):
    """The bytes are not a CSV or XLSX file this importer can decode."""


class UnknownLayoutError(ManifestError):
    """No known layout matches the header and no column map fills the required fields."""

    def __init__(
        self, headers: Sequence[str], missing_fields: Sequence[ImportField], detail: str = ""
    ) -> None:
        self.headers = tuple(headers)
        self.missing_fields = tuple(missing_fields)
        found = ", ".join(repr(header) for header in self.headers) or "none"
        missing = ", ".join(str(name) for name in self.missing_fields)
        message = (
            f"Unknown manifest layout{detail}. Headers found: {found}. "
            f"Map a column to each of these fields with a column map: {missing}."
        )
        super().__init__(message)


class ColumnMapError(ManifestError):
    """The column map names a header the file lacks or a field the importer does not know."""


@dataclass(frozen=True)
class RowIssue:
    """Problem found in one line of the manifest file."""

    line: int
    """1-based line of the source file where the row starts; the header is normally line 1."""
    severity: Severity
    message: str
    column: str | None = None
    """Manifest header of the offending value, when one column is at fault."""
    value: str | None = None

    def describe(self) -> str:
        """Format the issue as one line for a CLI or a task message."""
        return f"line {self.line}: {self.severity}: {self.message}"


@dataclass(frozen=True)
class InventoryRecord:
    """One physical unit to create in the warehouse's Airtable inventory table."""

    product_name: str
    msrp: Decimal
    category: str = ""
    condition: str = ""
    upc: str = ""
    asin: str = ""
    shipment: str = ""
    notes: str = ""
    description: str = ""
    auction_count: int = NEW_ITEM_AUCTION_COUNT
    lpn: str = ""
    """Seller's id of the unit (license plate number) or of the manifest row; not written."""
    source_line: int = 0
    unit: int = 1
    """Position of this unit among the `units_in_row` units expanded from its row."""
    units_in_row: int = 1

    def airtable_fields(self, lot_number: int) -> dict[str, str | int | float]:
        """Build the Airtable fields of the record, leaving out blank text fields.

        A blank cell and a missing field read the same in Airtable, so `Notes`, `Status`
        and any other empty value are not sent.
        """
        fields: dict[str, str | int | float] = {
            "Lot Number": lot_number,
            "Product Name": self.product_name,
            "MSRP": float(self.msrp),
            "Auction Count": self.auction_count,
        }
        optional_text = {
            "Category": self.category,
            "Condition": self.condition,
            "UPC": self.upc,
            "B00 ASIN": self.asin,
            "Shipment": self.shipment,
            "Notes": self.notes,
            "Description": self.description,
        }
        fields.update({name: value for name, value in optional_text.items() if value})
        return fields


class ManifestRejectedError(ManifestError):
    """The manifest has row errors and the caller did not choose to skip bad rows."""

    def __init__(self, errors: Sequence[RowIssue]) -> None:
        self.errors = tuple(errors)
        lines = "; ".join(issue.describe() for issue in self.errors[:20])
        more = f" (and {len(self.errors) - 20} more)" if len(self.errors) > 20 else ""
        super().__init__(
            f"Nothing was imported: {len(self.errors)} row error(s){more}: {lines}. "
            "Fix the rows, or import with skip-bad-rows to leave them out."
        )


@dataclass(frozen=True)
class ParsedManifest:
    """Every unit of a manifest file, validated, before anything is written."""

    filename: str
    file_format: FileFormat
    encoding: str | None
    """Text encoding a CSV was decoded with (`utf-8`, `utf-8-sig`, `utf-16`, `cp1252`)."""
    layout: str
    """Name of the detected layout, or `custom` when only a column map was used."""
    header_line: int
    columns: dict[ImportField, tuple[str, ...]]
    """Manifest headers read for each field, first non-blank value wins."""
    rows: int
    """Data rows read, blank rows not counted."""
    records: tuple[InventoryRecord, ...]
    """Units from rows without errors, in file order."""
    issues: tuple[RowIssue, ...] = field(default=())

    @property
    def errors(self) -> tuple[RowIssue, ...]:
        """Issues that block the import unless bad rows are skipped."""
        return tuple(issue for issue in self.issues if issue.severity == "error")

    @property
    def warnings(self) -> tuple[RowIssue, ...]:
        """Issues reported to the caller that do not block the import."""
        return tuple(issue for issue in self.issues if issue.severity == "warning")

    @property
    def rejected_lines(self) -> tuple[int, ...]:
        """Lines whose rows have at least one error, so none of their units are in `records`."""
        return tuple(sorted({issue.line for issue in self.errors}))

    @property
    def total_msrp(self) -> Decimal:
        """Sum of MSRP over all records."""
        return sum((record.msrp for record in self.records), Decimal(0))

    def records_to_import(self, *, skip_bad_rows: bool = False) -> tuple[InventoryRecord, ...]:
        """Return the records to write, or raise ManifestRejectedError.

        With row errors the import is rejected whole, unless `skip_bad_rows` leaves the bad
        rows out and imports the rest.
        """
        if self.errors and not skip_bad_rows:
            raise ManifestRejectedError(self.errors)
        return self.records
