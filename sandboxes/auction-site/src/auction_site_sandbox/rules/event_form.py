"""Validation of the Create Event form, as the site checks it on submit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from ..models import NewEvent

TITLE_MAX_LENGTH = 80
# NOTE: the Summary limit and the 0-3600 s interval range are guesses, not the live site's values.
SUMMARY_MAX_LENGTH = 255
MAX_INTERVAL_SECONDS = 3600
DEFAULT_LOT_CLOSING_INTERVAL_SECONDS = 30
DEFAULT_SOFT_CLOSE_SECONDS = 120


@dataclass(frozen=True)
class EventForm:
    """Raw field values of the form, keyed like the page's input names."""

    title: str = ""
    summary: str = ""
    description_html: str = ""
    terms_html: str = ""
    shipping_html: str = ""
    image_id: str = ""
    start_date: str = ""
    start_time: str = ""
    end_date: str = ""
    end_time: str = ""
    lot_closing_interval: str = str(DEFAULT_LOT_CLOSING_INTERVAL_SECONDS)
    soft_close_seconds: str = str(DEFAULT_SOFT_CLOSE_SECONDS)


def validate_event_form(
    form: EventForm, now_local: datetime, image_known: bool
) -> tuple[NewEvent | None, dict[str, str]]:
    """Return the event to create, or the error message of each invalid field (by input id)."""
    errors: dict[str, str] = {}
    title = form.title.strip()
    if not title:
        errors["Title"] = "The Title field is required."
    elif len(title) > TITLE_MAX_LENGTH:
        errors["Title"] = (
            f"Title must be {TITLE_MAX_LENGTH} characters or fewer (it has {len(title)})."
        )
    summary = form.summary.strip()
    if len(summary) > SUMMARY_MAX_LENGTH:
        errors["Subtitle"] = (
            f"Summary must be {SUMMARY_MAX_LENGTH} characters or fewer (it has {len(summary)})."
        )
    if form.image_id and not image_known:
        errors["EventImage"] = "The uploaded image was not found; upload the image again."

    start_date = _parse_date(form.start_date, "Start Date", "StartDate", errors)
    start_time = _parse_time(form.start_time, "Start Time", "StartTime", errors)
    end_date = _parse_date(form.end_date, "End Date", "EndDate", errors)
    end_time = _parse_time(form.end_time, "End Time", "EndTime", errors)
    interval = _parse_seconds(
        form.lot_closing_interval, "Lot closing interval", "LotClosingInterval", errors
    )
    soft_close = _parse_seconds(form.soft_close_seconds, "Soft close", "SoftClosingSeconds", errors)

    starts_at = ends_at = None
    if start_date and start_time and end_date and end_time:
        starts_at = datetime.combine(start_date, start_time)
        ends_at = datetime.combine(end_date, end_time)
        if ends_at <= starts_at:
            errors["EndDate"] = "The end date and time must be after the start date and time."
        elif ends_at <= now_local:
            errors["EndDate"] = "The end date and time must be in the future (site time)."

    if errors or starts_at is None or ends_at is None or interval is None or soft_close is None:
        return None, errors
    return (
        NewEvent(
            title=title,
            summary=summary,
            description_html=form.description_html,
            terms_html=form.terms_html,
            shipping_html=form.shipping_html,
            image_id=form.image_id or None,
            starts_at=starts_at,
            ends_at=ends_at,
            lot_closing_interval_seconds=interval,
            soft_close_seconds=soft_close,
        ),
        {},
    )


def _parse_date(value: str, label: str, field: str, errors: dict[str, str]) -> date | None:
    text = value.strip()
    if not text:
        errors[field] = f"The {label} field is required."
        return None
    try:
        return datetime.strptime(text, "%m/%d/%Y").date()
    except ValueError:
        errors[field] = f"{label} must be a date in mm/dd/yyyy format (got {text!r})."
        return None


def _parse_time(value: str, label: str, field: str, errors: dict[str, str]) -> time | None:
    text = " ".join(value.strip().upper().split())
    if not text:
        errors[field] = f"The {label} field is required."
        return None
    for pattern in ("%I:%M %p", "%I:%M%p", "%H:%M"):
        try:
            return datetime.strptime(text, pattern).time()
        except ValueError:
            continue
    errors[field] = f"{label} must be a time like 6:30 PM (got {value.strip()!r})."
    return None


def _parse_seconds(value: str, label: str, field: str, errors: dict[str, str]) -> int | None:
    text = value.strip()
    try:
        seconds = int(text)
    except ValueError:
        errors[field] = f"{label} must be a whole number of seconds (got {text!r})."
        return None
    if not 0 <= seconds <= MAX_INTERVAL_SECONDS:
        errors[field] = f"{label} must be between 0 and {MAX_INTERVAL_SECONDS} seconds."
        return None
    return seconds
