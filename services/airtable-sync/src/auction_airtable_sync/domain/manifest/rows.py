"""Validation of one manifest row into the values of its inventory units."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from .conditions import normalise_condition
from .layouts import ColumnPlan
from .model import ImportField, ImportOptions, RowIssue, Severity
from .values import CellValue, CellValueError, cell_text, parse_money, parse_quantity, read_upc

F = ImportField

_ASIN = re.compile(r"^[A-Z0-9]{10}$")
_DESCRIPTION_LABELS = ((F.BRAND, "Brand"), (F.MODEL, "Model"), (F.VENDOR, "Vendor"))


@dataclass
class RowValues:
    """Validated values of one manifest row, before it is expanded into units."""

    line: int
    product_name: str = ""
    msrp: Decimal = Decimal(0)
    quantity: int = 1
    category: str = ""
    condition: str = ""
    upc: str = ""
    asin: str = ""
    shipment: str = ""
    notes: str = ""
    description: str = ""
    lpn: str = ""
    issues: list[RowIssue] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        """Tell whether any issue of the row is an error."""
        return any(issue.severity == "error" for issue in self.issues)

    def report(
        self, severity: Severity, message: str, column: str | None = None, value: CellValue = None
    ) -> None:
        """Add an issue on this row's line."""
        value_text = None if value is None else cell_text(value)
        self.issues.append(RowIssue(self.line, severity, message, column, value_text))


@dataclass(frozen=True)
class _Cell:
    value: CellValue
    header: str

    @property
    def text(self) -> str:
        return cell_text(self.value)


def _cell(cells: tuple[CellValue, ...], plan: ColumnPlan, field: ImportField) -> _Cell:
    """Return the first non-blank cell of a field, or a blank cell under its first header."""
    positions = plan.indexes.get(field, ())
    for position in positions:
        value = cells[position] if position < len(cells) else None
        if cell_text(value):
            return _Cell(value, plan.headers[position])
    header = plan.headers[positions[0]] if positions else field.value
    return _Cell(None, header)


def read_row(
    line: int, cells: tuple[CellValue, ...], plan: ColumnPlan, options: ImportOptions
) -> RowValues:
    """Validate one data row; its errors and warnings are in the returned `issues`."""
    row = RowValues(line=line)
    extra = [cell for cell in cells[len(plan.headers) :] if cell_text(cell)]
    if extra:
        # The other columns are shifted too, so their checks would only add noise.
        row.report(
            "error",
            f"row has {len(cells)} values but the header has {len(plan.headers)} columns; "
            "a value containing the delimiter may be missing its quotes: fix the row",
        )
        return row

    def cell(field: ImportField) -> _Cell:
        return _cell(cells, plan, field)

    product_name = cell(F.PRODUCT_NAME)
    row.product_name = product_name.text
    if not row.product_name:
        row.report(
            "error", f"{product_name.header} is blank: enter the product name", product_name.header
        )

    quantity_ok = _read_quantity(row, cell(F.QTY), F.QTY in plan.indexes, options)
    msrp_ok = _read_msrp(row, cell(F.MSRP))
    if quantity_ok and msrp_ok and F.EXT_RETAIL in plan.indexes:
        _check_ext_retail(row, cell(F.EXT_RETAIL), options)

    _read_upc(row, cell(F.UPC))
    _read_asin(row, cell(F.ASIN))
    _read_condition(row, cell(F.CONDITION))
    row.category = cell(F.CATEGORY).text
    row.shipment = cell(F.SHIPMENT).text
    row.notes = cell(F.NOTES).text
    row.lpn = cell(F.LPN).text
    row.description = _description(cell)
    return row


def _invalid(cell: _Cell, exc: CellValueError) -> str:
    """Name the header, the value unless it is blank, and what is wrong with it."""
    if not cell.text:
        return f"{cell.header} {exc}"
    return f"{cell.header} {cell.text!r} {exc}"


def _read_quantity(
    row: RowValues, quantity: _Cell, has_column: bool, options: ImportOptions
) -> bool:
    if not has_column:
        return True
    try:
        row.quantity = parse_quantity(quantity.value)
    except CellValueError as exc:
        row.report(
            "error",
            f"{_invalid(quantity, exc)}: enter a whole number of units above 0",
            quantity.header,
            quantity.value,
        )
        return False
    if row.quantity > options.max_units_per_row:
        row.report(
            options.units_over_max,
            f"{quantity.header} {row.quantity} is more than {options.max_units_per_row} units "
            "in one row: check the value, or raise the limit to import it",
            quantity.header,
            quantity.value,
        )
        return options.units_over_max == "warning"
    return True


def _read_msrp(row: RowValues, msrp: _Cell) -> bool:
    try:
        row.msrp = parse_money(msrp.value)
    except CellValueError as exc:
        row.report(
            "error",
            f"{_invalid(msrp, exc)}: enter the retail price of one unit, such as 19.99",
            msrp.header,
            msrp.value,
        )
        return False
    return True


def _check_ext_retail(row: RowValues, ext_retail: _Cell, options: ImportOptions) -> None:
    if not ext_retail.text:
        return
    try:
        total = parse_money(ext_retail.value)
    except CellValueError as exc:
        row.report(
            "warning",
            f"{_invalid(ext_retail, exc)}, so it was not checked",
            ext_retail.header,
            ext_retail.value,
        )
        return
    expected = row.msrp * row.quantity
    if abs(total - expected) > options.ext_retail_tolerance:
        row.report(
            "warning",
            f"{ext_retail.header} {total} differs from Qty x unit retail "
            f"({row.quantity} x {row.msrp} = {expected}); the unit retail was imported as MSRP",
            ext_retail.header,
            ext_retail.value,
        )


def _read_upc(row: RowValues, upc: _Cell) -> None:
    reading = read_upc(upc.value)
    row.upc = reading.text
    if reading.warning:
        row.report("warning", reading.warning, upc.header, upc.value)


def _read_asin(row: RowValues, asin: _Cell) -> None:
    row.asin = asin.text
    if row.asin and not _ASIN.match(row.asin):
        row.report(
            "warning",
            f"{asin.header} {row.asin!r} is not 10 capital letters or digits; imported as written",
            asin.header,
            asin.value,
        )


def _read_condition(row: RowValues, condition: _Cell) -> None:
    reading = normalise_condition(condition.text)
    row.condition = reading.text
    if reading.warning:
        row.report("warning", reading.warning, condition.header, condition.value)


def _description(cell: Callable[[ImportField], _Cell]) -> str:
    parts = [cell(F.DESCRIPTION).text]
    parts.extend(
        f"{label}: {cell(field).text}" for field, label in _DESCRIPTION_LABELS if cell(field).text
    )
    return "; ".join(part for part in parts if part)
