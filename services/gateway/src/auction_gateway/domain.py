"""Pure rules of the gateway: input checks, task-state merging and retention. No I/O here."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from auction_gateway.records import AuctionEvent, TaskRecord, TaskStep
from auction_shared.events import AuctionCreated, TaskState, TaskStatus

EVENT_ID_PATTERN = re.compile(r"[0-9A-Za-z_-]{1,40}")
# FormatRequested.starting_price allows 9 digits with 2 decimals: at most 9,999,999.99.
PRICE_PATTERN = re.compile(r"(?P<units>[0-9]+)(?:\.(?P<cents>[0-9]+))?")
MAX_PRICE = Decimal("9999999.99")
MAX_TITLE_LENGTH = 200


@dataclass(frozen=True)
class FieldError:
    """A rejected input value: which field, the value as given, and what to do instead."""

    field: str
    value: str
    message: str


class InvalidInput(Exception):
    """One or more input values were rejected; `errors` names each of them."""

    def __init__(self, errors: Sequence[FieldError]) -> None:
        super().__init__("; ".join(error.message for error in errors))
        self.errors = list(errors)


# --- input checks --------------------------------------------------------------------------------


def parse_starting_price(raw: str | None) -> Decimal | None:
    """Parse the optional starting-price override: a positive amount with at most 2 decimals.

    Empty input means no override. A leading `$` is accepted. Raises InvalidInput naming the value.
    """
    text = (raw or "").strip()
    if not text:
        return None
    quoted = text[:40]
    match = PRICE_PATTERN.fullmatch(text.removeprefix("$").strip())
    if match is None:
        raise _price_error(
            quoted,
            f"Starting price {quoted!r} is not an amount; enter a positive number with at most "
            "2 decimals, like 5 or 2.50, or leave it empty to use the pricing rules.",
        )
    cents = match.group("cents") or ""
    if len(cents) > 2:
        raise _price_error(
            quoted,
            f"Starting price {quoted!r} has more than 2 decimals; enter cents at most, like 2.50.",
        )
    try:
        price = Decimal(match.group(0)).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise _price_error(quoted, f"Starting price {quoted!r} is not an amount.") from None
    if price <= 0:
        raise _price_error(
            quoted,
            f"Starting price {quoted!r} must be above 0; leave it empty to use the pricing rules.",
        )
    if price > MAX_PRICE:
        raise _price_error(quoted, f"Starting price {quoted!r} is above the maximum {MAX_PRICE}.")
    return price


def _price_error(value: str, message: str) -> InvalidInput:
    return InvalidInput([FieldError("price", value, message)])


def check_event_id(raw: str) -> FieldError | None:
    if EVENT_ID_PATTERN.fullmatch(raw):
        return None
    return FieldError(
        "event_id",
        raw[:60],
        f"Event id {raw[:60]!r} is invalid; use the site's event id: 1 to 40 letters, digits, "
        "'-' or '_'.",
    )


def check_warehouse(raw: str, known: Sequence[str]) -> FieldError | None:
    if raw in known:
        return None
    return FieldError(
        "warehouse",
        raw[:60],
        f"Warehouse {raw[:60]!r} is unknown; choose one of {', '.join(known)}.",
    )


def parse_site_datetime(raw: str, field: str, timezone: ZoneInfo) -> datetime | FieldError:
    """Parse an ISO 8601 date and time; a value without an offset is in the site's time zone."""
    text = raw.strip()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return FieldError(
            field,
            text[:60],
            f"{field.capitalize()} {text[:60]!r} is not a date and time; use the form "
            "2026-12-04T18:30 (site time) or add an offset like 2026-12-04T18:30-08:00.",
        )
    return localise(moment, timezone)


def localise(moment: datetime, timezone: ZoneInfo) -> datetime:
    """Attach the site's time zone to a naive date and time; keep an aware one as it is."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone)
    return moment


def build_event(
    *,
    event_id: str,
    warehouse: str,
    title: str,
    starts_at: datetime | FieldError,
    ends_at: datetime | FieldError,
    known_warehouses: Sequence[str],
    active: bool = True,
) -> AuctionEvent:
    """Check a new catalogue entry and return it; raises InvalidInput with every rejected field."""
    errors = [
        error
        for error in (check_event_id(event_id), check_warehouse(warehouse, known_warehouses))
        if error is not None
    ]
    clean_title = " ".join(title.split())
    if not clean_title or len(clean_title) > MAX_TITLE_LENGTH:
        errors.append(
            FieldError(
                "title",
                title[:60],
                f"Title must have 1 to {MAX_TITLE_LENGTH} characters; it has {len(clean_title)}.",
            )
        )
    for value in (starts_at, ends_at):
        if isinstance(value, FieldError):
            errors.append(value)
    if isinstance(starts_at, datetime) and isinstance(ends_at, datetime) and ends_at <= starts_at:
        errors.append(
            FieldError(
                "end",
                ends_at.isoformat(),
                f"End {ends_at.isoformat()} is not after start {starts_at.isoformat()}; "
                "an event must end after it starts.",
            )
        )
    if errors:
        raise InvalidInput(errors)
    assert isinstance(starts_at, datetime) and isinstance(ends_at, datetime)
    return AuctionEvent(
        event_id=event_id,
        warehouse=warehouse,
        title=clean_title,
        starts_at=starts_at,
        ends_at=ends_at,
        active=active,
    )


def event_from_created(payload: AuctionCreated) -> AuctionEvent | FieldError:
    """Turn the site bot's `auction.created` into a catalogue entry, or name what is wrong."""
    error = check_event_id(payload.event_id)
    if error is not None:
        return error
    return AuctionEvent(
        event_id=payload.event_id,
        warehouse=payload.warehouse[:40],
        title=" ".join(payload.title.split())[:MAX_TITLE_LENGTH] or payload.event_id,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        active=True,
        origin="auction.created",
    )


def check_format_request(
    *, warehouse: str, event_id: str, event: AuctionEvent | None, known_warehouses: Sequence[str]
) -> list[FieldError]:
    """Return why a format request cannot start (empty when it can)."""
    warehouse_error = check_warehouse(warehouse, known_warehouses)
    if warehouse_error is not None:
        return [warehouse_error]
    if event is None:
        return [
            FieldError(
                "event",
                event_id[:60],
                f"Event {event_id[:60]!r} is not in the catalogue; add it on the Events page first.",
            )
        ]
    if event.warehouse != warehouse:
        return [
            FieldError(
                "event",
                event_id,
                f"Event {event_id!r} belongs to warehouse {event.warehouse!r}, not {warehouse!r}; "
                "pick an event of the chosen warehouse.",
            )
        ]
    if not event.active:
        return [
            FieldError(
                "event",
                event_id,
                f"Event {event_id!r} is not active; pick an active event.",
            )
        ]
    return []


# --- the task read model -------------------------------------------------------------------------


def new_task(
    *,
    task_id: str,
    job: str,
    warehouse: str | None,
    event_id: str | None,
    requested_by: str | None,
    now: datetime,
) -> TaskRecord:
    """Return a NOT_STARTED task as the gateway records it when it starts a job.

    Its sequence is 0, so the first status from any service replaces it even when that
    service's clock is behind the gateway's.
    """
    return TaskRecord(
        task_id=task_id,
        job=job,
        state=TaskState.NOT_STARTED.value,
        progress=0,
        stage="queued",
        substage="",
        message="",
        service="gateway",
        sequence=0,
        warehouse=warehouse,
        event_id=event_id,
        requested_by=requested_by,
        result={},
        created_at=now,
        updated_at=now,
    )


def merge_status(
    current: TaskRecord | None, status: TaskStatus, now: datetime
) -> TaskRecord | None:
    """Return the task after `status`, or None when an equal or newer status is already quoted.

    The status with the highest sequence wins, so statuses that arrive out of order cannot move a
    finished task back to IN_PROGRESS. Ids the status lacks are kept from the current record.
    """
    if current is not None and status.sequence <= current.sequence:
        return None
    final = status.state.is_final
    base_created = current.created_at if current is not None else now
    return TaskRecord(
        task_id=status.task_id,
        job=status.job.value,
        state=status.state.value,
        progress=status.progress,
        stage=status.stage,
        substage=status.substage,
        message=status.message,
        service=status.service,
        sequence=status.sequence,
        warehouse=_clip(status.warehouse, 40) or (current.warehouse if current else None),
        event_id=_clip(status.event_id, 200) or (current.event_id if current else None),
        requested_by=current.requested_by if current else None,
        result=status.result or (current.result if current else {}),
        created_at=base_created,
        updated_at=now,
        finished_at=now if final else None,
    )


def step_of(status: TaskStatus, now: datetime) -> TaskStep:
    return TaskStep(
        sequence=status.sequence,
        state=status.state.value,
        progress=status.progress,
        stage=status.stage,
        substage=status.substage,
        message=status.message,
        service=status.service,
        recorded_at=now,
    )


def retention_cutoff(now: datetime, hours: float) -> datetime:
    """Return the moment before which finished tasks are purged."""
    return now - timedelta(hours=hours)


def _clip(value: str | None, length: int) -> str | None:
    return value[:length] if value else None
