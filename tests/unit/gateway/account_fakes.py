"""In-memory account store, and helpers to log in as a given role in the unit tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from fastapi.testclient import TestClient

from auction_gateway.accounts.records import (
    Account,
    ApiToken,
    AuditEntry,
    AuditQuery,
    LoginSession,
)
from auction_gateway.accounts.roles import Role
from auction_gateway.accounts.store import TOKEN_TOUCH_SECONDS


class FakeAccountStore:
    def __init__(self) -> None:
        self.accounts: dict[str, Account] = {}
        self.sessions: dict[str, LoginSession] = {}
        self.tokens: dict[str, ApiToken] = {}
        self.audit: list[AuditEntry] = []

    async def get_account(self, username: str) -> Account | None:
        return self.accounts.get(username)

    async def list_accounts(self) -> list[Account]:
        return sorted(self.accounts.values(), key=lambda account: account.username)

    async def add_account(self, account: Account) -> bool:
        if account.username in self.accounts:
            return False
        self.accounts[account.username] = account
        return True

    async def update_account(
        self,
        username: str,
        *,
        now: datetime,
        role: Role | None = None,
        active: bool | None = None,
        password_hash: str | None = None,
    ) -> Account | None:
        account = self.accounts.get(username)
        if account is None:
            return None
        changed = replace(
            account,
            role=role if role is not None else account.role,
            active=active if active is not None else account.active,
            password_hash=password_hash if password_hash is not None else account.password_hash,
            updated_at=now,
        )
        self.accounts[username] = changed
        return changed

    async def count_admins(self) -> int:
        return sum(
            1 for account in self.accounts.values() if account.role is Role.ADMIN and account.active
        )

    async def add_session(self, session: LoginSession) -> None:
        self.sessions[session.session_hash] = session

    async def get_session(self, session_hash: str) -> LoginSession | None:
        return self.sessions.get(session_hash)

    async def delete_session(self, session_hash: str) -> None:
        self.sessions.pop(session_hash, None)

    async def delete_sessions(self, username: str, *, keep: str | None = None) -> int:
        doomed = [
            key
            for key, session in self.sessions.items()
            if session.username == username and key != keep
        ]
        for key in doomed:
            del self.sessions[key]
        return len(doomed)

    async def delete_expired_sessions(self, now: datetime) -> int:
        doomed = [key for key, session in self.sessions.items() if session.expires_at < now]
        for key in doomed:
            del self.sessions[key]
        return len(doomed)

    async def add_token(self, token: ApiToken) -> None:
        self.tokens[token.token_id] = token

    async def find_token(self, token_hash: str) -> ApiToken | None:
        return next((t for t in self.tokens.values() if t.token_hash == token_hash), None)

    async def list_tokens(self, username: str) -> list[ApiToken]:
        own = [token for token in self.tokens.values() if token.username == username]
        return sorted(own, key=lambda token: token.created_at, reverse=True)

    async def revoke_token(self, username: str, token_id: str, now: datetime) -> bool:
        token = self.tokens.get(token_id)
        if token is None or token.username != username or token.revoked_at is not None:
            return False
        self.tokens[token_id] = replace(token, revoked_at=now)
        return True

    async def touch_token(self, token_id: str, now: datetime) -> None:
        token = self.tokens[token_id]
        stale = now - timedelta(seconds=TOKEN_TOUCH_SECONDS)
        if token.last_used_at is None or token.last_used_at < stale:
            self.tokens[token_id] = replace(token, last_used_at=now)

    async def add_audit(self, entry: AuditEntry) -> None:
        self.audit.append(replace(entry, id=len(self.audit) + 1))

    async def search_audit(self, query: AuditQuery) -> list[AuditEntry]:
        found = [
            entry
            for entry in reversed(self.audit)
            if (query.actor is None or entry.actor == query.actor)
            and (query.action is None or entry.action == query.action)
            and (query.since is None or entry.occurred_at >= query.since)
            and (query.until is None or entry.occurred_at < query.until)
        ]
        return found[: query.limit]

    async def audit_actions(self) -> list[str]:
        return sorted({entry.action for entry in self.audit})


def browser_login(client: TestClient, username: str, password: str) -> str:
    """Log the client in through the login form; return the session's CSRF token.

    The token is also set as the client's default X-CSRF-Token header, so later form posts pass
    the CSRF check the way a page's script would.
    """
    response = client.post(
        "/login", data={"username": username, "password": password}, follow_redirects=False
    )
    assert response.status_code == 303, response.text
    page = client.get("/account")
    marker = 'name="csrf-token" content="'
    start = page.text.index(marker) + len(marker)
    token = page.text[start : page.text.index('"', start)]
    client.headers["X-CSRF-Token"] = token
    return str(token)
