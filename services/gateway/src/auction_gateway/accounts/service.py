"""Account logic of the gateway: logins, sessions, API tokens, self-service and administration.

Routes call this class; storage is an `AccountStore`, password hashing `Passwords`.
"""

from __future__ import annotations

import hmac
import secrets
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from auction_gateway.accounts.passwords import Passwords
from auction_gateway.accounts.records import (
    Account,
    ApiToken,
    AuditEntry,
    AuditQuery,
    LoginSession,
    Principal,
)
from auction_gateway.accounts.roles import (
    Role,
    check_password,
    check_username,
    normalise_username,
)
from auction_gateway.accounts.secrets import hash_secret, new_api_token, new_session_id
from auction_gateway.accounts.store import AccountStore
from auction_gateway.accounts.throttle import LoginThrottle, describe_wait
from auction_gateway.domain import FieldError, InvalidInput
from auction_gateway.permissions import Permission
from auction_shared.events.envelope import utc_now
from auction_shared.logging import get_logger

log = get_logger(__name__)

TOKEN_NAME_MAX_LENGTH = 100


class LoginRejected(Exception):
    """Unknown user, wrong password or inactive account (deliberately not distinguished)."""


class LoginThrottled(Exception):
    """Too many failed logins for the username or the client address."""

    def __init__(self, retry_after: float) -> None:
        self.retry_after = retry_after
        super().__init__(
            f"Too many failed logins for this username or from this address; try again in "
            f"{describe_wait(retry_after)}."
        )


class AccountExists(Exception):
    pass


class AccountNotFound(Exception):
    pass


class LastAdmin(Exception):
    """The change would leave no active admin, so no account could manage users any more."""


class AccountService:
    # Accepted HTTP Basic credentials are remembered this long, keyed by an HMAC of the username,
    # password and stored hash (never the password itself), so clients that send Basic on every
    # request do not pay Argon2 each time. A password change changes the hash and so the key.
    BASIC_CACHE_SECONDS = 300.0
    BASIC_CACHE_SIZE = 256

    def __init__(
        self,
        store: AccountStore,
        passwords: Passwords,
        throttle: LoginThrottle,
        *,
        session_max_age_seconds: int,
        clock: Callable[[], datetime] = utc_now,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.passwords = passwords
        self.throttle = throttle
        self.session_max_age = timedelta(seconds=session_max_age_seconds)
        self._clock = clock
        self._monotonic = monotonic
        self._basic_key = secrets.token_bytes(32)
        self._basic_accepted: dict[bytes, float] = {}

    # --- logging in -----------------------------------------------------------------------------

    async def check_password_login(
        self, raw_username: str, password: str, client: str | None
    ) -> Account:
        """Return the account when the credentials are right; raises LoginThrottled or
        LoginRejected. Failures count towards the username's and the client's lock-out."""
        username = normalise_username(raw_username)
        wait = self.throttle.retry_after(username, client)
        if wait > 0:
            raise LoginThrottled(wait)
        account = await self.store.get_account(username)
        usable = account if account is not None and account.active else None
        stored_hash = usable.password_hash if usable is not None else None
        if usable is None or not await self.passwords.verify(stored_hash, password):
            self.throttle.record_failure(username, client)
            raise LoginRejected()
        self.throttle.record_success(username)
        if self.passwords.needs_rehash(usable.password_hash):
            await self.store.update_account(
                username, now=self._clock(), password_hash=await self.passwords.hash(password)
            )
        return usable

    async def open_session(self, account: Account) -> str:
        """Start a login session; return its id, which goes into the signed cookie."""
        now = self._clock()
        await self.store.delete_expired_sessions(now)
        session_id = new_session_id()
        await self.store.add_session(
            LoginSession(
                session_hash=hash_secret(session_id),
                username=account.username,
                created_at=now,
                expires_at=now + self.session_max_age,
            )
        )
        return session_id

    async def close_session(self, session_id: str) -> None:
        await self.store.delete_session(hash_secret(session_id))

    async def session_principal(self, session_id: str) -> Principal | None:
        """Return the session's user, or None when the session ended or the account is inactive."""
        login = await self.store.get_session(hash_secret(session_id))
        if login is None or login.expires_at <= self._clock():
            return None
        account = await self._active_account(login.username)
        if account is None:
            return None
        return Principal(
            account.username, account.role, account.permissions, "session", session_id=session_id
        )

    async def basic_principal(
        self, raw_username: str, password: str, client: str | None
    ) -> Principal:
        """Check HTTP Basic credentials; raises LoginThrottled or LoginRejected."""
        username = normalise_username(raw_username)
        account = await self._active_account(username)
        if account is not None and self._basic_recently_accepted(account, password):
            return Principal(account.username, account.role, account.permissions, "basic")
        account = await self.check_password_login(username, password, client)
        self._remember_basic(account, password)
        return Principal(account.username, account.role, account.permissions, "basic")

    async def token_principal(self, token: str) -> Principal | None:
        """Return the token's owner with the token's scope, or None for an unknown, revoked or
        orphaned token. The token is looked up on every request, so a revocation applies at once."""
        record = await self.store.find_token(hash_secret(token))
        if record is None or record.revoked_at is not None:
            return None
        account = await self._active_account(record.username)
        if account is None:
            return None
        await self.store.touch_token(record.token_id, self._clock())
        # A role lowered after the token was made lowers the token too.
        scope = record.permissions & account.permissions
        return Principal(account.username, account.role, scope, "token", token_id=record.token_id)

    # --- self-service -----------------------------------------------------------------------------

    async def change_password(
        self, principal: Principal, current: str, new: str, confirm: str
    ) -> None:
        """Change the user's password and end their other sessions; raises InvalidInput."""
        account = await self._active_account(principal.username)
        if account is None or not await self.passwords.verify(account.password_hash, current):
            raise InvalidInput(
                [FieldError("current_password", "", "The current password is wrong.")]
            )
        problems = self._new_password_problems(principal.username, new, confirm)
        if problems:
            raise InvalidInput(problems)
        await self.store.update_account(
            principal.username, now=self._clock(), password_hash=await self.passwords.hash(new)
        )
        keep = hash_secret(principal.session_id) if principal.session_id else None
        ended = await self.store.delete_sessions(principal.username, keep=keep)
        log.info("password_changed", user=principal.username, other_sessions_ended=ended)

    async def create_token(
        self, principal: Principal, name: str, permissions: frozenset[Permission]
    ) -> tuple[str, ApiToken]:
        """Create an API token for the principal; return the token (shown once) and its record.

        The scope must be a subset of the principal's own permissions; raises InvalidInput.
        """
        name = name.strip()
        problems: list[FieldError] = []
        if not name or len(name) > TOKEN_NAME_MAX_LENGTH:
            problems.append(
                FieldError(
                    "name",
                    name,
                    f"Give the token a name of 1 to {TOKEN_NAME_MAX_LENGTH} characters, "
                    "e.g. the system that will use it.",
                )
            )
        beyond = sorted(permission.value for permission in permissions - principal.permissions)
        if beyond:
            problems.append(
                FieldError(
                    "permissions",
                    ", ".join(beyond),
                    f"You do not hold {', '.join(beyond)}, so a token of yours cannot either; "
                    "choose among your own permissions.",
                )
            )
        if problems:
            raise InvalidInput(problems)
        token_id, token = new_api_token()
        record = ApiToken(
            token_id=token_id,
            username=principal.username,
            name=name,
            token_hash=hash_secret(token),
            permissions=permissions,
            created_at=self._clock(),
        )
        await self.store.add_token(record)
        log.info(
            "api_token_created",
            user=principal.username,
            token_id=token_id,
            scope=sorted(permission.value for permission in permissions),
        )
        return token, record

    async def list_tokens(self, username: str) -> list[ApiToken]:
        return await self.store.list_tokens(username)

    async def revoke_token(self, username: str, token_id: str) -> bool:
        revoked = await self.store.revoke_token(username, token_id, self._clock())
        if revoked:
            log.info("api_token_revoked", user=username, token_id=token_id)
        return revoked

    # --- administration ---------------------------------------------------------------------------

    async def list_accounts(self) -> list[Account]:
        return await self.store.list_accounts()

    async def create_account(
        self, raw_username: str, password: str, confirm: str, role: Role
    ) -> Account:
        """Add an account; raises InvalidInput or AccountExists."""
        username = normalise_username(raw_username)
        problems = [problem for problem in [check_username(username)] if problem is not None]
        problems += self._new_password_problems(username, password, confirm)
        if problems:
            raise InvalidInput(problems)
        now = self._clock()
        account = Account(
            username=username,
            role=role,
            password_hash=await self.passwords.hash(password),
            active=True,
            created_at=now,
            updated_at=now,
        )
        if not await self.store.add_account(account):
            raise AccountExists(f"An account named {username!r} exists already; pick another name.")
        log.info("account_created", user=username, role=role.value)
        return account

    async def change_account(
        self, username: str, *, role: Role | None = None, active: bool | None = None
    ) -> Account:
        """Change an account's role or active flag; raises AccountNotFound or LastAdmin.

        Deactivating ends the account's sessions at once; its API tokens stop working too, since
        each request checks that the owner is active.
        """
        account = await self.store.get_account(username)
        if account is None:
            raise AccountNotFound(f"There is no account named {username!r}.")
        loses_admin = (
            account.role is Role.ADMIN
            and account.active
            and ((role is not None and role is not Role.ADMIN) or active is False)
        )
        if loses_admin and await self.store.count_admins() <= 1:
            raise LastAdmin(
                f"{username!r} is the last active admin; make another account admin first."
            )
        changed = await self.store.update_account(
            username, now=self._clock(), role=role, active=active
        )
        assert changed is not None
        if active is False:
            await self.store.delete_sessions(username)
        log.info("account_changed", user=username, role=changed.role.value, active=changed.active)
        return changed

    async def reset_password(self, username: str, password: str, confirm: str) -> None:
        """Set a new password chosen by an admin and end the account's sessions."""
        if await self.store.get_account(username) is None:
            raise AccountNotFound(f"There is no account named {username!r}.")
        problems = self._new_password_problems(username, password, confirm)
        if problems:
            raise InvalidInput(problems)
        await self.store.update_account(
            username, now=self._clock(), password_hash=await self.passwords.hash(password)
        )
        await self.store.delete_sessions(username)
        log.info("password_reset", user=username)

    async def ensure_account(self, raw_username: str, password: str, role: Role) -> bool:
        """Create the account unless one of that name exists (start-up bootstrap).

        Returns True when it was created. An existing account keeps its password and role.
        """
        username = normalise_username(raw_username)
        if await self.store.get_account(username) is not None:
            return False
        problem = check_username(username)
        if problem is not None:
            raise InvalidInput([problem])
        now = self._clock()
        account = Account(username, role, await self.passwords.hash(password), True, now, now)
        return await self.store.add_account(account)

    # --- audit ----------------------------------------------------------------------------------

    async def record(self, entry: AuditEntry) -> None:
        await self.store.add_audit(entry)

    async def search_audit(self, query: AuditQuery) -> list[AuditEntry]:
        return await self.store.search_audit(query)

    async def audit_actions(self) -> list[str]:
        return await self.store.audit_actions()

    # --- helpers ----------------------------------------------------------------------------------

    async def _active_account(self, username: str) -> Account | None:
        account = await self.store.get_account(username)
        return account if account is not None and account.active else None

    def _new_password_problems(
        self, username: str, password: str, confirm: str
    ) -> list[FieldError]:
        problem = check_password(password, username)
        if problem is not None:
            return [problem]
        if not hmac.compare_digest(password.encode(), confirm.encode()):
            return [FieldError("confirm_password", "", "The two new passwords differ.")]
        return []

    def _basic_cache_key(self, account: Account, password: str) -> bytes:
        material = f"{account.username}\0{password}\0{account.password_hash}".encode()
        return hmac.new(self._basic_key, material, "sha256").digest()

    def _basic_recently_accepted(self, account: Account, password: str) -> bool:
        expires = self._basic_accepted.get(self._basic_cache_key(account, password))
        return expires is not None and expires > self._monotonic()

    def _remember_basic(self, account: Account, password: str) -> None:
        if len(self._basic_accepted) >= self.BASIC_CACHE_SIZE:
            self._basic_accepted.clear()
        key = self._basic_cache_key(account, password)
        self._basic_accepted[key] = self._monotonic() + self.BASIC_CACHE_SECONDS
