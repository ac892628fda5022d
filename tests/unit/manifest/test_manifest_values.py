"""Cell parsers: money, quantities, UPCs, text and condition codes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from auction_airtable_sync.domain.manifest.conditions import condition_key, normalise_condition
from auction_airtable_sync.domain.manifest.values import (
    CellValue,
    CellValueError,
    cell_text,
    parse_money,
    parse_quantity,
    read_upc,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("189.99", Decimal("189.99")),
        ("$1,234.50", Decimal("1234.50")),
        (" $ 1,234.5 ", Decimal("1234.50")),
        ("0", Decimal("0.00")),
        ("12.", Decimal("12.00")),
        (".5", Decimal("0.50")),
        ("19.995", Decimal("20.00")),
        ("USD 12.50", Decimal("12.50")),
        ("12.50 usd", Decimal("12.50")),
        (202.99, Decimal("202.99")),
        (15, Decimal("15.00")),
    ],
)
def test_parse_money_accepts(value: CellValue, expected: Decimal) -> None:
    assert parse_money(value) == expected


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("", "is blank"),
        (None, "is blank"),
        ("N/A", "is not a number"),
        ("1,23", "is not a number"),
        ("12.5.1", "is not a number"),
        ("1.234,50", "is not a number"),
        ("EUR 12", "is not a number"),
        ("-3.00", "is negative"),
        ("($4.00)", "is negative"),
        (-1.5, "is negative"),
        (float("nan"), "is not a finite number"),
        (True, "is not a number"),
    ],
)
def test_parse_money_rejects(value: CellValue, reason: str) -> None:
    with pytest.raises(CellValueError) as caught:
        parse_money(value)
    assert str(caught.value) == reason


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", 1), (" 7 ", 7), ("3.0", 3), ("1,200", 1200), (4, 4), (2.0, 2)],
)
def test_parse_quantity_accepts(value: CellValue, expected: int) -> None:
    assert parse_quantity(value) == expected


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("", "is blank"),
        ("two", "is not a whole number"),
        ("1.5", "is not a whole number"),
        ("1,2", "is not a whole number"),
        ("0", "is not above zero"),
        ("-2", "is not above zero"),
        (2.5, "is not a whole number"),
        ("NaN", "is not a whole number"),
    ],
)
def test_parse_quantity_rejects(value: CellValue, reason: str) -> None:
    with pytest.raises(CellValueError) as caught:
        parse_quantity(value)
    assert str(caught.value) == reason


@pytest.mark.parametrize(
    ("value", "text", "warns"),
    [
        ("038675275959", "038675275959", False),
        ("0645707959505", "0645707959505", False),
        ("", "", False),
        (None, "", False),
        ("'012345678905", "012345678905", False),
        ('="012345678905"', "012345678905", False),
        ("N/A", "N/A", False),
        (38675275959, "038675275959", True),
        (38675275959.0, "038675275959", True),
        (645707959505, "645707959505", False),
        ("3.86753E+11", "", True),
        (1.5, "", True),
    ],
)
def test_read_upc(value: CellValue, text: str, warns: bool) -> None:
    reading = read_upc(value)
    assert reading.text == text
    assert (reading.warning is not None) == warns


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        ("  Mountain\n Bike  ", "Mountain Bike"),
        (7.0, "7"),
        (7.25, "7.25"),
        (True, "TRUE"),
        (date(2026, 1, 2), "2026-01-02"),
    ],
)
def test_cell_text(value: CellValue, expected: str) -> None:
    assert cell_text(value) == expected


@pytest.mark.parametrize(
    ("code", "house_value"),
    [
        ("NEW", "New"),
        ("USED_GOOD", "Used - Good"),
        ("USED_FAIR", "Used - Fair"),
        ("used like new", "Used - Like New"),
        ("Used - Good", "Used - Good"),
        ("LIKE_NEW", "Used - Like New"),
        ("REFURBISHED", "Refurbished"),
        ("SALVAGE", "For Parts"),
        ("", ""),
    ],
)
def test_normalise_condition_known(code: str, house_value: str) -> None:
    reading = normalise_condition(code)
    assert reading.text == house_value
    assert reading.warning is None


def test_normalise_condition_unknown_kept_with_warning() -> None:
    reading = normalise_condition("Grade B+")
    assert reading.text == "Grade B+"
    assert reading.warning is not None
    assert "'Grade B+'" in reading.warning


def test_condition_key_ignores_separators() -> None:
    assert condition_key(" Used -- Very/Good ") == "used_very_good"
