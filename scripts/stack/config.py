"""Settings of the local stack: defaults.toml, environment overrides and the `.state/` layout."""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parents[1]
DEFAULTS_FILE = PACKAGE_DIR / "defaults.toml"
HOST = "127.0.0.1"


class ConfigError(Exception):
    """An invalid setting, such as a port override that is not a number."""


def load_defaults() -> dict[str, Any]:
    """Read defaults.toml."""
    with DEFAULTS_FILE.open("rb") as handle:
        return tomllib.load(handle)


def _override(entry: dict[str, Any], environ: dict[str, str]) -> str:
    """Return the environment override of a `{default, env}` entry, or its default."""
    value = environ.get(entry["env"], "").strip()
    return value if value else str(entry["default"])


def _int_override(entry: dict[str, Any], environ: dict[str, str], low: int, high: int) -> int:
    raw = _override(entry, environ)
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{entry['env']}={raw!r} is not an integer") from None
    if not low <= value <= high:
        raise ConfigError(f"{entry['env']}={value} is outside {low}..{high}")
    return value


@dataclass(frozen=True)
class Paths:
    """Folders and files under the git-ignored `.state/` folder of the repository."""

    state: Path

    @property
    def logs(self) -> Path:
        return self.state / "logs"

    @property
    def run(self) -> Path:
        return self.state / "run"

    @property
    def bin(self) -> Path:
        return self.state / "bin"

    @property
    def kafka(self) -> Path:
        return self.state / "kafka"

    @property
    def kafka_libs(self) -> Path:
        return self.kafka / "libs"

    @property
    def postgres(self) -> Path:
        return self.state / "postgres"

    @property
    def s3(self) -> Path:
        return self.state / "s3"

    @property
    def env_file(self) -> Path:
        return self.state / "stack.env"

    @property
    def runtime_file(self) -> Path:
        """Settings the running stack was started with, so `status` and `down` use the same ports."""
        return self.run / "stack.json"

    @property
    def lock_file(self) -> Path:
        return self.state / "stack.lock"

    def log(self, component: str) -> Path:
        return self.logs / f"{component}.log"

    def pid_file(self, component: str) -> Path:
        return self.run / f"{component}.pid"


@dataclass(frozen=True)
class StackConfig:
    """Effective settings of one `make up`: defaults with environment overrides applied."""

    kafka_version: str
    log4j_version: str
    kafka_port: int
    kafka_controller_port: int
    topic_partitions: int
    kafka_heap: tuple[str, ...]
    kafka_ready_timeout_s: float
    pg_port: int
    pg_database: str
    pg_admin_role: str
    pg_admin_password: str
    pg_service_roles: tuple[str, ...]
    pg_ready_timeout_s: float
    s3_port: int
    s3_access_key: str
    s3_secret_key: str
    s3_region: str
    s3_public_bucket: str
    s3_private_bucket: str
    versitygw_module: str
    versitygw_version: str
    s3_ready_timeout_s: float
    debian_packages: tuple[str, ...]

    @property
    def kafka_bootstrap(self) -> str:
        return f"{HOST}:{self.kafka_port}"

    @property
    def s3_endpoint(self) -> str:
        """Return the S3 endpoint as `host:port`, the form the minio client takes."""
        return f"{HOST}:{self.s3_port}"

    def database_url(self, role: str, password: str) -> str:
        return f"postgresql+psycopg://{role}:{password}@{HOST}:{self.pg_port}/{self.pg_database}"

    def ports(self) -> dict[str, int]:
        return {
            "AUCTION_KAFKA_PORT": self.kafka_port,
            "AUCTION_KAFKA_CONTROLLER_PORT": self.kafka_controller_port,
            "AUCTION_PG_PORT": self.pg_port,
            "AUCTION_S3_PORT": self.s3_port,
        }

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2)

    @classmethod
    def from_json(cls, text: str) -> StackConfig:
        data = json.loads(text)
        for key in ("kafka_heap", "pg_service_roles", "debian_packages"):
            data[key] = tuple(data[key])
        return cls(**data)


def service_password(role: str) -> str:
    """Return the development password of a service role."""
    return f"{role}-dev-password"


def load_config(environ: dict[str, str] | None = None) -> StackConfig:
    """Build the effective settings from defaults.toml and the environment."""
    env = dict(os.environ) if environ is None else environ
    defaults = load_defaults()
    kafka, postgres, s3 = defaults["kafka"], defaults["postgres"], defaults["s3"]
    config = StackConfig(
        kafka_version=kafka["version"],
        log4j_version=kafka["log4j_version"],
        kafka_port=_int_override(kafka["port"], env, 1, 65535),
        kafka_controller_port=_int_override(kafka["controller_port"], env, 1, 65535),
        topic_partitions=_int_override(kafka["topic_partitions"], env, 1, 1000),
        kafka_heap=tuple(kafka["jvm_heap"]),
        kafka_ready_timeout_s=float(kafka["ready_timeout_s"]),
        pg_port=_int_override(postgres["port"], env, 1, 65535),
        pg_database=postgres["database"],
        pg_admin_role=postgres["admin_role"],
        pg_admin_password=postgres["admin_password"],
        pg_service_roles=tuple(postgres["service_roles"]),
        pg_ready_timeout_s=float(postgres["ready_timeout_s"]),
        s3_port=_int_override(s3["port"], env, 1, 65535),
        s3_access_key=_override(s3["access_key"], env),
        s3_secret_key=_override(s3["secret_key"], env),
        s3_region=s3["region"],
        s3_public_bucket=s3["public_bucket"],
        s3_private_bucket=s3["private_bucket"],
        versitygw_module=s3["versitygw_module"],
        versitygw_version=s3["versitygw_version"],
        s3_ready_timeout_s=float(s3["ready_timeout_s"]),
        debian_packages=tuple(defaults["debian"]["packages"]),
    )
    ports = config.ports()
    if len(set(ports.values())) != len(ports):
        raise ConfigError(f"two components would share a port: {ports}")
    return config


def connection_settings(config: StackConfig) -> dict[str, str]:
    """Return the settings that services and tests use to reach the stack (`.state/stack.env`)."""
    settings = {
        "AUCTION_KAFKA_BOOTSTRAP": config.kafka_bootstrap,
        "AUCTION_TOPIC_PARTITIONS": str(config.topic_partitions),
        "AUCTION_S3_ENDPOINT": config.s3_endpoint,
        "AUCTION_S3_SECURE": "false",
        "AUCTION_S3_ACCESS_KEY": config.s3_access_key,
        "AUCTION_S3_SECRET_KEY": config.s3_secret_key,
        "AUCTION_S3_REGION": config.s3_region,
        "AUCTION_S3_PUBLIC_BUCKET": config.s3_public_bucket,
        "AUCTION_S3_PRIVATE_BUCKET": config.s3_private_bucket,
        "AUCTION_PG_PORT": str(config.pg_port),
        "AUCTION_ADMIN_DATABASE_URL": config.database_url(
            config.pg_admin_role, config.pg_admin_password
        ),
    }
    for role in config.pg_service_roles:
        key = f"AUCTION_{role.upper()}_DATABASE_URL"
        settings[key] = config.database_url(role, service_password(role))
    return settings


def render_env_file(settings: dict[str, str]) -> str:
    """Render settings as `KEY=value` lines that both a shell and a dotenv parser read."""
    lines = ["# Written by `make up` (scripts/stack); connection settings of the local stack."]
    lines += [f"{key}={value}" for key, value in settings.items()]
    return "\n".join(lines) + "\n"


def parse_env_file(text: str) -> dict[str, str]:
    """Parse `KEY=value` lines, ignoring blank lines and `#` comments."""
    settings: dict[str, str] = {}
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        key, _, value = stripped.partition("=")
        settings[key.strip()] = value.strip()
    return settings
