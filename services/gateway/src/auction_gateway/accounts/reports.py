"""Audit-log filters as typed in a form or query string, and the CSV export of entries."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from auction_gateway.accounts.records import AuditEntry, AuditQuery
from auction_gateway.domain import FieldError, InvalidInput

AUDIT_PAGE_LIMIT = 500
AUDIT_EXPORT_LIMIT = 50_000
CSV_COLUMNS = (
    "occurred_at",
    "actor",
    "actor_kind",
    "via",
    "action",
    "outcome",
    "status_code",
    "task_id",
    "client",
    "parameters",
)


def parse_day(raw: str, field: str) -> date | FieldError | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return FieldError(field, raw, f"Date {raw!r} is invalid: use YYYY-MM-DD, e.g. 2026-12-04.")


def audit_query(
    *,
    actor: str = "",
    action: str = "",
    since: str = "",
    until: str = "",
    timezone: ZoneInfo,
    limit: int = AUDIT_PAGE_LIMIT,
) -> AuditQuery:
    """Build a query from filter text; days are whole days of the site's time zone, `until`
    included. Raises InvalidInput naming each bad date."""
    first = parse_day(since, "since")
    last = parse_day(until, "until")
    errors = [value for value in (first, last) if isinstance(value, FieldError)]
    if isinstance(first, date) and isinstance(last, date) and last < first:
        errors.append(
            FieldError("until", until, f"The end date {until} is before the start date {since}.")
        )
    if errors:
        raise InvalidInput(errors)
    start = datetime.combine(first, time(), timezone) if isinstance(first, date) else None
    end = (
        datetime.combine(last + timedelta(days=1), time(), timezone)
        if isinstance(last, date)
        else None
    )
    return AuditQuery(
        actor=actor.strip() or None,
        action=action.strip() or None,
        since=start,
        until=end,
        limit=limit,
    )


def audit_csv(entries: list[AuditEntry]) -> str:
    """Write entries as CSV (UTC ISO times, parameters as a JSON object)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for entry in entries:
        writer.writerow(
            [
                entry.occurred_at.isoformat(),
                _spreadsheet_safe(entry.actor),
                entry.actor_kind,
                entry.via,
                _spreadsheet_safe(entry.action),
                entry.outcome,
                "" if entry.status_code is None else entry.status_code,
                _spreadsheet_safe(entry.task_id or ""),
                entry.client or "",
                _spreadsheet_safe(json.dumps(entry.parameters, sort_keys=True, ensure_ascii=False)),
            ]
        )
    return buffer.getvalue()


def _spreadsheet_safe(value: str) -> str:
    """Prefix a quote to text a spreadsheet would run as a formula (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
