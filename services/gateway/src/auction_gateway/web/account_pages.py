"""The Account page: the user's role and permissions, password change, and their API tokens."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from auction_gateway.accounts.records import Principal
from auction_gateway.accounts.roles import parse_permissions
from auction_gateway.api.deps import GatewayDep
from auction_gateway.auth import request_principal
from auction_gateway.domain import FieldError, InvalidInput
from auction_gateway.web.rendering import render

router = APIRouter(include_in_schema=False)

FormText = Annotated[str, Form()]


def _principal(request: Request) -> Principal:
    principal = request_principal(request)
    if principal is None:
        raise HTTPException(status_code=401, detail="Not logged in.")
    return principal


@router.get("/account")
async def account_page(request: Request, gateway: GatewayDep) -> Response:
    return await _render_account(request, gateway, {"revoked": request.query_params.get("revoked")})


@router.post("/account/password")
async def change_password(
    request: Request,
    gateway: GatewayDep,
    current_password: FormText = "",
    new_password: FormText = "",
    confirm_password: FormText = "",
) -> Response:
    principal = _principal(request)
    try:
        await gateway.accounts.change_password(
            principal, current_password, new_password, confirm_password
        )
    except InvalidInput as error:
        return await _render_account(
            request, gateway, {"password_errors": error.errors}, status_code=422
        )
    return await _render_account(request, gateway, {"password_changed": True})


@router.post("/account/tokens")
async def create_token(
    request: Request,
    gateway: GatewayDep,
    name: FormText = "",
    permissions: Annotated[list[str] | None, Form()] = None,
) -> Response:
    principal = _principal(request)
    try:
        scope = parse_permissions(permissions or [])
        if isinstance(scope, FieldError):
            raise InvalidInput([scope])
        token, record = await gateway.accounts.create_token(principal, name, scope)
    except InvalidInput as error:
        return await _render_account(
            request, gateway, {"token_errors": error.errors, "token_name": name}, status_code=422
        )
    # The token is shown in this response only; it is not stored and never goes into a URL.
    return await _render_account(
        request, gateway, {"new_token": token, "new_token_id": record.token_id}
    )


@router.post("/account/tokens/{token_id}/revoke")
async def revoke_token(request: Request, token_id: str, gateway: GatewayDep) -> Response:
    principal = _principal(request)
    if not await gateway.accounts.revoke_token(principal.username, token_id):
        raise HTTPException(
            status_code=404, detail=f"You have no active token with id {token_id!r}."
        )
    return RedirectResponse(f"/account?revoked={token_id}", status_code=303)


async def _render_account(
    request: Request, gateway: GatewayDep, extra: dict[str, Any], status_code: int = 200
) -> Response:
    principal = _principal(request)
    tokens = await gateway.accounts.list_tokens(principal.username)
    context: dict[str, Any] = {
        "principal": principal,
        "own_permissions": sorted(principal.permissions),
        "tokens": tokens,
        "password_errors": [],
        "token_errors": [],
        "token_name": "",
        "new_token": None,
        **extra,
    }
    return render(request, "account.html", context, status_code=status_code)
