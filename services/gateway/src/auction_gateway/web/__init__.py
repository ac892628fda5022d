"""Staff pages: server-rendered Jinja2 templates with a little plain JavaScript (no build step)."""

from fastapi import APIRouter, Depends

from auction_gateway.auth import verify_csrf
from auction_gateway.web import (
    account_pages,
    admin_pages,
    catalogue_pages,
    dedupe_pages,
    inventory_pages,
    job_pages,
    login,
    site_job_pages,
)
from auction_gateway.web.rendering import STATIC_DIR, templates

router = APIRouter(include_in_schema=False, dependencies=[Depends(verify_csrf)])
for module in (
    login,
    account_pages,
    admin_pages,
    job_pages,
    catalogue_pages,
    inventory_pages,
    site_job_pages,
    dedupe_pages,
):
    router.include_router(module.router)

__all__ = ["STATIC_DIR", "router", "templates"]
