"""Assembly of the gateway's HTTP app: routes, login guard, audit trail, static files, error pages,
the start-up accounts and the background purge of finished tasks.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from fastapi import APIRouter, FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from auction_gateway import api, web
from auction_gateway.accounts.audit import AuditMiddleware
from auction_gateway.accounts.bootstrap import bootstrap_accounts
from auction_gateway.auth import API_PREFIXES, AuthMiddleware
from auction_gateway.context import Gateway
from auction_gateway.retention import run_purge_loop
from auction_gateway.web.rendering import render
from auction_shared.logging import get_logger

log = get_logger(__name__)

ROUTERS: tuple[APIRouter, ...] = (api.router, web.router)

ERROR_HEADINGS = {
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    422: "Invalid input",
}
# FastAPI's Swagger UI and ReDoc pages load their scripts from a public CDN, so they are removed;
# the OpenAPI document itself stays at /openapi.json.
CDN_DOC_PATHS = frozenset({"/docs", "/docs/oauth2-redirect", "/redoc"})


def configure_app(app: FastAPI, gateway: Gateway, *, purge: bool = True) -> FastAPI:
    """Attach the gateway to an app that already has ROUTERS (and the health routes)."""
    app.state.gateway = gateway
    app.router.routes[:] = [
        route for route in app.router.routes if getattr(route, "path", None) not in CDN_DOC_PATHS
    ]
    # The last middleware added runs first: authentication, then the audit trail, which therefore
    # records only requests that passed the login guard.
    app.add_middleware(AuditMiddleware, accounts=gateway.accounts, clock=gateway.clock)
    app.add_middleware(AuthMiddleware, accounts=gateway.accounts, cookies=gateway.cookies)
    app.mount("/static", StaticFiles(directory=web.STATIC_DIR), name="static")
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(DataError, _unstorable_input)
    if purge:
        _run_purge_in_lifespan(app, gateway)
    _bootstrap_accounts_in_lifespan(app, gateway)
    return app


async def _http_error(request: Request, error: Exception) -> Response:
    """Render errors of pages as HTML; the API keeps FastAPI's JSON errors."""
    assert isinstance(error, StarletteHTTPException)
    if request.url.path.startswith(API_PREFIXES) or error.status_code == 401:
        return await http_exception_handler(request, error)
    response = render(
        request,
        "error.html",
        {
            "status_code": error.status_code,
            "heading": ERROR_HEADINGS.get(error.status_code, "Something went wrong"),
            "detail": error.detail,
        },
        status_code=error.status_code,
    )
    response.headers.update(getattr(error, "headers", None) or {})
    return response


async def _unstorable_input(request: Request, error: Exception) -> Response:
    """Return 422 when PostgreSQL rejects a value from the request, such as a NUL character.

    Such a value fails the same way on every retry, so it is the client's input to fix, not a
    server error. The database's own message names the problem.
    """
    assert isinstance(error, DataError)
    reason = str(error.orig).splitlines()[0] if error.orig is not None else "invalid value"
    log.warning("request_value_rejected_by_database", path=request.url.path, error=reason)
    detail = (
        f"The request contains a value the database cannot store ({reason}). "
        "Remove NUL characters and other control characters from the text, then try again."
    )
    if request.url.path.startswith(API_PREFIXES):
        return JSONResponse({"detail": detail}, status_code=422)
    return await _http_error(request, StarletteHTTPException(422, detail))


def _run_purge_in_lifespan(app: FastAPI, gateway: Gateway) -> None:
    """Wrap the app's lifespan (which runs the Kafka runtime) with the periodic purge task."""
    inner = app.router.lifespan_context

    @contextlib.asynccontextmanager
    async def lifespan(app_: FastAPI) -> AsyncIterator[None]:
        async with inner(app_):
            stop = asyncio.Event()
            purge = asyncio.create_task(run_purge_loop(gateway, stop), name="gateway-task-purge")
            try:
                yield
            finally:
                stop.set()
                await purge

    app.router.lifespan_context = lifespan


def _bootstrap_accounts_in_lifespan(app: FastAPI, gateway: Gateway) -> None:
    """Create the start-up accounts (demo, bootstrap admin) once the runtime is up."""
    inner = app.router.lifespan_context

    @contextlib.asynccontextmanager
    async def lifespan(app_: FastAPI) -> AsyncIterator[None]:
        async with inner(app_):
            await bootstrap_accounts(gateway.accounts, gateway.settings)
            yield

    app.router.lifespan_context = lifespan
