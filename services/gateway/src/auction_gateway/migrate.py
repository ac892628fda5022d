"""Upgrade the gateway's schema to the newest Alembic revision: `python -m auction_gateway.migrate`."""

from __future__ import annotations

from pathlib import Path

from auction_gateway.settings import GatewaySettings, load_gateway_settings
from auction_shared.db import run_migrations
from auction_shared.logging import get_logger

MIGRATIONS_DIR = Path(__file__).parent / "migrations"

log = get_logger(__name__)


def migrate(settings: GatewaySettings, revision: str = "head") -> None:
    schema = settings.database_schema
    log.info("migration_started", schema=schema, revision=revision)
    run_migrations(MIGRATIONS_DIR, settings.database_url, schema, revision)
    log.info("migration_finished", schema=schema, revision=revision)


if __name__ == "__main__":
    from auction_shared.service import setup_process

    current = load_gateway_settings()
    setup_process(current)
    migrate(current)
