"""Settings of airtable-sync: the shared service settings plus the Airtable connection and pacing."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Self

from pydantic import Field, SecretStr, model_validator

from auction_shared.settings import Environment, ServiceSettings

SERVICE_NAME = "airtable-sync"
HTTP_PORT = 8013
DATABASE_SCHEMA = "airtable_sync"
DATABASE_URL_VARIABLE = "AUCTION_AIRTABLE_SYNC_DATABASE_URL"

# The REST API of Airtable itself; point it at the sandbox (or a proxy) with AUCTION_AIRTABLE_URL.
AIRTABLE_DEFAULT_URL = "https://api.airtable.com"


class AirtableSyncSettings(ServiceSettings):
    """Connection, pacing and retry settings, read from `AUCTION_*` variables."""

    service_name: str = SERVICE_NAME
    http_port: int = HTTP_PORT
    database_schema: str = DATABASE_SCHEMA

    airtable_url: str = AIRTABLE_DEFAULT_URL
    airtable_token: SecretStr = SecretStr("")
    airtable_warehouses_file: Path | None = Field(
        default=None,
        description="YAML file of per-warehouse bases, tables and views; the packaged file when unset.",
    )
    airtable_request_interval_ms: int = Field(
        default=210,
        ge=200,
        le=10_000,
        description="Time reserved per request on one base, shared by every replica. "
        "Airtable allows 5 requests per second per base, so 200 ms is the floor.",
    )
    airtable_lock_seconds: float = Field(
        default=30.0,
        ge=0,
        description="How long a base stays blocked after a 429 (Airtable locks the base for 30 s).",
    )
    airtable_max_rate_limited: int = Field(
        default=6,
        ge=0,
        description="429 responses one request may wait out before it fails.",
    )
    airtable_max_retries: int = Field(
        default=4,
        ge=0,
        description="Retries of one request after a 5xx response or a connection error.",
    )
    airtable_retry_backoff_seconds: float = Field(
        default=1.0, ge=0, description="First backoff after a 5xx or connection error; doubles."
    )
    airtable_timeout_seconds: float = Field(
        default=30.0, gt=0, description="Connect and read timeout of one Airtable request."
    )
    # A consumer that does not poll within this time leaves its group. An import of a few thousand
    # records at 5 requests per second, with a few 30 s locks, stays well within 30 minutes.
    max_poll_interval_ms: int = Field(default=30 * 60 * 1000, ge=60_000)

    @model_validator(mode="after")
    def _require_token(self) -> Self:
        if (
            self.environment is not Environment.DEVELOPMENT
            and not self.airtable_token.get_secret_value()
        ):
            raise ValueError(
                f"AUCTION_AIRTABLE_TOKEN is missing while AUCTION_ENVIRONMENT={self.environment.value}; "
                "set it to an Airtable personal access token with read and write access to the bases"
            )
        return self


def load_settings() -> AirtableSyncSettings:
    """Read the settings; the service's own database URL wins over the shared one."""
    own_url = os.environ.get(DATABASE_URL_VARIABLE)
    if own_url:
        return AirtableSyncSettings(database_url=own_url)
    return AirtableSyncSettings()
