"""Import reports, sales-report cells, event matching, CSV checks and retry rules."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from auction_hibid_bot.domain.csv_file import CsvFileError, check_event_ids
from auction_hibid_bot.domain.events import (
    ConfirmationError,
    ListedEvent,
    find_existing_event,
    parse_confirmation,
)
from auction_hibid_bot.domain.import_report import (
    ReportFormatError,
    parse_import_report,
    parse_line_label,
    rejection_summary,
)
from auction_hibid_bot.domain.retry import RetryPolicy, is_retryable_status, safe_key_part
from auction_hibid_bot.domain.sales import (
    EventState,
    PaidCell,
    classify_paid_cell,
    event_has_ended,
    has_invoice,
    normalize_export,
    not_ended_reason,
)
from auction_hibid_bot.domain.schedule import event_schedule

REPORT = """CSV Import Report #7
File: event-4412-v1.csv
Validate Data ONLY: No
Import as Drafts: Yes
Status: Completed
Total rows: 4
Succeeded: 2
Failed: 2

Line: 3, Title: "Desk lamp, "brass""
  - Category 9 is a parent category.
  - Image 1 (http://127.0.0.1/x.jpg) could not be downloaded: HTTP 404

Line: 5, Title: ""
  - Title is required.
"""


def test_import_report_counts_and_errors() -> None:
    report = parse_import_report(REPORT)

    assert (report.total, report.succeeded, report.failed) == (4, 2, 2)
    assert [error.line for error in report.row_errors] == [3, 5]
    assert report.row_errors[0].title == 'Desk lamp, "brass"'
    assert report.row_errors[0].message.startswith("Category 9 is a parent category. Image 1")
    assert report.row_errors[1].title == ""
    assert report.row_errors[1].message == "Title is required."


def test_import_report_status() -> None:
    assert parse_import_report(REPORT).status == "Completed"
    assert parse_import_report(REPORT).stopped_early is False
    assert parse_import_report(REPORT.replace("Status: Completed", "Status: Failed")).stopped_early


def test_import_report_without_failures() -> None:
    report = parse_import_report("Total rows: 2\nSucceeded: 2\nFailed: 0\n")

    assert report.row_errors == []


def test_import_report_without_counts_is_rejected() -> None:
    with pytest.raises(ReportFormatError, match="Succeeded, Failed"):
        parse_import_report("Total rows: 2\n")


@pytest.mark.parametrize(
    ("text", "expected"), [("Line: 4", 4), ("Line:12", 12), ("", None), ("header", None)]
)
def test_line_label(text: str, expected: int | None) -> None:
    assert parse_line_label(text) == expected


def test_rejection_summary_limits_statuses() -> None:
    statuses: list[tuple[int | None, str]] = [(None, "No file was chosen.")]
    statuses += [(line, "bad") for line in range(2, 9)]

    summary = rejection_summary(statuses, limit=3)

    assert summary == "No file was chosen.; line 2: bad; line 3: bad; and 5 more"


@pytest.mark.parametrize(
    ("text", "icon", "expected"),
    [
        ("Void Sale", False, PaidCell.UNPAID),
        ("  Void   Sale ", False, PaidCell.UNPAID),
        ("Void Sale", True, PaidCell.PAID),
        ("\u2714", True, PaidCell.PAID),
        ("", True, PaidCell.PAID),
        ("Un-Void Sale", False, PaidCell.VOIDED),
        ("", False, PaidCell.UNKNOWN),
        ("Refunded", False, PaidCell.UNKNOWN),
    ],
)
def test_classify_paid_cell(text: str, icon: bool, expected: PaidCell) -> None:
    assert classify_paid_cell(text, icon) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Invoice #1043", True), ("No invoice", False), ("", False), ("1043", True)],
)
def test_has_invoice(text: str, expected: bool) -> None:
    assert has_invoice(text) is expected


@pytest.mark.parametrize(
    ("status", "ended"),
    [
        ("Closed", True),
        ("Archived", True),
        ("closed ", True),
        ("Active", False),
        ("Closing", False),
        ("Draft", False),
        ("Preview", False),
    ],
)
def test_event_has_ended(status: str, ended: bool) -> None:
    state = EventState(event_id="4412", title="Weekly", status=status, ends_text="12/04/2026")

    assert event_has_ended(state) is ended


def test_not_ended_reason_names_event_and_end() -> None:
    state = EventState("4412", "Weekly", "Active", "12/04/2026 06:30 PM")

    reason = not_ended_reason(state)

    assert "event 4412 (Weekly)" in reason
    assert "Active" in reason
    assert "12/04/2026 06:30 PM" in reason


def test_parse_confirmation() -> None:
    event_id = parse_confirmation(
        "/Event/EventConfirmation/57", "Home\nEvent Created: Weekly (Maule) (Draft #57)\n"
    )

    assert event_id == "57"


@pytest.mark.parametrize(
    ("path", "text", "match"),
    [
        ("/Event/CreateEvent", "Event Created: A (Draft #5)", "not the event confirmation"),
        ("/Event/EventConfirmation/5", "Welcome", "not the event confirmation"),
        ("/Event/EventConfirmation/5", "Event Created: A (Draft #6)", "different|names event 6"),
    ],
)
def test_parse_confirmation_rejects(path: str, text: str, match: str) -> None:
    with pytest.raises(ConfirmationError, match=match):
        parse_confirmation(path, text)


def test_find_existing_event_matches_title_and_end() -> None:
    schedule = event_schedule(
        datetime(2026, 12, 1, 20, 0, tzinfo=UTC), date(2026, 12, 4), time(18, 30)
    )
    ends_local = schedule.ends_at
    events = [
        ListedEvent("10", "Weekly Auction", "11/27/2026 06:30 PM"),
        ListedEvent("11", "weekly  auction ", "12/04/2026 06:30 PM"),
        ListedEvent("12", "Weekly Auction", "12/04/2026 06:30 PM"),
        ListedEvent("13", "Other", "12/04/2026 06:30 PM"),
    ]

    found = find_existing_event(events, "Weekly Auction", ends_local)

    assert found is not None
    assert found.event_id == "12"
    assert find_existing_event(events[:1], "Weekly Auction", ends_local) is None


def test_check_event_ids_counts_rows() -> None:
    data = b"EventID,Title\r\n4412,A\r\n4412,B\r\n,C\r\n"

    assert check_event_ids(data, "4412") == 3


def test_check_event_ids_rejects_other_event() -> None:
    with pytest.raises(CsvFileError, match="event\\(s\\) 9999, not 4412"):
        check_event_ids(b"EventID,Title\r\n9999,A\r\n", "4412")


def test_check_event_ids_rejects_non_utf8() -> None:
    with pytest.raises(CsvFileError, match="not UTF-8"):
        check_event_ids(b"EventID\r\n\xff\xfe\r\n", "1")


@pytest.mark.parametrize(("attempt", "delay"), [(1, 1.0), (2, 2.0), (3, 4.0), (10, 30.0)])
def test_retry_delay(attempt: int, delay: float) -> None:
    assert RetryPolicy(base_delay_seconds=1.0, max_delay_seconds=30.0).delay(attempt) == delay


@pytest.mark.parametrize(
    ("status", "retry"),
    [(500, True), (503, True), (429, True), (408, True), (404, False), (200, False)],
)
def test_retryable_status(status: int, retry: bool) -> None:
    assert is_retryable_status(status) is retry


@pytest.mark.parametrize(
    ("text", "expected"),
    [("void sale 3", "void-sale-3"), ("Create  Event!", "create-event"), ("***", "step")],
)
def test_safe_key_part(text: str, expected: str) -> None:
    assert safe_key_part(text) == expected


@pytest.mark.parametrize(
    ("export", "expected"),
    [
        (
            b'Lot Number,Date/Time,Buyer\r\nM101,"12/03/2026 06:30:00 PM",x\r\n',
            b'Lot #,Date/Time,Buyer\r\nM101,"12/03/2026 06:30:00 PM",x\r\n',
        ),
        (b"Lot #,Buyer\r\nM1,x\r\n", b"Lot #,Buyer\r\nM1,x\r\n"),
        (b"Lot Number,Buyer\nM1,x\n", b"Lot #,Buyer\nM1,x\n"),
        (b"Lot Number,Buyer", b"Lot #,Buyer"),
    ],
)
def test_normalize_export_lot_column(export: bytes, expected: bytes) -> None:
    assert normalize_export(export) == expected
