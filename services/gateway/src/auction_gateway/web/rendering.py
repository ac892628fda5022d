"""Template rendering shared by the pages: autoescaped Jinja2, the user and site-time helpers."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from auction_gateway.context import Gateway

TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"

# Autoescaping is on for every template: titles and messages come from Airtable and other services.
templates = Jinja2Templates(
    env=jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES_DIR), autoescape=True)
)


def site_time(value: datetime | None, timezone: ZoneInfo) -> str:
    if value is None:
        return ""
    return value.astimezone(timezone).strftime("%Y-%m-%d %H:%M")


def render(
    request: Request, name: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    gateway: Gateway = request.app.state.gateway
    user = getattr(request.scope.get("user"), "username", None)
    base = {
        "user": user,
        "timezone": gateway.settings.site_timezone,
        "site_time": lambda value: site_time(value, gateway.timezone),
    }
    return templates.TemplateResponse(request, name, {**base, **context}, status_code=status_code)
