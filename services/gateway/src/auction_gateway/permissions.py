"""Permissions of the gateway and the route dependency that checks them.

NOTE: until staff accounts land, every logged-in user holds every permission; `requires` already
names the permission each route needs, so accounts only change `user_permissions`.
"""

from __future__ import annotations

from enum import StrEnum

from fastapi import Depends, HTTPException, Request


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
    """Return the permissions of the request's user (all of them for the demo login)."""
    if request.scope.get("user") is None:
        return frozenset()
    return frozenset(Permission)


def requires(permission: Permission) -> object:
    """Build a route dependency that answers 403 unless the user holds `permission`."""

    def check(request: Request) -> None:
        if permission not in user_permissions(request):
            raise HTTPException(
                status_code=403,
                detail=f"Your account lacks the {permission.value} permission; ask an admin for it.",
            )

    return Depends(check)
