"""Retry policy of site steps: which failures are worth another try and how long to wait."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RetryPolicy:
    """Attempts per step, and an exponential backoff capped at `max_delay_seconds`."""

    max_attempts: int = 3
    base_delay_seconds: float = 1.0
    max_delay_seconds: float = 30.0
    max_relogins: int = 2

    def delay(self, attempt: int) -> float:
        """Return the pause after failed attempt number `attempt` (1-based)."""
        if attempt < 1:
            raise ValueError(f"attempt {attempt} must be 1 or more")
        delay: float = self.base_delay_seconds * 2.0 ** (attempt - 1)
        return min(delay, self.max_delay_seconds)


def is_retryable_status(status: int) -> bool:
    """Return True for server errors and throttling (5xx, 408, 429); other statuses are final."""
    return status >= 500 or status in (408, 429)


def safe_key_part(text: str, limit: int = 40) -> str:
    """Turn a step name into a fragment of an object key: lower case, letters, digits, dashes."""
    cleaned = "".join(ch if ch.isalnum() else "-" for ch in text.lower())
    collapsed = "-".join(part for part in cleaned.split("-") if part)
    return collapsed[:limit] or "step"
