"""Staff pages: server-rendered Jinja2 templates with a little plain JavaScript (no build step)."""

from auction_gateway.web.pages import STATIC_DIR, router, templates

__all__ = ["STATIC_DIR", "router", "templates"]
