"""Settings of the site bot (environment variables with the `AUCTION_` prefix)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, SecretStr

from auction_hibid_bot.adapters.pages import Account
from auction_shared.settings import ServiceSettings


class SiteAccount(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    username: str = Field(min_length=1)
    password: SecretStr


class MissingAccountError(LookupError):
    """No site user name and password are configured for a warehouse."""


class HibidBotSettings(ServiceSettings):
    # Base URL of the auction site; the default is the local sandbox (`make sandboxes`).
    site_base_url: str = "http://127.0.0.1:8082"
    # Per-warehouse site accounts as JSON: {"maule": {"username": "…", "password": "…"}}.
    # AUCTION_SITE_<WAREHOUSE>_USERNAME / _PASSWORD and site_accounts_file override it.
    site_accounts: dict[str, SiteAccount] = Field(default_factory=dict)
    # A YAML or JSON file of the same shape, e.g. a mounted Kubernetes secret.
    site_accounts_file: Path | None = None
    site_time_zone: str = "America/Los_Angeles"
    # The admin page that lists events with their id, title and end (`#Events`).
    site_event_list_path: str = "/"
    # The address the site e-mails CSV import reports to ("" sends none).
    site_report_email: str = ""
    templates_file: Path | None = None

    chromium_path: str = "/usr/bin/chromium"
    browser_headless: bool = True
    action_timeout_seconds: float = Field(default=30.0, gt=0)
    navigation_timeout_seconds: float = Field(default=60.0, gt=0)
    step_max_attempts: int = Field(default=3, ge=1, le=10)
    step_retry_base_seconds: float = Field(default=1.0, ge=0)
    image_upload_timeout_seconds: float = Field(default=60.0, gt=0)
    import_report_timeout_seconds: float = Field(default=900.0, gt=0)
    import_report_poll_seconds: float = Field(default=3.0, gt=0)
    # Bound on voids per task, so a sale the site will not void cannot loop forever.
    max_voids_per_task: int = Field(default=2000, ge=1)


def resolve_account(settings: HibidBotSettings, warehouse: str) -> Account:
    """Return the warehouse's site account from the environment, the accounts file or JSON."""
    key = warehouse.upper().replace("-", "_")
    username = os.environ.get(f"AUCTION_SITE_{key}_USERNAME")
    password = os.environ.get(f"AUCTION_SITE_{key}_PASSWORD")
    if username and password:
        return Account(username=username, password=password)

    accounts = dict(settings.site_accounts)
    if settings.site_accounts_file is not None:
        accounts.update(_read_accounts_file(settings.site_accounts_file))
    found = accounts.get(warehouse.lower())
    if found is None:
        raise MissingAccountError(
            f"no site account is configured for warehouse {warehouse!r}; set "
            f"AUCTION_SITE_{key}_USERNAME and AUCTION_SITE_{key}_PASSWORD, or add it to "
            "AUCTION_SITE_ACCOUNTS / AUCTION_SITE_ACCOUNTS_FILE"
        )
    return Account(username=found.username, password=found.password.get_secret_value())


def _read_accounts_file(path: Path) -> dict[str, SiteAccount]:
    try:
        text = path.read_text(encoding="utf-8")
        raw = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (OSError, ValueError, yaml.YAMLError) as error:
        # The message names the file only: its content holds passwords.
        raise MissingAccountError(
            f"cannot read the site accounts file {path} ({type(error).__name__})"
        ) from None
    if not isinstance(raw, dict):
        raise MissingAccountError(f"{path} must map warehouse ids to username and password")
    try:
        return {str(name).lower(): SiteAccount.model_validate(entry) for name, entry in raw.items()}
    except ValueError:
        raise MissingAccountError(
            f"{path}: every warehouse needs a non-empty username and a password"
        ) from None
