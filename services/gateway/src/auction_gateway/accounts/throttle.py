"""Slow-down and lock-out after repeated failed logins, per username and per client address.

NOTE: the counters are kept in the process's memory, so each gateway replica counts on its own and
a restart clears them. With N replicas an attacker gets up to N times the attempts.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ThrottlePolicy:
    """Failures allowed before a lock-out, and how long lock-outs last (seconds)."""

    failures_per_username: int = 5
    failures_per_client: int = 20
    first_lockout_seconds: float = 30.0
    max_lockout_seconds: float = 15 * 60.0
    # A key's failures are forgotten this long after its last failure.
    forget_after_seconds: float = 15 * 60.0
    max_tracked_keys: int = 10_000


def lockout_seconds(failures: int, allowed: int, policy: ThrottlePolicy) -> float:
    """Return the lock-out after `failures` failures: 0 below `allowed`, then doubling to the cap."""
    if failures < allowed:
        return 0.0
    doublings = failures - allowed
    if doublings >= 32:
        return policy.max_lockout_seconds
    return min(policy.first_lockout_seconds * float(2**doublings), policy.max_lockout_seconds)


@dataclass
class _Failures:
    count: int
    last_at: float
    locked_until: float


class LoginThrottle:
    """Counts failed logins by username and by client address and returns how long to wait."""

    def __init__(
        self,
        policy: ThrottlePolicy | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.policy = policy or ThrottlePolicy()
        self._clock = clock
        self._failures: dict[tuple[str, str], _Failures] = {}

    def retry_after(self, username: str, client: str | None) -> float:
        """Return the seconds until this username and client may try again (0 when allowed now)."""
        now = self._clock()
        waits = [
            entry.locked_until - now
            for key in self._keys(username, client)
            if (entry := self._failures.get(key)) is not None
        ]
        return max([0.0, *waits])

    def record_failure(self, username: str, client: str | None) -> None:
        now = self._clock()
        self._forget_old(now)
        for key in self._keys(username, client):
            entry = self._failures.get(key)
            if entry is None or now - entry.last_at > self.policy.forget_after_seconds:
                entry = _Failures(count=0, last_at=now, locked_until=now)
            entry.count += 1
            entry.last_at = now
            allowed = (
                self.policy.failures_per_username
                if key[0] == "user"
                else self.policy.failures_per_client
            )
            entry.locked_until = now + lockout_seconds(entry.count, allowed, self.policy)
            self._failures[key] = entry

    def record_success(self, username: str) -> None:
        """Forget the username's failures; the client's count stays, so one good account cannot
        reset an address that guesses at others."""
        self._failures.pop(("user", username), None)

    def _keys(self, username: str, client: str | None) -> list[tuple[str, str]]:
        keys = [("user", username)]
        if client:
            keys.append(("client", client))
        return keys

    def _forget_old(self, now: float) -> None:
        if len(self._failures) < self.policy.max_tracked_keys:
            return
        expired = [
            key
            for key, entry in self._failures.items()
            if now - entry.last_at > self.policy.forget_after_seconds and entry.locked_until <= now
        ]
        for key in expired:
            del self._failures[key]
        # Still full: drop the entries with the oldest failures, so memory stays bounded.
        overflow = len(self._failures) - self.policy.max_tracked_keys + 1
        if overflow > 0:
            oldest = sorted(self._failures, key=lambda key: self._failures[key].last_at)
            for key in oldest[:overflow]:
                del self._failures[key]


def describe_wait(seconds: float) -> str:
    """Say a wait in whole seconds or minutes, rounded up: "45 seconds", "3 minutes"."""
    whole = max(1, math.ceil(seconds))
    if whole < 90:
        return f"{whole} second{'s' if whole != 1 else ''}"
    minutes = math.ceil(whole / 60)
    return f"{minutes} minutes"
