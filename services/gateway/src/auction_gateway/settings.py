"""Gateway settings: the shared service settings plus login, task retention and warehouses."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from auction_gateway.tables import DEFAULT_SCHEMA
from auction_shared.settings import Environment, ServiceSettings, load_settings

# Local development defaults. Outside development the gateway refuses to start with the database
# URL; the demo password only ever serves the demo account of DEMO_ENVIRONMENTS.
DEV_DATABASE_URL = "postgresql+psycopg://gateway:gateway-dev-password@127.0.0.1:5432/auction"
DEV_DEMO_PASSWORD = "auction-demo-dev-password"
DEMO_ENVIRONMENTS = frozenset({Environment.DEVELOPMENT, Environment.TEST})


class GatewaySettings(ServiceSettings):
    """Settings of the gateway process, read from `AUCTION_*` variables."""

    model_config = SettingsConfigDict(env_prefix="AUCTION_", extra="ignore")

    service_name: str = "gateway"
    http_port: int = 8000
    database_schema: str = DEFAULT_SCHEMA
    # `load_gateway_settings` puts AUCTION_GATEWAY_DATABASE_URL here when it is set.
    database_url: str = DEV_DATABASE_URL

    warehouses: tuple[str, ...] = Field(default=("maule", "sahara"), min_length=1)
    # airtable-sync's warehouses file (the same ConfigMap in a cluster); when set, the warehouse
    # list shows each warehouse's Airtable base, table and view ids.
    airtable_warehouses_file: Path | None = None
    site_timezone: str = "America/Los_Angeles"

    task_retention_hours: float = Field(default=24.0, gt=0)
    task_purge_interval_seconds: float = Field(default=600.0, gt=0)
    stream_poll_seconds: float = Field(default=1.0, gt=0)
    stream_max_seconds: float = Field(default=3600.0, gt=0)
    download_link_minutes: int = Field(default=15, ge=1, le=7 * 24 * 60)

    # The demo account is created at start-up in development and test only (DEMO_ENVIRONMENTS).
    demo_user: str = Field(default="demo", min_length=1, max_length=100)
    demo_password: SecretStr = SecretStr(DEV_DEMO_PASSWORD)
    # Creates this admin at start-up when no account of that name exists (any environment).
    bootstrap_admin_user: str = Field(default="", max_length=64)
    bootstrap_admin_password: SecretStr = SecretStr("")
    # Signs the session cookie. Empty in development means a random key per process, so a restart
    # logs everyone out; every other environment must set it.
    session_secret: SecretStr = SecretStr("")
    session_max_age_seconds: int = Field(default=12 * 3600, ge=60)

    @model_validator(mode="after")
    def _check_gateway_secrets(self) -> Self:
        if self.bootstrap_admin_user and not self.bootstrap_admin_password.get_secret_value():
            raise ValueError(
                "AUCTION_BOOTSTRAP_ADMIN_USER is set but AUCTION_BOOTSTRAP_ADMIN_PASSWORD is empty; "
                "set both, or neither once the admin exists"
            )
        if self.environment is Environment.DEVELOPMENT:
            if not self.session_secret.get_secret_value():
                self.session_secret = SecretStr(secrets.token_urlsafe(32))
            return self
        problems = []
        if len(self.session_secret.get_secret_value()) < 32:
            problems.append("AUCTION_SESSION_SECRET must be set to at least 32 random characters")
        if problems:
            raise ValueError(
                f"{'; '.join(problems)} while AUCTION_ENVIRONMENT={self.environment.value}"
            )
        return self

    @property
    def cookie_secure(self) -> bool:
        """Whether the session cookie is sent over HTTPS only (everywhere but development)."""
        return self.environment is not Environment.DEVELOPMENT


def load_gateway_settings() -> GatewaySettings:
    """Read the settings; AUCTION_GATEWAY_DATABASE_URL wins over AUCTION_DATABASE_URL."""
    return load_settings(
        "gateway", schema=DEFAULT_SCHEMA, http_port=8000, settings_class=GatewaySettings
    )
