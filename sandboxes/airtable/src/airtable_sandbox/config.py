"""Sandbox settings: defaults, the seed file's `settings` section, and overrides from the CLI."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from airtable_sandbox.attachments import FetchSettings
from airtable_sandbox.seed import Seed, SeedError, load_seed_file

DEFAULT_TOKEN = "sandbox-token"


@dataclass(frozen=True)
class RateLimitSettings:
    """Airtable's limit: 5 requests per second per base, then 429 for 30 seconds.

    `time_scale` multiplies both the window and the lock, so tests can use e.g. 0.1.
    """

    enabled: bool = True
    requests_per_second: int = 5
    window_seconds: float = 1.0
    lock_seconds: float = 30.0
    time_scale: float = 1.0

    @property
    def scaled_window(self) -> float:
        return self.window_seconds * self.time_scale

    @property
    def scaled_lock(self) -> float:
        return self.lock_seconds * self.time_scale


@dataclass(frozen=True)
class AttachmentSettings:
    allowed_hosts: tuple[str, ...] = ("127.0.0.1", "localhost")
    max_bytes: int = 20 * 1024 * 1024
    # Airtable documents 5 MB as the limit of its uploadAttachment endpoint.
    upload_max_bytes: int = 5 * 1024 * 1024
    fetch_timeout_seconds: float = 10.0

    def fetch_settings(self) -> FetchSettings:
        hosts = tuple(host.lower() for host in self.allowed_hosts)
        return FetchSettings(hosts, self.max_bytes, self.fetch_timeout_seconds)


@dataclass(frozen=True)
class TokenGrant:
    """An accepted bearer token; `bases` limits it to those base ids (None: every base)."""

    token: str
    bases: frozenset[str] | None = None


@dataclass(frozen=True)
class SandboxConfig:
    data_dir: Path
    seed: Seed = field(default_factory=Seed)
    seed_path: Path | None = None
    tokens: tuple[TokenGrant, ...] = (TokenGrant(DEFAULT_TOKEN),)
    # Base of attachment URLs, e.g. http://127.0.0.1:8081; None uses the request's own URL.
    public_url: str | None = None
    rate_limit: RateLimitSettings = RateLimitSettings()
    attachments: AttachmentSettings = AttachmentSettings()
    faults: tuple[dict[str, Any], ...] = ()
    fault_seed: int | None = None
    iterator_ttl_seconds: float = 300.0
    request_log_size: int = 1000


def load_config(data_dir: Path, seed_path: Path | None = None, **overrides: Any) -> SandboxConfig:
    """Build the configuration from a seed file (maybe none) and keyword overrides."""
    seed = load_seed_file(seed_path) if seed_path else Seed()
    return config_from_seed(data_dir, seed, seed_path=seed_path, **overrides)


def config_from_seed(data_dir: Path, seed: Seed, **overrides: Any) -> SandboxConfig:
    config = SandboxConfig(data_dir=data_dir, seed=seed, faults=tuple(seed.faults))
    config = apply_settings(config, seed.settings)
    return replace(config, **{key: value for key, value in overrides.items() if value is not None})


def apply_settings(config: SandboxConfig, settings: dict[str, Any]) -> SandboxConfig:
    """Apply a seed's `settings` mapping; raise SeedError naming an unknown or bad key."""
    allowed = {
        "tokens",
        "public_url",
        "rate_limit",
        "attachments",
        "fault_seed",
        "iterator_ttl_seconds",
        "request_log_size",
    }
    unknown = sorted(set(settings) - allowed)
    if unknown:
        raise SeedError(f"settings: unknown keys {unknown}; allowed: {sorted(allowed)}")
    changes: dict[str, Any] = {}
    if "tokens" in settings:
        changes["tokens"] = parse_tokens(settings["tokens"])
    if "rate_limit" in settings:
        changes["rate_limit"] = _section(
            RateLimitSettings(), settings["rate_limit"], "settings.rate_limit"
        )
    if "attachments" in settings:
        section = dict(settings["attachments"] or {})
        if "allowed_hosts" in section:
            section["allowed_hosts"] = tuple(str(host) for host in section["allowed_hosts"])
        changes["attachments"] = _section(AttachmentSettings(), section, "settings.attachments")
    for key in ("public_url", "fault_seed", "iterator_ttl_seconds", "request_log_size"):
        if key in settings:
            changes[key] = settings[key]
    return replace(config, **changes)


def parse_tokens(items: Any) -> tuple[TokenGrant, ...]:
    """Read `["token", {"token": "...", "bases": ["app..."]}]`."""
    if not isinstance(items, list) or not items:
        raise SeedError("settings.tokens: must be a non-empty list of tokens")
    grants: list[TokenGrant] = []
    for index, item in enumerate(items):
        if isinstance(item, str) and item:
            grants.append(TokenGrant(item))
        elif isinstance(item, dict) and isinstance(item.get("token"), str):
            bases = item.get("bases")
            grants.append(TokenGrant(item["token"], frozenset(map(str, bases)) if bases else None))
        else:
            raise SeedError(f"settings.tokens[{index}]: give a token string or {{token, bases}}")
    return tuple(grants)


def _section(defaults: Any, values: Any, where: str) -> Any:
    if not isinstance(values, dict):
        raise SeedError(f"{where}: must be a mapping")
    known = set(defaults.__dataclass_fields__)
    unknown = sorted(set(values) - known)
    if unknown:
        raise SeedError(f"{where}: unknown keys {unknown}; allowed: {sorted(known)}")
    return replace(defaults, **values)
