"""Reading a whole manifest file into validated inventory records."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .layouts import (
    LAYOUTS,
    ColumnMap,
    ColumnPlan,
    covers_column_map,
    detect_layout,
    header_key,
    plan_columns,
)
from .model import (
    ImportField,
    ImportOptions,
    InventoryRecord,
    ManifestError,
    ParsedManifest,
    RowIssue,
)
from .rows import RowValues, read_row
from .sheets import SheetRow, read_sheet
from .values import cell_text

_TOTALS_LABELS = frozenset({"total", "totals", "grand total", "subtotal", "sub total"})


def read_manifest(
    data: bytes,
    filename: str,
    column_map: ColumnMap | None = None,
    options: ImportOptions | None = None,
) -> ParsedManifest:
    """Read and validate a whole manifest (CSV or XLSX) before anything is written.

    The layout is detected from the header names; `column_map` (manifest header -> field
    name, or None to ignore a column) overrides it field by field. Row problems are returned
    as issues with their line numbers. Raises ManifestError (or a subclass) when the file as
    a whole cannot be read: unreadable bytes, no header or no data rows, an unknown layout,
    or a bad column map.
    """
    options = options or ImportOptions()

    sheet = read_sheet(data, filename, options.max_rows)
    header_row, skipped = _find_header_row(sheet.rows, column_map, options.header_search_rows)
    headers = [cell_text(cell) for cell in header_row.cells]
    plan = plan_columns(headers, column_map)

    issues = _header_warnings(plan, header_row.line, skipped)
    rows = _read_data_rows(sheet.rows, header_row.line, plan, options, issues)
    if not rows:
        raise ManifestError(
            f"{filename}: the manifest has a header on line {header_row.line} but no data rows."
        )
    _check_duplicate_lpns(rows, plan)
    _check_unit_total(rows, filename, options)

    records: list[InventoryRecord] = []
    for row in rows:
        issues.extend(row.issues)
        if not row.has_errors:
            records.extend(_expand(row))

    return ParsedManifest(
        filename=filename,
        file_format=sheet.file_format,
        encoding=sheet.encoding,
        layout=plan.layout,
        header_line=header_row.line,
        columns={field: plan.headers_of(field) for field in plan.indexes},
        rows=len(rows),
        records=tuple(records),
        issues=tuple(sorted(issues, key=lambda issue: issue.line)),
    )


def _find_header_row(
    rows: Sequence[SheetRow], column_map: ColumnMap | None, search_rows: int
) -> tuple[SheetRow, int]:
    """Return the header row and how many non-blank rows above it were skipped.

    The header is the first of the leading non-blank rows that names every column-map
    header, or, without a map, that matches a known layout. When none does, the first
    non-blank row is taken, so the error about it lists its headers.
    """
    candidates = [row for row in rows if any(cell_text(cell) for cell in row.cells)]
    if not candidates:
        raise ManifestError("The manifest is empty: no header row was found.")
    for skipped, row in enumerate(candidates[:search_rows]):
        headers = [cell_text(cell) for cell in row.cells]
        if column_map and covers_column_map(column_map, headers):
            return row, skipped
        if not column_map and detect_layout(headers) is not None:
            return row, skipped
    return candidates[0], 0


def _read_data_rows(
    sheet_rows: Sequence[SheetRow],
    header_line: int,
    plan: ColumnPlan,
    options: ImportOptions,
    issues: list[RowIssue],
) -> list[RowValues]:
    """Validate the non-blank rows below the header; skipped totals rows add to `issues`."""
    rows: list[RowValues] = []
    for sheet_row in sheet_rows:
        if sheet_row.line <= header_line:
            continue
        if not any(cell_text(cell) for cell in sheet_row.cells):
            continue
        if _is_totals_row(sheet_row, plan):
            issues.append(
                RowIssue(sheet_row.line, "warning", "totals row without a product skipped")
            )
            continue
        rows.append(read_row(sheet_row.line, sheet_row.cells, plan, options))
    return rows


def _is_totals_row(row: SheetRow, plan: ColumnPlan) -> bool:
    """Tell whether a row is a sum line such as `,,Total,,1234.50` that some exports append."""
    product_cells = [
        row.cells[position]
        for position in plan.indexes.get(ImportField.PRODUCT_NAME, ())
        if position < len(row.cells)
    ]
    if any(cell_text(cell) for cell in product_cells):
        return False
    labels = {cell_text(cell).casefold().rstrip(":") for cell in row.cells}
    return not labels.isdisjoint(_TOTALS_LABELS)


def _header_warnings(plan: ColumnPlan, header_line: int, skipped: int) -> list[RowIssue]:
    warnings: list[RowIssue] = []
    if skipped:
        warnings.append(
            RowIssue(header_line, "warning", f"{skipped} title line(s) above the header skipped")
        )
    unverified = [layout for layout in LAYOUTS if not layout.verified]
    for layout in unverified:
        if plan.layout.startswith(layout.name):
            warnings.append(
                RowIssue(
                    header_line,
                    "warning",
                    f"layout {layout.name} was never checked against a real manifest: "
                    "compare a few records with the file",
                )
            )
    warnings.extend(_duplicate_header_warnings(plan, header_line))
    return warnings


def _duplicate_header_warnings(plan: ColumnPlan, header_line: int) -> Iterable[RowIssue]:
    used = {position for positions in plan.indexes.values() for position in positions}
    for position in sorted(used):
        key = header_key(plan.headers[position])
        twins = [
            str(other + 1)
            for other, header in enumerate(plan.headers)
            if other != position and header_key(header) == key
        ]
        if twins:
            yield RowIssue(
                header_line,
                "warning",
                f"header {plan.headers[position]!r} is in column {position + 1} and again in "
                f"column(s) {', '.join(twins)}; column {position + 1} is read",
                plan.headers[position],
            )


def _check_duplicate_lpns(rows: Sequence[RowValues], plan: ColumnPlan) -> None:
    """Reject each row whose LPN an earlier row already has: it would import one unit twice."""
    lpn_headers = plan.headers_of(ImportField.LPN)
    header = lpn_headers[0] if lpn_headers else ImportField.LPN.value
    first_line: dict[str, int] = {}
    for row in rows:
        if not row.lpn:
            continue
        key = row.lpn.casefold()
        if key in first_line:
            row.report(
                "error",
                f"{header} {row.lpn!r} is also on line {first_line[key]}: the same unit is "
                "listed twice; remove one of the rows",
                header,
                row.lpn,
            )
        else:
            first_line[key] = row.line


def _check_unit_total(rows: Sequence[RowValues], filename: str, options: ImportOptions) -> None:
    """Raise ManifestError before expansion when the rows add up to more than max_units units."""
    units = sum(row.quantity for row in rows if not row.has_errors)
    if units > options.max_units:
        raise ManifestError(
            f"{filename}: the rows add up to {units} units, more than the {options.max_units} "
            "one import may create; check the Qty column, or split the manifest into smaller files."
        )


def _expand(row: RowValues) -> list[InventoryRecord]:
    """Make one record per unit of the row."""
    return [
        InventoryRecord(
            product_name=row.product_name,
            msrp=row.msrp,
            category=row.category,
            condition=row.condition,
            upc=row.upc,
            asin=row.asin,
            shipment=row.shipment,
            notes=row.notes,
            description=row.description,
            lpn=row.lpn,
            source_line=row.line,
            unit=unit,
            units_in_row=row.quantity,
        )
        for unit in range(1, row.quantity + 1)
    ]
