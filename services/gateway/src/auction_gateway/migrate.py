"""Upgrade the gateway's schema to the newest Alembic revision: `python -m auction_gateway.migrate`."""

from __future__ import annotations

from pathlib import Path

from auction_gateway.settings import GatewaySettings
from auction_gateway.tables import SCHEMA
from auction_shared.db import run_migrations
from auction_shared.logging import get_logger

MIGRATIONS_DIR = Path(__file__).parent / "migrations"

log = get_logger(__name__)


def migrate(settings: GatewaySettings, revision: str = "head") -> None:
    log.info("migration_started", schema=SCHEMA, revision=revision)
    run_migrations(MIGRATIONS_DIR, settings.database_url, SCHEMA, revision)
    log.info("migration_finished", schema=SCHEMA, revision=revision)


if __name__ == "__main__":
    from auction_shared.service import setup_process

    current = GatewaySettings()
    setup_process(current)
    migrate(current)
