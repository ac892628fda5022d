"""Pure rules of the gateway: price parsing, event checks, task-state merging, retention."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from auction_gateway.domain import (
    FieldError,
    InvalidInput,
    build_event,
    check_event_id,
    check_format_request,
    event_from_created,
    merge_status,
    new_task,
    parse_site_datetime,
    parse_starting_price,
    retention_cutoff,
)
from auction_shared.events import AuctionCreated, JobKind, TaskState, TaskStatus

from .fakes import NOW, event

SITE = ZoneInfo("America/Los_Angeles")
WAREHOUSES = ("maule", "sahara")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, None),
        ("", None),
        ("   ", None),
        ("5", Decimal("5.00")),
        ("2.5", Decimal("2.50")),
        ("2.50", Decimal("2.50")),
        (" 1.00 ", Decimal("1.00")),
        ("$3", Decimal("3.00")),
        ("0.01", Decimal("0.01")),
        ("9999999.99", Decimal("9999999.99")),
    ],
)
def test_starting_price_accepted(raw: str | None, expected: Decimal | None) -> None:
    assert parse_starting_price(raw) == expected


@pytest.mark.parametrize(
    ("raw", "phrase"),
    [
        ("abc", "is not an amount"),
        ("1,000", "is not an amount"),
        ("-5", "is not an amount"),
        (".5", "is not an amount"),
        ("1e3", "is not an amount"),
        ("NaN", "is not an amount"),
        ("\u0665", "is not an amount"),
        ("5\n6", "is not an amount"),
        ("2.345", "more than 2 decimals"),
        ("0", "must be above 0"),
        ("0.00", "must be above 0"),
        ("10000000", "above the maximum"),
    ],
)
def test_starting_price_rejected_names_value(raw: str, phrase: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_starting_price(raw)
    [error] = caught.value.errors
    assert error.field == "price"
    assert repr(raw) in error.message
    assert phrase in error.message


@pytest.mark.parametrize(
    ("raw", "valid"),
    [
        ("4412", True),
        ("E-100_b", True),
        ("x" * 40, True),
        ("x" * 41, False),
        ("", False),
        ("44 12", False),
        ("44/12", False),
        ("<b>", False),
        ("4412\n", False),
        ("\u0664\u0664", False),
    ],
)
def test_event_id_check(raw: str, valid: bool) -> None:
    assert (check_event_id(raw) is None) is valid


def test_build_event_localises_and_cleans_title() -> None:
    built = build_event(
        event_id="4412",
        warehouse="maule",
        title="  Weekly   sale ",
        starts_at=parse_site_datetime("2026-12-04T01:00", "start", SITE),
        ends_at=parse_site_datetime("2026-12-10T18:30", "end", SITE),
        known_warehouses=WAREHOUSES,
    )
    assert built.title == "Weekly sale"
    assert built.starts_at.utcoffset() == timedelta(hours=-8)
    assert built.ends_at == datetime(2026, 12, 11, 2, 30, tzinfo=UTC)


def test_build_event_reports_every_bad_field() -> None:
    with pytest.raises(InvalidInput) as caught:
        build_event(
            event_id="bad id",
            warehouse="mars",
            title=" ",
            starts_at=parse_site_datetime("tomorrow", "start", SITE),
            ends_at=parse_site_datetime("2026-12-10T18:30", "end", SITE),
            known_warehouses=WAREHOUSES,
        )
    fields = [error.field for error in caught.value.errors]
    assert fields == ["event_id", "warehouse", "title", "start"]
    assert "'tomorrow'" in caught.value.errors[3].message
    assert "'mars'" in caught.value.errors[1].message


def test_build_event_end_before_start() -> None:
    with pytest.raises(InvalidInput) as caught:
        build_event(
            event_id="4412",
            warehouse="sahara",
            title="Weekly",
            starts_at=datetime(2026, 12, 10, tzinfo=UTC),
            ends_at=datetime(2026, 12, 4, tzinfo=UTC),
            known_warehouses=WAREHOUSES,
        )
    assert [error.field for error in caught.value.errors] == ["end"]


def test_offset_datetime_kept() -> None:
    parsed = parse_site_datetime("2026-12-04T18:30+00:00", "start", SITE)
    assert parsed == datetime(2026, 12, 4, 18, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("warehouse", "event_id", "found", "field", "phrase"),
    [
        ("maule", "E100", event("E100", "maule"), None, None),
        ("mars", "E100", event("E100", "maule"), "warehouse", "unknown"),
        ("maule", "E404", None, "event", "not in the catalogue"),
        ("sahara", "E100", event("E100", "maule"), "event", "belongs to warehouse 'maule'"),
        ("maule", "E100", event("E100", "maule", active=False), "event", "not active"),
    ],
)
def test_format_request_checks(
    warehouse: str, event_id: str, found: object, field: str | None, phrase: str | None
) -> None:
    errors = check_format_request(
        warehouse=warehouse,
        event_id=event_id,
        event=found,  # type: ignore[arg-type]
        known_warehouses=WAREHOUSES,
    )
    if field is None:
        assert errors == []
        return
    [error] = errors
    assert error.field == field
    assert phrase is not None and phrase in error.message


def test_created_event_becomes_catalogue_entry() -> None:
    payload = AuctionCreated(
        warehouse="sahara", event_id="5001", title="Ending Dec 10th", starts_at=NOW, ends_at=NOW
    )
    entry = event_from_created(payload)
    assert not isinstance(entry, FieldError)
    assert entry.origin == "auction.created"
    assert entry.active is True


def test_created_event_with_bad_id_rejected() -> None:
    payload = AuctionCreated(
        warehouse="sahara", event_id="no spaces", title="T", starts_at=NOW, ends_at=NOW
    )
    assert isinstance(event_from_created(payload), FieldError)


def status(state: TaskState, sequence: int, **changes: object) -> TaskStatus:
    values: dict[str, object] = {
        "task_id": "t-1",
        "job": JobKind.FORMAT,
        "state": state,
        "progress": 50,
        "stage": "stage",
        "service": "formatter",
        "sequence": sequence,
        **changes,
    }
    return TaskStatus.model_validate(values)


PLACEHOLDER = new_task(
    task_id="t-1", job="format", warehouse="maule", event_id="E100", requested_by="demo", now=NOW
)
LATER = NOW + timedelta(minutes=1)


@pytest.mark.parametrize(
    ("current_state", "current_sequence", "incoming_state", "incoming_sequence", "applied"),
    [
        # The gateway's placeholder has sequence 0: any status replaces it.
        (TaskState.NOT_STARTED, 0, TaskState.IN_PROGRESS, 1, True),
        (TaskState.IN_PROGRESS, 10, TaskState.IN_PROGRESS, 20, True),
        (TaskState.IN_PROGRESS, 20, TaskState.IN_PROGRESS, 10, False),
        (TaskState.IN_PROGRESS, 20, TaskState.COMPLETED, 30, True),
        # An older IN_PROGRESS that arrives late never reopens a finished task.
        (TaskState.COMPLETED, 30, TaskState.IN_PROGRESS, 20, False),
        (TaskState.ERROR, 30, TaskState.IN_PROGRESS, 29, False),
        # A newer one does (a retry after the failure).
        (TaskState.ERROR, 30, TaskState.IN_PROGRESS, 40, True),
        # The same sequence again is a duplicate.
        (TaskState.IN_PROGRESS, 20, TaskState.COMPLETED, 20, False),
    ],
)
def test_merge_status_newest_sequence_wins(
    current_state: TaskState,
    current_sequence: int,
    incoming_state: TaskState,
    incoming_sequence: int,
    applied: bool,
) -> None:
    current = replace(PLACEHOLDER, state=current_state.value, sequence=current_sequence)
    merged = merge_status(current, status(incoming_state, incoming_sequence), LATER)
    assert (merged is not None) is applied
    if merged is not None:
        assert merged.state == incoming_state.value
        assert merged.sequence == incoming_sequence


def test_merge_status_keeps_ids_and_requester() -> None:
    merged = merge_status(PLACEHOLDER, status(TaskState.COMPLETED, 5, event_id=None), LATER)
    assert merged is not None
    assert merged.event_id == "E100"
    assert merged.warehouse == "maule"
    assert merged.requested_by == "demo"
    assert merged.created_at == NOW
    assert merged.updated_at == LATER
    assert merged.finished_at == LATER


def test_merge_status_unknown_task_created() -> None:
    merged = merge_status(None, status(TaskState.IN_PROGRESS, 5, warehouse="sahara"), LATER)
    assert merged is not None
    assert merged.created_at == LATER
    assert merged.warehouse == "sahara"
    assert merged.finished_at is None


def test_retention_cutoff() -> None:
    assert retention_cutoff(NOW, 24) == NOW - timedelta(days=1)
    assert retention_cutoff(NOW, 0.5) == NOW - timedelta(minutes=30)
