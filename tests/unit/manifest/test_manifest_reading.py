"""Reading whole manifest files: layouts, encodings, quoting, Qty expansion and field mapping."""

from __future__ import annotations

import codecs
from decimal import Decimal

import pytest

from auction_airtable_sync.domain.manifest import (
    NEW_ITEM_AUCTION_COUNT,
    ImportField,
    ManifestError,
    UnreadableManifestError,
    read_manifest,
)

from .manifest_inputs import (
    AMAZON_HEADERS,
    COSTCO_HEADERS,
    TARGET_HEADERS,
    TECHLIQUIDATORS_HEADERS,
    Cell,
    amazon_row,
    costco_row,
    csv_bytes,
    table,
    target_row,
    xlsx_bytes,
)

LONG_AMAZON_TITLE = (
    'Kestrel 9" Seeded Glass Pendant Light, Modern “Dome” Fixture for Kitchen Island, '
    "Dining Room, Hallway — Brushed Brass, 60℃ rated, Aünsffer-style canopy, "
    "UL Listed, 1-Light, E26 Base, Bulb Not Included, Pack of 1 (Brass)"
)


def _manifest_grid(layout: str) -> list[list[Cell]]:
    if layout == "target":
        return table(
            TARGET_HEADERS,
            [
                target_row(Qty="3", **{"Ext. Retail": "569.97"}),
                target_row(
                    **{
                        "Item #": "LPTG1000002",
                        "Item Description": "Summit 20'' Kids Bike, Red, Training Wheels",
                        "UPC": "001234567895",
                        "Condition": "USED_GOOD",
                    }
                ),
            ],
        )
    if layout == "costco":
        return table(
            COSTCO_HEADERS,
            [
                costco_row(),
                costco_row(
                    **{
                        "Item Description": 'GLIDE 47" SIT/STAND DESK',
                        "Qty": "1",
                        "Unit Retail": "249.99",
                        "Ext. Retail": "249.99",
                    }
                ),
            ],
        )
    if layout == "amazon":
        return table(
            AMAZON_HEADERS,
            [
                amazon_row(),
                amazon_row(
                    **{
                        "ASIN": "B0TEST0002",
                        "LPN": "LPNTEST00002",
                        "Item Description": LONG_AMAZON_TITLE,
                        "EAN": "0645707959505",
                        "UPC": "645707959505",
                        "Unit Retail": "233.99",
                        "Ext. Retail": "233.99",
                    }
                ),
            ],
        )
    return table(
        TECHLIQUIDATORS_HEADERS,
        [
            {
                "Product Name": "Lumen 27in 4K Monitor",
                "Model": "LM27-4K",
                "UPC": "098765432109",
                "Qty": "2",
                "MSRP": "$329.00",
                "Total MSRP": "$658.00",
                "Condition": "Refurbished",
                "Category": "Computers & Accessories",
            },
            {
                "Product Name": "Lumen Wireless Keyboard",
                "Model": "LK-100",
                "UPC": "",
                "Qty": "1",
                "MSRP": "49.99",
                "Total MSRP": "49.99",
                "Condition": "Untested",
                "Category": "Computers & Accessories",
            },
        ],
    )


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize(
    ("layout", "layout_name", "units"),
    [
        ("target", "target-bstock", 4),
        ("costco", "costco-bstock", 3),
        ("amazon", "amazon-bstock", 2),
        ("techliquidators", "techliquidators", 3),
    ],
)
def test_layout_detected_and_read(
    layout: str, layout_name: str, units: int, file_format: str
) -> None:
    grid = _manifest_grid(layout)
    data = csv_bytes(grid) if file_format == "csv" else xlsx_bytes(grid)

    manifest = read_manifest(data, f"manifest.{file_format}")

    assert manifest.layout == layout_name
    assert manifest.file_format == file_format
    assert manifest.rows == 2
    assert len(manifest.records) == units
    assert manifest.errors == ()


def test_target_fields_mapped() -> None:
    manifest = read_manifest(csv_bytes(_manifest_grid("target")), "target.csv")
    first = manifest.records[0]

    assert first.product_name == "Ridgeline 26\" Men's Trail Bike - Green"
    assert first.category == "BICYCLES-PHYSICAL FITNESS"
    assert first.condition == "New"
    assert first.upc == "012345678905"
    assert first.msrp == Decimal("189.99")
    assert first.shipment == "urc_bikes_20260101_001_p"
    assert first.description == "Brand: Ridgeline"
    assert first.lpn == "LPTG1000001"
    assert first.asin == ""
    assert first.notes == ""
    assert first.auction_count == NEW_ITEM_AUCTION_COUNT == 0
    assert manifest.records[3].product_name == "Summit 20'' Kids Bike, Red, Training Wheels"
    assert manifest.records[3].condition == "Used - Good"


def test_costco_fields_mapped() -> None:
    manifest = read_manifest(csv_bytes(_manifest_grid("costco")), "costco.csv")
    first = manifest.records[0]

    assert first.product_name == "BREWMASTER 12-CUP GRIND A"
    assert first.category == "Small Kitchen Appliances"
    assert first.condition == "Used - Fair"
    assert first.upc == ""
    assert first.shipment == "7000001"
    assert first.description == "Vendor: KITCHENCO LLC"
    assert first.lpn == ""
    assert manifest.records[2].product_name == 'GLIDE 47" SIT/STAND DESK'


def test_amazon_fields_mapped() -> None:
    manifest = read_manifest(csv_bytes(_manifest_grid("amazon")), "amazon.csv")
    first, second = manifest.records

    assert first.asin == "B0TEST0001"
    assert first.upc == ""
    assert first.category == "Plumbing Fixtures"
    assert first.condition == "Used - Good"
    assert first.shipment == "AMZ_3PL_20260101_001"
    assert first.description == "Brand: Glimmer"
    assert second.product_name == LONG_AMAZON_TITLE
    assert second.upc == "645707959505"


def test_amazon_ean_used_without_upc() -> None:
    grid = table(AMAZON_HEADERS, [amazon_row(EAN="0744702737214", UPC="")])

    manifest = read_manifest(csv_bytes(grid), "amazon.csv")

    assert manifest.records[0].upc == "0744702737214"


def test_shipment_falls_back_to_pallet_id() -> None:
    grid = table(AMAZON_HEADERS, [amazon_row(**{"Lot ID": ""})])

    manifest = read_manifest(csv_bytes(grid), "amazon.csv")

    assert manifest.records[0].shipment == "LIQ:3PL:PALLET:LNRM:PAL-10001"


def test_techliquidators_fields_mapped_with_warning() -> None:
    manifest = read_manifest(csv_bytes(_manifest_grid("techliquidators")), "tl.csv")
    first = manifest.records[0]

    assert first.product_name == "Lumen 27in 4K Monitor"
    assert first.msrp == Decimal("329.00")
    assert first.condition == "Refurbished"
    assert first.description == "Model: LM27-4K"
    assert [issue.line for issue in manifest.warnings] == [1]
    assert "never checked" in manifest.warnings[0].message


def test_qty_expands_into_units() -> None:
    manifest = read_manifest(csv_bytes(_manifest_grid("target")), "target.csv")

    assert [
        (record.source_line, record.unit, record.units_in_row) for record in manifest.records
    ] == [
        (2, 1, 3),
        (2, 2, 3),
        (2, 3, 3),
        (3, 1, 1),
    ]
    assert manifest.total_msrp == Decimal("759.96")


def test_headers_match_without_case_or_spacing() -> None:
    headers = [header.upper().replace(" ", "  ").replace(".", "") for header in AMAZON_HEADERS]
    grid = table(headers, [dict(zip(headers, amazon_row().values(), strict=True))])

    manifest = read_manifest(csv_bytes(grid), "amazon.csv")

    assert manifest.layout == "amazon-bstock"
    assert manifest.columns[ImportField.MSRP] == ("UNIT RETAIL",)
    assert len(manifest.records) == 1


def test_messy_titles_survive_csv_quoting() -> None:
    titles = [
        'Trail 26"" Bike, Blue',  # literally two quotes, as some exports double them
        "Rack 20'' Wide, Steel",
        "Lamp “Aurora”, 9” shade — café",
        "Ζ-Series Ölfilter, Größe M",
        "Line one\nline two of a title",
    ]
    rows = [
        target_row(**{"Item #": f"LPTG200000{index}", "Item Description": title})
        for index, title in enumerate(titles)
    ]

    manifest = read_manifest(csv_bytes(table(TARGET_HEADERS, rows)), "target.csv")

    assert [record.product_name for record in manifest.records] == [
        'Trail 26"" Bike, Blue',
        "Rack 20'' Wide, Steel",
        "Lamp “Aurora”, 9” shade — café",
        "Ζ-Series Ölfilter, Größe M",
        "Line one line two of a title",
    ]


def test_doubled_quotes_in_raw_csv() -> None:
    raw = (
        b"Item #,Item Description,Qty,Unit Retail,TCIN\n"
        b'LPTG1,"Cruiser 26"" Men\'s Bike, Teal",1,99.00,123\n'
    )

    manifest = read_manifest(raw, "target.csv")

    assert manifest.records[0].product_name == "Cruiser 26\" Men's Bike, Teal"


def test_line_numbers_follow_multiline_values() -> None:
    rows = [
        target_row(**{"Item #": "LPTG1", "Item Description": "First\nsecond\nthird line"}),
        target_row(**{"Item #": "LPTG2", "Qty": "0"}),
    ]

    manifest = read_manifest(csv_bytes(table(TARGET_HEADERS, rows)), "target.csv")

    assert manifest.records[0].source_line == 2
    assert [issue.line for issue in manifest.errors] == [5]


@pytest.mark.parametrize(
    ("encoding", "expected_encoding"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("cp1252", "cp1252"),
        ("utf-16", "utf-16"),
    ],
)
def test_encodings_detected(encoding: str, expected_encoding: str) -> None:
    title = "Café Table “Nordic” 30” – Oak"
    grid = table(COSTCO_HEADERS, [costco_row(**{"Item Description": title})])
    delimiter = "\t" if encoding == "utf-16" else ","

    manifest = read_manifest(csv_bytes(grid, encoding=encoding, delimiter=delimiter), "costco.csv")

    assert manifest.encoding == expected_encoding
    assert manifest.layout == "costco-bstock"
    assert manifest.records[0].product_name == title


def test_bom_not_part_of_first_header() -> None:
    data = codecs.BOM_UTF8 + csv_bytes(_manifest_grid("costco"))

    manifest = read_manifest(data, "costco.csv")

    assert manifest.columns[ImportField.SHIPMENT] == ("Lot ID",)
    assert manifest.records[0].shipment == "7000001"


@pytest.mark.parametrize("line_ending", ["\r\n", "\n", "\r"])
def test_no_final_newline(line_ending: str) -> None:
    data = csv_bytes(_manifest_grid("amazon"), final_newline=False, line_ending=line_ending)

    manifest = read_manifest(data, "amazon.csv")

    assert not data.endswith(line_ending.encode())
    assert [record.lpn for record in manifest.records] == ["LPNTEST00001", "LPNTEST00002"]
    assert manifest.records[1].source_line == 3


def test_semicolon_delimiter_detected() -> None:
    data = csv_bytes(_manifest_grid("costco"), delimiter=";")

    manifest = read_manifest(data, "costco.csv")

    assert manifest.layout == "costco-bstock"
    assert len(manifest.records) == 3


def test_leading_zero_upcs_kept_as_text() -> None:
    rows = [
        target_row(**{"Item #": "LPTG1", "UPC": "038675275959"}),
        target_row(**{"Item #": "LPTG2", "UPC": "000000012345"}),
        target_row(**{"Item #": "LPTG3", "UPC": ""}),
    ]

    manifest = read_manifest(csv_bytes(table(TARGET_HEADERS, rows)), "target.csv")

    assert [record.upc for record in manifest.records] == ["038675275959", "000000012345", ""]
    assert manifest.warnings == ()


def test_xlsx_numeric_upc_padded_with_warning() -> None:
    rows = [
        target_row(**{"UPC": 38675275959, "Qty": 2, "Unit Retail": 202.99, "Ext. Retail": 405.98})
    ]

    manifest = read_manifest(xlsx_bytes(table(TARGET_HEADERS, rows)), "target.xlsx")

    assert [record.upc for record in manifest.records] == ["038675275959", "038675275959"]
    assert manifest.records[0].msrp == Decimal("202.99")
    assert [(issue.line, issue.column) for issue in manifest.warnings] == [(2, "UPC")]


def test_same_upc_two_prices_and_repeated_titles_kept() -> None:
    rows = [
        target_row(**{"Item #": "LPTG1", "Unit Retail": "202.99", "Ext. Retail": "202.99"}),
        target_row(**{"Item #": "LPTG2", "Unit Retail": "189.99", "Ext. Retail": "189.99"}),
    ]

    manifest = read_manifest(csv_bytes(table(TARGET_HEADERS, rows)), "target.csv")

    assert [record.msrp for record in manifest.records] == [Decimal("202.99"), Decimal("189.99")]
    assert manifest.records[0].upc == manifest.records[1].upc
    assert manifest.records[0].product_name == manifest.records[1].product_name
    assert manifest.issues == ()


def test_blank_rows_skipped_but_counted_in_lines() -> None:
    grid = _manifest_grid("costco")
    grid.insert(2, [""] * len(COSTCO_HEADERS))
    grid.append([None] * len(COSTCO_HEADERS))

    manifest = read_manifest(xlsx_bytes(grid), "costco.xlsx")

    assert manifest.rows == 2
    assert [record.source_line for record in manifest.records] == [2, 2, 4]


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_title_lines_above_header_skipped(file_format: str) -> None:
    grid: list[list[Cell]] = [
        ["B-Stock Manifest - Lot 7000001"],
        [],
        *_manifest_grid("costco"),
    ]
    data = csv_bytes(grid) if file_format == "csv" else xlsx_bytes(grid)

    manifest = read_manifest(data, f"costco.{file_format}")

    assert manifest.header_line == 3
    assert [record.source_line for record in manifest.records] == [4, 4, 5]
    assert [(issue.line, issue.severity) for issue in manifest.issues] == [(3, "warning")]


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "empty.csv", "empty"),
        (b"\n\n  \n", "blank.csv", "empty"),
        (xlsx_bytes([]), "blank.xlsx", "empty"),
        (b"Item #,Item Description,Qty,Unit Retail,TCIN\n\n", "header.csv", "no data rows"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "old.xls", ".xls"),
        (b"PK\x03\x04not really a zip", "broken.xlsx", "not a valid XLSX"),
        (b"Item Description,Qty\nplain text", "fake.xlsx", "not a zip archive"),
        (b"Item Description,Qty\n\x81\x8d\x8f bytes", "bad.csv", "neither UTF-8 nor Windows-1252"),
        (b"Item #,Item Description\n\x00\x00", "nul.csv", "NUL bytes"),
        (b'Item Description,Qty\n"' + b"x" * 200_000 + b'",1\n', "huge.csv", "line 2"),
    ],
)
def test_unreadable_files_rejected(data: bytes, filename: str, message: str) -> None:
    with pytest.raises(ManifestError) as caught:
        read_manifest(data, filename)
    assert message in str(caught.value)


def test_row_limit_rejects_file() -> None:
    from auction_airtable_sync.domain.manifest import ImportOptions

    grid = table(COSTCO_HEADERS, [costco_row() for _ in range(5)])

    with pytest.raises(UnreadableManifestError) as caught:
        read_manifest(csv_bytes(grid), "costco.csv", options=ImportOptions(max_rows=4))
    assert "more than 4 rows" in str(caught.value)


def test_duplicate_header_warned_first_column_read() -> None:
    data = (
        b"Item #,Item Description,Qty,Unit Retail,TCIN,Unit Retail\n"
        b"LPTG1,Helmet,1,19.99,456,29.99\n"
    )

    manifest = read_manifest(data, "target.csv")

    assert manifest.records[0].msrp == Decimal("19.99")
    assert [(issue.line, issue.column) for issue in manifest.warnings] == [(1, "Unit Retail")]
    assert "column 4 and again in column(s) 6" in manifest.warnings[0].message


def test_xlsx_content_wins_over_file_name() -> None:
    manifest = read_manifest(xlsx_bytes(_manifest_grid("costco")), "costco.xls")

    assert manifest.file_format == "xlsx"
    assert len(manifest.records) == 3


def test_totals_row_skipped_with_warning() -> None:
    grid = _manifest_grid("costco")
    totals: list[Cell] = [""] * len(COSTCO_HEADERS)
    totals[COSTCO_HEADERS.index("Qty")] = "Total:"
    totals[COSTCO_HEADERS.index("Ext. Retail")] = "509.97"
    grid.append(totals)

    manifest = read_manifest(xlsx_bytes(grid), "costco.xlsx")

    assert manifest.errors == ()
    assert [(issue.line, issue.message) for issue in manifest.warnings] == [
        (4, "totals row without a product skipped")
    ]
    assert manifest.rows == 2
    assert len(manifest.records) == 3


def test_total_in_product_name_is_a_product() -> None:
    grid = table(COSTCO_HEADERS, [costco_row(**{"Item Description": "TOTAL"})])

    manifest = read_manifest(csv_bytes(grid), "costco.csv")

    assert [record.product_name for record in manifest.records] == ["TOTAL", "TOTAL"]
