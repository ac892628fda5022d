"""Parsing and row checks of the lot import CSV, as the site's Import CSV page applies them.

Lines are counted by CSV record with the header as line 1, so a quoted field that spans several
physical lines still counts as one line.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from urllib.parse import urlsplit

from ..models import OPEN_FOR_LOTS, EventStatus

IMAGE_COLUMNS = tuple(f"Image_{n}" for n in range(1, 11))
# Import columns of the site other than the custom fields, in the order of the house's file.
STANDARD_COLUMNS: tuple[str, ...] = (
    "EventID",
    "LotNumber",
    "Seller",
    "ConsignorNumber",
    "Category",
    "Region",
    "ListingType",
    "Currency",
    "Title",
    "Subtitle",
    "Description",
    "Price",
    "Quantity",
    "IsTaxable",
    *IMAGE_COLUMNS,
    "YouTubeID",
    "PdfAttachments",
    "Bold",
    "Badge",
    "Highlight",
    "ShippingOptions",
    "Duration",
    "StartDTTM",
    "EndDTTM",
    "AutoRelist",
    "GoodTilCanceled",
)
REQUIRED_COLUMNS = ("Category", "Title", "Price")
BOOLEAN_COLUMNS = ("IsTaxable", "Bold", "Highlight", "GoodTilCanceled")
TITLE_MAX_LENGTH = 80
# NOTE: 80 is the house's own Subtitle rule, and the site's limit may be higher.
SUBTITLE_MAX_LENGTH = 80


@dataclass(frozen=True)
class LineStatus:
    """Problem on one line (the header is line 1) that makes the whole file unusable."""

    line: int
    message: str


@dataclass(frozen=True)
class ParsedRow:
    line: int
    values: Mapping[str, str]


@dataclass(frozen=True)
class ParsedFile:
    headers: tuple[str, ...]
    rows: tuple[ParsedRow, ...]


@dataclass(frozen=True)
class ParseFailure:
    statuses: tuple[LineStatus, ...]


def parse_import_file(
    data: bytes, custom_fields: Sequence[str], event_selected: bool
) -> ParsedFile | ParseFailure:
    """Read the upload into rows, or list every reason the file cannot be imported at all."""
    if b"\x00" in data:
        return _fail(1, "The file is not a CSV text file: it contains binary data.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return _fail(1, f"The file is not UTF-8 text: invalid byte at offset {exc.start}.")

    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[list[str]] = []
    try:
        records.extend(reader)
    except csv.Error as exc:
        return _fail(len(records) + 1, f"The line is not valid CSV: {exc}.")
    if not records:
        return _fail(1, "The file is empty; it needs a header line and at least one data line.")

    headers = tuple(cell.strip() for cell in records[0])
    header_problems = _check_headers(headers, custom_fields, event_selected)
    if header_problems:
        return ParseFailure(tuple(LineStatus(1, problem) for problem in header_problems))

    rows: list[ParsedRow] = []
    statuses: list[LineStatus] = []
    for line, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(headers):
            statuses.append(
                LineStatus(
                    line, f"The line has {len(record)} fields; the header has {len(headers)}."
                )
            )
            continue
        rows.append(ParsedRow(line=line, values=dict(zip(headers, record, strict=True))))
    if statuses:
        return ParseFailure(tuple(statuses))
    if not rows:
        return _fail(2, "The file has a header line but no data lines.")
    return ParsedFile(headers=headers, rows=tuple(rows))


def _fail(line: int, message: str) -> ParseFailure:
    return ParseFailure((LineStatus(line, message),))


def _check_headers(
    headers: tuple[str, ...], custom_fields: Sequence[str], event_selected: bool
) -> list[str]:
    problems: list[str] = []
    seen: set[str] = set()
    for name in headers:
        if name in seen:
            problems.append(f"Column {name!r} appears more than once.")
        seen.add(name)

    known = set(STANDARD_COLUMNS) | set(custom_fields)
    unknown = [name for name in headers if name not in known]
    if unknown:
        problems.append(
            "Unknown column(s) "
            + ", ".join(repr(name) for name in unknown)
            + "; columns are matched by header name and custom fields must be configured."
        )

    required = list(REQUIRED_COLUMNS) + ([] if event_selected else ["EventID"])
    missing = [name for name in required if name not in seen]
    if missing:
        problems.append("Missing required column(s): " + ", ".join(missing) + ".")

    custom_present = [name for name in headers if name in custom_fields]
    if custom_present:
        if "GoodTilCanceled" not in seen:
            problems.append("Custom-field columns need the GoodTilCanceled column before them.")
        else:
            last_standard = headers.index("GoodTilCanceled")
            early = [name for name in custom_present if headers.index(name) < last_standard]
            if early:
                problems.append(
                    "Custom-field column(s) "
                    + ", ".join(repr(name) for name in early)
                    + " must follow GoodTilCanceled."
                )
    return problems


@dataclass(frozen=True)
class RowContext:
    """Reference data of the row checks: the site's categories and events, and the page's choices."""

    leaf_categories: Mapping[int, str]
    parent_categories: Mapping[int, str]
    event_statuses: Mapping[int, EventStatus]
    selected_event_id: int | None
    custom_fields: Sequence[str]
    image_hosts: frozenset[str]


@dataclass
class CheckedRow:
    """A row's lot fields after the checks, with every error found."""

    line: int
    title: str
    event_id: int | None = None
    lot_number: str = ""
    subtitle: str = ""
    description: str = ""
    category_id: int = 0
    price_cents: int = 0
    quantity: int = 1
    image_urls: list[str] = field(default_factory=list)
    custom_fields: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def check_row(row: ParsedRow, context: RowContext) -> CheckedRow:
    """Apply the site's per-row checks that need no network. Image downloads come later."""
    values = row.values

    def value(name: str) -> str:
        return values.get(name, "").strip()

    checked = CheckedRow(line=row.line, title=value("Title"))
    errors = checked.errors
    checked.event_id = _check_event(value("EventID"), context, errors)
    checked.lot_number = value("LotNumber")

    if not checked.title:
        errors.append("Title is required.")
    elif len(checked.title) > TITLE_MAX_LENGTH:
        errors.append(f"Title is longer than {TITLE_MAX_LENGTH} characters ({len(checked.title)}).")
    checked.subtitle = value("Subtitle")
    if len(checked.subtitle) > SUBTITLE_MAX_LENGTH:
        errors.append(
            f"Subtitle is longer than {SUBTITLE_MAX_LENGTH} characters ({len(checked.subtitle)})."
        )
    checked.description = values.get("Description", "")

    checked.category_id = _check_category(value("Category"), context, errors)
    checked.price_cents = _check_price(value("Price"), errors)
    checked.quantity = _check_quantity(value("Quantity"), errors)
    _check_choice(value("ListingType"), "ListingType", "Auction", errors)
    _check_choice(value("Currency"), "Currency", "USD", errors)
    for name in BOOLEAN_COLUMNS:
        text = value(name)
        if text and text.lower() not in ("true", "false"):
            errors.append(f"{name} must be true or false (got {text!r}).")
    auto_relist = value("AutoRelist")
    if auto_relist and not (auto_relist.isdigit()):
        errors.append(f"AutoRelist must be a whole number 0 or more (got {auto_relist!r}).")

    for column in IMAGE_COLUMNS:
        url = value(column)
        if not url:
            continue
        problem = check_image_url(url, context.image_hosts)
        if problem:
            errors.append(f"{column}: {problem}")
        else:
            checked.image_urls.append(url)

    checked.custom_fields = {name: value(name) for name in context.custom_fields if value(name)}
    return checked


def check_image_url(url: str, allowed_hosts: frozenset[str]) -> str | None:
    """Return why the site would not fetch `url`, or None when it may."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"{url!r} is not an http(s) URL."
    if parts.hostname not in allowed_hosts:
        return (
            f"host {parts.hostname!r} is not an allowed image host of this sandbox "
            f"({', '.join(sorted(allowed_hosts))}); the sandbox downloads only from those."
        )
    return None


def _check_event(text: str, context: RowContext, errors: list[str]) -> int | None:
    selected = context.selected_event_id
    if not text:
        if selected is None:
            errors.append("EventID is required when no event is selected on the page.")
        event_id = selected
    else:
        try:
            event_id = int(text)
        except ValueError:
            errors.append(f"EventID must be a number (got {text!r}).")
            return None
        if selected is not None and event_id != selected:
            errors.append(
                f"EventID {event_id} does not match the event selected on the page ({selected})."
            )
            return None
    if event_id is None:
        return None
    status = context.event_statuses.get(event_id)
    if status is None:
        errors.append(f"Event {event_id} was not found.")
        return None
    if status not in OPEN_FOR_LOTS:
        errors.append(
            f"Event {event_id} is {status.value}; lots can be added only to Draft, Preview "
            "or Active events."
        )
    return event_id


def _check_category(text: str, context: RowContext, errors: list[str]) -> int:
    if not text:
        errors.append("Category is required.")
        return 0
    try:
        category_id = int(text)
    except ValueError:
        errors.append(f"Category must be a category id number (got {text!r}).")
        return 0
    if category_id in context.leaf_categories:
        return category_id
    if category_id in context.parent_categories:
        errors.append(
            f"Category {category_id} is not a leaf category; use one of its subcategories."
        )
    else:
        errors.append(f"Category {category_id} was not found.")
    return 0


def _check_price(text: str, errors: list[str]) -> int:
    try:
        price = Decimal(text)
    except InvalidOperation:
        errors.append(f"Price must be a number (got {text!r}).")
        return 0
    if not price.is_finite() or price <= 0:
        errors.append(f"Price must be greater than 0 (got {text!r}).")
        return 0
    return int((price * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _check_quantity(text: str, errors: list[str]) -> int:
    if not text:
        return 1
    if not text.isdigit() or int(text) < 1:
        errors.append(f"Quantity must be a whole number 1 or more (got {text!r}).")
        return 1
    return int(text)


def _check_choice(text: str, name: str, supported: str, errors: list[str]) -> None:
    if text and text.lower() != supported.lower():
        errors.append(f"{name} {text!r} is not supported by this site; use {supported}.")
