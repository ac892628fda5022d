"""Request-scoped access to the site's state, the login check and injected submit failures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

import structlog
from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from ..faults import FaultState
from ..settings import SandboxSettings
from ..store import Store

log = structlog.get_logger(__name__)

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parent.parent / "templates"))


@dataclass
class SiteContext:
    """Settings, store and faults of one app, shared by its request handlers."""

    settings: SandboxSettings
    store: Store
    faults: FaultState

    def now_local(self) -> datetime:
        """Return the site's wall-clock time without an offset, as the pages show times."""
        return datetime.now(ZoneInfo(self.settings.site_timezone)).replace(tzinfo=None)


def get_site(request: Request) -> SiteContext:
    site: SiteContext = request.app.state.site
    return site


Site = Annotated[SiteContext, Depends(get_site)]


class LoginRequiredError(Exception):
    """Missing or expired session, turned into a redirect to the log-on page."""

    def __init__(self, return_url: str) -> None:
        super().__init__(return_url)
        self.return_url = return_url


class InjectedFailureError(Exception):
    """A configured fault makes this submit fail with a 500."""

    def __init__(self, form: str) -> None:
        super().__init__(form)
        self.form = form


def safe_return_url(value: str | None) -> str:
    """Keep only local paths, so ReturnUrl cannot send the browser to another site."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value


def _return_url(request: Request) -> str:
    if request.method == "GET":
        query = f"?{request.url.query}" if request.url.query else ""
        return request.url.path + query
    referer = request.headers.get("referer", "")
    parts = urlsplit(referer)
    if parts.netloc == request.url.netloc and parts.path:
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return "/"


def current_user(request: Request, site: Site) -> str:
    """Return the signed-in user name, or raise so the caller is sent to the log-on page."""
    token = request.cookies.get(site.settings.session_cookie, "")
    username = site.store.session_user(token) if token else None
    if username is None:
        raise LoginRequiredError(_return_url(request))
    if site.faults.count_authenticated_request():
        expired = site.store.delete_all_sessions()
        log.info("sessions_expired_by_fault", sessions=expired, path=request.url.path)
        raise LoginRequiredError(_return_url(request))
    return username


CurrentUser = Annotated[str, Depends(current_user)]


def check_injected_failure(site: SiteContext, form: str) -> None:
    if site.faults.consume_submit_failure(form):
        log.info("submit_failed_by_fault", form=form)
        raise InjectedFailureError(form)


def login_redirect_url(return_url: str) -> str:
    return "/Account/LogOn?ReturnUrl=" + quote(return_url, safe="")


def render(
    request: Request, template: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    site = get_site(request)
    token = request.cookies.get(site.settings.session_cookie, "")
    base = {
        "signed_in_user": site.store.session_user(token) if token else None,
        "site_time": site.now_local(),
    }
    return TEMPLATES.TemplateResponse(
        request, template, {**base, **context}, status_code=status_code
    )


def error_page(request: Request, status_code: int, title: str, message: str) -> Response:
    return render(
        request, "error.html", {"title": title, "message": message}, status_code=status_code
    )
