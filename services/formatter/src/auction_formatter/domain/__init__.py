"""Pure rules that turn inventory records and photo URLs into the site's lot import CSV.

Typical use: `rows, warnings = build_rows(records, urls, warehouse, event_id, override)`,
then `render_csv(rows)`. Nothing here does I/O.
"""

from auction_formatter.domain.csv_file import render_csv
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
from auction_formatter.domain.lot_order import RankableLot, lot_order
from auction_formatter.domain.row_warnings import RowWarning, Severity, make_warning
from auction_formatter.domain.rows import LotRows, build_rows

__all__ = [
    "InventoryField",
    "InventoryLot",
    "LotRows",
    "RankableLot",
    "RowWarning",
    "Severity",
    "build_rows",
    "category_id",
    "description_html",
    "lot_number",
    "lot_order",
    "make_warning",
    "read_inventory_record",
    "render_csv",
    "starting_price",
    "subtitle",
    "title",
    "upc",
]
