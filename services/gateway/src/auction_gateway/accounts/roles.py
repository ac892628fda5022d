"""Roles of staff accounts and the permissions each role grants, plus account input rules."""

from __future__ import annotations

import re
from enum import StrEnum

from auction_gateway.domain import FieldError
from auction_gateway.permissions import Permission


class Role(StrEnum):
    VIEWER = "viewer"
    STAFF = "staff"
    MANAGER = "manager"
    ADMIN = "admin"


_STAFF = frozenset(
    {
        Permission.CAN_FORMAT,
        Permission.CAN_IMPORT_INVENTORY,
        Permission.CAN_UPLOAD,
        Permission.CAN_CREATE_AUCTION,
    }
)
_MANAGER = _STAFF | {Permission.CAN_VOID, Permission.CAN_DEDUPE, Permission.CAN_USE_SHOW_BROWSER}

# A viewer has no job permission: it can log in and read tasks, events and results.
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.VIEWER: frozenset(),
    Role.STAFF: _STAFF,
    Role.MANAGER: _MANAGER,
    Role.ADMIN: frozenset(Permission),
}

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
PASSWORD_MIN_LENGTH = 12
# Argon2 hashes any length, but a megabyte-long password would only cost CPU.
PASSWORD_MAX_LENGTH = 1024


def normalise_username(raw: str) -> str:
    """Return the stored form of a username: trimmed and lower-case."""
    return raw.strip().lower()


def check_username(username: str) -> FieldError | None:
    if USERNAME_PATTERN.fullmatch(username):
        return None
    return FieldError(
        "username",
        username,
        f"Username {username!r} is invalid: use 2 to 64 characters among a-z, 0-9, '.', '_' "
        "and '-', starting with a letter or digit.",
    )


def check_password(password: str, username: str) -> FieldError | None:
    """Check a new password; the message never repeats the password."""
    if len(password) < PASSWORD_MIN_LENGTH:
        message = f"The password is too short: use at least {PASSWORD_MIN_LENGTH} characters."
    elif len(password) > PASSWORD_MAX_LENGTH:
        message = f"The password is too long: use at most {PASSWORD_MAX_LENGTH} characters."
    elif password.strip().lower() == username.lower():
        message = "The password must not be the username."
    else:
        return None
    return FieldError("password", "", message)


def parse_role(raw: str) -> Role | FieldError:
    try:
        return Role(raw.strip().lower())
    except ValueError:
        choices = ", ".join(role.value for role in Role)
        return FieldError("role", raw, f"Role {raw!r} is unknown: choose one of {choices}.")


def parse_permissions(raw: list[str]) -> frozenset[Permission] | FieldError:
    """Parse permission names (as in `Permission`), rejecting unknown ones by name."""
    known = {permission.value for permission in Permission}
    unknown = [name for name in raw if name not in known]
    if unknown:
        return FieldError(
            "permissions",
            ", ".join(unknown),
            f"Unknown permission {unknown[0]!r}: choose among {', '.join(sorted(known))}.",
        )
    return frozenset(Permission(name) for name in raw)
