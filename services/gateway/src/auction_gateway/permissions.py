"""Permissions of the gateway and the route dependency that checks them.

Roles grant permissions (`accounts.roles.ROLE_PERMISSIONS`); an API token has a subset of its
owner's. Routes that start a job or change the catalogue declare theirs with `requires`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from fastapi import Depends, HTTPException, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import RouteContext
from starlette.routing import BaseRoute


class Permission(StrEnum):
    CAN_FORMAT = "can_format"
    CAN_IMPORT_INVENTORY = "can_import_inventory"
    CAN_UPLOAD = "can_upload"
    CAN_CREATE_AUCTION = "can_create_auction"
    CAN_VOID = "can_void"
    CAN_DEDUPE = "can_dedupe"
    CAN_USE_SHOW_BROWSER = "can_use_show_browser"
    CAN_MANAGE_USERS = "can_manage_users"


def user_permissions(request: Request) -> frozenset[Permission]:
    """Return the permissions of the request's user (empty when no user is logged in)."""
    permissions = getattr(request.scope.get("user"), "permissions", None)
    if not isinstance(permissions, frozenset):
        return frozenset()
    return permissions


def requires(permission: Permission) -> Any:
    """Build a route dependency that raises 403 unless the user has `permission`."""

    def check(request: Request) -> None:
        if permission not in user_permissions(request):
            raise HTTPException(
                status_code=403,
                detail=f"Your account lacks the {permission.value} permission; ask an admin for it.",
            )

    check.required_permission = permission  # type: ignore[attr-defined]
    return Depends(check)


def route_permissions(route: BaseRoute | RouteContext) -> frozenset[Permission]:
    """Return the permissions a route's `requires` dependencies demand, router-level ones included
    when `route` comes from `fastapi.routing.iter_route_contexts(app.routes)`."""
    dependant: Dependant | None = getattr(route, "dependant", None)
    found: set[Permission] = set()
    pending = [dependant] if dependant is not None else []
    while pending:
        current = pending.pop()
        required = getattr(current.call, "required_permission", None)
        if isinstance(required, Permission):
            found.add(required)
        pending.extend(current.dependencies)
    return frozenset(found)
