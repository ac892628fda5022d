"""Demo login until real accounts land: one user from settings, a signed session cookie, and HTTP
Basic with the same credentials for API clients such as `auctionctl`.

Every path needs a login except the login page, the health and metrics endpoints and static files.
Pages redirect to the login page, and API paths return 401 with a JSON body.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hmac
import secrets
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.authentication import AuthCredentials, SimpleUser
from starlette.datastructures import Headers
from starlette.requests import HTTPConnection
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from auction_shared.logging import get_logger

log = get_logger(__name__)

SESSION_COOKIE = "auction_session"
PUBLIC_PATHS = frozenset({"/login", "/healthz", "/readyz", "/metrics", "/favicon.ico"})
PUBLIC_PREFIXES = ("/static/",)
API_PREFIXES = ("/api/", "/openapi.json")


class DemoLogin:
    """Checks the demo user's credentials against an Argon2 hash kept in memory.

    Argon2 costs tens of milliseconds of CPU by design, so `check` runs it in a worker thread and
    remembers accepted credentials for a few minutes, keyed by an HMAC of them (never the password
    itself). API clients that send HTTP Basic on every request then do not stall the event loop.
    """

    CACHE_SECONDS = 300.0
    CACHE_SIZE = 64
    # Own threads, so a burst of failed logins cannot queue up the loop's default executor, which
    # object-storage calls also use.
    THREADS = 2

    def __init__(
        self,
        user: str,
        password: str,
        hasher: PasswordHasher | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._user = user
        self._hasher = hasher or PasswordHasher()
        self._hash = self._hasher.hash(password)
        self._clock = clock
        self._cache_key = secrets.token_bytes(32)
        self._accepted: dict[bytes, float] = {}
        self._executor = ThreadPoolExecutor(self.THREADS, thread_name_prefix="argon2")

    def verify(self, user: str, password: str) -> bool:
        """Run the full check (both parts always, so a wrong user takes as long as a wrong password)."""
        user_matches = hmac.compare_digest(user.encode(), self._user.encode())
        password_matches = self._password_matches(password)
        return user_matches and password_matches

    async def check(self, user: str, password: str) -> bool:
        """Verify in a worker thread unless the same credentials were accepted recently."""
        digest = hmac.new(self._cache_key, f"{user}\0{password}".encode(), "sha256").digest()
        now = self._clock()
        expires = self._accepted.get(digest)
        if expires is not None and expires > now:
            return True
        loop = asyncio.get_running_loop()
        accepted = await loop.run_in_executor(self._executor, self.verify, user, password)
        if accepted:
            if len(self._accepted) >= self.CACHE_SIZE:
                self._accepted.clear()
            self._accepted[digest] = now + self.CACHE_SECONDS
        return accepted

    def _password_matches(self, password: str) -> bool:
        try:
            return bool(self._hasher.verify(self._hash, password))
        except VerificationError:
            return False


class SessionCookies:
    """Signs and reads the session cookie (itsdangerous, with an expiry)."""

    def __init__(self, secret: str, max_age_seconds: int, *, secure: bool) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt="auction-gateway-session")
        self.max_age_seconds = max_age_seconds
        self.secure = secure

    def issue(self, user: str) -> str:
        return self._serializer.dumps({"user": user})

    def read(self, cookie: str | None) -> str | None:
        """Return the user of a valid, unexpired cookie, else None."""
        if not cookie:
            return None
        try:
            data = self._serializer.loads(cookie, max_age=self.max_age_seconds)
        except BadSignature:
            return None
        user = data.get("user") if isinstance(data, dict) else None
        return user if isinstance(user, str) and user else None

    def set_on(self, response: Response, user: str) -> None:
        response.set_cookie(
            SESSION_COOKIE,
            self.issue(user),
            max_age=self.max_age_seconds,
            httponly=True,
            samesite="lax",
            secure=self.secure,
            path="/",
        )

    def clear_on(self, response: Response) -> None:
        response.delete_cookie(
            SESSION_COOKIE, httponly=True, samesite="lax", secure=self.secure, path="/"
        )


def basic_credentials(header: str | None) -> tuple[str, str] | None:
    """Parse an `Authorization: Basic …` header into user and password."""
    if not header:
        return None
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded:
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    user, separator, password = decoded.partition(":")
    return (user, password) if separator else None


def safe_next_path(raw: str | None) -> str:
    """Return a local path to go to after login; anything else (other hosts included) gives /."""
    if not raw or not raw.startswith("/") or raw.startswith("//") or "\\" in raw:
        return "/"
    return raw


def is_public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


class AuthMiddleware:
    """Sets `request.user` from the session cookie or Basic credentials and guards private paths."""

    def __init__(self, app: ASGIApp, login: DemoLogin, cookies: SessionCookies) -> None:
        self.app = app
        self.login = login
        self.cookies = cookies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        connection = HTTPConnection(scope)
        user = await self._authenticate(connection)
        if user is not None:
            scope["user"] = SimpleUser(user)
            scope["auth"] = AuthCredentials(["authenticated"])
        path = connection.url.path
        if user is None and not is_public(path):
            await self._deny(connection, path)(scope, receive, send)
            return
        await self.app(scope, receive, send)

    async def _authenticate(self, connection: HTTPConnection) -> str | None:
        user = self.cookies.read(connection.cookies.get(SESSION_COOKIE))
        if user is not None:
            return user
        credentials = basic_credentials(Headers(scope=connection.scope).get("authorization"))
        if credentials is None:
            return None
        if await self.login.check(*credentials):
            return credentials[0]
        log.warning("basic_auth_rejected", path=connection.url.path)
        return None

    def _deny(self, connection: HTTPConnection, path: str) -> Response:
        if path.startswith(API_PREFIXES):
            return JSONResponse(
                {
                    "detail": "Not logged in: send the session cookie from /login or HTTP Basic "
                    "credentials of the demo user."
                },
                status_code=401,
                headers={"WWW-Authenticate": 'Basic realm="auction-gateway"'},
            )
        target = path
        if connection.url.query:
            target += "?" + connection.url.query
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
