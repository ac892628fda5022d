"""Voided-sales export rows turned into Cancels records."""

from __future__ import annotations

import pytest

from auction_airtable_sync.domain.cancels import (
    CANCELS_FIELDS,
    CancelsExportError,
    batches,
    read_cancel_rows,
)

HEADER = ",".join(CANCELS_FIELDS)


def export(*rows: str, header: str = HEADER) -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode()


def sale(lot: str = "M1001", when: str = "12/01/2026 06:31:00 PM", price: str = "5.00") -> str:
    cells = [lot, when, "77", "Lamp, brass", price, "1", price, "False", "9", "bidder9"]
    cells += ["1 Main St", "Ann", "Lee", "$89.99", "012345678905", "New", "", "AMZ FC"]
    cells += ["Dana", "B0DEMO0001", "555-0100", "False", "Voided"]
    return ",".join(f'"{cell}"' for cell in cells)


def test_row_fields_and_types() -> None:
    parsed = read_cancel_rows(export(sale()))
    assert len(parsed.rows) == 1
    row = parsed.rows[0]
    assert row["Lot #"] == "M1001"
    assert row["Description"] == "Lamp, brass"
    assert row["Price"] == 5.0
    assert row["Quantity"] == 1
    assert row["MSRP"] == 89.99
    assert "Other Notes" not in row
    assert parsed.issues == ()
    assert parsed.ignored_columns == ()


def test_bad_number_left_blank_without_value() -> None:
    parsed = read_cancel_rows(export(sale(price="five")))
    assert "Price" not in parsed.rows[0]
    assert parsed.issues == (
        "line 2: Price is not a number; the cell was left blank",
        "line 2: Total is not a number; the cell was left blank",
    )


def test_row_without_key_skipped() -> None:
    parsed = read_cancel_rows(export(sale(when=""), sale()))
    assert len(parsed.rows) == 1
    assert parsed.issues == ("line 2: Date/Time blank; the row was not copied",)


def test_unknown_columns_ignored() -> None:
    parsed = read_cancel_rows(export(sale() + ',"x"', header=HEADER + ",Extra"))
    assert parsed.ignored_columns == ("Extra",)
    assert "Extra" not in parsed.rows[0]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"\xff\xfe\x00", "not UTF-8"),
        (b"Description,Price\r\nLamp,5\r\n", "lacks the columns"),
    ],
)
def test_unreadable_export(data: bytes, message: str) -> None:
    with pytest.raises(CancelsExportError, match=message):
        read_cancel_rows(data)


def test_batches_of_ten() -> None:
    rows = [{"Lot #": str(n)} for n in range(23)]
    assert [len(batch) for batch in batches(rows)] == [10, 10, 3]
