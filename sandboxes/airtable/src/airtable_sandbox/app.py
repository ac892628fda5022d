"""Build the sandbox's ASGI app from a configuration."""

from __future__ import annotations

import structlog
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from airtable_sandbox import errors
from airtable_sandbox.config import SandboxConfig
from airtable_sandbox.gate import Gate
from airtable_sandbox.routes import admin, files, meta, records
from airtable_sandbox.runtime import Sandbox

log = structlog.get_logger(__name__)


def build_app(config: SandboxConfig) -> Gate:
    """Load the data directory and seed, and return the app (its `.sandbox` contains the state)."""
    sandbox = Sandbox(config)
    sandbox.start()
    api = FastAPI(title="Airtable sandbox", docs_url=None, redoc_url=None, openapi_url=None)
    api.state.sandbox = sandbox
    # The metadata routes come first: `/v0/meta/bases` would otherwise match the list route.
    api.include_router(meta.router)
    api.include_router(records.router)
    api.include_router(files.router)
    api.include_router(admin.router)

    @api.exception_handler(errors.AirtableError)
    async def airtable_error(request: Request, error: errors.AirtableError) -> JSONResponse:
        # The message is left out of the log because it can quote field values (buyer data).
        log.info(
            "request_rejected",
            status=error.status,
            error_type=error.error_type,
            method=request.method,
            path=request.url.path,
        )
        return JSONResponse(error.body(), status_code=error.status)

    @api.exception_handler(StarletteHTTPException)
    async def unknown_route(request: Request, error: StarletteHTTPException) -> JSONResponse:
        # Airtable returns 404 NOT_FOUND for unknown routes and methods.
        if error.status_code in (404, 405):
            return JSONResponse(errors.not_found().body(), status_code=404)
        return JSONResponse(
            {"error": {"type": "INVALID_REQUEST_UNKNOWN", "message": str(error.detail)}},
            status_code=error.status_code,
        )

    return Gate(api, sandbox)
