"""Event start and end, ordinals, the banner headline and the form's date and time spelling."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from auction_hibid_bot.domain.schedule import (
    ScheduleError,
    ending_text,
    event_schedule,
    form_date,
    form_time,
    ordinal,
)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (1, "1st"),
        (2, "2nd"),
        (3, "3rd"),
        (4, "4th"),
        (10, "10th"),
        (11, "11th"),
        (12, "12th"),
        (13, "13th"),
        (21, "21st"),
        (22, "22nd"),
        (23, "23rd"),
        (24, "24th"),
        (30, "30th"),
        (31, "31st"),
    ],
)
def test_ordinal(day: int, expected: str) -> None:
    assert ordinal(day) == expected


@pytest.mark.parametrize("day", [0, 32, -1])
def test_ordinal_rejects_non_days(day: int) -> None:
    with pytest.raises(ValueError, match=str(day)):
        ordinal(day)


@pytest.mark.parametrize(
    ("end", "expected"),
    [
        (date(2026, 12, 4), "Ending December 4th"),
        (date(2026, 1, 1), "Ending January 1st"),
        (date(2027, 2, 22), "Ending February 22nd"),
        (date(2026, 7, 13), "Ending July 13th"),
        (date(2026, 5, 23), "Ending May 23rd"),
    ],
)
def test_ending_text(end: date, expected: str) -> None:
    assert ending_text(end) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (time(1, 0), "1:00 AM"),
        (time(0, 5), "12:05 AM"),
        (time(12, 0), "12:00 PM"),
        (time(18, 30), "6:30 PM"),
        (time(23, 59), "11:59 PM"),
    ],
)
def test_form_time(value: time, expected: str) -> None:
    assert form_time(value) == expected


def test_form_date_pads_month_and_day() -> None:
    assert form_date(date(2026, 3, 7)) == "03/07/2026"


@pytest.mark.parametrize(
    ("now_utc", "end_date", "end_time", "start_text", "end_text", "starts_utc", "ends_utc"),
    [
        # A winter afternoon: Pacific Standard Time is UTC-8.
        (
            datetime(2026, 12, 1, 20, 0, tzinfo=UTC),
            date(2026, 12, 4),
            time(18, 30),
            "12/01/2026 1:00 AM",
            "12/04/2026 6:30 PM",
            datetime(2026, 12, 1, 9, 0, tzinfo=UTC),
            datetime(2026, 12, 5, 2, 30, tzinfo=UTC),
        ),
        # 05:00 UTC is still the evening before in Las Vegas: "today" is the site's date.
        (
            datetime(2026, 12, 2, 5, 0, tzinfo=UTC),
            date(2026, 12, 4),
            time(18, 30),
            "12/01/2026 1:00 AM",
            "12/04/2026 6:30 PM",
            datetime(2026, 12, 1, 9, 0, tzinfo=UTC),
            datetime(2026, 12, 5, 2, 30, tzinfo=UTC),
        ),
        # Summer: Pacific Daylight Time is UTC-7.
        (
            datetime(2026, 7, 6, 15, 0, tzinfo=UTC),
            date(2026, 7, 10),
            time(19, 0),
            "07/06/2026 1:00 AM",
            "07/10/2026 7:00 PM",
            datetime(2026, 7, 6, 8, 0, tzinfo=UTC),
            datetime(2026, 7, 11, 2, 0, tzinfo=UTC),
        ),
        # Starting before the spring change (March 8, 2026) and ending after it.
        (
            datetime(2026, 3, 7, 18, 0, tzinfo=UTC),
            date(2026, 3, 12),
            time(18, 30),
            "03/07/2026 1:00 AM",
            "03/12/2026 6:30 PM",
            datetime(2026, 3, 7, 9, 0, tzinfo=UTC),
            datetime(2026, 3, 13, 1, 30, tzinfo=UTC),
        ),
        # Ending later the same day.
        (
            datetime(2026, 12, 4, 17, 0, tzinfo=UTC),
            date(2026, 12, 4),
            time(18, 30),
            "12/04/2026 1:00 AM",
            "12/04/2026 6:30 PM",
            datetime(2026, 12, 4, 9, 0, tzinfo=UTC),
            datetime(2026, 12, 5, 2, 30, tzinfo=UTC),
        ),
    ],
)
def test_event_schedule(
    now_utc: datetime,
    end_date: date,
    end_time: time,
    start_text: str,
    end_text: str,
    starts_utc: datetime,
    ends_utc: datetime,
) -> None:
    schedule = event_schedule(now_utc, end_date, end_time)

    assert f"{schedule.start_date_text} {schedule.start_time_text}" == start_text
    assert f"{schedule.end_date_text} {schedule.end_time_text}" == end_text
    assert schedule.starts_at == starts_utc
    assert schedule.ends_at == ends_utc


def test_event_schedule_default_end_time() -> None:
    schedule = event_schedule(datetime(2026, 12, 1, 20, 0, tzinfo=UTC), date(2026, 12, 4))

    assert schedule.end_time_text == "6:30 PM"


@pytest.mark.parametrize(
    ("now_utc", "end_date", "end_time"),
    [
        # The end has passed.
        (datetime(2026, 12, 5, 3, 0, tzinfo=UTC), date(2026, 12, 4), time(18, 30)),
        # The end is before today's 1:00 AM start.
        (datetime(2026, 12, 4, 8, 30, tzinfo=UTC), date(2026, 12, 4), time(0, 30)),
        (datetime(2026, 12, 4, 17, 0, tzinfo=UTC), date(2026, 12, 1), time(18, 30)),
    ],
)
def test_event_schedule_rejects_past_end(now_utc: datetime, end_date: date, end_time: time) -> None:
    with pytest.raises(ScheduleError, match="choose a later end date"):
        event_schedule(now_utc, end_date, end_time)


def test_event_schedule_needs_aware_now() -> None:
    with pytest.raises(ValueError, match="time-zone aware"):
        event_schedule(datetime(2026, 12, 1, 12, 0), date(2026, 12, 4))
