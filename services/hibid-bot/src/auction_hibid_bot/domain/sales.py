"""Rules of voiding: which events may be voided and which report rows are unpaid sales.

On the site's sales transaction report each sale has a paid/void cell: an icon when paid,
"Void Sale" when unpaid and "Un-Void Sale" when voided. Only a cell that reads exactly
"Void Sale" and shows no paid icon is voided.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

# Event statuses on the site run Draft → Preview/Scheduled → Active → Closing → Closed → Archived.
ENDED_STATUSES = frozenset({"closed", "archived"})
VOID_LINK_TEXT = "Void Sale"
# The export's first column is "Lot #"; the live site may name it "Lot Number".
EXPORT_LOT_COLUMN = "Lot #"
EXPORT_LOT_ALIASES = frozenset({"Lot Number"})
SITE_DATETIME_FORMATS = ("%m/%d/%Y %I:%M %p", "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %H:%M")


class PaidCell(StrEnum):
    UNPAID = "unpaid"
    PAID = "paid"
    VOIDED = "voided"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class EventState:
    """What the event's page shows: its status and its end (site time, as shown)."""

    event_id: str
    title: str
    status: str
    ends_text: str


def event_has_ended(state: EventState) -> bool:
    """Return True only for events the site reports as Closed or Archived."""
    return state.status.strip().lower() in ENDED_STATUSES


def not_ended_reason(state: EventState) -> str:
    return (
        f"event {state.event_id} ({state.title}) has not ended: its status is {state.status} "
        f"and it ends {state.ends_text} (site time); void unpaid sales once it is Closed"
    )


def classify_paid_cell(text: str, has_paid_icon: bool) -> PaidCell:
    """Classify a paid/void cell from its visible text and whether it shows the paid icon."""
    label = " ".join(text.split())
    if has_paid_icon:
        return PaidCell.PAID
    if label.casefold() == VOID_LINK_TEXT.casefold():
        return PaidCell.UNPAID
    if label.casefold() == "un-void sale":
        return PaidCell.VOIDED
    return PaidCell.UNKNOWN


def has_invoice(invoice_text: str) -> bool:
    """Return True when the sale's invoice cell names an invoice number ("Invoice #1043")."""
    return re.search(r"\d", invoice_text) is not None and "no invoice" not in invoice_text.lower()


def parse_site_datetime(text: str) -> datetime | None:
    cleaned = " ".join(text.split())
    for pattern in SITE_DATETIME_FORMATS:
        try:
            return datetime.strptime(cleaned, pattern)
        except ValueError:
            continue
    return None


def normalize_export(data: bytes) -> bytes:
    """Rename a "Lot Number" header of the sales export to "Lot #"; the rows stay byte for byte."""
    text = data.decode("utf-8-sig")
    header_line, newline, rest = text.partition("\n")
    ending = "\r\n" if header_line.endswith("\r") else "\n"
    header = next(csv.reader([header_line.rstrip("\r")]), [])
    if not any(name in EXPORT_LOT_ALIASES for name in header):
        return data
    renamed = [EXPORT_LOT_COLUMN if name in EXPORT_LOT_ALIASES else name for name in header]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(renamed)
    if not newline:
        return buffer.getvalue().encode()
    return (buffer.getvalue() + ending + rest).encode()
