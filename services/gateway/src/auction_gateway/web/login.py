"""Login and logout: password check with throttling, login sessions, and their audit entries."""

from __future__ import annotations

import math
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from auction_gateway.accounts.records import AuditEntry
from auction_gateway.accounts.service import LoginRejected, LoginThrottled
from auction_gateway.api.deps import GatewayDep
from auction_gateway.auth import client_address, request_principal, safe_next_path
from auction_gateway.web.rendering import render
from auction_shared.logging import get_logger

log = get_logger(__name__)

router = APIRouter(include_in_schema=False)

FormText = Annotated[str, Form()]


@router.get("/login")
async def login_page(request: Request, next: str | None = None) -> Response:
    if request.scope.get("user") is not None:
        return RedirectResponse(safe_next_path(next), status_code=303)
    return render(request, "login.html", {"next": safe_next_path(next), "error": None})


@router.post("/login")
async def login(
    request: Request,
    gateway: GatewayDep,
    username: FormText,
    password: FormText,
    next: Annotated[str, Form()] = "/",
) -> Response:
    target = safe_next_path(next)
    client = client_address(request)
    try:
        account = await gateway.accounts.check_password_login(username, password, client)
    except LoginThrottled as error:
        log.warning("login_throttled", client=client, retry_after=math.ceil(error.retry_after))
        await _audit_login(request, gateway, None, "rejected", 429)
        response = _login_form(request, target, username, str(error), status_code=429)
        response.headers["Retry-After"] = str(math.ceil(error.retry_after))
        return response
    except LoginRejected:
        # The username is not logged: people sometimes type their password into that field.
        log.warning("login_rejected", client=client)
        await _audit_login(request, gateway, None, "rejected", 401)
        return _login_form(
            request, target, username, "Invalid username or password.", status_code=401
        )
    session_id = await gateway.accounts.open_session(account)
    response = RedirectResponse(target, status_code=303)
    gateway.cookies.set_on(response, session_id, secure=request.url.scheme == "https")
    log.info("login_accepted", user=account.username)
    await _audit_login(request, gateway, account.username, "ok", 303)
    return response


@router.post("/logout")
async def logout(request: Request, gateway: GatewayDep) -> Response:
    principal = request_principal(request)
    if principal is not None and principal.session_id is not None:
        await gateway.accounts.close_session(principal.session_id)
    response = RedirectResponse("/login", status_code=303)
    gateway.cookies.clear_on(response)
    return response


def _login_form(
    request: Request, target: str, username: str, error: str, *, status_code: int
) -> Response:
    return render(
        request,
        "login.html",
        {"next": target, "error": error, "username": username},
        status_code=status_code,
    )


async def _audit_login(
    request: Request, gateway: GatewayDep, username: str | None, outcome: str, status: int
) -> None:
    """Record a login attempt: the username only when the login succeeded, since a rejected
    username may be a mistyped password."""
    await gateway.accounts.record(
        AuditEntry(
            occurred_at=gateway.clock(),
            actor=username or "anonymous",
            actor_kind="user" if username else "anonymous",
            via="session" if username else "none",
            action="POST /login",
            outcome=outcome,
            status_code=status,
            client=client_address(request),
        )
    )
