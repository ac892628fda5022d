"""When to retry an Airtable request, and after how long.

Airtable answers 429 when a base receives more than 5 requests per second and then rejects every
request to that base for 30 seconds. Server errors (5xx) and broken connections are transient.
Other 4xx responses (bad token, unknown base, table, view or field, invalid value) will fail the
same way again, so they are never retried.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Outcome(StrEnum):
    SUCCESS = "success"
    RATE_LIMITED = "rate_limited"
    TRANSIENT = "transient"
    FAILED = "failed"


@dataclass(frozen=True)
class RetryPolicy:
    lock_seconds: float = 30.0
    max_rate_limited: int = 6
    max_retries: int = 4
    backoff_seconds: float = 1.0
    max_backoff_seconds: float = 30.0


@dataclass(frozen=True)
class Decision:
    """What to do after one attempt: retry or not, and the base lock or backoff to apply first."""

    retry: bool
    lock_seconds: float = 0.0
    """Seconds to block the whole base for every replica (after a 429)."""
    backoff_seconds: float = 0.0
    """Seconds this request waits before its next attempt (after a 5xx or connection error)."""


def classify(status: int | None) -> Outcome:
    """Classify an attempt by its HTTP status; None means the connection failed or timed out."""
    if status is None or status >= 500:
        return Outcome.TRANSIENT
    if status == 429:
        return Outcome.RATE_LIMITED
    if status < 400:
        return Outcome.SUCCESS
    return Outcome.FAILED


def decide(
    outcome: Outcome,
    *,
    rate_limited_so_far: int,
    retries_so_far: int,
    policy: RetryPolicy,
    retry_after_seconds: float | None = None,
) -> Decision:
    """Decide about the next attempt; the counters exclude the attempt being decided on."""
    if outcome is Outcome.RATE_LIMITED:
        lock = max(policy.lock_seconds, retry_after_seconds or 0.0)
        return Decision(retry=rate_limited_so_far < policy.max_rate_limited, lock_seconds=lock)
    if outcome is Outcome.TRANSIENT:
        if retries_so_far >= policy.max_retries:
            return Decision(retry=False)
        backoff = min(policy.max_backoff_seconds, policy.backoff_seconds * 2**retries_so_far)
        return Decision(retry=True, backoff_seconds=backoff)
    return Decision(retry=False)


def parse_retry_after(value: str | None) -> float | None:
    """Read a Retry-After header given in seconds; dates and junk are ignored (None)."""
    if not value:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    return seconds if seconds >= 0 else None
