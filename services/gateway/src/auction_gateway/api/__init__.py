"""The JSON API under /api/v1 (FastAPI's OpenAPI document describes it at /openapi.json)."""

from fastapi import APIRouter

from auction_gateway.api import catalogue, csv_versions, events, formatting, inventory, tasks

router = APIRouter(prefix="/api/v1")
for module in (catalogue, events, formatting, tasks, csv_versions, inventory):
    router.include_router(module.router)

__all__ = ["router"]
