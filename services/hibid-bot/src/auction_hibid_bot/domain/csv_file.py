"""Checks on an import CSV before it is sent to the site."""

from __future__ import annotations

import csv
import io


class CsvFileError(ValueError):
    """The CSV cannot be imported into the requested event."""


def check_event_ids(data: bytes, event_id: str) -> int:
    """Return the number of data rows; raise CsvFileError when a row names another event.

    The site places each row in the event of its EventID column, so a file formatted for one
    event must not be imported into another.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CsvFileError(
            f"the CSV is not UTF-8 text (invalid byte at offset {error.start})"
        ) from None
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    others = sorted(
        {
            (row.get("EventID") or "").strip()
            for row in rows
            if (row.get("EventID") or "").strip() not in ("", event_id)
        }
    )
    if others:
        raise CsvFileError(
            f"the CSV has rows for event(s) {', '.join(others)}, not {event_id}; "
            "format the auction again for this event"
        )
    return len(rows)
