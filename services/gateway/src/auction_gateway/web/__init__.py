"""Staff pages: server-rendered Jinja2 templates with a little plain JavaScript (no build step)."""

from fastapi import APIRouter

from auction_gateway.web import catalogue_pages, inventory_pages, job_pages, login
from auction_gateway.web.rendering import STATIC_DIR, templates

router = APIRouter(include_in_schema=False)
for module in (login, job_pages, catalogue_pages, inventory_pages):
    router.include_router(module.router)

__all__ = ["STATIC_DIR", "router", "templates"]
