"""Table-driven tests of the per-lot rules."""

from decimal import Decimal

import pytest

from auction_formatter.domain import (
    category_id,
    description_html,
    lot_number,
    starting_price,
    subtitle,
    title,
    upc,
)

from .inventory_inputs import maule

MARKS = {1: " -", 2: " --", 3: " ---", 4: " ----"}


@pytest.mark.parametrize(
    ("prefix", "number", "expected"),
    [
        ("M", "1042", "M1042"),
        ("S", "7", "S7"),
        ("M", " 12 ", "M12"),
        ("M", "", ""),
        ("S", "  ", ""),
    ],
)
def test_lot_number_table(prefix: str, number: str, expected: str) -> None:
    assert lot_number(prefix, number) == expected


@pytest.mark.parametrize(
    ("product_name", "expected"),
    [
        ("Ninja Air Fryer", "Ninja Air Fryer"),
        ("  Two\nlines  ", "Two lines"),
        ("x" * 80, "x" * 80),
        ("x" * 200, "x" * 80),
        (
            "LEDIARY 22in Enclosed Ceiling Fans with Lighst and Remote, Black Modern Bladeless "
            "Ceiling Fan with Bright Light",
            "LEDIARY 22in Enclosed Ceiling Fans with Lighst and Remote, Black Modern",
        ),
        ("word " * 16 + "wordy", "word " * 15 + "word"),
        (
            'Mongoose Limestone 26"" Men\'s Mountain Bike',
            'Mongoose Limestone 26"" Men\'s Mountain Bike',
        ),
        ("Crème brûlée torch – ½ price", "Crème brûlée torch – ½ price"),
    ],
)
def test_title_table(product_name: str, expected: str) -> None:
    lot_title = title(product_name, 80)

    assert lot_title == expected
    assert len(lot_title) <= 80


@pytest.mark.parametrize(
    ("msrp", "count", "notes", "expected"),
    [
        (Decimal("129.99"), 1, "", "MSRP: $129.99 -"),
        (Decimal("129.99"), None, "", "MSRP: $129.99 -"),
        (Decimal("129.99"), 0, "", "MSRP: $129.99 -"),
        (Decimal("5"), 2, "", "MSRP: $5.00 --"),
        (Decimal("5"), 3, "", "MSRP: $5.00 ---"),
        (Decimal("5"), 4, "", "MSRP: $5.00 ----"),
        (Decimal("5"), 5, "", "MSRP: $5.00"),
        (Decimal("5"), 12, "", "MSRP: $5.00"),
        (Decimal("5"), 2, "Box opened", "MSRP: $5.00 -- NOTES: Box opened"),
        (Decimal("5"), 5, "Box opened", "MSRP: $5.00 NOTES: Box opened"),
        (None, 1, "", "MSRP: N/A -"),
        (Decimal("5"), 1, "two\nlines", "MSRP: $5.00 - NOTES: two lines"),
        (
            Decimal("1299.99"),
            1,
            "Screen has a small scratch on the left corner, remote and stand included in box",
            "MSRP: $1299.99 - NOTES: Screen has a small scratch on the left corner, remote",
        ),
    ],
)
def test_subtitle_table(msrp: Decimal | None, count: int | None, notes: str, expected: str) -> None:
    text = subtitle(msrp, count, notes, MARKS, 80)

    assert text == expected
    assert len(text) <= 80


def test_description_html_lines_and_pickup() -> None:
    html = description_html(
        [("Description", "Air Fryer"), ("MSRP", "$129.99"), ("Notes", ""), ("Lot Number", "12")],
        "LOCAL PICKUP ONLY",
    )

    assert html == (
        "<b>Description</b>: Air Fryer<br><b>MSRP</b>: $129.99<br>"
        "<b>Lot Number</b>: 12<br>LOCAL PICKUP ONLY"
    )


@pytest.mark.parametrize(
    ("value", "expected_line"),
    [
        ("<script>alert(1)</script>", "<b>Notes</b>: &lt;script&gt;alert(1)&lt;/script&gt;<br>"),
        ("AT&T", "<b>Notes</b>: AT&amp;T<br>"),
        ('26"" bike', '<b>Notes</b>: 26"" bike<br>'),
        ("first\nsecond", "<b>Notes</b>: first<br>second<br>"),
        ("Crème – ½", "<b>Notes</b>: Crème – ½<br>"),
    ],
)
def test_description_html_escapes_values(value: str, expected_line: str) -> None:
    html = description_html([("Notes", value)], "LOCAL PICKUP ONLY")

    assert html == expected_line + "LOCAL PICKUP ONLY"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("038675275959", "038675275959"),
        (" 645707959505 ", "645707959505"),
        ("", ""),
        ("0 12345 67890 5", ""),
        ("12-34", ""),
        ("N/A", ""),
        ("１２３", ""),
        ("123²", ""),
    ],
)
def test_upc_table(raw: str, expected: str) -> None:
    assert upc(raw) == expected


@pytest.mark.parametrize(
    ("msrp", "count", "override", "expected"),
    [
        # An override above 0 wins over everything.
        (Decimal("500"), 1, Decimal("3"), "3.00"),
        (Decimal("10"), 1, Decimal("7.5"), "7.50"),
        (Decimal("10"), 1, Decimal("0"), "1.00"),
        (Decimal("10"), 1, Decimal("-2"), "1.00"),
        # MSRP above 0 and at most 20 starts at 1.00, whatever the Auction Count.
        (Decimal("0.01"), 1, None, "1.00"),
        (Decimal("20.00"), 1, None, "1.00"),
        (Decimal("20.00"), 2, None, "1.00"),
        (Decimal("20.01"), 1, None, "5.00"),
        # By Auction Count: 1 or missing 5.00, 2 2.50, 3 or more 1.00.
        (Decimal("100"), 1, None, "5.00"),
        (Decimal("100"), None, None, "5.00"),
        (Decimal("100"), 0, None, "5.00"),
        (Decimal("100"), 2, None, "2.50"),
        (Decimal("100"), 3, None, "1.00"),
        (Decimal("100"), 9, None, "1.00"),
        # MSRP 0 or missing falls through to the Auction Count table.
        (Decimal("0"), 2, None, "2.50"),
        (None, 1, None, "5.00"),
        (None, 3, None, "1.00"),
    ],
)
def test_starting_price_table(
    msrp: Decimal | None, count: int | None, override: Decimal | None, expected: str
) -> None:
    price = starting_price(msrp, count, override, maule().rules.pricing)

    assert str(price) == expected


@pytest.mark.parametrize(
    ("name", "expected_id", "warns"),
    [
        ("Appliances", 2830472, False),
        ("ELECTRONICS", 339723, False),
        ("Computers & Accessories", 339723, False),
        ("  home   &  kitchen ", 162703, False),
        ("Toys & Games", 2830927, False),
        ("Misc", 162733, False),
        ("Spaceships", 162733, True),
        ("", 162733, True),
    ],
)
def test_category_id_table(name: str, expected_id: int, warns: bool) -> None:
    site_category, message = category_id(name, maule().rules.categories)

    assert site_category == expected_id
    assert (message is not None) is warns


def test_unknown_category_message_names_value_and_fix() -> None:
    _, message = category_id("Spaceships", maule().rules.categories)

    assert message is not None
    assert "'Spaceships'" in message
    assert "162733" in message
    assert "warehouses.yaml" in message
