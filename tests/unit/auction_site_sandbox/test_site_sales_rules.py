"""Sales report filter and the exported CSV."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest

from auction_site_sandbox.models import Buyer, Lot, Sale
from auction_site_sandbox.rules.sales import (
    EXPORT_COLUMNS,
    PaidFilter,
    export_csv,
    filter_sales,
    parse_paid_filter,
)

BUYER = Buyer(7, "testbuyer7", "Test", "Buyer 7", "107 Nowhere Lane", "555-0107", False)
LOT = Lot(
    id=3,
    event_id=1001,
    lot_number="M1003",
    title="Electric Kettle",
    subtitle="",
    description="",
    category_id=162703,
    price_cents=500,
    quantity=1,
    image_urls=[],
    custom_fields={"MSRP": "34.99", "UPC": "012345678905", "Amazon ID": "B00TEST"},
    is_draft=False,
    import_report_id=None,
)


def make_sale(sale_id: int, paid: bool, voided: bool, invoice: int | None) -> Sale:
    return Sale(
        id=sale_id,
        event_id=1001,
        lot=LOT,
        buyer=BUYER,
        invoice_id=None if voided else invoice,
        removed_from_invoice_id=invoice if voided else None,
        price_cents=1250,
        quantity=2,
        sold_at=datetime(2026, 12, 3, 18, 30, 5),
        paid=paid,
        voided=voided,
    )


SALES = [
    make_sale(1, paid=True, voided=False, invoice=10),
    make_sale(2, paid=False, voided=False, invoice=11),
    make_sale(3, paid=False, voided=False, invoice=None),
    make_sale(4, paid=False, voided=True, invoice=12),
]


@pytest.mark.parametrize(
    ("paid_filter", "expected_ids"),
    [
        (PaidFilter.ALL, [1, 2, 3, 4]),
        (PaidFilter.PAID, [1]),
        (PaidFilter.UNPAID, [2, 3]),
        (PaidFilter.VOIDED, [4]),
    ],
)
def test_filter_by_paid_state(paid_filter: PaidFilter, expected_ids: list[int]) -> None:
    assert [sale.id for sale in filter_sales(SALES, paid_filter)] == expected_ids


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (None, PaidFilter.ALL),
        ("2", PaidFilter.UNPAID),
        ("9", PaidFilter.ALL),
        ("x", PaidFilter.ALL),
    ],
)
def test_parse_paid_filter(text: str | None, expected: PaidFilter) -> None:
    assert parse_paid_filter(text) is expected


def test_export_has_site_columns_and_values() -> None:
    rows = list(csv.DictReader(io.StringIO(export_csv(SALES))))

    assert tuple(rows[0]) == EXPORT_COLUMNS
    assert len(rows) == 4
    first = rows[0]
    assert first["Lot #"] == "M1003"
    assert first["Date/Time"] == "12/03/2026 06:30:05 PM"
    assert first["Invoice #"] == "10"
    assert first["Price"] == "12.50"
    assert first["Total"] == "25.00"
    assert first["Paid"] == "True"
    assert first["MSRP"] == "34.99"
    assert first["Amazon ID"] == "B00TEST"
    assert first["Status"] == "Paid"
    assert rows[2]["Invoice #"] == ""
    assert rows[3]["Status"] == "Voided"
    assert rows[3]["Invoice #"] == "12"
