"""Unknown layouts, explicit column maps and column-map files."""

from __future__ import annotations

from decimal import Decimal

import pytest

from auction_airtable_sync.domain.manifest import (
    ColumnMapError,
    ImportField,
    UnknownLayoutError,
    load_column_map,
    read_manifest,
)

from .manifest_inputs import COSTCO_HEADERS, Cell, costco_row, csv_bytes, table, xlsx_bytes

CUSTOM_HEADERS = ("SKU", "Title", "Units", "Retail Each", "Barcode", "Grade", "Truck")


def _custom_grid(*rows: dict[str, Cell]) -> list[list[Cell]]:
    defaults: dict[str, Cell] = {
        "SKU": "A-1",
        "Title": "Harbor 5-Piece Patio Set, Grey",
        "Units": "2",
        "Retail Each": "$1,049.00",
        "Barcode": "004321000019",
        "Grade": "used_like_new",
        "Truck": "TRK-0412",
    }
    return table(CUSTOM_HEADERS, [{**defaults, **row} for row in rows])


CUSTOM_MAP: dict[str, str | None] = {
    "Title": "Product Name",
    "Retail Each": "MSRP",
    "Units": "Qty",
    "Barcode": "UPC",
    "Grade": "Condition",
    "Truck": "Shipment",
    "SKU": "LPN",
}


def test_unknown_layout_lists_headers_and_fields() -> None:
    with pytest.raises(UnknownLayoutError) as caught:
        read_manifest(csv_bytes(_custom_grid({})), "custom.csv")

    error = caught.value
    assert error.headers == CUSTOM_HEADERS
    assert error.missing_fields == (ImportField.PRODUCT_NAME, ImportField.MSRP)
    assert "Headers found: 'SKU', 'Title', 'Units'" in str(error)
    assert "Product Name, MSRP" in str(error)


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_column_map_reads_custom_layout(file_format: str) -> None:
    grid = _custom_grid({}, {"SKU": "A-2", "Units": "1", "Grade": ""})
    data = csv_bytes(grid) if file_format == "csv" else xlsx_bytes(grid)

    manifest = read_manifest(data, f"custom.{file_format}", CUSTOM_MAP)

    assert manifest.layout == "custom"
    assert manifest.issues == ()
    assert len(manifest.records) == 3
    first = manifest.records[0]
    assert first.product_name == "Harbor 5-Piece Patio Set, Grey"
    assert first.msrp == Decimal("1049.00")
    assert first.upc == "004321000019"
    assert first.condition == "Used - Like New"
    assert first.shipment == "TRK-0412"
    assert manifest.records[2].condition == ""


def test_column_map_without_qty_makes_one_unit_per_row() -> None:
    column_map = {"Title": "Product Name", "Retail Each": "MSRP"}

    manifest = read_manifest(csv_bytes(_custom_grid({}, {})), "custom.csv", column_map)

    assert [record.units_in_row for record in manifest.records] == [1, 1]


def test_column_map_field_names_loose() -> None:
    column_map = {"title": "product name", "RETAIL EACH": "msrp", "units": "QTY"}

    manifest = read_manifest(csv_bytes(_custom_grid({})), "custom.csv", column_map)

    assert manifest.columns[ImportField.PRODUCT_NAME] == ("Title",)
    assert len(manifest.records) == 2


def test_column_map_overrides_detected_layout() -> None:
    grid = table(COSTCO_HEADERS, [costco_row(Department="HOUSEWARES", Model="BM-12")])
    column_map = {"Department": "Category", "Model": "Notes", "Vendor": None}

    manifest = read_manifest(csv_bytes(grid), "costco.csv", column_map)

    assert manifest.layout == "costco-bstock + column map"
    record = manifest.records[0]
    assert record.category == "HOUSEWARES"
    assert record.notes == "BM-12"
    assert record.description == "Model: BM-12"
    assert ImportField.VENDOR not in manifest.columns


def test_column_map_several_headers_first_non_blank_wins() -> None:
    grid = table(
        ("Name", "Alt Name", "Price"),
        [{"Name": "", "Alt Name": "Backup Title", "Price": "5"}, {"Name": "Main", "Price": "6"}],
    )
    column_map = {"Name": "Product Name", "Alt Name": "Product Name", "Price": "MSRP"}

    manifest = read_manifest(csv_bytes(grid), "custom.csv", column_map)

    assert [record.product_name for record in manifest.records] == ["Backup Title", "Main"]


def test_column_map_missing_required_field() -> None:
    with pytest.raises(UnknownLayoutError) as caught:
        read_manifest(csv_bytes(_custom_grid({})), "custom.csv", {"Title": "Product Name"})

    assert caught.value.missing_fields == (ImportField.MSRP,)


def test_column_map_ignoring_required_column_of_layout() -> None:
    grid = table(COSTCO_HEADERS, [costco_row()])

    with pytest.raises(UnknownLayoutError) as caught:
        read_manifest(csv_bytes(grid), "costco.csv", {"Unit Retail": None})

    assert caught.value.missing_fields == (ImportField.MSRP,)
    assert "detected costco-bstock" in str(caught.value)


@pytest.mark.parametrize(
    ("column_map", "message"),
    [
        ({"Title": "Product Name", "Price": "MSRP"}, "header 'Price', which the manifest"),
        ({"Title": "Product Name", "Retail Each": "Retail"}, "unknown field 'Retail'"),
    ],
)
def test_column_map_errors(column_map: dict[str, str | None], message: str) -> None:
    with pytest.raises(ColumnMapError) as caught:
        read_manifest(csv_bytes(_custom_grid({})), "custom.csv", column_map)

    assert message in str(caught.value)


def test_column_map_finds_header_below_title_lines() -> None:
    grid: list[list[Cell]] = [["Manifest for truck TRK-0412"], *_custom_grid({})]

    manifest = read_manifest(csv_bytes(grid), "custom.csv", CUSTOM_MAP)

    assert manifest.header_line == 2
    assert manifest.records[0].source_line == 3


@pytest.mark.parametrize(
    ("filename", "text"),
    [
        (
            "map.yaml",
            '"Title": Product Name\n"Retail Each": msrp\n"Item #": LPN\nVendor: null\n2024: Notes\n',
        ),
        (
            "map.json",
            '{"Title": "Product Name", "Retail Each": "msrp", "Item #": "LPN", '
            '"Vendor": null, "2024": "Notes"}',
        ),
    ],
)
def test_load_column_map_file(filename: str, text: str) -> None:
    column_map = load_column_map(text.encode(), filename)

    assert column_map == {
        "Title": "Product Name",
        "Retail Each": "MSRP",
        "Item #": "LPN",
        "Vendor": None,
        "2024": "Notes",
    }


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("map.yaml", b"- Title\n- Retail\n", "must be an object"),
        ("map.yaml", b"", "must be an object"),
        ("map.json", b"{not json", "cannot be parsed"),
        ("map.yaml", b"Title: [Product Name]\n", "give a field name"),
        ("map.yaml", b"Title: Product Title\n", "unknown field 'Product Title'"),
        ("map.yaml", b"\xff\xfeT\x00", "not UTF-8"),
    ],
)
def test_load_column_map_rejects(filename: str, data: bytes, message: str) -> None:
    with pytest.raises(ColumnMapError) as caught:
        load_column_map(data, filename)

    assert message in str(caught.value)
