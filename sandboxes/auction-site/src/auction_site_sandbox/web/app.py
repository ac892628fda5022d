"""Composition root of the sandbox web app."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import structlog
from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response

from ..faults import FaultState
from ..settings import SandboxSettings
from ..store import Store
from . import account, events, imports, sales, sandbox_api
from .context import (
    InjectedFailureError,
    LoginRequiredError,
    SiteContext,
    error_page,
    login_redirect_url,
)

log = structlog.get_logger(__name__)


def create_app(settings: SandboxSettings, faults: FaultState | None = None) -> FastAPI:
    """Build the app on the data folder of `settings`, opening the store at once."""
    app = FastAPI(title="AuctionWorx admin sandbox", docs_url=None, redoc_url=None)
    app.state.site = SiteContext(
        settings=settings, store=Store(settings.data_dir), faults=faults or FaultState()
    )

    @app.middleware("http")
    async def slow_pages(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        site: SiteContext = request.app.state.site
        if not request.url.path.startswith("/_sandbox"):
            delay = site.faults.page_delay(request.url.path)
            if delay:
                await asyncio.sleep(delay)
        return await call_next(request)

    @app.exception_handler(LoginRequiredError)
    async def to_logon(request: Request, exc: LoginRequiredError) -> Response:
        return RedirectResponse(login_redirect_url(exc.return_url), status_code=302)

    @app.exception_handler(InjectedFailureError)
    async def injected_failure(request: Request, exc: InjectedFailureError) -> Response:
        return error_page(
            request,
            500,
            "Server Error",
            f"An error occurred while processing your request ({exc.form}).",
        )

    for module in (account, events, imports, sales, sandbox_api):
        app.include_router(module.router)
    return app
