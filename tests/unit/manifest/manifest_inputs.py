"""Builders of manifest files in the sellers' layouts, with the messiness of real exports.

The rows are invented; only their shapes follow B-Stock's Target, Costco and Amazon exports.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence

import openpyxl

Cell = str | int | float | None

TARGET_HEADERS = (
    "Item #",
    "Seller Category",
    "Item Description",
    "Qty",
    "Unit Retail",
    "Ext. Retail",
    "Brand",
    "UPC",
    "TCIN",
    "Origin",
    "Category",
    "Condition",
    "Product Class",
    "Category Code",
    "Division",
    "Department",
    "Optoro Condition",
    "Pallet ID",
    "Subcategory",
    "Lot ID",
)

COSTCO_HEADERS = (
    "Lot ID",
    "Location",
    "Item #",
    "Dept. Code",
    "Department",
    "Item Description",
    "Qty",
    "Unit Retail",
    "Ext. Retail",
    "Model",
    "Serial #",
    "Vendor",
    "Category Code",
    "Seller Category",
    "Category",
    "Condition",
)

AMAZON_HEADERS = (
    "Category",
    "Subcategory",
    "ASIN",
    "Item Description",
    "Qty",
    "Unit Retail",
    "Ext. Retail",
    "Product Class",
    "GL Description",
    "Seller Category",
    "EAN",
    "LPN",
    "UPC",
    "Brand",
    "Condition",
    "Pallet ID",
    "Lot ID",
)

TECHLIQUIDATORS_HEADERS = (
    "Product Name",
    "Model",
    "UPC",
    "Qty",
    "MSRP",
    "Total MSRP",
    "Condition",
    "Category",
)


def target_row(**values: Cell) -> dict[str, Cell]:
    """Return a Target row (one LPN per row) with `values` replacing the defaults."""
    row: dict[str, Cell] = {
        "Item #": "LPTG1000001",
        "Seller Category": "BICYCLES-PHYSICAL FITNESS",
        "Item Description": "Ridgeline 26\" Men's Trail Bike - Green",
        "Qty": "1",
        "Unit Retail": "189.99",
        "Ext. Retail": "189.99",
        "Brand": "Ridgeline",
        "UPC": "012345678905",
        "TCIN": "11223344",
        "Origin": "China",
        "Category": "OUTDOOR_SPORTS",
        "Condition": "NEW",
        "Product Class": "BICYCLES PHYSICAL FITNESS",
        "Category Code": "82",
        "Division": "SPORT",
        "Department": "SPORTING GOODS",
        "Optoro Condition": "N",
        "Pallet ID": "PTXX10001",
        "Subcategory": "MOUNTAIN",
        "Lot ID": "urc_bikes_20260101_001_p",
    }
    row.update(values)
    return row


def costco_row(**values: Cell) -> dict[str, Cell]:
    """Return a Costco row (one SKU per row, titles in capitals cut at 25 characters)."""
    row: dict[str, Cell] = {
        "Lot ID": "7000001",
        "Location": "1985",
        "Item #": "1500001",
        "Dept. Code": "33",
        "Department": "SMALL APPLIANCES",
        "Item Description": "BREWMASTER 12-CUP GRIND A",
        "Qty": "2",
        "Unit Retail": "129.99",
        "Ext. Retail": "259.98",
        "Model": "",
        "Serial #": "",
        "Vendor": "KITCHENCO LLC",
        "Category Code": "EAC",
        "Seller Category": "Small Kitchen Appliances",
        "Category": "MIXED_SMALL_APPLIANCES",
        "Condition": "USED_FAIR",
    }
    row.update(values)
    return row


def amazon_row(**values: Cell) -> dict[str, Cell]:
    """Return an Amazon FBA returns row: long titles, ASIN, LPN, UPC and EAN often blank."""
    row: dict[str, Cell] = {
        "Category": "BUILDING_AND_HARDWARE",
        "Subcategory": "Bath Hardware",
        "ASIN": "B0TEST0001",
        "Item Description": (
            "Glimmer Brushed Nickel Towel Bar, 24 inches, Wall Mounted Stainless Steel "
            "Bathroom Towel Holder, Rustproof, Easy Install, Single Layer"
        ),
        "Qty": "1",
        "Unit Retail": "24.79",
        "Ext. Retail": "24.79",
        "Product Class": "Home Improvement",
        "GL Description": "Home Improvement",
        "Seller Category": "Plumbing Fixtures",
        "EAN": "",
        "LPN": "LPNTEST00001",
        "UPC": "",
        "Brand": "Glimmer",
        "Condition": "USED_GOOD",
        "Pallet ID": "LIQ:3PL:PALLET:LNRM:PAL-10001",
        "Lot ID": "AMZ_3PL_20260101_001",
    }
    row.update(values)
    return row


def table(headers: Sequence[str], rows: Sequence[Mapping[str, Cell]]) -> list[list[Cell]]:
    """Lay out a header and rows (keyed by header) as a grid of cells."""
    grid: list[list[Cell]] = [list(headers)]
    grid.extend([row.get(header, "") for header in headers] for row in rows)
    return grid


def csv_bytes(
    grid: Sequence[Sequence[Cell]],
    *,
    encoding: str = "utf-8",
    final_newline: bool = True,
    delimiter: str = ",",
    line_ending: str = "\r\n",
) -> bytes:
    """Write a grid as CSV the way spreadsheet exports do (quotes only where needed)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=line_ending)
    writer.writerows([["" if cell is None else cell for cell in row] for row in grid])
    text = buffer.getvalue()
    if not final_newline:
        text = text.removesuffix(line_ending)
    return text.encode(encoding)


def xlsx_bytes(grid: Sequence[Sequence[Cell]]) -> bytes:
    """Write a grid to the first sheet of a new workbook; numbers stay numbers."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in grid:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
