"""Log-on, log-off and the signed-in home page."""

from __future__ import annotations

import hmac
from typing import Annotated

import structlog
from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from .context import CurrentUser, Site, check_injected_failure, render, safe_return_url

log = structlog.get_logger(__name__)
router = APIRouter()

LOGON_FAILED = "The user name or password provided is incorrect."


@router.get("/")
def home(request: Request, user: CurrentUser, site: Site) -> Response:
    return render(request, "home.html", {"events": site.store.list_events()})


@router.get("/Account/LogOn")
def logon_page(request: Request, ReturnUrl: str = "") -> Response:
    return render(request, "logon.html", {"return_url": ReturnUrl, "error": None, "username": ""})


@router.post("/Account/LogOn")
def logon(
    request: Request,
    site: Site,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    ReturnUrl: Annotated[str, Form()] = "",
) -> Response:
    check_injected_failure(site, "logon")
    expected = site.settings.users.get(username)
    if expected is None or not hmac.compare_digest(expected.encode(), password.encode()):
        log.info("logon_failed", username=username)
        return render(
            request,
            "logon.html",
            {"return_url": ReturnUrl, "error": LOGON_FAILED, "username": username},
        )
    token = site.store.create_session(username)
    log.info("logon_succeeded", username=username)
    response = RedirectResponse(safe_return_url(ReturnUrl), status_code=302)
    response.set_cookie(
        site.settings.session_cookie, token, httponly=True, samesite="lax", path="/"
    )
    return response


@router.get("/Account/LogOff")
def logoff(request: Request, site: Site) -> Response:
    token = request.cookies.get(site.settings.session_cookie, "")
    if token:
        site.store.delete_session(token)
    response = RedirectResponse("/Account/LogOn", status_code=302)
    response.delete_cookie(site.settings.session_cookie, path="/")
    return response
