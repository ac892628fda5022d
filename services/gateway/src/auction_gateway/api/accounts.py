"""Accounts over the API: the caller, their API tokens, and (for admins) users and the audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from auction_gateway.accounts.records import Account, ApiToken, AuditEntry, Principal
from auction_gateway.accounts.reports import (
    AUDIT_EXPORT_LIMIT,
    AUDIT_PAGE_LIMIT,
    audit_csv,
    audit_query,
)
from auction_gateway.accounts.roles import ROLE_PERMISSIONS, Role, parse_permissions
from auction_gateway.accounts.service import AccountExists, AccountNotFound, LastAdmin
from auction_gateway.api.deps import GatewayDep
from auction_gateway.api.schemas import unprocessable
from auction_gateway.auth import request_principal
from auction_gateway.context import Gateway
from auction_gateway.domain import FieldError, InvalidInput
from auction_gateway.permissions import Permission, requires

router = APIRouter(tags=["accounts"])
admin = APIRouter(tags=["admin"], dependencies=[requires(Permission.CAN_MANAGE_USERS)])


def current_principal(request: Request) -> Principal:
    principal = request_principal(request)
    if principal is None:
        raise HTTPException(status_code=401, detail="Not logged in.")
    return principal


PrincipalDep = Annotated[Principal, Depends(current_principal)]


class MeOut(BaseModel):
    username: str
    role: Role
    permissions: list[Permission]
    authenticated_by: str = Field(description="session, token or basic")


class TokenIn(BaseModel):
    name: str = Field(
        max_length=200, description="What the token is for, e.g. the system using it."
    )
    permissions: list[str] = Field(
        default_factory=list, description="A subset of your own permissions; empty = read only."
    )


class TokenOut(BaseModel):
    token_id: str
    name: str
    permissions: list[Permission]
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    @classmethod
    def of(cls, token: ApiToken) -> TokenOut:
        return cls(
            token_id=token.token_id,
            name=token.name,
            permissions=sorted(token.permissions),
            created_at=token.created_at,
            last_used_at=token.last_used_at,
            revoked_at=token.revoked_at,
        )


class TokenCreated(TokenOut):
    token: str = Field(description="The secret; shown in this response only.")


class UserIn(BaseModel):
    username: str = Field(max_length=200)
    password: str = Field(max_length=2000)
    role: Role = Role.VIEWER


class UserChange(BaseModel):
    role: Role | None = None
    active: bool | None = None


class UserOut(BaseModel):
    username: str
    role: Role
    permissions: list[Permission]
    active: bool
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, account: Account) -> UserOut:
        return cls(
            username=account.username,
            role=account.role,
            permissions=sorted(ROLE_PERMISSIONS[account.role]),
            active=account.active,
            created_at=account.created_at,
            updated_at=account.updated_at,
        )


class AuditOut(BaseModel):
    occurred_at: datetime
    actor: str
    actor_kind: str
    via: str
    action: str
    parameters: dict[str, object]
    outcome: str
    status_code: int | None
    task_id: str | None
    client: str | None

    @classmethod
    def of(cls, entry: AuditEntry) -> AuditOut:
        return cls(
            occurred_at=entry.occurred_at,
            actor=entry.actor,
            actor_kind=entry.actor_kind,
            via=entry.via,
            action=entry.action,
            parameters=entry.parameters,
            outcome=entry.outcome,
            status_code=entry.status_code,
            task_id=entry.task_id,
            client=entry.client,
        )


@router.get("/me")
async def who_am_i(principal: PrincipalDep) -> MeOut:
    """Return the caller's account, role and effective permissions (a token's scope for tokens)."""
    return MeOut(
        username=principal.username,
        role=principal.role,
        permissions=sorted(principal.permissions),
        authenticated_by=principal.via,
    )


@router.get("/tokens")
async def list_tokens(principal: PrincipalDep, gateway: GatewayDep) -> list[TokenOut]:
    """List your API tokens, newest first, revoked ones included."""
    return [TokenOut.of(token) for token in await gateway.accounts.list_tokens(principal.username)]


@router.post("/tokens", status_code=201)
async def create_token(body: TokenIn, principal: PrincipalDep, gateway: GatewayDep) -> TokenCreated:
    """Create an API token for yourself. The response contains the token, which is not shown again."""
    try:
        scope = parse_permissions(body.permissions)
        if isinstance(scope, FieldError):
            raise InvalidInput([scope])
        token, record = await gateway.accounts.create_token(principal, body.name, scope)
    except InvalidInput as error:
        raise unprocessable(error) from None
    return TokenCreated(token=token, **TokenOut.of(record).model_dump())


@router.delete("/tokens/{token_id}", status_code=204)
async def revoke_token(token_id: str, principal: PrincipalDep, gateway: GatewayDep) -> Response:
    """Revoke one of your tokens; it stops working at once."""
    if not await gateway.accounts.revoke_token(principal.username, token_id):
        raise HTTPException(
            status_code=404,
            detail=f"You have no active token with id {token_id!r}; GET /api/v1/tokens lists them.",
        )
    return Response(status_code=204)


@admin.get("/users")
async def list_users(gateway: GatewayDep) -> list[UserOut]:
    """List every account (admins only)."""
    return [UserOut.of(account) for account in await gateway.accounts.list_accounts()]


@admin.post("/users", status_code=201)
async def create_user(body: UserIn, gateway: GatewayDep) -> UserOut:
    """Add an account with a role (admins only); 409 when the username is taken."""
    try:
        account = await gateway.accounts.create_account(
            body.username, body.password, body.password, body.role
        )
    except InvalidInput as error:
        raise unprocessable(error) from None
    except AccountExists as error:
        raise HTTPException(status_code=409, detail=str(error)) from None
    return UserOut.of(account)


@admin.patch("/users/{username}")
async def change_user(username: str, body: UserChange, gateway: GatewayDep) -> UserOut:
    """Change an account's role or active flag (admins only)."""
    try:
        account = await gateway.accounts.change_account(
            username, role=body.role, active=body.active
        )
    except AccountNotFound as error:
        raise HTTPException(status_code=404, detail=str(error)) from None
    except LastAdmin as error:
        raise HTTPException(status_code=409, detail=str(error)) from None
    return UserOut.of(account)


@admin.get("/audit")
async def search_audit(
    gateway: GatewayDep,
    user: str = Query(default="", description="Username or system name."),
    action: str = Query(default="", description="e.g. 'POST /api/v1/format'."),
    since: str = Query(default="", description="First day, YYYY-MM-DD in the site time zone."),
    until: str = Query(default="", description="Last day (included), YYYY-MM-DD."),
    limit: int = Query(default=AUDIT_PAGE_LIMIT, ge=1, le=AUDIT_EXPORT_LIMIT),
) -> list[AuditOut]:
    """Return audit entries, newest first (admins only)."""
    try:
        query = audit_query(
            actor=user,
            action=action,
            since=since,
            until=until,
            timezone=gateway.timezone,
            limit=limit,
        )
    except InvalidInput as error:
        raise unprocessable(error, "query") from None
    return [AuditOut.of(entry) for entry in await gateway.accounts.search_audit(query)]


@admin.get("/audit.csv", response_class=Response)
async def export_audit(
    gateway: GatewayDep, user: str = "", action: str = "", since: str = "", until: str = ""
) -> Response:
    """Export matching audit entries as CSV, up to 50,000 (admins only)."""
    try:
        return await audit_csv_response(gateway, user, action, since, until)
    except InvalidInput as error:
        raise unprocessable(error, "query") from None


async def audit_csv_response(
    gateway: Gateway, user: str, action: str, since: str, until: str
) -> Response:
    """Return the CSV download of matching entries; raises InvalidInput for bad dates."""
    query = audit_query(
        actor=user,
        action=action,
        since=since,
        until=until,
        timezone=gateway.timezone,
        limit=AUDIT_EXPORT_LIMIT,
    )
    entries = await gateway.accounts.search_audit(query)
    return Response(
        audit_csv(entries),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="audit.csv"'},
    )


router.include_router(admin)
