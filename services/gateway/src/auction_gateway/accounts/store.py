"""Storage of accounts, login sessions, API tokens and the audit log, with PostgreSQL versions.

Each method of `SqlAccountStore` runs in a transaction of its own. `insert_audit` also works inside
another transaction (the Kafka handlers' one).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction_gateway import tables
from auction_gateway.accounts.records import (
    Account,
    ApiToken,
    AuditEntry,
    AuditQuery,
    LoginSession,
)
from auction_gateway.accounts.roles import Role
from auction_gateway.permissions import Permission

# last_used_at is written at most this often per token, so busy clients do not write on every call.
TOKEN_TOUCH_SECONDS = 60


class AccountStore(Protocol):
    async def get_account(self, username: str) -> Account | None: ...

    async def list_accounts(self) -> list[Account]: ...

    async def add_account(self, account: Account) -> bool:
        """Insert a new account; return False when the username is taken."""
        ...

    async def update_account(
        self,
        username: str,
        *,
        now: datetime,
        role: Role | None = None,
        active: bool | None = None,
        password_hash: str | None = None,
    ) -> Account | None:
        """Change the given fields; return the account, or None when it does not exist."""
        ...

    async def count_admins(self) -> int:
        """Count active accounts with the admin role."""
        ...

    async def add_session(self, session: LoginSession) -> None: ...

    async def get_session(self, session_hash: str) -> LoginSession | None: ...

    async def delete_session(self, session_hash: str) -> None: ...

    async def delete_sessions(self, username: str, *, keep: str | None = None) -> int:
        """Delete the user's sessions except `keep` (a session hash); return how many."""
        ...

    async def delete_expired_sessions(self, now: datetime) -> int: ...

    async def add_token(self, token: ApiToken) -> None: ...

    async def find_token(self, token_hash: str) -> ApiToken | None: ...

    async def list_tokens(self, username: str) -> list[ApiToken]:
        """Return the user's tokens, newest first, revoked ones included."""
        ...

    async def revoke_token(self, username: str, token_id: str, now: datetime) -> bool:
        """Revoke the user's token; return False when it is unknown or already revoked."""
        ...

    async def touch_token(self, token_id: str, now: datetime) -> None:
        """Set last_used_at, unless it was set less than TOKEN_TOUCH_SECONDS ago."""
        ...

    async def add_audit(self, entry: AuditEntry) -> None: ...

    async def search_audit(self, query: AuditQuery) -> list[AuditEntry]:
        """Return matching entries, newest first, at most `query.limit`."""
        ...

    async def audit_actions(self) -> list[str]:
        """Return the distinct actions recorded, sorted."""
        ...


class SqlAccountStore:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def get_account(self, username: str) -> Account | None:
        table = tables.accounts
        async with self._sessions() as session:
            row = (
                (await session.execute(select(table).where(table.c.username == username)))
                .mappings()
                .first()
            )
        return _account_of(row) if row is not None else None

    async def list_accounts(self) -> list[Account]:
        table = tables.accounts
        async with self._sessions() as session:
            rows = (await session.execute(select(table).order_by(table.c.username))).mappings()
            return [_account_of(row) for row in rows.all()]

    async def add_account(self, account: Account) -> bool:
        async with self._sessions() as session, session.begin():
            inserted = await session.execute(
                insert(tables.accounts)
                .values(
                    username=account.username,
                    role=account.role.value,
                    password_hash=account.password_hash,
                    active=account.active,
                    created_at=account.created_at,
                    updated_at=account.updated_at,
                )
                .on_conflict_do_nothing(index_elements=["username"])
                .returning(tables.accounts.c.username)
            )
            return inserted.first() is not None

    async def update_account(
        self,
        username: str,
        *,
        now: datetime,
        role: Role | None = None,
        active: bool | None = None,
        password_hash: str | None = None,
    ) -> Account | None:
        table = tables.accounts
        values: dict[str, Any] = {"updated_at": now}
        if role is not None:
            values["role"] = role.value
        if active is not None:
            values["active"] = active
        if password_hash is not None:
            values["password_hash"] = password_hash
        async with self._sessions() as session, session.begin():
            row = (
                (
                    await session.execute(
                        update(table)
                        .where(table.c.username == username)
                        .values(**values)
                        .returning(*table.c)
                    )
                )
                .mappings()
                .first()
            )
        return _account_of(row) if row is not None else None

    async def count_admins(self) -> int:
        table = tables.accounts
        async with self._sessions() as session:
            count = await session.scalar(
                select(func.count())
                .select_from(table)
                .where(table.c.role == Role.ADMIN.value, table.c.active.is_(True))
            )
        return int(count or 0)

    async def add_session(self, login: LoginSession) -> None:
        async with self._sessions() as session, session.begin():
            await session.execute(
                insert(tables.login_sessions).values(
                    session_hash=login.session_hash,
                    username=login.username,
                    created_at=login.created_at,
                    expires_at=login.expires_at,
                )
            )

    async def get_session(self, session_hash: str) -> LoginSession | None:
        table = tables.login_sessions
        async with self._sessions() as session:
            row = (
                (await session.execute(select(table).where(table.c.session_hash == session_hash)))
                .mappings()
                .first()
            )
        if row is None:
            return None
        return LoginSession(
            session_hash=row["session_hash"],
            username=row["username"],
            created_at=row["created_at"],
            expires_at=row["expires_at"],
        )

    async def delete_session(self, session_hash: str) -> None:
        table = tables.login_sessions
        async with self._sessions() as session, session.begin():
            await session.execute(delete(table).where(table.c.session_hash == session_hash))

    async def delete_sessions(self, username: str, *, keep: str | None = None) -> int:
        table = tables.login_sessions
        statement = delete(table).where(table.c.username == username)
        if keep is not None:
            statement = statement.where(table.c.session_hash != keep)
        async with self._sessions() as session, session.begin():
            result = await session.execute(statement.returning(table.c.session_hash))
            return len(result.all())

    async def delete_expired_sessions(self, now: datetime) -> int:
        table = tables.login_sessions
        async with self._sessions() as session, session.begin():
            result = await session.execute(
                delete(table).where(table.c.expires_at < now).returning(table.c.session_hash)
            )
            return len(result.all())

    async def add_token(self, token: ApiToken) -> None:
        async with self._sessions() as session, session.begin():
            await session.execute(
                insert(tables.api_tokens).values(
                    token_id=token.token_id,
                    username=token.username,
                    name=token.name,
                    token_hash=token.token_hash,
                    permissions=sorted(permission.value for permission in token.permissions),
                    created_at=token.created_at,
                    last_used_at=token.last_used_at,
                    revoked_at=token.revoked_at,
                )
            )

    async def find_token(self, token_hash: str) -> ApiToken | None:
        table = tables.api_tokens
        async with self._sessions() as session:
            row = (
                (await session.execute(select(table).where(table.c.token_hash == token_hash)))
                .mappings()
                .first()
            )
        return _token_of(row) if row is not None else None

    async def list_tokens(self, username: str) -> list[ApiToken]:
        table = tables.api_tokens
        async with self._sessions() as session:
            rows = await session.execute(
                select(table)
                .where(table.c.username == username)
                .order_by(table.c.created_at.desc(), table.c.token_id)
            )
            return [_token_of(row) for row in rows.mappings().all()]

    async def revoke_token(self, username: str, token_id: str, now: datetime) -> bool:
        table = tables.api_tokens
        async with self._sessions() as session, session.begin():
            result = await session.execute(
                update(table)
                .where(
                    table.c.token_id == token_id,
                    table.c.username == username,
                    table.c.revoked_at.is_(None),
                )
                .values(revoked_at=now)
                .returning(table.c.token_id)
            )
            return result.first() is not None

    async def touch_token(self, token_id: str, now: datetime) -> None:
        table = tables.api_tokens
        stale = now - timedelta(seconds=TOKEN_TOUCH_SECONDS)
        async with self._sessions() as session, session.begin():
            await session.execute(
                update(table)
                .where(
                    table.c.token_id == token_id,
                    (table.c.last_used_at.is_(None)) | (table.c.last_used_at < stale),
                )
                .values(last_used_at=now)
            )

    async def add_audit(self, entry: AuditEntry) -> None:
        async with self._sessions() as session, session.begin():
            await insert_audit(session, entry)

    async def search_audit(self, query: AuditQuery) -> list[AuditEntry]:
        table = tables.audit_log
        statement = select(table).order_by(table.c.occurred_at.desc(), table.c.id.desc())
        if query.actor:
            statement = statement.where(table.c.actor == query.actor)
        if query.action:
            statement = statement.where(table.c.action == query.action)
        if query.since is not None:
            statement = statement.where(table.c.occurred_at >= query.since)
        if query.until is not None:
            statement = statement.where(table.c.occurred_at < query.until)
        async with self._sessions() as session:
            rows = await session.execute(statement.limit(query.limit))
            return [_audit_of(row) for row in rows.mappings().all()]

    async def audit_actions(self) -> list[str]:
        table = tables.audit_log
        async with self._sessions() as session:
            rows = await session.execute(select(table.c.action).distinct().order_by(table.c.action))
            return [str(action) for action in rows.scalars().all()]


async def insert_audit(session: AsyncSession, entry: AuditEntry) -> None:
    await session.execute(
        insert(tables.audit_log).values(
            occurred_at=entry.occurred_at,
            actor=entry.actor[:100],
            actor_kind=entry.actor_kind,
            via=entry.via,
            action=entry.action[:200],
            parameters=entry.parameters,
            outcome=entry.outcome,
            status_code=entry.status_code,
            task_id=entry.task_id,
            client=entry.client,
        )
    )


def _account_of(row: Any) -> Account:
    return Account(
        username=row["username"],
        role=Role(row["role"]),
        password_hash=row["password_hash"],
        active=row["active"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def _token_of(row: Any) -> ApiToken:
    return ApiToken(
        token_id=row["token_id"],
        username=row["username"],
        name=row["name"],
        token_hash=row["token_hash"],
        permissions=frozenset(
            Permission(name) for name in row["permissions"] if name in Permission._value2member_map_
        ),
        created_at=row["created_at"],
        last_used_at=row["last_used_at"],
        revoked_at=row["revoked_at"],
    )


def _audit_of(row: Any) -> AuditEntry:
    return AuditEntry(
        id=row["id"],
        occurred_at=row["occurred_at"],
        actor=row["actor"],
        actor_kind=row["actor_kind"],
        via=row["via"],
        action=row["action"],
        parameters=row["parameters"],
        outcome=row["outcome"],
        status_code=row["status_code"],
        task_id=row["task_id"],
        client=row["client"],
    )
