"""Read one Airtable inventory record into clean, typed values, with row warnings."""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from auction_formatter.domain.lot_fields import lot_number
from auction_formatter.domain.row_warnings import RowWarning, Severity, make_warning
from auction_formatter.domain.text import (
    clean_text,
    contains_html,
    parse_count,
    parse_money,
    single_line,
    strip_html,
    text_of,
)


class InventoryField(StrEnum):
    """Field names of the Airtable inventory table that formatting reads."""

    LOT_NUMBER = "Lot Number"
    PRODUCT_NAME = "Product Name"
    CATEGORY = "Category"
    CONDITION = "Condition"
    WORKING_CONDITION = "Working Condition"
    UPC = "UPC"
    MSRP = "MSRP"
    NOTES = "Notes"
    DESCRIPTION = "Description"
    LOCATION = "Location"
    SIZE = "Size"
    SHIPMENT = "Shipment"
    CLERK = "Clerk"
    ASIN = "B00 ASIN"
    AUCTION_COUNT = "Auction Count"


_TEXT_FIELDS = (
    InventoryField.PRODUCT_NAME,
    InventoryField.CATEGORY,
    InventoryField.CONDITION,
    InventoryField.WORKING_CONDITION,
    InventoryField.UPC,
    InventoryField.NOTES,
    InventoryField.DESCRIPTION,
    InventoryField.LOCATION,
    InventoryField.SIZE,
    InventoryField.SHIPMENT,
    InventoryField.CLERK,
    InventoryField.ASIN,
)


@dataclass(frozen=True, slots=True)
class InventoryLot:
    """One inventory record with clean text (no HTML, no control characters) and parsed numbers.

    Text may contain line breaks. msrp is None when missing or not a number, and auction_count
    is None when missing or not a whole number.
    """

    record_id: str
    lot_number: str
    product_name: str
    category: str
    condition: str
    working_condition: str
    upc: str
    msrp: Decimal | None
    notes: str
    description: str
    location: str
    size: str
    shipment: str
    clerk: str
    asin: str
    auction_count: int | None


class _RecordReader:
    """Reads the fields of one record and collects warnings about them."""

    def __init__(self, record_id: str, fields: Mapping[str, object], lot_prefix: str) -> None:
        self.record_id = record_id
        self.fields = fields
        self.warnings: list[RowWarning] = []
        self.shown_lot_number = ""
        self.lot_number = single_line(self.text(InventoryField.LOT_NUMBER))
        self.shown_lot_number = lot_number(lot_prefix, self.lot_number)

    def warn(self, field: str, value: object, message: str) -> None:
        self.warnings.append(
            make_warning(
                Severity.WARNING, self.record_id, self.shown_lot_number, field, value, message
            )
        )

    def text(self, field: InventoryField) -> str:
        raw = text_of(self.fields.get(field))
        if contains_html(raw):
            self.warn(
                field,
                raw,
                f"{field} contains HTML, which was removed. Keep this field plain text in Airtable.",
            )
            raw = strip_html(raw)
        return clean_text(raw)

    def money(self, field: InventoryField) -> Decimal | None:
        raw = self.fields.get(field)
        if raw is None or text_of(raw).strip() == "":
            return None
        amount = parse_money(raw)
        if amount is None:
            self.warn(
                field, raw, f"{field} is not a number. Enter an amount such as 12.50 in Airtable."
            )
        elif amount < 0:
            self.warn(
                field, raw, f"{field} is negative and was left out. Enter 0 or more in Airtable."
            )
            return None
        return amount

    def count(self, field: InventoryField) -> int | None:
        raw = self.fields.get(field)
        if raw is None or text_of(raw).strip() == "":
            return None
        count = parse_count(raw)
        if count is None or count < 0:
            self.warn(
                field,
                raw,
                f"{field} is not a whole number of 0 or more, so it counts as 1. Fix it in Airtable.",
            )
            return None
        return count


def read_inventory_record(
    record: Mapping[str, object], lot_prefix: str
) -> tuple[InventoryLot, list[RowWarning]]:
    """Read an Airtable record {"id": "rec…", "fields": {...}} into an InventoryLot.

    Raises ValueError when the record has no id or its fields are not a mapping.
    """
    record_id = record.get("id")
    fields = record.get("fields", {})
    if not isinstance(record_id, str) or not record_id.strip():
        raise ValueError(f"it has no id (value: {record_id!r})")
    if not isinstance(fields, Mapping):
        raise ValueError(f"its fields are a {type(fields).__name__}, not an object")

    reader = _RecordReader(record_id, fields, lot_prefix)
    texts = {field: reader.text(field) for field in _TEXT_FIELDS}
    lot = InventoryLot(
        record_id=record_id,
        lot_number=reader.lot_number,
        product_name=texts[InventoryField.PRODUCT_NAME],
        category=texts[InventoryField.CATEGORY],
        condition=texts[InventoryField.CONDITION],
        working_condition=texts[InventoryField.WORKING_CONDITION],
        upc=texts[InventoryField.UPC],
        msrp=reader.money(InventoryField.MSRP),
        notes=texts[InventoryField.NOTES],
        description=texts[InventoryField.DESCRIPTION],
        location=texts[InventoryField.LOCATION],
        size=texts[InventoryField.SIZE],
        shipment=texts[InventoryField.SHIPMENT],
        clerk=texts[InventoryField.CLERK],
        asin=texts[InventoryField.ASIN],
        auction_count=reader.count(InventoryField.AUCTION_COUNT),
    )
    return lot, reader.warnings
