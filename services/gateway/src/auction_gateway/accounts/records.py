"""Records of accounts, login sessions, API tokens and audit entries, and the logged-in principal."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from starlette.authentication import BaseUser

from auction_gateway.accounts.roles import ROLE_PERMISSIONS, Role
from auction_gateway.permissions import Permission

AuthMethod = Literal["session", "token", "basic"]


@dataclass(frozen=True)
class Account:
    username: str
    role: Role
    password_hash: str
    active: bool
    created_at: datetime
    updated_at: datetime

    @property
    def permissions(self) -> frozenset[Permission]:
        return ROLE_PERMISSIONS[self.role]


@dataclass(frozen=True)
class LoginSession:
    session_hash: str
    username: str
    created_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class ApiToken:
    token_id: str
    username: str
    name: str
    token_hash: str
    permissions: frozenset[Permission]
    created_at: datetime
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None


@dataclass(frozen=True)
class AuditEntry:
    """One recorded request: who (or which system) asked for what, when, and how it ended."""

    occurred_at: datetime
    actor: str
    actor_kind: Literal["user", "system", "anonymous"]
    via: Literal["session", "token", "basic", "kafka", "none"]
    action: str
    parameters: dict[str, Any] = field(default_factory=dict)
    # ok, rejected, failed (HTTP) or recorded (a request seen on Kafka)
    outcome: str = "ok"
    status_code: int | None = None
    task_id: str | None = None
    client: str | None = None
    id: int | None = None


@dataclass(frozen=True)
class AuditQuery:
    actor: str | None = None
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 500


class Principal(BaseUser):
    """The logged-in user of a request (as `request.user`) and how they authenticated.

    `permissions` is the role's set, narrowed to the token's scope for token requests.
    """

    def __init__(
        self,
        username: str,
        role: Role,
        permissions: frozenset[Permission],
        via: AuthMethod,
        *,
        session_id: str | None = None,
        token_id: str | None = None,
    ) -> None:
        self.username = username
        self.role = role
        self.permissions = permissions
        self.via: AuthMethod = via
        self.session_id = session_id
        self.token_id = token_id

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def display_name(self) -> str:
        return self.username

    @property
    def identity(self) -> str:
        return self.username
