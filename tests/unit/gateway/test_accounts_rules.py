"""Pure account rules: role permissions, input checks, lock-out times, audit parameters and CSV."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from auction_gateway.accounts.audit import body_parameters, outcome_of, redact, task_id_of
from auction_gateway.accounts.records import AuditEntry
from auction_gateway.accounts.reports import audit_csv, audit_query
from auction_gateway.accounts.requests import request_audit_entry
from auction_gateway.accounts.roles import (
    ROLE_PERMISSIONS,
    Role,
    check_password,
    check_username,
    parse_permissions,
    parse_role,
)
from auction_gateway.accounts.secrets import bearer_token, hash_secret, new_api_token
from auction_gateway.accounts.throttle import (
    LoginThrottle,
    ThrottlePolicy,
    describe_wait,
    lockout_seconds,
)
from auction_gateway.domain import FieldError, InvalidInput
from auction_gateway.permissions import Permission
from auction_shared.events import Envelope, FormatRequested, Requester

P = Permission


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.VIEWER, set()),
        (Role.STAFF, {P.CAN_FORMAT, P.CAN_IMPORT_INVENTORY, P.CAN_UPLOAD, P.CAN_CREATE_AUCTION}),
        (
            Role.MANAGER,
            {
                P.CAN_FORMAT,
                P.CAN_IMPORT_INVENTORY,
                P.CAN_UPLOAD,
                P.CAN_CREATE_AUCTION,
                P.CAN_VOID,
                P.CAN_DEDUPE,
                P.CAN_USE_SHOW_BROWSER,
            },
        ),
        (Role.ADMIN, set(Permission)),
    ],
)
def test_role_permissions(role: Role, expected: set[Permission]) -> None:
    assert set(ROLE_PERMISSIONS[role]) == expected


def test_only_admin_manages_users() -> None:
    holders = [role for role, held in ROLE_PERMISSIONS.items() if P.CAN_MANAGE_USERS in held]
    assert holders == [Role.ADMIN]


@pytest.mark.parametrize(
    ("username", "valid"),
    [
        ("demo", True),
        ("ana.lopez", True),
        ("ops-bot_2", True),
        ("a", False),
        ("Ana", False),
        ("-ana", False),
        ("ana lopez", False),
        ("ana@example", False),
        ("x" * 65, False),
    ],
)
def test_check_username(username: str, valid: bool) -> None:
    assert (check_username(username) is None) is valid


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("abc", "too short"),
        ("x" * 1025, "too long"),
        ("ana.lopez123", "must not be the username"),
        ("a perfectly fine passphrase", None),
    ],
)
def test_check_password(password: str, problem: str | None) -> None:
    error = check_password(password, "ana.lopez123")
    if problem is None:
        assert error is None
    else:
        assert error is not None
        assert problem in error.message
        assert password not in error.message


def test_parse_role_and_permissions() -> None:
    assert parse_role(" Manager ") is Role.MANAGER
    assert isinstance(parse_role("owner"), FieldError)
    assert parse_permissions(["can_format"]) == frozenset({P.CAN_FORMAT})
    unknown = parse_permissions(["can_format", "can_fly"])
    assert isinstance(unknown, FieldError)
    assert "can_fly" in unknown.message


@pytest.mark.parametrize(
    ("failures", "expected"),
    [(0, 0.0), (4, 0.0), (5, 30.0), (6, 60.0), (7, 120.0), (9, 480.0), (10, 900.0), (80, 900.0)],
)
def test_lockout_seconds(failures: int, expected: float) -> None:
    assert lockout_seconds(failures, 5, ThrottlePolicy()) == expected


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0.2, "1 second"),
        (30, "30 seconds"),
        (88.5, "89 seconds"),
        (90, "2 minutes"),
        (120, "2 minutes"),
        (899, "15 minutes"),
    ],
)
def test_describe_wait(seconds: float, text: str) -> None:
    assert describe_wait(seconds) == text


def test_throttle_locks_username_then_forgets() -> None:
    now = [0.0]
    throttle = LoginThrottle(clock=lambda: now[0])
    for _ in range(5):
        assert throttle.retry_after("ana", "10.0.0.1") == 0
        throttle.record_failure("ana", "10.0.0.1")
    assert throttle.retry_after("ana", "10.0.0.2") == 30
    assert throttle.retry_after("bob", "10.0.0.2") == 0
    now[0] += 31
    assert throttle.retry_after("ana", "10.0.0.1") == 0
    throttle.record_failure("ana", "10.0.0.1")
    assert throttle.retry_after("ana", "10.0.0.1") == 60
    now[0] += 16 * 60
    throttle.record_failure("ana", "10.0.0.1")
    assert throttle.retry_after("ana", "10.0.0.1") == 0


def test_throttle_locks_client_across_usernames() -> None:
    throttle = LoginThrottle(clock=lambda: 0.0)
    for number in range(20):
        throttle.record_failure(f"user{number}", "10.0.0.9")
    assert throttle.retry_after("someone-else", "10.0.0.9") == 30
    assert throttle.retry_after("someone-else", "10.0.0.8") == 0


def test_throttle_success_keeps_client_count() -> None:
    throttle = LoginThrottle(clock=lambda: 0.0)
    for _ in range(5):
        throttle.record_failure("ana", "10.0.0.1")
    throttle.record_success("ana")
    assert throttle.retry_after("ana", None) == 0


def test_throttle_memory_is_bounded() -> None:
    throttle = LoginThrottle(ThrottlePolicy(max_tracked_keys=50), clock=lambda: 0.0)
    for number in range(200):
        throttle.record_failure(f"user{number}", None)
    assert len(throttle._failures) <= 50


def test_tokens_are_random_and_hashed() -> None:
    first_id, first = new_api_token()
    second_id, second = new_api_token()
    assert first != second and first_id != second_id
    assert first.startswith("agw_") and len(first) > 40
    assert hash_secret(first) != first
    assert len(hash_secret(first)) == 64


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Bearer abc", "abc"),
        ("bearer  abc ", "abc"),
        ("Basic abc", None),
        ("Bearer", None),
        (None, None),
    ],
)
def test_bearer_token(header: str | None, expected: str | None) -> None:
    assert bearer_token(header) == expected


def test_redact_hides_secrets_recursively() -> None:
    cleaned = redact(
        {
            "password": "p",
            "new_password": "p",
            "csrf_token": "c",
            "nested": {"api_token": "t", "title": "x" * 600},
            "warehouse": "maule",
        }
    )
    assert cleaned["password"] == "[redacted]"
    assert cleaned["new_password"] == "[redacted]"
    assert cleaned["csrf_token"] == "[redacted]"
    assert cleaned["nested"]["api_token"] == "[redacted]"
    assert len(cleaned["nested"]["title"]) == 501
    assert cleaned["warehouse"] == "maule"


@pytest.mark.parametrize(
    ("content_type", "body", "expected"),
    [
        ("application/json", b'{"event_id": "4412"}', {"event_id": "4412"}),
        ("application/json", b"[1]", {"body": [1]}),
        ("application/json", b"{oops", {"body": "invalid JSON"}),
        ("application/x-www-form-urlencoded", b"event=4412&price=", {"event": "4412", "price": ""}),
        ("multipart/form-data; boundary=x", b"--x", {"body": "multipart/form-data, not recorded"}),
        ("application/json", b"", {}),
    ],
)
def test_body_parameters(content_type: str, body: bytes, expected: dict[str, object]) -> None:
    assert body_parameters(content_type, body) == expected


@pytest.mark.parametrize(
    ("content_type", "body", "location", "expected"),
    [
        ("application/json", b'{"task_id": "t-9"}', None, "t-9"),
        ("text/html", b"", "/tasks/t-7", "t-7"),
        ("text/html", b"", "/events?added=1", None),
        ("application/json", b"{}", None, None),
    ],
)
def test_task_id_of(
    content_type: str, body: bytes, location: str | None, expected: str | None
) -> None:
    assert task_id_of(content_type, body, location) == expected


@pytest.mark.parametrize(
    ("status", "outcome"), [(200, "ok"), (303, "ok"), (403, "rejected"), (502, "failed")]
)
def test_outcome_of(status: int, outcome: str) -> None:
    assert outcome_of(status) == outcome


def test_audit_query_days_in_site_zone() -> None:
    zone = ZoneInfo("America/Los_Angeles")
    query = audit_query(actor=" ana ", since="2026-12-01", until="2026-12-03", timezone=zone)
    assert query.actor == "ana"
    assert query.action is None
    assert query.since == datetime(2026, 12, 1, tzinfo=zone)
    assert query.until == datetime(2026, 12, 4, tzinfo=zone)


def test_audit_query_rejects_bad_dates() -> None:
    zone = ZoneInfo("UTC")
    with pytest.raises(InvalidInput) as caught:
        audit_query(since="12/01/2026", until="2026-13-01", timezone=zone)
    assert [error.field for error in caught.value.errors] == ["since", "until"]
    with pytest.raises(InvalidInput, match="before the start"):
        audit_query(since="2026-12-05", until="2026-12-01", timezone=zone)


def test_audit_csv_neutralises_formulas() -> None:
    entry = AuditEntry(
        occurred_at=datetime(2026, 12, 4, 20, 0, tzinfo=UTC),
        actor="=cmd()",
        actor_kind="system",
        via="kafka",
        action="KAFKA format.requested",
        parameters={"event_id": "4412"},
        outcome="recorded",
        task_id="t-1",
    )
    rows = list(csv.reader(io.StringIO(audit_csv([entry]))))
    assert rows[0][0] == "occurred_at"
    assert rows[1][1] == "'=cmd()"
    assert rows[1][7] == "t-1"
    assert rows[1][9] == '{"event_id": "4412"}'


def test_request_audit_entry_names_the_system() -> None:
    payload = FormatRequested(
        warehouse="maule",
        event_id="4412",
        requested_by=Requester(kind="system", name="scheduler"),
    )
    envelope = Envelope[FormatRequested](
        type=FormatRequested.event_type(), source="/scheduler", taskid="t-42", data=payload
    )
    entry = request_audit_entry(envelope)  # type: ignore[arg-type]
    assert entry.actor == "scheduler"
    assert entry.actor_kind == "system"
    assert entry.via == "kafka"
    assert entry.action == "KAFKA format.requested"
    assert entry.task_id == "t-42"
    assert entry.parameters["event_id"] == "4412"
    assert "requested_by" not in entry.parameters
