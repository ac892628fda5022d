"""Create Event form validation."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest

from auction_site_sandbox.rules.event_form import EventForm, validate_event_form

NOW = datetime(2026, 12, 4, 12, 0)
VALID = EventForm(
    title="Weekly Auction Ending December 10th",
    summary="No reserve auctions",
    description_html="<p>PICKUP ONLY</p>",
    start_date="12/04/2026",
    start_time="1:00 AM",
    end_date="12/10/2026",
    end_time="6:30 PM",
)


def test_valid_form_builds_event() -> None:
    event, errors = validate_event_form(VALID, NOW, image_known=False)

    assert errors == {}
    assert event is not None
    assert event.starts_at == datetime(2026, 12, 4, 1, 0)
    assert event.ends_at == datetime(2026, 12, 10, 18, 30)
    assert event.lot_closing_interval_seconds == 30
    assert event.soft_close_seconds == 120
    assert event.image_id is None


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        ({"title": ""}, "Title", "required"),
        ({"title": "x" * 81}, "Title", "80 characters or fewer (it has 81)"),
        ({"summary": "s" * 256}, "Subtitle", "255 characters"),
        ({"start_date": "2026-12-04"}, "StartDate", "mm/dd/yyyy"),
        ({"start_date": "13/01/2026"}, "StartDate", "mm/dd/yyyy"),
        ({"end_time": "25:99"}, "EndTime", "6:30 PM"),
        ({"end_date": ""}, "EndDate", "required"),
        ({"end_date": "12/03/2026"}, "EndDate", "after the start"),
        ({"start_date": "11/01/2026", "end_date": "11/02/2026"}, "EndDate", "in the future"),
        ({"lot_closing_interval": "abc"}, "LotClosingInterval", "whole number"),
        ({"soft_close_seconds": "-5"}, "SoftClosingSeconds", "between 0 and 3600"),
        ({"image_id": "missing"}, "EventImage", "upload the image again"),
    ],
)
def test_invalid_field_is_reported(changes: dict[str, str], field: str, fragment: str) -> None:
    event, errors = validate_event_form(replace(VALID, **changes), NOW, image_known=False)

    assert event is None
    assert field in errors
    assert fragment in errors[field]


@pytest.mark.parametrize("text", ["6:30 PM", "06:30 pm", "6:30PM", "18:30"])
def test_time_formats_accepted(text: str) -> None:
    event, errors = validate_event_form(replace(VALID, end_time=text), NOW, image_known=False)

    assert errors == {}
    assert event is not None
    assert event.ends_at.hour == 18


def test_known_image_is_kept() -> None:
    event, _ = validate_event_form(replace(VALID, image_id="abc"), NOW, image_known=True)

    assert event is not None
    assert event.image_id == "abc"
