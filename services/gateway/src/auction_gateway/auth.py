"""Authentication of every request: a session cookie (browsers), `Authorization: Bearer` API tokens
(systems, `auctionctl`) or HTTP Basic (scripts), and the CSRF check of browser requests.

Every path needs a login except the login page, the health and metrics endpoints and static files.
Pages redirect to the login page, and API paths return 401 with a JSON body.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import math
from urllib.parse import quote

from fastapi import HTTPException, Request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.authentication import AuthCredentials
from starlette.datastructures import Headers
from starlette.requests import HTTPConnection
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from auction_gateway.accounts.records import Principal
from auction_gateway.accounts.secrets import bearer_token
from auction_gateway.accounts.service import AccountService, LoginRejected, LoginThrottled
from auction_shared.logging import get_logger

log = get_logger(__name__)

SESSION_COOKIE = "auction_session"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
PUBLIC_PATHS = frozenset({"/login", "/healthz", "/readyz", "/metrics", "/favicon.ico"})
PUBLIC_PREFIXES = ("/static/",)
API_PREFIXES = ("/api/", "/openapi.json")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class SessionCookies:
    """Signs and reads the session cookie, which carries a login session's id.

    The cookie is signed and timed by itsdangerous. The session itself is stored in the database,
    so logging out or deactivating an account ends it on the server too.
    """

    def __init__(self, secret: str, max_age_seconds: int, *, secure: bool) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt="auction-gateway-session")
        self._csrf_key = hmac.new(secret.encode(), b"auction-gateway-csrf", "sha256").digest()
        self.max_age_seconds = max_age_seconds
        self.secure = secure

    def issue(self, session_id: str) -> str:
        return self._serializer.dumps({"sid": session_id})

    def read(self, cookie: str | None) -> str | None:
        """Return the session id of a valid, unexpired cookie, else None."""
        if not cookie:
            return None
        try:
            data = self._serializer.loads(cookie, max_age=self.max_age_seconds)
        except BadSignature:
            return None
        session_id = data.get("sid") if isinstance(data, dict) else None
        return session_id if isinstance(session_id, str) and session_id else None

    def csrf_token(self, session_id: str) -> str:
        """Return the CSRF token of a session: an HMAC of its id, so it needs no storage."""
        digest = hmac.new(self._csrf_key, session_id.encode(), "sha256").digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def set_on(self, response: Response, session_id: str, *, secure: bool = False) -> None:
        """Set the cookie; `secure` adds the Secure flag for HTTPS requests in development too."""
        response.set_cookie(
            SESSION_COOKIE,
            self.issue(session_id),
            max_age=self.max_age_seconds,
            httponly=True,
            samesite="lax",
            secure=self.secure or secure,
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


def client_address(connection: HTTPConnection) -> str | None:
    # NOTE: behind a proxy this is the proxy's address unless uvicorn trusts its forwarded
    # headers (--forwarded-allow-ips), so per-address login throttling then counts everyone together.
    return connection.client.host if connection.client else None


class AuthMiddleware:
    """Sets `request.user` to a `Principal` and guards private paths."""

    def __init__(self, app: ASGIApp, accounts: AccountService, cookies: SessionCookies) -> None:
        self.app = app
        self.accounts = accounts
        self.cookies = cookies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        connection = HTTPConnection(scope)
        path = connection.url.path
        try:
            principal = await self._authenticate(connection)
        except LoginThrottled as error:
            await _throttled(error)(scope, receive, send)
            return
        if principal is not None:
            scope["user"] = principal
            scope["auth"] = AuthCredentials(["authenticated"])
        if principal is None and not is_public(path):
            await self._deny(connection, path)(scope, receive, send)
            return
        await self.app(scope, receive, send)

    async def _authenticate(self, connection: HTTPConnection) -> Principal | None:
        session_id = self.cookies.read(connection.cookies.get(SESSION_COOKIE))
        if session_id is not None:
            principal = await self.accounts.session_principal(session_id)
            if principal is not None:
                return principal
        header = Headers(scope=connection.scope).get("authorization")
        token = bearer_token(header)
        if token is not None:
            principal = await self.accounts.token_principal(token)
            if principal is None:
                log.warning("api_token_rejected", path=connection.url.path)
            return principal
        credentials = basic_credentials(header)
        if credentials is None:
            return None
        try:
            return await self.accounts.basic_principal(*credentials, client_address(connection))
        except LoginRejected:
            # The username is not logged: people sometimes type their password into that field.
            log.warning("basic_auth_rejected", path=connection.url.path)
            return None

    def _deny(self, connection: HTTPConnection, path: str) -> Response:
        if path.startswith(API_PREFIXES):
            return JSONResponse(
                {
                    "detail": "Not logged in: send an API token as 'Authorization: Bearer <token>' "
                    "(create one on the Account page), HTTP Basic credentials, or the session "
                    "cookie from /login."
                },
                status_code=401,
                # Only Bearer is advertised: a Basic challenge would make a browser prompt for
                # credentials and then send them on cross-site form posts, which skip the CSRF
                # check. Clients such as auctionctl send Basic without waiting for a challenge.
                headers={"WWW-Authenticate": 'Bearer realm="auction-gateway"'},
            )
        target = path
        if connection.url.query:
            target += "?" + connection.url.query
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)


def _throttled(error: LoginThrottled) -> Response:
    return JSONResponse(
        {"detail": str(error)},
        status_code=429,
        headers={"Retry-After": str(math.ceil(error.retry_after))},
    )


def request_principal(request: Request) -> Principal | None:
    user = request.scope.get("user")
    return user if isinstance(user, Principal) else None


def csrf_token_of(request: Request) -> str | None:
    """Return the CSRF token of the request's session (None without a session)."""
    principal = request_principal(request)
    if principal is None or principal.session_id is None:
        return None
    cookies: SessionCookies = request.app.state.gateway.cookies
    return cookies.csrf_token(principal.session_id)


async def verify_csrf(request: Request) -> None:
    """Reject a state-changing browser request that lacks its session's CSRF token.

    The token comes in the `X-CSRF-Token` header (scripts, htmx) or the `csrf_token` form field.
    Requests authenticated by an API token or HTTP Basic carry no cookie a foreign site could
    borrow, so they are exempt. The gateway never sends a Basic challenge, so browsers do not
    cache Basic credentials for it. Attached to the API and page routers.
    """
    if request.method in SAFE_METHODS:
        return
    expected = csrf_token_of(request)
    if expected is None:
        return
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(FORM_TYPES):
        value = (await request.form()).get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if sent is None or not hmac.compare_digest(sent.encode(), expected.encode()):
        log.warning("csrf_rejected", path=request.url.path, token_sent=sent is not None)
        raise HTTPException(
            status_code=403,
            detail="The request lacks a valid CSRF token: reload the page and submit the form "
            "again (scripts send the page's token in the X-CSRF-Token header).",
        )
