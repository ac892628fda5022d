"""Build and serve a service process: an ASGI app whose lifespan runs the Kafka runtime."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Sequence

import uvicorn
from fastapi import APIRouter, FastAPI

from auction_shared.db import ping as ping_database
from auction_shared.health import health_router
from auction_shared.logging import configure_logging
from auction_shared.messaging.runtime import ServiceRuntime
from auction_shared.settings import ServiceSettings
from auction_shared.telemetry import configure_telemetry


def setup_process(settings: ServiceSettings) -> None:
    """Configure logging and telemetry once, at the top of a service's entry point."""
    configure_logging(settings.service_name, settings.log_level)
    configure_telemetry(settings.service_name, settings.otlp_endpoint)


def build_app(
    runtime: ServiceRuntime, *, routers: Sequence[APIRouter] = (), title: str | None = None
) -> FastAPI:
    """Return the service's app: health routes, extra routers, and the runtime in its lifespan."""

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        async with runtime.running():
            yield

    async def kafka_ready() -> bool:
        return await runtime.broker.ping(timeout=2.0)

    async def database_ready() -> None:
        await ping_database(runtime.engine)

    app = FastAPI(title=title or runtime.name, lifespan=lifespan)
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
