"""Known manifest layouts, layout detection by header names, and column-map overrides."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .model import REQUIRED_FIELDS, ColumnMapError, ImportField, UnknownLayoutError

F = ImportField

ColumnMap = Mapping[str, str | None]
"""Manifest header -> field name (an ImportField value), or None to ignore that column."""


@dataclass(frozen=True)
class Layout:
    """Column names of one seller's manifest export."""

    name: str
    title: str
    markers: tuple[tuple[str, ...], ...]
    """Header groups that identify the layout: each group needs one of its headers present."""
    columns: Mapping[ImportField, tuple[str, ...]]
    """Headers that fill each field, in priority order: the first non-blank value wins."""
    verified: bool = True
    """False when the layout was not checked against a real manifest."""


AMAZON_BSTOCK = Layout(
    name="amazon-bstock",
    title="Amazon returns via B-Stock",
    markers=(("ASIN",), ("LPN",), ("Item Description",), ("Unit Retail",)),
    columns={
        F.PRODUCT_NAME: ("Item Description",),
        F.CATEGORY: ("Seller Category", "Subcategory", "Category"),
        F.CONDITION: ("Condition",),
        F.UPC: ("UPC", "EAN"),
        F.MSRP: ("Unit Retail",),
        F.ASIN: ("ASIN",),
        F.SHIPMENT: ("Lot ID", "Pallet ID"),
        F.BRAND: ("Brand",),
        F.QTY: ("Qty",),
        F.EXT_RETAIL: ("Ext. Retail",),
        F.LPN: ("LPN",),
    },
)

TARGET_BSTOCK = Layout(
    name="target-bstock",
    title="Target via B-Stock (Optoro)",
    markers=(("Item #",), ("TCIN",), ("Item Description",), ("Unit Retail",)),
    columns={
        F.PRODUCT_NAME: ("Item Description",),
        F.CATEGORY: ("Seller Category", "Category"),
        F.CONDITION: ("Condition",),
        F.UPC: ("UPC",),
        F.MSRP: ("Unit Retail",),
        F.SHIPMENT: ("Lot ID", "Pallet ID"),
        F.BRAND: ("Brand",),
        F.QTY: ("Qty",),
        F.EXT_RETAIL: ("Ext. Retail",),
        # Target's `Item #` is the license plate number of the unit.
        F.LPN: ("Item #",),
    },
)

# Costco's `Item #` is Costco's article number, shared by every unit of a product, so this
# layout has no LPN and the duplicate check does not apply to it.
COSTCO_BSTOCK = Layout(
    name="costco-bstock",
    title="Costco via B-Stock",
    markers=(("Item #",), ("Dept. Code",), ("Vendor",), ("Item Description",), ("Unit Retail",)),
    columns={
        F.PRODUCT_NAME: ("Item Description",),
        F.CATEGORY: ("Seller Category", "Department", "Category"),
        F.CONDITION: ("Condition",),
        F.UPC: ("UPC",),
        F.MSRP: ("Unit Retail",),
        F.SHIPMENT: ("Lot ID",),
        F.MODEL: ("Model",),
        F.VENDOR: ("Vendor",),
        F.QTY: ("Qty",),
        F.EXT_RETAIL: ("Ext. Retail",),
    },
)

# NOTE: unverified. No TechLiquidators manifest was available, so these headers are a guess
# from their listings (product name, model, UPC, quantity, retail price, condition). Check
# the first real file and import it with a column map if the headers differ.
TECHLIQUIDATORS = Layout(
    name="techliquidators",
    title="TechLiquidators (unverified)",
    markers=(
        ("Product Name", "Description"),
        ("MSRP", "Retail", "Retail Price", "Unit Retail"),
        ("Model",),
        ("Condition",),
    ),
    columns={
        F.PRODUCT_NAME: ("Product Name", "Description"),
        F.CATEGORY: ("Category",),
        F.CONDITION: ("Condition",),
        F.UPC: ("UPC",),
        F.MSRP: ("MSRP", "Retail", "Retail Price", "Unit Retail"),
        F.SHIPMENT: ("Lot ID", "Pallet ID"),
        F.BRAND: ("Brand", "Manufacturer"),
        F.MODEL: ("Model",),
        F.QTY: ("Qty", "Quantity"),
        F.EXT_RETAIL: ("Ext. Retail", "Total Retail", "Ext. MSRP", "Total MSRP"),
    },
    verified=False,
)

# Checked in this order, so a layout with more specific markers comes first.
LAYOUTS: tuple[Layout, ...] = (AMAZON_BSTOCK, TARGET_BSTOCK, COSTCO_BSTOCK, TECHLIQUIDATORS)

_HEADER_NOISE = re.compile(r"[\s._\-]+")


def header_key(header: str) -> str:
    """Return the comparison key of a header: casefolded, without spaces, dots, dashes or `_`."""
    return _HEADER_NOISE.sub("", header.casefold())


@dataclass(frozen=True)
class ColumnPlan:
    """Columns to read from a header row: field -> column indexes in priority order."""

    layout: str
    indexes: Mapping[ImportField, tuple[int, ...]]
    headers: Sequence[str]

    def headers_of(self, field: ImportField) -> tuple[str, ...]:
        """Return the manifest headers read for a field."""
        return tuple(self.headers[index] for index in self.indexes.get(field, ()))


def _index_by_key(headers: Sequence[str]) -> dict[str, int]:
    indexes: dict[str, int] = {}
    for position, header in enumerate(headers):
        key = header_key(header)
        if key and key not in indexes:
            indexes[key] = position
    return indexes


def matches(layout: Layout, headers: Sequence[str]) -> bool:
    """Tell whether a header row has the markers of a layout."""
    present = _index_by_key(headers)
    return all(any(header_key(name) in present for name in group) for group in layout.markers)


def detect_layout(headers: Sequence[str]) -> Layout | None:
    """Return the first known layout whose markers the header row has, if any."""
    return next((layout for layout in LAYOUTS if matches(layout, headers)), None)


def parse_field_name(name: str) -> ImportField:
    """Return the field a column-map value names (case, spaces and dots ignored)."""
    key = header_key(name)
    for field in ImportField:
        if header_key(field.value) == key:
            return field
    valid = ", ".join(repr(field.value) for field in ImportField)
    raise ColumnMapError(f"Column map names an unknown field {name!r}; valid fields: {valid}.")


def covers_column_map(column_map: ColumnMap, headers: Sequence[str]) -> bool:
    """Tell whether every header named in the column map is in the header row."""
    present = _index_by_key(headers)
    return all(header_key(header) in present for header in column_map)


def plan_columns(headers: Sequence[str], column_map: ColumnMap | None) -> ColumnPlan:
    """Choose the column of each field from the detected layout and the column map.

    A field named in the column map takes only the mapped headers, in map order; the
    layout's headers fill the other fields. Raises ColumnMapError for a map header not in
    the file, and UnknownLayoutError when a required field has no column.
    """
    present = _index_by_key(headers)
    layout = detect_layout(headers)
    indexes: dict[ImportField, tuple[int, ...]] = {}
    if layout is not None:
        for field, names in layout.columns.items():
            found = tuple(
                present[header_key(name)] for name in names if header_key(name) in present
            )
            if found:
                indexes[field] = found

    if column_map:
        _apply_column_map(indexes, present, column_map, headers)

    missing = [field for field in REQUIRED_FIELDS if field not in indexes]
    if missing:
        found_headers = [header for header in headers if header.strip()]
        detail = f" (detected {layout.name}, but columns are missing)" if layout else ""
        raise UnknownLayoutError(found_headers, missing, detail)

    name = layout.name if layout is not None else "custom"
    if layout is not None and column_map:
        name = f"{layout.name} + column map"
    return ColumnPlan(layout=name, indexes=indexes, headers=tuple(headers))


def _apply_column_map(
    indexes: dict[ImportField, tuple[int, ...]],
    present: Mapping[str, int],
    column_map: ColumnMap,
    headers: Sequence[str],
) -> None:
    mapped: dict[ImportField, list[int]] = {}
    ignored: set[int] = set()
    for header, field_name in column_map.items():
        position = present.get(header_key(header))
        if position is None:
            found = ", ".join(repr(name) for name in headers if name.strip()) or "none"
            raise ColumnMapError(
                f"Column map names header {header!r}, which the manifest does not have. "
                f"Headers found: {found}."
            )
        if field_name is None:
            ignored.add(position)
            continue
        mapped.setdefault(parse_field_name(field_name), []).append(position)

    for field, positions in mapped.items():
        indexes[field] = tuple(positions)
    for field in list(indexes):
        remaining = tuple(position for position in indexes[field] if position not in ignored)
        if remaining:
            indexes[field] = remaining
        else:
            del indexes[field]
