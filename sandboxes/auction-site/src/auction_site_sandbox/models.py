"""Records the sandbox stores: events, lots, buyers, sales, import reports and e-mails."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class EventStatus(StrEnum):
    """Event life cycle on the site, in order."""

    DRAFT = "Draft"
    PREVIEW = "Preview"
    ACTIVE = "Active"
    CLOSING = "Closing"
    CLOSED = "Closed"
    ARCHIVED = "Archived"


# Statuses whose events accept new lots from a CSV import.
OPEN_FOR_LOTS = frozenset({EventStatus.DRAFT, EventStatus.PREVIEW, EventStatus.ACTIVE})


@dataclass(frozen=True)
class NewEvent:
    """Fields of the Create Event form after validation."""

    title: str
    summary: str
    description_html: str
    terms_html: str
    shipping_html: str
    image_id: str | None
    # Site-local wall-clock times (the site's time zone), without an offset.
    starts_at: datetime
    ends_at: datetime
    lot_closing_interval_seconds: int
    soft_close_seconds: int


@dataclass(frozen=True)
class Event(NewEvent):
    id: int
    status: EventStatus
    created_by: str
    created_at: datetime


@dataclass(frozen=True)
class Lot:
    id: int
    event_id: int
    lot_number: str
    title: str
    subtitle: str
    description: str
    category_id: int
    price_cents: int
    quantity: int
    image_urls: list[str]
    custom_fields: dict[str, str]
    is_draft: bool
    import_report_id: int | None


@dataclass(frozen=True)
class Buyer:
    id: int
    username: str
    first_name: str
    last_name: str
    address: str
    phone: str
    tax_exempt: bool


@dataclass(frozen=True)
class Bid:
    id: int
    lot_id: int
    buyer_id: int
    amount_cents: int
    placed_at: datetime


@dataclass(frozen=True)
class Sale:
    """One won lot, joined with its lot and buyer for the sales report."""

    id: int
    event_id: int
    lot: Lot
    buyer: Buyer
    invoice_id: int | None
    removed_from_invoice_id: int | None
    price_cents: int
    quantity: int
    sold_at: datetime
    paid: bool
    voided: bool

    @property
    def status(self) -> str:
        if self.voided:
            return "Voided"
        return "Paid" if self.paid else "Unpaid"

    @property
    def total_cents(self) -> int:
        return self.price_cents * self.quantity


@dataclass
class ImportLine:
    """Outcome of one data row of an import file."""

    line: int
    title: str
    errors: list[str] = field(default_factory=list)
    lot_id: int | None = None


@dataclass(frozen=True)
class ImportReport:
    id: int
    created_at: datetime
    created_by: str
    file_name: str
    email: str
    validate_only: bool
    as_drafts: bool
    selected_event_id: int | None
    status: str
    total: int
    succeeded: int
    failed: int
    lines: list[ImportLine]
    finished_at: datetime | None


@dataclass(frozen=True)
class OutboxMessage:
    id: int
    created_at: datetime
    to_address: str
    subject: str
    body: str
