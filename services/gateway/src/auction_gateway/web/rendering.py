"""Template rendering shared by the pages: autoescaped Jinja2, the user, their permissions and CSRF
token, and the site-time helper.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from auction_gateway.auth import CSRF_FIELD, csrf_token_of
from auction_gateway.context import Gateway
from auction_gateway.permissions import Permission, user_permissions

TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"

# Autoescaping is on for every template: titles and messages come from Airtable and other services.
templates = Jinja2Templates(
    env=jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES_DIR), autoescape=True)
)
templates.env.globals["Permission"] = Permission


def site_time(value: datetime | None, timezone: ZoneInfo) -> str:
    if value is None:
        return ""
    return value.astimezone(timezone).strftime("%Y-%m-%d %H:%M")


def render(
    request: Request, name: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    gateway: Gateway = request.app.state.gateway
    user = getattr(request.scope.get("user"), "username", None)
    csrf_token = csrf_token_of(request)
    base = {
        "user": user,
        # Templates show only what the user may do: `Permission.CAN_VOID in permissions`.
        "permissions": user_permissions(request),
        "csrf_token": csrf_token or "",
        # Every POST form includes `{{ csrf_input }}`; scripts send `csrf_token` as X-CSRF-Token.
        "csrf_input": Markup(
            f'<input type="hidden" name="{CSRF_FIELD}" value="{escape(csrf_token or "")}">'
        ),
        "timezone": gateway.settings.site_timezone,
        "site_time": lambda value: site_time(value, gateway.timezone),
    }
    return templates.TemplateResponse(request, name, {**base, **context}, status_code=status_code)
