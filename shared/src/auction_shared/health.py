"""Health endpoints every service serves: `/healthz` (alive), `/readyz` (dependencies), `/metrics`."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from auction_shared.logging import get_logger

log = get_logger(__name__)

Check = Callable[[], Awaitable[object]]
CHECK_TIMEOUT_SECONDS = 3.0


def health_router(checks: dict[str, Check]) -> APIRouter:
    """Build the health routes; each readiness check must finish within a few seconds."""
    router = APIRouter(tags=["health"])

    @router.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz")
    async def readyz() -> JSONResponse:
        results: dict[str, str] = {}
        for name, check in checks.items():
            try:
                outcome = await asyncio.wait_for(check(), timeout=CHECK_TIMEOUT_SECONDS)
                results[name] = "ok" if outcome is not False else "failed"
            except Exception as error:
                results[name] = f"failed: {type(error).__name__}"
                log.warning("readiness_check_failed", check=name, error=str(error)[:200])
        ready = all(value == "ok" for value in results.values())
        return JSONResponse({"ready": ready, "checks": results}, status_code=200 if ready else 503)

    @router.get("/metrics")
    async def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return router
