"""The JSON API under /api/v1 (FastAPI's OpenAPI document describes it at /openapi.json)."""

from fastapi import APIRouter, Depends

from auction_gateway.api import (
    accounts,
    bot_views,
    catalogue,
    csv_versions,
    dedupe,
    events,
    formatting,
    inventory,
    site_jobs,
    tasks,
)
from auction_gateway.auth import verify_csrf

# verify_csrf applies to browser (session) requests only; token and Basic clients are exempt.
router = APIRouter(prefix="/api/v1", dependencies=[Depends(verify_csrf)])
for module in (
    accounts,
    catalogue,
    events,
    formatting,
    tasks,
    csv_versions,
    inventory,
    site_jobs,
    dedupe,
    bot_views,
):
    router.include_router(module.router)

__all__ = ["router"]
