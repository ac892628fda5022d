"""Fault injection: slow pages, failing submits, expiring sessions, late dialogs, failing rows."""

from __future__ import annotations

import dataclasses
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

# Forms whose next submits can be made to fail with a 500.
SUBMIT_FORMS = frozenset(
    {
        "logon",
        "create_event",
        "upload_image",
        "publish_event",
        "import_csv",
        "void_sale",
        "unvoid_sale",
    }
)


class FaultConfigError(ValueError):
    """Invalid fault configuration."""


@dataclass(frozen=True)
class SlowPage:
    """Delay for every request whose path starts with `path`."""

    path: str
    delay_seconds: float


@dataclass(frozen=True)
class FaultConfig:
    """Faults to inject. The empty config injects nothing."""

    slow_pages: tuple[SlowPage, ...] = ()
    # Form name -> number of next submits that get a 500.
    fail_submits: dict[str, int] = field(default_factory=dict)
    # Invalidate every session once this many authenticated requests have been served (one-shot).
    expire_sessions_after_requests: int | None = None
    void_dialog_delay_seconds: float = 0.0
    # Data-row line numbers (header is line 1) and a title regex whose rows fail during import.
    import_fail_lines: frozenset[int] = frozenset()
    import_fail_title_pattern: str | None = None
    import_row_delay_seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "slow_pages": [
                {"path": page.path, "delay_seconds": page.delay_seconds} for page in self.slow_pages
            ],
            "fail_submits": dict(self.fail_submits),
            "expire_sessions_after_requests": self.expire_sessions_after_requests,
            "void_dialog_delay_seconds": self.void_dialog_delay_seconds,
            "import_fail_lines": sorted(self.import_fail_lines),
            "import_fail_title_pattern": self.import_fail_title_pattern,
            "import_row_delay_seconds": self.import_row_delay_seconds,
        }


def parse_fault_config(raw: object) -> FaultConfig:
    """Validate a fault mapping (from JSON or YAML) and build the config."""
    if raw is None:
        return FaultConfig()
    if not isinstance(raw, dict):
        raise FaultConfigError("fault config must be a mapping")
    known = set(FaultConfig().to_json())
    unknown = sorted(set(raw) - known)
    if unknown:
        raise FaultConfigError(
            f"unknown fault(s) {', '.join(unknown)}; allowed: {', '.join(sorted(known))}"
        )

    try:
        slow_pages = tuple(
            SlowPage(path=str(item["path"]), delay_seconds=_non_negative(item["delay_seconds"]))
            for item in raw.get("slow_pages", [])
        )
    except (KeyError, TypeError) as exc:
        raise FaultConfigError(
            "slow_pages entries need 'path' and 'delay_seconds', e.g. "
            '{"path": "/Admin/ImportCSV", "delay_seconds": 2}'
        ) from exc

    fail_submits = {str(k): int(v) for k, v in dict(raw.get("fail_submits", {})).items()}
    unknown_forms = sorted(set(fail_submits) - SUBMIT_FORMS)
    if unknown_forms:
        raise FaultConfigError(
            f"fail_submits names unknown form(s) {', '.join(unknown_forms)}; "
            f"known forms: {', '.join(sorted(SUBMIT_FORMS))}"
        )

    expire = raw.get("expire_sessions_after_requests")
    pattern = raw.get("import_fail_title_pattern")
    if pattern is not None:
        try:
            re.compile(str(pattern))
        except re.error as exc:
            raise FaultConfigError(f"import_fail_title_pattern {pattern!r}: {exc}") from exc

    return FaultConfig(
        slow_pages=slow_pages,
        fail_submits=fail_submits,
        expire_sessions_after_requests=None if expire is None else max(int(expire), 1),
        void_dialog_delay_seconds=_non_negative(raw.get("void_dialog_delay_seconds", 0.0)),
        import_fail_lines=frozenset(int(line) for line in raw.get("import_fail_lines", [])),
        import_fail_title_pattern=None if pattern is None else str(pattern),
        import_row_delay_seconds=_non_negative(raw.get("import_row_delay_seconds", 0.0)),
    )


def load_fault_file(path: Path) -> FaultConfig:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise FaultConfigError(f"cannot read fault file {path}: {exc}") from exc
    return parse_fault_config(raw)


def _non_negative(value: object) -> float:
    number = float(value)  # type: ignore[arg-type]
    if number < 0:
        raise FaultConfigError(f"delay {number} is negative; use 0 or more seconds")
    return number


class FaultState:
    """Current faults plus their counters, shared by request handlers and import threads."""

    def __init__(self, config: FaultConfig | None = None) -> None:
        self._lock = threading.Lock()
        self._config = config or FaultConfig()
        self._remaining_failures = dict(self._config.fail_submits)
        self._authenticated_requests = 0

    @property
    def config(self) -> FaultConfig:
        with self._lock:
            return self._config

    def replace(self, config: FaultConfig) -> None:
        with self._lock:
            self._config = config
            self._remaining_failures = dict(config.fail_submits)
            self._authenticated_requests = 0

    def page_delay(self, path: str) -> float:
        return sum(
            page.delay_seconds for page in self.config.slow_pages if path.startswith(page.path)
        )

    def consume_submit_failure(self, form: str) -> bool:
        """Return True when this submit of `form` must fail, counting it down."""
        with self._lock:
            remaining = self._remaining_failures.get(form, 0)
            if remaining <= 0:
                return False
            self._remaining_failures[form] = remaining - 1
            return True

    def count_authenticated_request(self) -> bool:
        """Count one authenticated request and return True when all sessions must expire now."""
        with self._lock:
            limit = self._config.expire_sessions_after_requests
            if limit is None:
                return False
            self._authenticated_requests += 1
            if self._authenticated_requests < limit:
                return False
            self._config = _without_session_expiry(self._config)
            return True

    def import_row_fails(self, line: int, title: str) -> bool:
        config = self.config
        if line in config.import_fail_lines:
            return True
        pattern = config.import_fail_title_pattern
        return pattern is not None and re.search(pattern, title) is not None

    def state_json(self) -> dict[str, Any]:
        with self._lock:
            data = self._config.to_json()
            data["remaining_submit_failures"] = dict(self._remaining_failures)
            data["authenticated_requests"] = self._authenticated_requests
            return data


def _without_session_expiry(config: FaultConfig) -> FaultConfig:
    return dataclasses.replace(config, expire_sessions_after_requests=None)
