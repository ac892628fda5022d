"""Recognising events on the site: the creation confirmation and an existing event of a request."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from auction_hibid_bot.domain.sales import parse_site_datetime

_CONFIRMATION = re.compile(r"Event Created:\s*(?P<title>.*?)\s*\(Draft\s*#\s*(?P<id>\d+)\)", re.S)
_CONFIRMATION_PATH = re.compile(r"/Event/EventConfirmation/(?P<id>\d+)\b", re.I)


class ConfirmationError(ValueError):
    """The confirmation page does not name the created event as expected."""


@dataclass(frozen=True)
class ListedEvent:
    """One row of the site's event list."""

    event_id: str
    title: str
    ends_text: str


def parse_confirmation(url_path: str, text: str) -> str:
    """Return the new event's id from the confirmation URL and its "Event Created" line.

    Raises ConfirmationError when either is missing or they name different events.
    """
    from_path = _CONFIRMATION_PATH.search(url_path)
    from_text = _CONFIRMATION.search(text)
    if from_path is None or from_text is None:
        raise ConfirmationError(
            f"the page after Create ({url_path}) is not the event confirmation "
            '("Event Created: <title> (Draft #<id>)")'
        )
    if from_path.group("id") != from_text.group("id"):
        raise ConfirmationError(
            f"the confirmation URL names event {from_path.group('id')} but its text names "
            f"event {from_text.group('id')}"
        )
    return from_path.group("id")


def same_title(left: str, right: str) -> bool:
    """Compare titles as the site shows them: surrounding and repeated spaces do not count."""
    return " ".join(left.split()).casefold() == " ".join(right.split()).casefold()


def find_existing_event(
    events: list[ListedEvent], title: str, ends_at: datetime
) -> ListedEvent | None:
    """Return the listed event with the request's title and end (site time), if there is one.

    Matching the end as well keeps a weekly title that repeats from matching last week's event.
    The newest (highest id) match wins.
    """
    wanted_end = ends_at.replace(tzinfo=None, second=0, microsecond=0)
    matches = [
        event
        for event in events
        if same_title(event.title, title) and parse_site_datetime(event.ends_text) == wanted_end
    ]
    if not matches:
        return None
    return max(matches, key=lambda event: int(event.event_id) if event.event_id.isdigit() else 0)
