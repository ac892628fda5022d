"""Admin pages: accounts and roles, and the audit trail with its CSV export."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from auction_gateway.accounts.reports import audit_query
from auction_gateway.accounts.roles import Role, parse_role
from auction_gateway.accounts.service import AccountExists, AccountNotFound, LastAdmin
from auction_gateway.api.accounts import audit_csv_response
from auction_gateway.api.deps import GatewayDep
from auction_gateway.domain import FieldError, InvalidInput
from auction_gateway.permissions import Permission, requires
from auction_gateway.web.rendering import render

router = APIRouter(include_in_schema=False, dependencies=[requires(Permission.CAN_MANAGE_USERS)])

FormText = Annotated[str, Form()]


@router.get("/admin/users")
async def users_page(request: Request, gateway: GatewayDep) -> Response:
    return await _render_users(request, gateway, {"changed": request.query_params.get("changed")})


@router.post("/admin/users")
async def create_user(
    request: Request,
    gateway: GatewayDep,
    username: FormText = "",
    role: FormText = Role.VIEWER.value,
    password: FormText = "",
    confirm_password: FormText = "",
) -> Response:
    values = {"username": username, "role": role}
    try:
        chosen = _role(role)
        account = await gateway.accounts.create_account(
            username, password, confirm_password, chosen
        )
    except InvalidInput as error:
        return await _render_users(
            request, gateway, {"errors": error.errors, "values": values}, status_code=422
        )
    except AccountExists as error:
        problem = FieldError("username", username, str(error))
        return await _render_users(
            request, gateway, {"errors": [problem], "values": values}, status_code=409
        )
    return RedirectResponse(f"/admin/users?changed={account.username}", status_code=303)


@router.post("/admin/users/{username}/role")
async def change_role(
    request: Request, username: str, gateway: GatewayDep, role: FormText = ""
) -> Response:
    try:
        await gateway.accounts.change_account(username, role=_role(role))
    except InvalidInput as error:
        return await _render_users(request, gateway, {"errors": error.errors}, status_code=422)
    except LastAdmin as error:
        problem = FieldError("role", role, str(error))
        return await _render_users(request, gateway, {"errors": [problem]}, status_code=409)
    except AccountNotFound as error:
        raise HTTPException(status_code=404, detail=str(error)) from None
    return RedirectResponse(f"/admin/users?changed={username}", status_code=303)


@router.post("/admin/users/{username}/active")
async def change_active(
    request: Request, username: str, gateway: GatewayDep, active: FormText = ""
) -> Response:
    try:
        await gateway.accounts.change_account(username, active=active == "true")
    except LastAdmin as error:
        problem = FieldError("active", username, str(error))
        return await _render_users(request, gateway, {"errors": [problem]}, status_code=409)
    except AccountNotFound as error:
        raise HTTPException(status_code=404, detail=str(error)) from None
    return RedirectResponse(f"/admin/users?changed={username}", status_code=303)


@router.post("/admin/users/{username}/password")
async def reset_password(
    request: Request,
    username: str,
    gateway: GatewayDep,
    new_password: FormText = "",
    confirm_password: FormText = "",
) -> Response:
    try:
        await gateway.accounts.reset_password(username, new_password, confirm_password)
    except InvalidInput as error:
        return await _render_users(request, gateway, {"errors": error.errors}, status_code=422)
    except AccountNotFound as error:
        raise HTTPException(status_code=404, detail=str(error)) from None
    return RedirectResponse(f"/admin/users?changed={username}", status_code=303)


@router.get("/admin/audit")
async def audit_page(
    request: Request,
    gateway: GatewayDep,
    user: str = "",
    action: str = "",
    since: str = "",
    until: str = "",
) -> Response:
    filters = {"user": user, "action": action, "since": since, "until": until}
    errors: list[FieldError] = []
    entries = []
    try:
        query = audit_query(
            actor=user, action=action, since=since, until=until, timezone=gateway.timezone
        )
        entries = await gateway.accounts.search_audit(query)
    except InvalidInput as error:
        errors = error.errors
    return render(
        request,
        "admin_audit.html",
        {
            "entries": entries,
            "filters": filters,
            "errors": errors,
            "actions": await gateway.accounts.audit_actions(),
            "limit": query.limit if not errors else 0,
        },
        status_code=422 if errors else 200,
    )


@router.get("/admin/audit.csv")
async def audit_export(
    gateway: GatewayDep, user: str = "", action: str = "", since: str = "", until: str = ""
) -> Response:
    try:
        return await audit_csv_response(gateway, user, action, since, until)
    except InvalidInput as error:
        raise HTTPException(status_code=422, detail=str(error)) from None


def _role(raw: str) -> Role:
    role = parse_role(raw)
    if isinstance(role, FieldError):
        raise InvalidInput([role])
    return role


async def _render_users(
    request: Request, gateway: GatewayDep, extra: dict[str, Any], status_code: int = 200
) -> Response:
    context: dict[str, Any] = {
        "accounts": await gateway.accounts.list_accounts(),
        "roles": list(Role),
        "errors": [],
        "values": {"username": "", "role": Role.VIEWER.value},
        "changed": None,
        **extra,
    }
    return render(request, "admin_users.html", context, status_code=status_code)
