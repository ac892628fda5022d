"""Tests of build_rows: one row per usable record, with warnings for everything odd."""

from decimal import Decimal
from typing import Any

import pytest

from auction_formatter.domain import LotRows, RowWarning, Severity, build_rows

from .inventory_inputs import full_record, maule, numbered_records, photos_for, record, sahara


def _build(
    records: list[Any],
    photos: dict[str, list[str]] | None = None,
    event_id: str | int = 4242,
    price_override: Decimal | None = None,
    warehouse: str = "maule",
) -> tuple[LotRows, list[RowWarning]]:
    config = maule() if warehouse == "maule" else sahara()
    if photos is None:
        photos = photos_for(*(r["id"] for r in records if isinstance(r, dict) and "id" in r))
    return build_rows(records, photos, config, event_id, price_override)


def _only_row(records: list[Any], **kwargs: Any) -> tuple[dict[str, str], list[RowWarning]]:
    rows, warnings = _build(records, **kwargs)
    assert len(rows.rows) == 1
    return rows.rows[0], warnings


def _fields_warned(warnings: list[RowWarning]) -> list[tuple[Severity, str]]:
    return [(warning.severity, warning.field) for warning in warnings]


def test_full_record_row() -> None:
    photos = {"recFull1": [f"https://images.example.test/recFull1_{n}.jpg" for n in (1, 2)]}

    row, warnings = _only_row([full_record()], photos=photos)

    assert warnings == []
    assert row == {
        "EventID": "4242",
        "LotNumber": "M1042",
        "Seller": "702Auctions",
        "ConsignorNumber": "",
        "Category": "2830472",
        "Region": "88850842",
        "ListingType": "Auction",
        "Currency": "USD",
        "Title": "Ninja Air Fryer, 4 Quart",
        "Subtitle": "MSRP: $129.99 - NOTES: Box opened",
        "Description": (
            "<b>Description</b>: Ninja Air Fryer, 4 Quart<br>"
            "<b>MSRP</b>: $129.99<br>"
            "<b>Condition</b>: Used - Like New<br>"
            "<b>Notes</b>: Box opened<br>"
            "<b>Other info</b>: Includes basket<br>"
            "<b>Lot Number</b>: 1042<br>"
            "LOCAL PICKUP ONLY"
        ),
        "Price": "5.00",
        "Quantity": "1",
        "IsTaxable": "true",
        "Image_1": "https://images.example.test/recFull1_1.jpg",
        "Image_2": "https://images.example.test/recFull1_2.jpg",
        **{f"Image_{n}": "" for n in range(3, 11)},
        "YouTubeID": "",
        "PdfAttachments": "",
        "Bold": "false",
        "Badge": "",
        "Highlight": "false",
        "ShippingOptions": "",
        "Duration": "",
        "StartDTTM": "",
        "EndDTTM": "",
        "AutoRelist": "0",
        "GoodTilCanceled": "false",
        "Working Condition": "Tested, works",
        "UPC": "622356230001",
        "Truck": "Truck 7",
        "Source": "AMZ FC",
        "Size": "Medium",
        "Photo Taker": "Dana",
        "Packaging": "",
        "Other Notes": "Box opened",
        "MSRP": "129.99",
        "Lot Number": "1042",
        "Location": "A-12",
        "Item Condition": "Used - Like New",
        "ID": "recFull1",
        "Amazon ID": "B07FDJMC9Q",
    }


def test_row_has_every_column_in_order() -> None:
    rows, _ = _build([full_record()])

    assert rows.columns == maule().rules.columns
    assert list(rows.rows[0]) == list(rows.columns)


def test_sahara_prefix_and_region() -> None:
    row, _ = _only_row([full_record()], warehouse="sahara")

    assert row["LotNumber"] == "S1042"
    assert row["Region"] == "88850843"
    assert row["Lot Number"] == "1042"


def test_minimal_record_keeps_row_with_defaults() -> None:
    row, warnings = _only_row([record("recMin", Product_Name="Lamp")], photos={})

    assert row["Title"] == "Lamp"
    assert row["Subtitle"] == "MSRP: N/A -"
    assert row["Price"] == "5.00"
    assert row["Category"] == "162733"
    assert row["LotNumber"] == ""
    assert row["MSRP"] == ""
    assert row["Description"] == "<b>Description</b>: Lamp<br>LOCAL PICKUP ONLY"
    assert sorted(_fields_warned(warnings)) == sorted(
        [
            (Severity.WARNING, "Category"),
            (Severity.WARNING, "Image 1"),
            (Severity.WARNING, "Lot Number"),
        ]
    )


@pytest.mark.parametrize(
    ("count", "price", "subtitle"),
    [
        (None, "5.00", "MSRP: $100.00 -"),
        (1, "5.00", "MSRP: $100.00 -"),
        (2, "2.50", "MSRP: $100.00 --"),
        ("3", "1.00", "MSRP: $100.00 ---"),
        (4.0, "1.00", "MSRP: $100.00 ----"),
        (5, "1.00", "MSRP: $100.00"),
    ],
)
def test_auction_count_sets_price_and_mark(count: object, price: str, subtitle: str) -> None:
    fields: dict[str, Any] = {"Product Name": "Drill", "MSRP": 100, "Lot Number": 1}
    if count is not None:
        fields["Auction Count"] = count

    row, _ = _only_row([{"id": "recC", "fields": fields}])

    assert row["Price"] == price
    assert row["Subtitle"] == subtitle


def test_price_override_wins() -> None:
    row, _ = _only_row([full_record()], price_override=Decimal("2"))

    assert row["Price"] == "2.00"


def test_low_msrp_price() -> None:
    row, _ = _only_row([record(Product_Name="Mug", MSRP="$19.99", Auction_Count=1, Lot_Number=3)])

    assert row["Price"] == "1.00"
    assert row["MSRP"] == "19.99"


@pytest.mark.parametrize(
    ("fields", "expected_field", "expected_text"),
    [
        ({"MSRP": "abc"}, "MSRP", "not a number"),
        ({"MSRP": "-4"}, "MSRP", "negative"),
        ({"Auction Count": "many"}, "Auction Count", "not a whole number"),
        ({"Auction Count": -2}, "Auction Count", "not a whole number"),
        ({"Category": "Spaceships"}, "Category", "'Spaceships'"),
        ({"UPC": "0 12345 67890 5"}, "UPC", "not all digits"),
        ({"Product Name": "x" * 200}, "Product Name", "cut to 80"),
        ({"Product Name": "=cmd|' /C calc'!A0"}, "Product Name", "formula"),
        ({"Notes": "@SUM(1)"}, "Notes", "formula"),
        ({"Location": "+A12"}, "Location", "formula"),
        ({"Notes": "<b>box</b> dented"}, "Notes", "HTML"),
        ({"Description": "Fits&nbsp;all"}, "Description", "HTML"),
        ({"Product Name": "<i>Lamp</i>"}, "Product Name", "HTML"),
    ],
)
def test_problem_fields_warn(
    fields: dict[str, Any], expected_field: str, expected_text: str
) -> None:
    base = {"Product Name": "Lamp", "Category": "Misc", "Lot Number": 8, "MSRP": 30}
    rec = {"id": "recW", "fields": {**base, **fields}}

    _, warnings = _only_row([rec])

    assert len(warnings) == 1
    warning = warnings[0]
    assert warning.severity is Severity.WARNING
    assert warning.field == expected_field
    assert warning.record_id == "recW"
    assert warning.lot_number == "M8"
    assert expected_text in warning.message


def test_warning_value_is_the_bad_input() -> None:
    _, warnings = _only_row([record("recV", Product_Name="Lamp", Category="Misc", MSRP="12,5O")])

    msrp_warnings = [w for w in warnings if w.field == "MSRP"]
    assert [w.value for w in msrp_warnings] == ["12,5O"]


def test_not_a_number_msrp_is_left_empty() -> None:
    row, _ = _only_row([record(Product_Name="Lamp", MSRP="abc", Auction_Count=2)])

    assert row["MSRP"] == ""
    assert row["Subtitle"] == "MSRP: N/A --"
    assert row["Price"] == "2.50"
    assert "<b>MSRP</b>" not in row["Description"]


def test_formula_cells_get_a_quote() -> None:
    rec = record(
        Product_Name='=HYPERLINK("http://x")',
        Notes="-rf",
        Working_Condition="=1+1",
        Lot_Number="@7",
    )

    row, _ = _only_row([rec])

    assert row["Title"] == '\'=HYPERLINK("http://x")'
    assert row["Other Notes"] == "'-rf"
    assert row["Working Condition"] == "'=1+1"
    assert row["Lot Number"] == "'@7"
    assert row["LotNumber"] == "M@7"
    assert row["Subtitle"] == "MSRP: N/A - NOTES: -rf"
    assert "<b>Notes</b>: -rf<br>" in row["Description"]


def test_quoted_title_stays_within_limit() -> None:
    row, _ = _only_row([record(Product_Name="=" + "y" * 100)])

    assert row["Title"] == "'=" + "y" * 78


def test_html_stripped_then_escaped() -> None:
    rec = record(
        Product_Name="Cable <5 ft & more",
        Notes="<b>Box</b> damaged &amp; taped",
        Description="<script>alert('x')</script>fits",
    )

    row, warnings = _only_row([rec])

    assert row["Other Notes"] == "Box damaged & taped"
    assert row["Title"] == "Cable <5 ft & more"
    assert "<b>Description</b>: Cable &lt;5 ft &amp; more<br>" in row["Description"]
    assert "<b>Notes</b>: Box damaged &amp; taped<br>" in row["Description"]
    assert "<b>Other info</b>: alert('x') fits<br>" in row["Description"]
    assert "<script>" not in row["Description"]
    assert sorted(w.field for w in warnings if "HTML" in w.message) == ["Description", "Notes"]


@pytest.mark.parametrize(
    "product_name",
    [
        'Mongoose Limestone 26"" Men\'s Mountain Bike - Blue',
        "Merexcint Farmhouse Rustic Ceiling Fan, Light and Remote, 21 Inch",
        "Crème brûlée torch – “chef’s” edition, 20'' hose, ½ off, 日本製",
    ],
)
def test_weird_titles_pass_through(product_name: str) -> None:
    row, warnings = _only_row([record(Product_Name=product_name, Category="misc", Lot_Number=1)])

    assert row["Title"] == product_name
    assert warnings == []


def test_long_title_is_cut_at_a_word() -> None:
    name = (
        "LEDIARY 22in Enclosed Ceiling Fans with Lighst and Remote, Black Modern Bladeless "
        "Ceiling Fan with Bright Light, Led Flush Mount Ceiling Fan for Bedroom, Living Room, "
        "Kid Room(6 Speeds, 3000-6000K)"
    )

    row, warnings = _only_row([record(Product_Name=name, Category="misc", Lot_Number=1)])

    assert row["Title"] == "LEDIARY 22in Enclosed Ceiling Fans with Lighst and Remote, Black Modern"
    assert name in row["Description"]
    assert [w.field for w in warnings] == ["Product Name"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [(1042, "1042"), (12.0, "12"), ("  77 ", "77"), ("A-3", "A-3")],
)
def test_lot_number_values(value: object, expected: str) -> None:
    row, _ = _only_row([record(Product_Name="Lamp", Lot_Number=value)])

    assert row["Lot Number"] == expected
    assert row["LotNumber"] == "M" + expected


def test_photos_primary_first_and_capped_at_ten() -> None:
    urls = [f"https://images.example.test/recP_{n}.jpg" for n in range(1, 13)]

    row, warnings = _only_row(
        [record("recP", Product_Name="Lamp", Category="misc", Lot_Number=1)], photos={"recP": urls}
    )

    assert [row[f"Image_{n}"] for n in range(1, 11)] == urls[:10]
    assert [(w.field, "12 photos" in w.message) for w in warnings] == [("Image 1", True)]


def test_bad_photo_urls_are_dropped() -> None:
    urls = ["", "ftp://x/y.jpg", " https://images.example.test/recP_2.jpg "]

    row, warnings = _only_row(
        [record("recP", Product_Name="Lamp", Category="misc", Lot_Number=1)], photos={"recP": urls}
    )

    assert row["Image_1"] == "https://images.example.test/recP_2.jpg"
    assert row["Image_2"] == ""
    assert len(warnings) == 2


def test_no_photo_warns_and_keeps_row() -> None:
    row, warnings = _only_row(
        [record("recP", Product_Name="Lamp", Category="misc", Lot_Number=1)], photos={}
    )

    assert row["Image_1"] == ""
    assert [(w.severity, w.field) for w in warnings] == [(Severity.WARNING, "Image 1")]


@pytest.mark.parametrize(
    ("bad_record", "expected_text"),
    [
        ({"id": "recE", "fields": {"Lot Number": 3}}, "Product Name is empty"),
        ({"id": "recE", "fields": {"Product Name": "   "}}, "Product Name is empty"),
        ({"id": "recE", "fields": {"Product Name": "<br>"}}, "Product Name is empty"),
        ({"fields": {"Product Name": "Lamp"}}, "no id"),
        ({"id": "", "fields": {"Product Name": "Lamp"}}, "no id"),
        ({"id": "recE", "fields": ["Product Name"]}, "fields are a list"),
        ("not a record", "not an object"),
    ],
)
def test_unusable_record_is_skipped_with_error(bad_record: Any, expected_text: str) -> None:
    rows, warnings = _build([bad_record, full_record()])

    assert [row["ID"] for row in rows.rows] == ["recFull1"]
    errors = [w for w in warnings if w.severity is Severity.ERROR]
    assert len(errors) == 1
    assert expected_text in errors[0].message


def test_empty_product_name_error_names_record_and_lot() -> None:
    _, warnings = _build([record("recNoName", Lot_Number=9)])

    errors = [w for w in warnings if w.severity is Severity.ERROR]
    assert [(w.record_id, w.lot_number, w.field) for w in errors] == [
        ("recNoName", "M9", "Product Name")
    ]


def test_repeated_record_is_skipped() -> None:
    rows, warnings = _build([full_record(), full_record()])

    assert len(rows.rows) == 1
    assert [(w.severity, w.field, w.record_id) for w in warnings] == [
        (Severity.ERROR, "id", "recFull1")
    ]


def test_repeated_lot_number_warns() -> None:
    records = [
        record("recA", Product_Name="Lamp", Category="misc", Lot_Number=5),
        record("recB", Product_Name="Desk", Category="misc", Lot_Number="5"),
    ]

    rows, warnings = _build(records)

    assert len(rows.rows) == 2
    assert [(w.record_id, w.field) for w in warnings] == [("recB", "Lot Number")]
    assert "recA" in warnings[0].message


def test_notes_with_no_letters_stay_in_top_lots() -> None:
    records = [
        record("recCheap", Product_Name="Cheap", Category="misc", Lot_Number=1, MSRP=5),
        record("recNothing", Product_Name="Nothing", Category="misc", Lot_Number=2, MSRP=500, Notes="Nothing wrong"),
        record("recUnknown", Product_Name="Unknown", Category="misc", Lot_Number=3, MSRP=400, Condition="Unknown"),
        record("recDamaged", Product_Name="Damaged", Category="misc", Lot_Number=4, MSRP=900, Notes="Screen damaged"),
    ]  # fmt: skip

    rows, _ = _build(records)

    assert [row["ID"] for row in rows.rows] == [
        "recNothing",
        "recUnknown",
        "recCheap",
        "recDamaged",
    ]


def test_top_lots_use_unique_titles() -> None:
    records = [
        record("recA", Product_Name="Air Fryer", Category="misc", Lot_Number=1, MSRP=100),
        record("recB", Product_Name="air fryer", Category="misc", Lot_Number=2, MSRP=99),
        record("recC", Product_Name="Blender", Category="misc", Lot_Number=3, MSRP=50),
    ]

    rows, _ = _build(records)

    assert [row["ID"] for row in rows.rows] == ["recA", "recC", "recB"]


def test_same_input_gives_same_rows() -> None:
    records = list(numbered_records(200, msrp_of=lambda n: n % 7))

    first, first_warnings = _build(records)
    second, second_warnings = _build(records)

    assert first == second
    assert first_warnings == second_warnings


def test_other_event_id_changes_shuffle_only_after_top() -> None:
    records = list(numbered_records(200))

    first, _ = _build(records, event_id=4242)
    second, _ = _build(records, event_id=5151)

    ids_first = [row["ID"] for row in first.rows]
    ids_second = [row["ID"] for row in second.rows]
    assert ids_first[:50] == ids_second[:50]
    assert ids_first[50:] != ids_second[50:]
    assert sorted(ids_first) == sorted(ids_second)
    assert {row["EventID"] for row in second.rows} == {"5151"}


def test_empty_event_id_is_rejected() -> None:
    with pytest.raises(ValueError, match="event_id is empty"):
        _build([full_record()], event_id=" ")


def test_no_records_gives_no_rows() -> None:
    rows, warnings = _build([])

    assert rows.rows == ()
    assert warnings == []
    assert len(rows.columns) == 49
