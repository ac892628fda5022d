"""Build the import rows of one auction from inventory records and photo URLs."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from auction_formatter.config import WarehouseConfig
from auction_formatter.domain.inventory import InventoryField, InventoryLot, read_inventory_record
from auction_formatter.domain.lot_fields import (
    category_id,
    description_html,
    lot_number,
    starting_price,
    subtitle,
    title,
    upc,
)
from auction_formatter.domain.lot_order import lot_order
from auction_formatter.domain.row_warnings import RowWarning, Severity, make_warning
from auction_formatter.domain.text import (
    format_money,
    looks_like_formula,
    neutralise_formula,
    single_line,
)

# Cells copied from inventory text, with the Airtable field each one comes from. These are the
# cells that get a single quote when they look like a spreadsheet formula.
_COPIED_TEXT_COLUMNS: dict[str, InventoryField] = {
    "Working Condition": InventoryField.WORKING_CONDITION,
    "Truck": InventoryField.SHIPMENT,
    "Size": InventoryField.SIZE,
    "Photo Taker": InventoryField.CLERK,
    "Other Notes": InventoryField.NOTES,
    "Lot Number": InventoryField.LOT_NUMBER,
    "Location": InventoryField.LOCATION,
    "Item Condition": InventoryField.CONDITION,
    "Amazon ID": InventoryField.ASIN,
}

PHOTO_FIELD = "Image 1"
RECORD_FIELD = "id"


@dataclass(frozen=True)
class LotRows:
    """Import rows in file order, each with a value (maybe "") for every column."""

    columns: tuple[str, ...]
    rows: tuple[dict[str, str], ...]


@dataclass(frozen=True, slots=True)
class _BuiltLot:
    record_id: str
    msrp: Decimal | None
    title: str
    condition: str
    notes: str
    row: dict[str, str]


class _RowBuilder:
    """Builds the row of one lot and collects the warnings about it."""

    def __init__(
        self,
        lot: InventoryLot,
        warehouse: WarehouseConfig,
        event_id: str,
        price_override: Decimal | None,
    ) -> None:
        self.lot = lot
        self.warehouse = warehouse
        self.rules = warehouse.rules
        self.event_id = event_id
        self.price_override = price_override
        self.lot_number = lot_number(warehouse.lot_prefix, lot.lot_number)
        self.warnings: list[RowWarning] = []

    def warn(self, field: str, value: object, message: str) -> None:
        self.warnings.append(
            make_warning(
                Severity.WARNING, self.lot.record_id, self.lot_number, field, value, message
            )
        )

    def build(self, image_urls: Sequence[object]) -> dict[str, str]:
        lot = self.lot
        row = dict.fromkeys(self.rules.columns, "")
        row.update(self.rules.fixed_values)
        row.update(
            {
                "EventID": self.event_id,
                "LotNumber": self.lot_number,
                "Seller": self.warehouse.seller,
                "Category": str(self.category()),
                "Region": str(self.warehouse.region_id),
                "Title": self.title(),
                "Subtitle": subtitle(
                    lot.msrp,
                    lot.auction_count,
                    lot.notes,
                    self.rules.auction_count_marks,
                    self.rules.subtitle_max_length,
                ),
                "Description": self.description(),
                "Price": format_money(
                    starting_price(
                        lot.msrp, lot.auction_count, self.price_override, self.rules.pricing
                    )
                ),
                "Source": self.warehouse.source,
                "UPC": self.upc(),
                "MSRP": "" if lot.msrp is None else format_money(lot.msrp),
                "ID": lot.record_id,
                **self.copied_text(),
            }
        )
        row.update(zip(self.rules.image_columns, self.photos(image_urls), strict=False))
        if not self.lot_number:
            self.warn(
                InventoryField.LOT_NUMBER,
                "",
                "Lot Number is empty, so LotNumber is empty too. Set a Lot Number in Airtable.",
            )
        return row

    def title(self) -> str:
        name = single_line(self.lot.product_name)
        if looks_like_formula(name):
            self.warn(
                InventoryField.PRODUCT_NAME,
                name,
                "Product Name starts like a spreadsheet formula, so the title starts with a "
                "single quote. Remove the leading character in Airtable.",
            )
            name = neutralise_formula(name)
        limit = self.rules.title_max_length
        lot_title = title(name, limit)
        if len(name) > limit:
            self.warn(
                InventoryField.PRODUCT_NAME,
                name,
                f"Product Name has {len(name)} characters, so the title was cut to "
                f"{len(lot_title)}: {lot_title!r}. The full name is in the description.",
            )
        return lot_title

    def category(self) -> int:
        site_category, message = category_id(self.lot.category, self.rules.categories)
        if message is not None:
            self.warn(InventoryField.CATEGORY, self.lot.category, message)
        return site_category

    def description(self) -> str:
        lot = self.lot
        shown_msrp = "" if lot.msrp is None else "$" + format_money(lot.msrp)
        return description_html(
            [
                ("Description", lot.product_name),
                ("MSRP", shown_msrp),
                ("Condition", lot.condition),
                ("Notes", lot.notes),
                ("Other info", lot.description),
                ("Lot Number", lot.lot_number),
            ],
            self.warehouse.pickup_line,
        )

    def upc(self) -> str:
        digits = upc(self.lot.upc)
        if self.lot.upc and not digits:
            self.warn(
                InventoryField.UPC,
                self.lot.upc,
                "UPC is not all digits and was left out. Enter digits only in Airtable.",
            )
        return digits

    def photos(self, image_urls: Sequence[object]) -> list[str]:
        urls: list[str] = []
        for url in image_urls:
            text = url.strip() if isinstance(url, str) else ""
            if text.startswith(("https://", "http://")):
                urls.append(text)
            else:
                self.warn(
                    PHOTO_FIELD,
                    url,
                    "Photo URL is not an http(s) URL and was left out. Run the images job again.",
                )
        limit = self.rules.max_photos
        if len(urls) > limit:
            self.warn(
                PHOTO_FIELD,
                urls[limit],
                f"The lot has {len(urls)} photos, and only the first {limit} are listed.",
            )
        if not urls:
            self.warn(
                PHOTO_FIELD,
                "",
                "The lot has no processed photo and is listed without pictures. "
                "Attach a photo in Airtable or check the images job.",
            )
        return urls[:limit]

    def copied_text(self) -> dict[str, str]:
        lot = self.lot
        values = {
            "Working Condition": lot.working_condition,
            "Truck": lot.shipment,
            "Size": lot.size,
            "Photo Taker": lot.clerk,
            "Other Notes": lot.notes,
            "Lot Number": lot.lot_number,
            "Location": lot.location,
            "Item Condition": lot.condition,
            "Amazon ID": lot.asin,
        }
        cells: dict[str, str] = {}
        for column, value in values.items():
            cell = single_line(value)
            if looks_like_formula(cell):
                field = _COPIED_TEXT_COLUMNS[column]
                self.warn(
                    field,
                    cell,
                    f"{field} starts like a spreadsheet formula, so the {column} cell starts "
                    f"with a single quote. Remove the leading character in Airtable.",
                )
                cell = neutralise_formula(cell)
            cells[column] = cell
        return cells


def build_rows(
    inventory_records: Iterable[Mapping[str, object]],
    image_urls_by_record: Mapping[str, Sequence[str]],
    warehouse_config: WarehouseConfig,
    event_id: str | int,
    price_override: Decimal | None = None,
) -> tuple[LotRows, list[RowWarning]]:
    """Build the import rows of one auction and the warnings about its records.

    Records without a usable id, repeated records and records without a Product Name get no
    row and an ERROR warning. Every other problem keeps the row and adds a WARNING. Rows come
    in lot order (see lot_order), so the same input gives the same rows.
    """
    event_text = str(event_id).strip()
    if not event_text:
        raise ValueError("event_id is empty. Pass the site's auction event id.")

    warnings: list[RowWarning] = []
    built: list[_BuiltLot] = []
    record_ids: set[str] = set()
    records_by_lot_number: dict[str, str] = {}
    for record in inventory_records:
        lot = _read_record(record, warehouse_config.lot_prefix, record_ids, warnings)
        if lot is None:
            continue
        builder = _RowBuilder(lot, warehouse_config, event_text, price_override)
        row = builder.build(image_urls_by_record.get(lot.record_id, ()))
        _check_unique_lot_number(builder, records_by_lot_number)
        warnings.extend(builder.warnings)
        built.append(
            _BuiltLot(lot.record_id, lot.msrp, row["Title"], lot.condition, lot.notes, row)
        )

    ordered = lot_order(built, event_text, warehouse_config.rules.lot_order)
    rows = LotRows(columns=warehouse_config.rules.columns, rows=tuple(lot.row for lot in ordered))
    return rows, warnings


def _read_record(
    record: object, lot_prefix: str, record_ids: set[str], warnings: list[RowWarning]
) -> InventoryLot | None:
    """Read a record, or add an ERROR warning and return None when it cannot have a row."""
    raw_id = record.get("id") if isinstance(record, Mapping) else None
    shown_id = raw_id if isinstance(raw_id, str) else ""

    def skip(field: str, value: object, message: str) -> None:
        warnings.append(make_warning(Severity.ERROR, shown_id, "", field, value, message))

    if not isinstance(record, Mapping):
        skip(RECORD_FIELD, record, "The inventory record is not an object and was skipped.")
        return None
    try:
        lot, record_warnings = read_inventory_record(record, lot_prefix)
    except ValueError as error:
        skip(RECORD_FIELD, raw_id, f"The inventory record was skipped because {error}.")
        return None
    warnings.extend(record_warnings)

    if lot.record_id in record_ids:
        skip(
            RECORD_FIELD,
            lot.record_id,
            "The record appears twice in the inventory, and the second copy was skipped.",
        )
        return None
    record_ids.add(lot.record_id)

    if not single_line(lot.product_name):
        warnings.append(
            make_warning(
                Severity.ERROR,
                lot.record_id,
                lot_number(lot_prefix, lot.lot_number),
                InventoryField.PRODUCT_NAME,
                "",
                "Product Name is empty, so the lot has no title and was left out of the file. "
                "Enter a Product Name in Airtable and format the auction again.",
            )
        )
        return None
    return lot


def _check_unique_lot_number(builder: _RowBuilder, records_by_lot_number: dict[str, str]) -> None:
    if not builder.lot_number:
        return
    first_record = records_by_lot_number.setdefault(builder.lot_number, builder.lot.record_id)
    if first_record != builder.lot.record_id:
        builder.warn(
            InventoryField.LOT_NUMBER,
            builder.lot.lot_number,
            f"LotNumber {builder.lot_number} is also used by record {first_record}. "
            f"Give each lot its own Lot Number in Airtable.",
        )
