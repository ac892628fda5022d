"""Service settings read from the environment (prefix `AUCTION_`)."""

from __future__ import annotations

import os
from enum import StrEnum
from typing import Any, Self, TypeVar

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Development defaults of the local stack. Outside development a service refuses to start with them.
DEV_S3_ACCESS_KEY = "auction-dev-access"
DEV_S3_SECRET_KEY = "auction-dev-secret-key"


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class ServiceSettings(BaseSettings):
    """Connection and behaviour settings shared by every service."""

    model_config = SettingsConfigDict(env_prefix="AUCTION_", extra="ignore")

    environment: Environment = Environment.DEVELOPMENT
    service_name: str = "auction-service"
    log_level: str = "INFO"

    kafka_bootstrap: str = "127.0.0.1:9092"
    consumer_max_attempts: int = Field(default=3, ge=1, le=20)
    consumer_retry_backoff_seconds: float = Field(default=0.5, ge=0)
    max_message_bytes: int = Field(default=256 * 1024, gt=0)
    shutdown_timeout_seconds: float = Field(default=20.0, gt=0)
    topic_prefix: str = ""

    database_url: str = (
        "postgresql+psycopg://auction_admin:auction-admin-dev-password@127.0.0.1:5432/auction"
    )
    database_schema: str = "public"

    # host:port, or a URL whose scheme (http or https) sets TLS.
    s3_endpoint: str = "127.0.0.1:9000"
    s3_access_key: SecretStr = SecretStr(DEV_S3_ACCESS_KEY)
    s3_secret_key: SecretStr = SecretStr(DEV_S3_SECRET_KEY)
    s3_secure: bool = False
    s3_region: str = "us-east-1"
    s3_public_bucket: str = "auction-images"
    s3_private_bucket: str = "auction-private"
    # Base URL the auction site uses to fetch public objects; defaults to the S3 endpoint itself.
    s3_public_base_url: str = ""

    http_host: str = "127.0.0.1"
    http_port: int = 8000

    otlp_endpoint: str = ""

    @model_validator(mode="after")
    def _reject_default_secrets(self) -> Self:
        if self.environment is Environment.DEVELOPMENT or self.environment is Environment.TEST:
            return self
        defaults = {
            "AUCTION_S3_ACCESS_KEY": self.s3_access_key.get_secret_value() == DEV_S3_ACCESS_KEY,
            "AUCTION_S3_SECRET_KEY": self.s3_secret_key.get_secret_value() == DEV_S3_SECRET_KEY,
            "AUCTION_DATABASE_URL": "dev-password" in self.database_url,
        }
        offending = sorted(name for name, is_default in defaults.items() if is_default)
        if offending:
            raise ValueError(
                f"{', '.join(offending)} still hold the local development defaults while "
                f"AUCTION_ENVIRONMENT={self.environment.value}; set real secrets for this environment"
            )
        return self

    @property
    def s3_host(self) -> str:
        return self.s3_endpoint.split("://", 1)[-1].rstrip("/")

    @property
    def s3_tls(self) -> bool:
        if "://" in self.s3_endpoint:
            return self.s3_endpoint.startswith("https://")
        return self.s3_secure

    @property
    def public_base_url(self) -> str:
        if self.s3_public_base_url:
            return self.s3_public_base_url.rstrip("/")
        scheme = "https" if self.s3_tls else "http"
        return f"{scheme}://{self.s3_host}"


SettingsT = TypeVar("SettingsT", bound=ServiceSettings)


def load_settings(
    service: str,
    *,
    schema: str,
    http_port: int,
    settings_class: type[SettingsT] = ServiceSettings,  # type: ignore[assignment]
) -> SettingsT:
    """Read a service's settings; service-specific variables win over the shared ones.

    `AUCTION_<SERVICE>_DATABASE_URL` (e.g. `AUCTION_AIRTABLE_SYNC_DATABASE_URL`) overrides
    `AUCTION_DATABASE_URL`, so one environment file can serve every service. The service name,
    schema and port are defaults that `AUCTION_SERVICE_NAME`, `AUCTION_DATABASE_SCHEMA` and
    `AUCTION_HTTP_PORT` override.
    """
    prefix = f"AUCTION_{service.upper().replace('-', '_')}_"
    defaults: dict[str, Any] = {
        "service_name": service,
        "database_schema": schema,
        "http_port": http_port,
    }
    values = {
        key: value for key, value in defaults.items() if f"AUCTION_{key.upper()}" not in os.environ
    }
    if f"{prefix}DATABASE_URL" in os.environ:
        values["database_url"] = os.environ[f"{prefix}DATABASE_URL"]
    return settings_class(**values)
