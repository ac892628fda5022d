"""Airtable's per-base rate limit: too many requests in the window locks the base for a while."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Literal

from airtable_sandbox.config import RateLimitSettings


class RateLimiter:
    """Allow `requests_per_second` per base in a sliding window.

    The request over the limit gets 429 and locks its base; every request during the lock
    gets 429 too and does not extend it.
    """

    def __init__(
        self, settings: RateLimitSettings, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.settings = settings
        self.clock = clock
        self._recent: dict[str, deque[float]] = {}
        self._locked_until: dict[str, float] = {}
        self._lock = threading.Lock()

    def allow(self, base_id: str) -> bool:
        return self.check(base_id) == "allowed"

    def check(self, base_id: str) -> Literal["allowed", "lock_started", "locked"]:
        """Count one request; "lock_started" marks the request that locked the base."""
        if not self.settings.enabled:
            return "allowed"
        now = self.clock()
        with self._lock:
            if self._locked_until.get(base_id, 0.0) > now:
                return "locked"
            recent = self._recent.setdefault(base_id, deque())
            while recent and recent[0] <= now - self.settings.scaled_window:
                recent.popleft()
            if len(recent) >= self.settings.requests_per_second:
                self._locked_until[base_id] = now + self.settings.scaled_lock
                recent.clear()
                return "lock_started"
            recent.append(now)
            return "allowed"

    def locked_bases(self) -> dict[str, float]:
        """Return the seconds left for each locked base."""
        now = self.clock()
        with self._lock:
            return {base: until - now for base, until in self._locked_until.items() if until > now}

    def clear(self) -> None:
        with self._lock:
            self._recent.clear()
            self._locked_until.clear()
