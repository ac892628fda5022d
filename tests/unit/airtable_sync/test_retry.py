"""Retry decisions after one Airtable attempt."""

from __future__ import annotations

import pytest

from auction_airtable_sync.domain.retry import (
    Decision,
    Outcome,
    RetryPolicy,
    classify,
    decide,
    parse_retry_after,
)

POLICY = RetryPolicy(
    lock_seconds=30, max_rate_limited=2, max_retries=3, backoff_seconds=1, max_backoff_seconds=3
)


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (200, Outcome.SUCCESS),
        (204, Outcome.SUCCESS),
        (None, Outcome.TRANSIENT),
        (500, Outcome.TRANSIENT),
        (502, Outcome.TRANSIENT),
        (503, Outcome.TRANSIENT),
        (429, Outcome.RATE_LIMITED),
        (401, Outcome.FAILED),
        (403, Outcome.FAILED),
        (404, Outcome.FAILED),
        (422, Outcome.FAILED),
    ],
)
def test_classify_status(status: int | None, outcome: Outcome) -> None:
    assert classify(status) is outcome


@pytest.mark.parametrize(
    ("outcome", "rate_limited", "retries", "retry_after", "expected"),
    [
        (Outcome.SUCCESS, 0, 0, None, Decision(retry=False)),
        (Outcome.FAILED, 0, 0, None, Decision(retry=False)),
        (Outcome.RATE_LIMITED, 0, 0, None, Decision(retry=True, lock_seconds=30)),
        (Outcome.RATE_LIMITED, 1, 0, None, Decision(retry=True, lock_seconds=30)),
        (Outcome.RATE_LIMITED, 2, 0, None, Decision(retry=False, lock_seconds=30)),
        (Outcome.RATE_LIMITED, 0, 0, 45.0, Decision(retry=True, lock_seconds=45)),
        (Outcome.RATE_LIMITED, 0, 0, 5.0, Decision(retry=True, lock_seconds=30)),
        (Outcome.TRANSIENT, 0, 0, None, Decision(retry=True, backoff_seconds=1)),
        (Outcome.TRANSIENT, 0, 1, None, Decision(retry=True, backoff_seconds=2)),
        (Outcome.TRANSIENT, 0, 2, None, Decision(retry=True, backoff_seconds=3)),
        (Outcome.TRANSIENT, 0, 3, None, Decision(retry=False)),
        (Outcome.TRANSIENT, 5, 0, None, Decision(retry=True, backoff_seconds=1)),
    ],
)
def test_decide_next_attempt(
    outcome: Outcome,
    rate_limited: int,
    retries: int,
    retry_after: float | None,
    expected: Decision,
) -> None:
    decision = decide(
        outcome,
        rate_limited_so_far=rate_limited,
        retries_so_far=retries,
        policy=POLICY,
        retry_after_seconds=retry_after,
    )
    assert decision == expected


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        (None, None),
        ("", None),
        ("30", 30.0),
        (" 2.5 ", 2.5),
        ("-1", None),
        ("Wed, 21 Oct 2026 07:28:00 GMT", None),
    ],
)
def test_parse_retry_after(header: str | None, seconds: float | None) -> None:
    assert parse_retry_after(header) == seconds
