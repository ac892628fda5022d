"""Login and logout pages of the demo user."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from auction_gateway.api.deps import GatewayDep
from auction_gateway.auth import safe_next_path
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
    if not await gateway.login.check(username, password):
        # The user name is not logged: people sometimes type their password into that field.
        log.warning("login_rejected", client=request.client.host if request.client else None)
        return render(
            request,
            "login.html",
            {"next": target, "error": "Invalid username or password.", "username": username},
            status_code=401,
        )
    response = RedirectResponse(target, status_code=303)
    gateway.cookies.set_on(response, username)
    log.info("login_accepted", user=username)
    return response


@router.post("/logout")
async def logout(gateway: GatewayDep) -> Response:
    response = RedirectResponse("/login", status_code=303)
    gateway.cookies.clear_on(response)
    return response
