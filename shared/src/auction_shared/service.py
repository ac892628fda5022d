"""Build and serve a service process: an ASGI app whose lifespan runs the Kafka runtime."""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from pathlib import Path

import uvicorn
from fastapi import APIRouter, FastAPI
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

from auction_shared.db import ping as ping_database
from auction_shared.db import run_migrations
from auction_shared.health import health_router
from auction_shared.logging import configure_logging, get_logger
from auction_shared.messaging.runtime import ServiceRuntime
from auction_shared.settings import ServiceSettings
from auction_shared.telemetry import configure_telemetry

log = get_logger(__name__)


def setup_process(settings: ServiceSettings) -> None:
    """Configure logging and telemetry once, at the top of a service's entry point."""
    configure_logging(settings.service_name, settings.log_level)
    configure_telemetry(settings.service_name, settings.otlp_endpoint)


def build_app(
    runtime: ServiceRuntime,
    *,
    routers: Sequence[APIRouter] = (),
    title: str | None = None,
    on_shutdown: Sequence[Callable[[], Awaitable[None]]] = (),
) -> FastAPI:
    """Return the service's app: health routes, extra routers, and the runtime in its lifespan.

    `on_shutdown` callbacks run after the runtime has stopped (close HTTP clients, pools).
    """

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        try:
            async with runtime.running():
                yield
        finally:
            for callback in on_shutdown:
                await callback()

    async def kafka_ready() -> bool:
        return await runtime.broker.ping(timeout=2.0)

    async def database_ready() -> None:
        await ping_database(runtime.engine)

    app = FastAPI(title=title or runtime.name, lifespan=lifespan)
    # One server span per request, so events a request writes to the outbox carry its trace.
    FastAPIInstrumentor.instrument_app(app, excluded_urls="healthz,readyz,metrics,static")
    app.include_router(
        health_router({"kafka": kafka_ready, "database": database_ready, "s3": runtime.store.ping})
    )
    for router in routers:
        app.include_router(router)
    return app


def serve(app: FastAPI, settings: ServiceSettings) -> None:
    """Run the app until SIGTERM or SIGINT; uvicorn then runs the lifespan's shutdown."""
    uvicorn.run(
        app,
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,
        timeout_graceful_shutdown=int(settings.shutdown_timeout_seconds),
    )


def run_cli(
    settings: ServiceSettings,
    *,
    migrations_dir: Path,
    make_app: Callable[[], FastAPI],
    argv: Sequence[str] | None = None,
) -> None:
    """Entry point of a service: `serve` (default) runs it, `migrate` upgrades its schema."""
    parser = argparse.ArgumentParser(prog=f"auction-{settings.service_name}")
    parser.add_argument("command", nargs="?", default="serve", choices=("serve", "migrate"))
    arguments = parser.parse_args(argv)
    setup_process(settings)
    if arguments.command == "migrate":
        run_migrations(migrations_dir, settings.database_url, settings.database_schema)
        log.info("migrations_applied", schema=settings.database_schema)
        return
    serve(make_app(), settings)
