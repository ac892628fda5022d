"""Entry point of airtable-sync: the wiring of settings, adapters and handlers, and the CLI.

`auction-airtable-sync serve` (the default) runs the consumers and the HTTP health endpoints;
`auction-airtable-sync migrate` upgrades the database schema and exits.
"""

from __future__ import annotations

import argparse
import functools
from collections.abc import Sequence
from pathlib import Path

from fastapi import FastAPI
from minio import Minio
from sqlalchemy import create_engine

from auction_airtable_sync.adapters.airtable import AirtableClient
from auction_airtable_sync.adapters.pacer import Pacer, PostgresSlotStore
from auction_airtable_sync.adapters.repository import DedupeRepository, Repository
from auction_airtable_sync.adapters.snapshots import SnapshotStore
from auction_airtable_sync.adapters.tables import Tables
from auction_airtable_sync.config import load_warehouses
from auction_airtable_sync.domain.retry import RetryPolicy
from auction_airtable_sync.handlers import Dependencies
from auction_airtable_sync.handlers.cancels import on_void_completed
from auction_airtable_sync.handlers.dedupe import on_dedupe_requested
from auction_airtable_sync.handlers.format import on_format_requested
from auction_airtable_sync.handlers.inventory_import import on_inventory_import_requested
from auction_airtable_sync.settings import AirtableSyncSettings, load_settings
from auction_shared.db import run_migrations
from auction_shared.events.models import (
    DedupeRequested,
    FormatRequested,
    InventoryImportRequested,
    VoidCompleted,
)
from auction_shared.logging import get_logger
from auction_shared.messaging import ServiceRuntime
from auction_shared.service import build_app, serve, setup_process
from auction_shared.storage import ObjectStore

MIGRATIONS_DIR = Path(__file__).with_name("migrations")

log = get_logger(__name__)


def retry_policy(settings: AirtableSyncSettings) -> RetryPolicy:
    return RetryPolicy(
        lock_seconds=settings.airtable_lock_seconds,
        max_rate_limited=settings.airtable_max_rate_limited,
        max_retries=settings.airtable_max_retries,
        backoff_seconds=settings.airtable_retry_backoff_seconds,
    )


def build_airtable_client(
    settings: AirtableSyncSettings, client_class: type[AirtableClient] = AirtableClient
) -> AirtableClient:
    """Build the Airtable client whose requests are paced through the service's database."""
    # The pacer runs in the client's worker threads, so it has its own synchronous pool.
    slot_engine = create_engine(settings.database_url, pool_size=4, pool_pre_ping=True)
    pacer = Pacer(
        PostgresSlotStore(slot_engine, settings.database_schema),
        settings.airtable_request_interval_ms / 1000,
    )
    return client_class(
        endpoint_url=settings.airtable_url,
        token=settings.airtable_token.get_secret_value(),
        pacer=pacer,
        policy=retry_policy(settings),
        timeout_seconds=settings.airtable_timeout_seconds,
    )


def build_runtime(
    settings: AirtableSyncSettings, *, airtable: AirtableClient | None = None
) -> ServiceRuntime:
    """Wire the runtime, the adapters and the subscriptions of one airtable-sync process."""
    tables = Tables(settings.database_schema)
    minio = Minio(
        settings.s3_endpoint,
        access_key=settings.s3_access_key.get_secret_value(),
        secret_key=settings.s3_secret_key.get_secret_value(),
        secure=settings.s3_secure,
        region=settings.s3_region,
    )
    store = ObjectStore(settings, minio)
    runtime = ServiceRuntime(settings, tables.messaging, store=store)
    deps = Dependencies(
        airtable=airtable or build_airtable_client(settings),
        warehouses=load_warehouses(settings.airtable_warehouses_file),
        snapshots=SnapshotStore(store, minio),
        store=store,
        repository=Repository(tables),
        dedupe_plans=DedupeRepository(tables),
        sessions=runtime.sessions,
    )
    poll_interval = settings.max_poll_interval_ms
    subscriptions = (
        (FormatRequested, on_format_requested),
        (InventoryImportRequested, on_inventory_import_requested),
        (DedupeRequested, on_dedupe_requested),
        (VoidCompleted, on_void_completed),
    )
    for model, handler in subscriptions:
        runtime.subscribe(
            model, functools.partial(handler, deps=deps), max_poll_interval_ms=poll_interval
        )
    return runtime


def build(settings: AirtableSyncSettings) -> FastAPI:
    return build_app(build_runtime(settings), title="airtable-sync")


def migrate(settings: AirtableSyncSettings) -> None:
    run_migrations(MIGRATIONS_DIR, settings.database_url, settings.database_schema)
    log.info("migrations_applied", schema=settings.database_schema)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="auction-airtable-sync", description=__doc__)
    parser.add_argument(
        "command",
        nargs="?",
        default="serve",
        choices=("serve", "migrate"),
        help="serve: run the consumers and the HTTP endpoints (default); "
        "migrate: upgrade the database schema and exit",
    )
    arguments = parser.parse_args(argv)
    settings = load_settings()
    setup_process(settings)
    if arguments.command == "migrate":
        migrate(settings)
        return
    serve(build(settings), settings)


if __name__ == "__main__":
    main()
