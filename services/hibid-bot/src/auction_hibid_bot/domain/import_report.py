"""Read the site's CSV import report: counts, then one entry per failed line.

The site e-mails the report as plain text, for example::

    Total rows: 3
    Succeeded: 2
    Failed: 1

    Line: 3, Title: "Desk lamp"
      - Category 9 is a parent category.

`Line` counts the header as line 1, so the first data row is line 2.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from auction_shared.events import RowError

MAX_ROW_ERRORS = 1000
MESSAGE_LIMIT = 2000

_STATUS_LINE = re.compile(r"^Status:\s*(\S.*?)\s*$", re.MULTILINE)
_COUNT = re.compile(r"^(Total rows|Succeeded|Failed):\s*(\d+)\s*$", re.MULTILINE)
_LINE = re.compile(r'^Line:\s*(\d+),\s*Title:\s*"(.*)"\s*$')
_STATUS = re.compile(r"^\s*-\s+(.*\S)\s*$")


class ReportFormatError(ValueError):
    """The report text lacks its counts, so it cannot be trusted."""


@dataclass(frozen=True)
class ImportReport:
    total: int
    succeeded: int
    failed: int
    row_errors: list[RowError] = field(default_factory=list)
    # The site's import status: "Completed", or "Failed" when the import stopped part-way.
    status: str = ""

    @property
    def stopped_early(self) -> bool:
        return self.status.strip().lower() == "failed"


def parse_import_report(text: str) -> ImportReport:
    """Parse the report's counts and per-line errors; raise ReportFormatError without counts."""
    counts = {name: int(value) for name, value in _COUNT.findall(text)}
    missing = [name for name in ("Total rows", "Succeeded", "Failed") if name not in counts]
    if missing:
        raise ReportFormatError(
            f"the import report has no {', '.join(missing)} line; the site's report format "
            "changed, so read it by hand and update the parser"
        )

    errors: list[RowError] = []
    line: int | None = None
    title = ""
    messages: list[str] = []

    def flush() -> None:
        if line is not None and len(errors) < MAX_ROW_ERRORS:
            message = " ".join(messages) or "the site reported this line as failed"
            errors.append(RowError(line=line, title=title, message=message[:MESSAGE_LIMIT]))

    for raw_line in text.splitlines():
        header = _LINE.match(raw_line.strip())
        if header:
            flush()
            line, title, messages = max(int(header.group(1)), 1), header.group(2), []
            continue
        status = _STATUS.match(raw_line)
        if line is not None and status:
            messages.append(status.group(1))
    flush()
    status = _STATUS_LINE.search(text)
    return ImportReport(
        total=counts["Total rows"],
        succeeded=counts["Succeeded"],
        failed=counts["Failed"],
        row_errors=errors,
        status=status.group(1) if status else "",
    )


def parse_line_label(text: str) -> int | None:
    """Read "Line: 4" from the "NO ACTION HAS BEEN TAKEN" status table; None for a file-wide row."""
    found = re.search(r"Line:\s*(\d+)", text)
    return int(found.group(1)) if found else None


def rejection_summary(statuses: list[tuple[int | None, str]], limit: int = 5) -> str:
    """Summarise the rejected file's statuses for a task message, at most `limit` of them."""
    parts = [
        f"line {line}: {message}" if line is not None else message
        for line, message in statuses[:limit]
    ]
    more = len(statuses) - limit
    if more > 0:
        parts.append(f"and {more} more")
    return "; ".join(parts)
