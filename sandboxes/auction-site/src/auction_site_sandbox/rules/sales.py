"""Sales report rows: the isPaid filter and the exported CSV columns."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from enum import IntEnum

from ..models import Sale

EXPORT_COLUMNS: tuple[str, ...] = (
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
# Export columns filled from the lot's custom fields of the same name.
CUSTOM_FIELD_EXPORTS = (
    "MSRP",
    "UPC",
    "Item Condition",
    "Other Notes",
    "Source",
    "Photo Taker",
    "Amazon ID",
)


class PaidFilter(IntEnum):
    """Values of the report's isPaid query parameter."""

    ALL = 0
    PAID = 1
    UNPAID = 2
    VOIDED = 3


def parse_paid_filter(text: str | None) -> PaidFilter:
    """Read isPaid, where a missing or unknown value shows all sales as the page does."""
    try:
        return PaidFilter(int(text or "0"))
    except ValueError:
        return PaidFilter.ALL


def filter_sales(sales: Iterable[Sale], paid_filter: PaidFilter) -> list[Sale]:
    if paid_filter is PaidFilter.PAID:
        return [sale for sale in sales if sale.paid and not sale.voided]
    if paid_filter is PaidFilter.UNPAID:
        return [sale for sale in sales if not sale.paid and not sale.voided]
    if paid_filter is PaidFilter.VOIDED:
        return [sale for sale in sales if sale.voided]
    return list(sales)


def format_money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def format_site_datetime(sale: Sale) -> str:
    """Format the sale time as the site shows it: mm/dd/yyyy h:mm:ss AM."""
    return sale.sold_at.strftime("%m/%d/%Y %I:%M:%S %p")


def export_row(sale: Sale) -> list[str]:
    invoice = sale.invoice_id if sale.invoice_id is not None else sale.removed_from_invoice_id
    custom = sale.lot.custom_fields
    row = [
        sale.lot.lot_number,
        format_site_datetime(sale),
        "" if invoice is None else str(invoice),
        sale.lot.title,
        format_money(sale.price_cents),
        str(sale.quantity),
        format_money(sale.total_cents),
        "True" if sale.paid else "False",
        str(sale.buyer.id),
        sale.buyer.username,
        sale.buyer.address,
        sale.buyer.first_name,
        sale.buyer.last_name,
    ]
    row.extend(custom.get(name, "") for name in CUSTOM_FIELD_EXPORTS)
    row.extend([sale.buyer.phone, "True" if sale.buyer.tax_exempt else "False", sale.status])
    return row


def export_csv(sales: Iterable[Sale]) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    for sale in sales:
        writer.writerow(export_row(sale))
    return buffer.getvalue()
