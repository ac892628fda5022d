"""Fault configuration parsing and the counters of the fault state."""

from __future__ import annotations

import pytest

from auction_site_sandbox.faults import FaultConfigError, FaultState, parse_fault_config


def test_empty_config_injects_nothing() -> None:
    state = FaultState(parse_fault_config({}))

    assert state.page_delay("/Admin/ImportCSV") == 0
    assert not state.consume_submit_failure("create_event")
    assert not state.count_authenticated_request()
    assert not state.import_row_fails(2, "Kettle")


def test_submit_failures_count_down() -> None:
    state = FaultState(parse_fault_config({"fail_submits": {"import_csv": 2}}))

    assert [state.consume_submit_failure("import_csv") for _ in range(3)] == [True, True, False]
    assert not state.consume_submit_failure("void_sale")


def test_session_expiry_fires_once() -> None:
    state = FaultState(parse_fault_config({"expire_sessions_after_requests": 3}))

    fired = [state.count_authenticated_request() for _ in range(5)]

    assert fired == [False, False, True, False, False]


def test_slow_pages_match_path_prefix() -> None:
    state = FaultState(
        parse_fault_config({"slow_pages": [{"path": "/Account/", "delay_seconds": 1.5}]})
    )

    assert state.page_delay("/Account/EventSalesTransactionReport") == 1.5
    assert state.page_delay("/Admin/ImportCSV") == 0


def test_import_rows_fail_by_line_or_title() -> None:
    state = FaultState(
        parse_fault_config({"import_fail_lines": [3], "import_fail_title_pattern": "(?i)kettle"})
    )

    assert state.import_row_fails(3, "Lamp")
    assert state.import_row_fails(2, "Electric KETTLE")
    assert not state.import_row_fails(2, "Lamp")


def test_replace_resets_counters() -> None:
    state = FaultState(parse_fault_config({"fail_submits": {"logon": 1}}))
    state.replace(parse_fault_config({"fail_submits": {"logon": 1}}))

    assert state.consume_submit_failure("logon")
    assert state.state_json()["remaining_submit_failures"] == {"logon": 0}


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ({"slow": 1}, "unknown fault(s) slow"),
        ({"fail_submits": {"checkout": 1}}, "unknown form(s) checkout"),
        ({"slow_pages": [{"path": "/"}]}, "need 'path' and 'delay_seconds'"),
        ({"void_dialog_delay_seconds": -1}, "negative"),
        ({"import_fail_title_pattern": "("}, "import_fail_title_pattern"),
        ([1, 2], "must be a mapping"),
    ],
)
def test_invalid_config_rejected(raw: object, fragment: str) -> None:
    with pytest.raises(FaultConfigError) as caught:
        parse_fault_config(raw)

    assert fragment in str(caught.value)
