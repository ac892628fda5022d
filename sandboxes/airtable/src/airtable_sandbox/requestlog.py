"""Recent API requests and per-base counters, for tests to check what a client sent."""

from __future__ import annotations

import threading
import time
from collections import Counter, deque
from typing import Any


class RequestLog:
    def __init__(self, size: int) -> None:
        self._entries: deque[dict[str, Any]] = deque(maxlen=size)
        self._counters: dict[str, Counter[str]] = {}
        self._lock = threading.Lock()

    def record(
        self,
        *,
        method: str,
        path: str,
        query: str,
        base_id: str | None,
        status: int,
        duration_ms: float,
        fault: str | None,
    ) -> None:
        entry = {
            "time": time.time(),
            "method": method,
            "path": path,
            "query": query,
            "base": base_id,
            "status": status,
            "duration_ms": round(duration_ms, 2),
            "fault": fault,
        }
        key = base_id or "-"
        with self._lock:
            self._entries.append(entry)
            counter = self._counters.setdefault(key, Counter())
            counter["requests"] += 1
            counter[f"status_{status}"] += 1
            if status == 429:
                counter["rate_limited"] += 1

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "counters": {base: dict(counter) for base, counter in self._counters.items()},
                "log": list(self._entries),
            }

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._counters.clear()
