"""Assembly of the gateway's HTTP app: routes, login guard, static files, error pages and the
background purge of finished tasks.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from fastapi import APIRouter, FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from auction_gateway import api, web
from auction_gateway.auth import API_PREFIXES, AuthMiddleware
from auction_gateway.context import Gateway
from auction_gateway.retention import run_purge_loop

ROUTERS: tuple[APIRouter, ...] = (api.router, web.router)

ERROR_HEADINGS = {404: "Not found", 405: "Method not allowed"}
# FastAPI's Swagger UI and ReDoc pages load their scripts from a public CDN, so they are removed;
# the OpenAPI document itself stays at /openapi.json.
CDN_DOC_PATHS = frozenset({"/docs", "/docs/oauth2-redirect", "/redoc"})


def configure_app(app: FastAPI, gateway: Gateway, *, purge: bool = True) -> FastAPI:
    """Attach the gateway to an app that already has ROUTERS (and the health routes)."""
    app.state.gateway = gateway
    app.router.routes[:] = [
        route for route in app.router.routes if getattr(route, "path", None) not in CDN_DOC_PATHS
    ]
    app.add_middleware(AuthMiddleware, login=gateway.login, cookies=gateway.cookies)
    app.mount("/static", StaticFiles(directory=web.STATIC_DIR), name="static")
    app.add_exception_handler(StarletteHTTPException, _http_error)
    if purge:
        _run_purge_in_lifespan(app, gateway)
    return app


async def _http_error(request: Request, error: Exception) -> Response:
    """Render errors of pages as HTML; the API keeps FastAPI's JSON errors."""
    assert isinstance(error, StarletteHTTPException)
    if request.url.path.startswith(API_PREFIXES) or error.status_code == 401:
        return await http_exception_handler(request, error)
    return web.templates.TemplateResponse(
        request,
        "error.html",
        {
            "user": getattr(request.scope.get("user"), "username", None),
            "status_code": error.status_code,
            "heading": ERROR_HEADINGS.get(error.status_code, "Something went wrong"),
            "detail": error.detail,
        },
        status_code=error.status_code,
        headers=getattr(error, "headers", None),
    )


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
