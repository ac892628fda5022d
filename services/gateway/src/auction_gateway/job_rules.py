"""Pure input rules of the jobs started after format: inventory import, auction creation,
CSV upload, void and remove-duplicates. No I/O here; each check returns or raises FieldErrors.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import PurePosixPath, PureWindowsPath
from zoneinfo import ZoneInfo

import yaml

from auction_gateway.domain import FieldError, InvalidInput, check_warehouse
from auction_gateway.records import AuctionEvent

# --- inventory import ----------------------------------------------------------------------------

MAX_MANIFEST_BYTES = 20 * 1024 * 1024
MAX_COLUMN_MAP_BYTES = 64 * 1024
MAX_COLUMN_MAP_ENTRIES = 200
MAX_HEADER_LENGTH = 200
MAX_FIELD_NAME_LENGTH = 60
# InventoryImportRequested allows 255 characters of file name and 60 of status.
MAX_FILENAME_LENGTH = 255
MAX_KEY_FILENAME_LENGTH = 100
MAX_STATUS_LENGTH = 60
UNSAFE_KEY_CHARACTERS = re.compile(r"[^0-9A-Za-z._-]+")


def display_filename(raw: str | None) -> str:
    """Return the uploaded file's base name without control characters, for messages."""
    return _base_name(raw)[:MAX_FILENAME_LENGTH] or "manifest"


def object_key_filename(raw: str | None) -> str:
    """Return a file name safe in an object key: ASCII letters, digits, `.`, `_` and `-`."""
    ascii_name = unicodedata.normalize("NFKD", _base_name(raw)).encode("ascii", "ignore").decode()
    safe = UNSAFE_KEY_CHARACTERS.sub("_", ascii_name).strip("._")
    if len(safe) > MAX_KEY_FILENAME_LENGTH:
        stem, dot, suffix = safe.rpartition(".")
        if dot and len(suffix) <= 10:
            safe = stem[: MAX_KEY_FILENAME_LENGTH - len(suffix) - 1] + "." + suffix
        else:
            safe = safe[:MAX_KEY_FILENAME_LENGTH]
    return safe or "manifest"


def _base_name(raw: str | None) -> str:
    """Return the last path part, printable characters only; empty for `.` and `..`.

    Browsers send a bare name, but some clients send a whole path, with `/` or `\\`.
    """
    name = PureWindowsPath(PurePosixPath(raw or "").name).name
    printable = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    return "" if printable.strip(".") == "" else printable


def manifest_key(task_id: str, filename: str | None) -> str:
    return f"manifests/{task_id}/{object_key_filename(filename)}"


def check_manifest(filename: str, size: int) -> list[FieldError]:
    """Return why an uploaded manifest cannot be imported (empty when it can).

    `size` is the number of bytes read, which stops one byte past MAX_MANIFEST_BYTES.
    """
    if size == 0:
        return [
            FieldError(
                "file",
                filename,
                f"File {filename!r} is empty; choose the manifest (CSV or XLSX) to import.",
            )
        ]
    if size > MAX_MANIFEST_BYTES:
        return [
            FieldError(
                "file",
                filename,
                f"File {filename!r} is larger than {MAX_MANIFEST_BYTES // (1024 * 1024)} MB; "
                "split the manifest into smaller files and import each.",
            )
        ]
    if filename.lower().endswith(".xls"):
        return [
            FieldError(
                "file",
                filename,
                f"File {filename!r} is an old Excel .xls workbook, which the import cannot read; "
                "save it as .xlsx or CSV and import that.",
            )
        ]
    return []


def parse_status(raw: str | None) -> str | FieldError | None:
    """Return the optional Status for the new records, None when empty."""
    text = " ".join((raw or "").split())
    if not text:
        return None
    if len(text) > MAX_STATUS_LENGTH:
        return FieldError(
            "status",
            text[:60],
            f"Status {text[:60]!r}… has {len(text)} characters; use at most "
            f"{MAX_STATUS_LENGTH}, such as 'Send to Auction', or leave it empty.",
        )
    return text


def parse_column_map(data: bytes, filename: str) -> dict[str, str] | FieldError:
    """Parse a YAML or JSON column map (manifest header -> field name).

    The gateway checks the shape only; airtable-sync checks the headers and field names against
    the manifest. A `null` value (ignore a column) cannot be sent, because the import request
    carries text values only.
    """
    if len(data) > MAX_COLUMN_MAP_BYTES:
        return _column_map_error(
            filename,
            f"is larger than {MAX_COLUMN_MAP_BYTES // 1024} KB; a column map names a few "
            "headers only",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return _column_map_error(filename, "is not UTF-8 text; save it as UTF-8")
    try:
        loaded: object = json.loads(text) if text.lstrip().startswith("{") else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as error:
        first_line = str(error).splitlines()[0] if str(error) else type(error).__name__
        return _column_map_error(filename, f"is not valid YAML or JSON ({first_line[:200]})")
    if not isinstance(loaded, dict) or not loaded:
        return _column_map_error(
            filename,
            "must be an object of manifest header to field name, such as '\"Retail Each\": MSRP'",
        )
    if len(loaded) > MAX_COLUMN_MAP_ENTRIES:
        return _column_map_error(
            filename, f"has {len(loaded)} entries; at most {MAX_COLUMN_MAP_ENTRIES} are allowed"
        )
    column_map: dict[str, str] = {}
    for header, field_name in loaded.items():
        header_text = str(header).strip()
        if not header_text or len(header_text) > MAX_HEADER_LENGTH:
            return _column_map_error(
                filename,
                f"has the header {header_text[:60]!r}; headers need 1 to {MAX_HEADER_LENGTH} "
                "characters",
            )
        if field_name is None:
            return _column_map_error(
                filename,
                f"maps {header_text[:60]!r} to null; the gateway cannot send null (ignore a "
                "column), so remove that line or map the header to a field",
            )
        if not isinstance(field_name, str) or not field_name.strip():
            return _column_map_error(
                filename,
                f"maps {header_text[:60]!r} to {str(field_name)[:60]!r}; map each header to a "
                "field name such as 'Product Name' or 'MSRP'",
            )
        if len(field_name.strip()) > MAX_FIELD_NAME_LENGTH:
            return _column_map_error(
                filename,
                f"maps {header_text[:60]!r} to a name of {len(field_name.strip())} characters; "
                "use a field name such as 'Product Name' or 'MSRP'",
            )
        column_map[header_text] = field_name.strip()
    return column_map


def _column_map_error(filename: str, problem: str) -> FieldError:
    return FieldError("column_map", filename, f"Column map {filename!r} {problem}.")


# --- creating an auction on the site -------------------------------------------------------------

# AuctionCreateRequested allows 80 characters of title and of subtitle.
MAX_AUCTION_TITLE_LENGTH = 80
DEFAULT_END_TIME = time(18, 30)


def build_auction_request(
    *,
    warehouse: str,
    title: str,
    subtitle: str,
    end_date: str,
    end_time: str,
    known_warehouses: Sequence[str],
    today: date,
) -> tuple[str, str, str, date, time]:
    """Check a create-auction request; return (warehouse, title, subtitle, end date, end time).

    `today` is the site's date: the auction must end today or later. Raises InvalidInput naming
    every rejected field.
    """
    errors: list[FieldError] = []
    warehouse_error = check_warehouse(warehouse, known_warehouses)
    if warehouse_error is not None:
        errors.append(warehouse_error)
    clean_title = " ".join(title.split())
    if not clean_title or len(clean_title) > MAX_AUCTION_TITLE_LENGTH:
        errors.append(
            FieldError(
                "title",
                clean_title[:60],
                f"Title must have 1 to {MAX_AUCTION_TITLE_LENGTH} characters, the site's limit; "
                f"it has {len(clean_title)}.",
            )
        )
    clean_subtitle = " ".join(subtitle.split())
    if len(clean_subtitle) > MAX_AUCTION_TITLE_LENGTH:
        errors.append(
            FieldError(
                "subtitle",
                clean_subtitle[:60],
                f"Subtitle must have at most {MAX_AUCTION_TITLE_LENGTH} characters; it has "
                f"{len(clean_subtitle)}.",
            )
        )
    parsed_date = _parse_end_date(end_date.strip(), today)
    if isinstance(parsed_date, FieldError):
        errors.append(parsed_date)
    parsed_time = _parse_end_time(end_time.strip())
    if isinstance(parsed_time, FieldError):
        errors.append(parsed_time)
    if errors:
        raise InvalidInput(errors)
    assert isinstance(parsed_date, date) and isinstance(parsed_time, time)
    return warehouse, clean_title, clean_subtitle, parsed_date, parsed_time


def _parse_end_date(text: str, today: date) -> date | FieldError:
    try:
        parsed = date.fromisoformat(text)
    except ValueError:
        return FieldError(
            "end_date",
            text[:60],
            f"End date {text[:60]!r} is not a date; use the form 2026-12-10.",
        )
    if parsed < today:
        return FieldError(
            "end_date",
            text,
            f"End date {text} is in the past (today is {today.isoformat()} site time); "
            "choose today or a later date.",
        )
    return parsed


def _parse_end_time(text: str) -> time | FieldError:
    if not text:
        return DEFAULT_END_TIME
    match = re.fullmatch(r"([01]?[0-9]|2[0-3]):([0-5][0-9])", text)
    if match is None:
        return FieldError(
            "end_time",
            text[:60],
            f"End time {text[:60]!r} is not a time of day; use 24-hour HH:MM such as 18:30, or "
            "leave it empty for 18:30.",
        )
    return time(int(match.group(1)), int(match.group(2)))


# --- upload, void and remove duplicates ------------------------------------------------------------

VOID_WINDOW_DAYS = 10
# DedupeRequested allows 12 digits with 2 decimals.
MAX_TARGET_MSRP = Decimal("9999999999.99")
PLAN_ID_PATTERN = re.compile(r"[0-9A-Za-z_.:-]{1,100}")


def recently_ended(
    events: Sequence[AuctionEvent], now: datetime, timezone: ZoneInfo
) -> list[AuctionEvent]:
    """Return the events that ended in the last VOID_WINDOW_DAYS days, latest end first.

    The window starts at midnight of the site's date VOID_WINDOW_DAYS days ago, so an event that
    ended in the morning 10 days ago (site time) is still offered in the evening.
    """
    local_today = now.astimezone(timezone).date()
    start = datetime.combine(local_today - timedelta(days=VOID_WINDOW_DAYS), time(), timezone)
    ended = [event for event in events if start <= event.ends_at <= now]
    return sorted(ended, key=lambda event: event.ends_at, reverse=True)


def check_void_event(
    event_id: str, event: AuctionEvent | None, now: datetime, timezone: ZoneInfo
) -> list[FieldError]:
    """Return why unpaid invoices of this event cannot be voided (empty when they can)."""
    if event is None:
        return [
            FieldError(
                "event",
                event_id[:60],
                f"Event {event_id[:60]!r} is not in the catalogue; pick an event from the list.",
            )
        ]
    ends = event.ends_at.astimezone(timezone).strftime("%Y-%m-%d %H:%M")
    if event.ends_at > now:
        return [
            FieldError(
                "event",
                event_id,
                f"Event {event_id!r} ends {ends} (site time) and has not ended yet; void its "
                "unpaid sales after it ends.",
            )
        ]
    if not recently_ended([event], now, timezone):
        return [
            FieldError(
                "event",
                event_id,
                f"Event {event_id!r} ended {ends} (site time), which is not within the last "
                f"{VOID_WINDOW_DAYS} days; void only auctions that have ended recently.",
            )
        ]
    return []


def check_upload_event(
    event_id: str, event: AuctionEvent | None, known_warehouses: Sequence[str]
) -> list[FieldError]:
    if event is None:
        return [
            FieldError(
                "event",
                event_id[:60],
                f"Event {event_id[:60]!r} is not in the catalogue; add it on the Events page "
                "and format it first.",
            )
        ]
    warehouse_error = check_warehouse(event.warehouse, known_warehouses)
    return [] if warehouse_error is None else [warehouse_error]


def parse_version(raw: str | int | None) -> int | FieldError | None:
    """Parse an optional CSV version number (None means the newest)."""
    text = str(raw).strip() if raw is not None else ""
    if not text:
        return None
    if not text.isascii() or not text.isdigit() or int(text) < 1:
        return FieldError(
            "version",
            text[:60],
            f"Version {text[:60]!r} is not a version number; enter a whole number from 1, as "
            "listed on the result page.",
        )
    return int(text)


def parse_target_msrp(raw: str | int | float | Decimal | None) -> Decimal | FieldError:
    """Parse the MSRP total to reach: above 0, at most 2 decimals; `$` and `,` are accepted."""
    text = str(raw).strip() if raw is not None else ""
    cleaned = text.removeprefix("$").replace(",", "").strip()
    quoted = text[:40]
    if not re.fullmatch(r"[0-9]+(\.[0-9]+)?", cleaned):
        return FieldError(
            "target_msrp",
            quoted,
            f"Target MSRP {quoted!r} is not an amount; enter the MSRP total to reach, such as "
            "5000 or 5000.00.",
        )
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        return FieldError("target_msrp", quoted, f"Target MSRP {quoted!r} is not an amount.")
    if amount.as_tuple().exponent < -2:  # type: ignore[operator]
        return FieldError(
            "target_msrp",
            quoted,
            f"Target MSRP {quoted!r} has more than 2 decimals; enter cents at most.",
        )
    if amount <= 0:
        return FieldError(
            "target_msrp",
            quoted,
            f"Target MSRP {quoted!r} must be above 0; enter the MSRP total to reach.",
        )
    if amount > MAX_TARGET_MSRP:
        return FieldError(
            "target_msrp", quoted, f"Target MSRP {quoted!r} is above the maximum {MAX_TARGET_MSRP}."
        )
    return amount.quantize(Decimal("0.01"))


def check_dedupe_auction(
    warehouse: str,
    auction_number: str,
    event: AuctionEvent | None,
    known_warehouses: Sequence[str],
) -> list[FieldError]:
    """Return why the auction number cannot be used to remove duplicates (empty when it can).

    The auction number must be a catalogue event of the same warehouse, so a typo cannot tag
    Airtable records with an auction that does not exist.
    """
    warehouse_error = check_warehouse(warehouse, known_warehouses)
    if warehouse_error is not None:
        return [warehouse_error]
    if event is None:
        return [
            FieldError(
                "auction_number",
                auction_number[:60],
                f"Auction {auction_number[:60]!r} is not an event in the catalogue; enter the "
                f"site's event id of a {warehouse} auction, or add the event on the Events page.",
            )
        ]
    if event.warehouse != warehouse:
        return [
            FieldError(
                "auction_number",
                auction_number,
                f"Auction {auction_number!r} belongs to warehouse {event.warehouse!r}, not "
                f"{warehouse!r}; enter an auction of {warehouse}.",
            )
        ]
    return []


def check_plan_id(raw: str) -> FieldError | None:
    if PLAN_ID_PATTERN.fullmatch(raw):
        return None
    return FieldError(
        "plan_id",
        raw[:60],
        f"Plan id {raw[:60]!r} is invalid; use the plan id shown after planning (the plan "
        "task's id).",
    )
