"""Row validation: errors and warnings by line, skipping bad rows, and the reject-all rule."""

from __future__ import annotations

from decimal import Decimal

import pytest

from auction_airtable_sync.domain.manifest import (
    ImportOptions,
    ManifestRejectedError,
    ParsedManifest,
    read_manifest,
)

from .manifest_inputs import (
    AMAZON_HEADERS,
    TARGET_HEADERS,
    Cell,
    amazon_row,
    csv_bytes,
    table,
    target_row,
)


def _read_target_rows(
    *rows: dict[str, Cell], options: ImportOptions | None = None
) -> ParsedManifest:
    numbered = [{"Item #": f"LPTG{index:07d}", **row} for index, row in enumerate(rows)]
    grid = table(TARGET_HEADERS, [target_row(**row) for row in numbered])
    return read_manifest(csv_bytes(grid), "target.csv", options=options)


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        ({"Item Description": ""}, "Item Description", "Item Description is blank"),
        ({"Item Description": "   "}, "Item Description", "Item Description is blank"),
        ({"Qty": ""}, "Qty", "Qty is blank: enter a whole number"),
        ({"Qty": "two"}, "Qty", "Qty 'two' is not a whole number"),
        ({"Qty": "1.5"}, "Qty", "Qty '1.5' is not a whole number"),
        ({"Qty": "0"}, "Qty", "Qty '0' is not above zero"),
        ({"Qty": "-3"}, "Qty", "Qty '-3' is not above zero"),
        ({"Qty": "501"}, "Qty", "Qty 501 is more than 500 units"),
        ({"Unit Retail": ""}, "Unit Retail", "Unit Retail is blank: enter the retail"),
        ({"Unit Retail": "call"}, "Unit Retail", "Unit Retail 'call' is not a number"),
        ({"Unit Retail": "-5.00"}, "Unit Retail", "Unit Retail '-5.00' is negative"),
    ],
)
def test_row_error_reported_by_line(row: dict[str, Cell], column: str, message: str) -> None:
    manifest = _read_target_rows({}, row, {})

    assert manifest.rejected_lines == (3,)
    assert len(manifest.errors) == 1
    error = manifest.errors[0]
    assert error.line == 3
    assert error.column == column
    assert error.message.startswith(message)
    assert [record.source_line for record in manifest.records] == [2, 4]


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        ({"Qty": "3", "Ext. Retail": "500.00"}, "Ext. Retail", "Ext. Retail 500.00 differs"),
        ({"Ext. Retail": "n/a"}, "Ext. Retail", "Ext. Retail 'n/a' is not a number"),
        ({"Condition": "GRADE_C"}, "Condition", "Condition 'GRADE_C' is not in the"),
        ({"UPC": "3.86753E+11"}, "UPC", "UPC '3.86753E+11' is in scientific notation"),
    ],
)
def test_row_warning_keeps_units(row: dict[str, Cell], column: str, message: str) -> None:
    manifest = _read_target_rows({}, row)

    assert manifest.errors == ()
    assert len(manifest.warnings) == 1
    warning = manifest.warnings[0]
    assert warning.line == 3
    assert warning.column == column
    assert warning.message.startswith(message)
    assert 3 in [record.source_line for record in manifest.records]


def test_ext_retail_within_cent_accepted() -> None:
    manifest = _read_target_rows({"Qty": "3", "Unit Retail": "33.33", "Ext. Retail": "$99.99"})

    assert manifest.issues == ()


def test_blank_ext_retail_not_checked() -> None:
    manifest = _read_target_rows({"Qty": "2", "Ext. Retail": ""})

    assert manifest.issues == ()
    assert len(manifest.records) == 2


def test_qty_over_limit_as_warning_imports_all_units() -> None:
    options = ImportOptions(max_units_per_row=5, units_over_max="warning")

    manifest = _read_target_rows({"Qty": "6", "Ext. Retail": ""}, options=options)

    assert manifest.errors == ()
    assert [issue.message[:28] for issue in manifest.warnings] == ["Qty 6 is more than 5 units i"]
    assert len(manifest.records) == 6


def test_several_errors_on_one_row() -> None:
    manifest = _read_target_rows({"Item Description": "", "Qty": "x", "Unit Retail": "?"})

    assert [issue.column for issue in manifest.errors] == ["Item Description", "Qty", "Unit Retail"]
    assert manifest.rejected_lines == (2,)
    assert manifest.records == ()


def test_duplicate_lpn_rejects_later_row() -> None:
    rows = [
        amazon_row(LPN="LPNDUP0001"),
        amazon_row(LPN="LPNOTHER01"),
        amazon_row(LPN="lpndup0001"),
    ]

    manifest = read_manifest(csv_bytes(table(AMAZON_HEADERS, rows)), "amazon.csv")

    assert manifest.rejected_lines == (4,)
    assert manifest.errors[0].column == "LPN"
    assert "also on line 2" in manifest.errors[0].message
    assert [record.lpn for record in manifest.records] == ["LPNDUP0001", "LPNOTHER01"]


def test_invalid_asin_warned() -> None:
    rows = [amazon_row(ASIN="b0-short")]

    manifest = read_manifest(csv_bytes(table(AMAZON_HEADERS, rows)), "amazon.csv")

    assert [(issue.line, issue.column) for issue in manifest.warnings] == [(2, "ASIN")]
    assert manifest.records[0].asin == "b0-short"


def test_shifted_row_rejected_as_one_error() -> None:
    header = "Item #,Item Description,Qty,Unit Retail,TCIN\n"
    data = (header + "LPTG1,Bike, Blue,1,99.00,123\nLPTG2,Helmet,1,19.99,456").encode()

    manifest = read_manifest(data, "target.csv")

    assert manifest.rejected_lines == (2,)
    assert len(manifest.errors) == 1
    assert "missing its quotes" in manifest.errors[0].message
    assert [record.product_name for record in manifest.records] == ["Helmet"]


def test_short_row_reads_missing_cells_as_blank() -> None:
    data = b"Item #,Item Description,Qty,Unit Retail,TCIN\nLPTG1,Helmet,1,19.99"

    manifest = read_manifest(data, "target.csv")

    assert manifest.issues == ()
    assert manifest.records[0].msrp == Decimal("19.99")


def test_errors_reject_whole_import() -> None:
    manifest = _read_target_rows({}, {"Qty": "0"}, {"Unit Retail": "abc"})

    with pytest.raises(ManifestRejectedError) as caught:
        manifest.records_to_import()

    assert [issue.line for issue in caught.value.errors] == [3, 4]
    assert "Nothing was imported: 2 row error(s)" in str(caught.value)
    assert "line 3: error: Qty '0'" in str(caught.value)


def test_skip_bad_rows_imports_the_rest() -> None:
    manifest = _read_target_rows({}, {"Qty": "0"}, {"Qty": "2", "Ext. Retail": ""})

    records = manifest.records_to_import(skip_bad_rows=True)

    assert [record.source_line for record in records] == [2, 4, 4]


def test_warnings_alone_do_not_block() -> None:
    manifest = _read_target_rows({"Condition": "MYSTERY"})

    assert len(manifest.records_to_import()) == 1


def test_issues_sorted_by_line() -> None:
    manifest = _read_target_rows({"Qty": "0"}, {"Condition": "ODD"}, {"Unit Retail": "x"})

    assert [(issue.line, issue.severity) for issue in manifest.issues] == [
        (2, "error"),
        (3, "warning"),
        (4, "error"),
    ]
