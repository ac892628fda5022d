"""When an event starts and ends, and how the Create Event form and the banner spell it.

An event starts today (site time) at 1:00 AM and ends on the chosen date at the chosen time.
The site's form takes dates as mm/dd/yyyy and times as "6:30 PM", in the site's time zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

SITE_TIME_ZONE = "America/Los_Angeles"
START_TIME = time(1, 0)
DEFAULT_END_TIME = time(18, 30)


class ScheduleError(ValueError):
    """The requested end cannot make a valid event (it is not after the start or has passed)."""


@dataclass(frozen=True)
class EventSchedule:
    starts_at: datetime
    ends_at: datetime

    @property
    def start_date_text(self) -> str:
        return form_date(self.starts_at.date())

    @property
    def start_time_text(self) -> str:
        return form_time(self.starts_at.time())

    @property
    def end_date_text(self) -> str:
        return form_date(self.ends_at.date())

    @property
    def end_time_text(self) -> str:
        return form_time(self.ends_at.time())


def ordinal(day: int) -> str:
    """Return the day of the month with its English suffix: 1st, 2nd, 3rd, 4th, 11th, 22nd."""
    if not 1 <= day <= 31:
        raise ValueError(f"day {day} is not a day of a month (1-31)")
    teens = 11 <= day % 100 <= 13
    suffix = "th" if teens else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def ending_text(end_date: date) -> str:
    """Return the banner's headline, e.g. "Ending December 4th"."""
    return f"Ending {end_date:%B} {ordinal(end_date.day)}"


def form_date(value: date) -> str:
    return f"{value.month:02d}/{value.day:02d}/{value.year:04d}"


def form_time(value: time) -> str:
    """Spell a time as the site's form does: "1:00 AM", "6:30 PM", "12:00 PM" for noon."""
    hour = value.hour % 12 or 12
    meridiem = "AM" if value.hour < 12 else "PM"
    return f"{hour}:{value.minute:02d} {meridiem}"


def event_schedule(
    now: datetime,
    end_date: date,
    end_time: time = DEFAULT_END_TIME,
    time_zone: str = SITE_TIME_ZONE,
) -> EventSchedule:
    """Return the event's start (today at 1:00 AM, site time) and end (`end_date` at `end_time`).

    `now` must carry a time zone. Raises ScheduleError when the end is not later than both the
    start and `now`, because the site rejects such an event.
    """
    if now.tzinfo is None:
        raise ValueError("now must be time-zone aware")
    zone = ZoneInfo(time_zone)
    today = now.astimezone(zone).date()
    starts_at = datetime.combine(today, START_TIME, tzinfo=zone)
    ends_at = datetime.combine(end_date, end_time, tzinfo=zone)
    if ends_at <= starts_at or ends_at <= now:
        raise ScheduleError(
            f"the end {form_date(end_date)} {form_time(end_time)} ({time_zone}) has already "
            f"passed or is not after the start {form_date(today)} {form_time(START_TIME)}; "
            "choose a later end date"
        )
    return EventSchedule(starts_at=starts_at, ends_at=ends_at)
