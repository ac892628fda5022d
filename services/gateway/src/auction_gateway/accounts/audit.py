"""The audit trail of HTTP requests: every state-changing request is recorded after its response.

An entry names the user and how they authenticated, the route (`POST /api/v1/format`), the
parameters (path, query and JSON or urlencoded form fields, secrets redacted), the outcome and the
task id the response named. Routes can add to an entry through `request.state`:
`audit_parameters` (a dict, e.g. for multipart uploads whose fields are not parsed here) and
`audit_task_id`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol
from urllib.parse import parse_qsl

from fastapi.routing import iter_route_contexts
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from auction_gateway.accounts.records import AuditEntry, Principal
from auction_shared.events.envelope import utc_now
from auction_shared.logging import get_logger

log = get_logger(__name__)

AUDITED_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Routes that write their own entries: the login route records its attempts, without the usernames
# of rejected ones.
SELF_AUDITED_PATHS = frozenset({"/login"})
# Bodies above this size are not parsed for parameters (uploads, large imports).
MAX_CAPTURED_BYTES = 64 * 1024
MAX_VALUE_CHARS = 500
SECRET_MARKERS = ("password", "token", "secret", "csrf", "authorization", "cookie")
TASK_PAGE = re.compile(r"^/tasks/([^/?#]+)$")


def redact(parameters: dict[str, Any]) -> dict[str, Any]:
    """Replace values of secret-looking keys, shorten long strings, recurse into dicts and lists."""
    cleaned: dict[str, Any] = {}
    for key, value in parameters.items():
        if any(marker in key.lower() for marker in SECRET_MARKERS):
            cleaned[key] = "[redacted]"
        else:
            cleaned[key] = _clean_value(value)
    return cleaned


def _clean_value(value: Any) -> Any:
    if isinstance(value, dict):
        return redact({str(key): item for key, item in value.items()})
    if isinstance(value, list):
        return [_clean_value(item) for item in value[:100]]
    if isinstance(value, str) and len(value) > MAX_VALUE_CHARS:
        return value[:MAX_VALUE_CHARS] + "…"
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def body_parameters(content_type: str, body: bytes) -> dict[str, Any]:
    """Parse a JSON object or urlencoded form body; other bodies give a note of their type."""
    if not body:
        return {}
    if len(body) > MAX_CAPTURED_BYTES:
        return {"body": f"{len(body)} bytes, not recorded"}
    if content_type.startswith("application/json"):
        try:
            parsed = json.loads(body)
        except (json.JSONDecodeError, UnicodeDecodeError):
            return {"body": "invalid JSON"}
        return parsed if isinstance(parsed, dict) else {"body": parsed}
    if content_type.startswith("application/x-www-form-urlencoded"):
        return dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    return {"body": f"{content_type.split(';')[0] or 'unknown type'}, not recorded"}


def task_id_of(content_type: str, body: bytes, location: str | None) -> str | None:
    """Find the task a response started: `task_id` in a JSON body or a redirect to /tasks/{id}."""
    if location and (match := TASK_PAGE.match(location)):
        return match.group(1)
    if content_type.startswith("application/json") and body:
        try:
            parsed = json.loads(body)
        except (json.JSONDecodeError, UnicodeDecodeError):
            return None
        task_id = parsed.get("task_id") if isinstance(parsed, dict) else None
        return str(task_id) if task_id else None
    return None


def outcome_of(status_code: int) -> str:
    if status_code < 400:
        return "ok"
    return "rejected" if status_code < 500 else "failed"


class AuditSink(Protocol):
    """Where entries go: `AccountService` in the app, a list in tests."""

    async def record(self, entry: AuditEntry) -> None: ...


class AuditMiddleware:
    """Records every POST, PUT, PATCH and DELETE that reached the app (after authentication)."""

    def __init__(
        self,
        app: ASGIApp,
        accounts: AuditSink,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.app = app
        self.accounts = accounts
        self.clock = clock
        self._routes: list[tuple[re.Pattern[str], set[str], str]] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        audited = (
            scope["type"] == "http"
            and scope["method"] in AUDITED_METHODS
            and scope["path"] not in SELF_AUDITED_PATHS
        )
        if not audited:
            await self.app(scope, receive, send)
            return

        occurred_at = self.clock()
        request_body = bytearray()
        response_body = bytearray()
        response: dict[str, Any] = {"status": 500, "headers": Headers(raw=[])}

        async def capture_request() -> Message:
            message = await receive()
            if message["type"] == "http.request" and len(request_body) <= MAX_CAPTURED_BYTES:
                request_body.extend(message.get("body", b""))
            return message

        async def capture_response(message: Message) -> None:
            if message["type"] == "http.response.start":
                response["status"] = message["status"]
                response["headers"] = Headers(raw=message.get("headers", []))
            elif (
                message["type"] == "http.response.body" and len(response_body) <= MAX_CAPTURED_BYTES
            ):
                response_body.extend(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, capture_request, capture_response)
        finally:
            await self._record(scope, occurred_at, bytes(request_body), response, response_body)

    def _route_template(self, scope: Scope) -> str | None:
        """Return the matched route's full path template, e.g. `/api/v1/events/{event_id}`.

        `scope["route"]` is the route as its router declared it, without the prefixes of the
        routers that include it, so the template comes from the app's expanded route list.
        """
        if self._routes is None:
            app = scope.get("app")
            self._routes = [
                (regex, route.methods or set(), route.path_format or "")
                for route in iter_route_contexts(getattr(app, "routes", []))
                if (regex := getattr(route, "path_regex", None)) is not None
            ]
        for regex, methods, template in self._routes:
            if scope["method"] in methods and regex.match(scope["path"]):
                return template
        return None

    async def _record(
        self,
        scope: Scope,
        occurred_at: datetime,
        request_body: bytes,
        response: dict[str, Any],
        response_body: bytearray,
    ) -> None:
        principal = scope.get("user")
        request_headers = Headers(scope=scope)
        response_headers: Headers = response["headers"]
        template = self._route_template(scope) or scope["path"]
        state = scope.get("state") or {}

        parameters: dict[str, Any] = {}
        parameters.update(scope.get("path_params") or {})
        query = scope.get("query_string", b"").decode("latin-1")
        parameters.update(parse_qsl(query, keep_blank_values=True))
        parameters.update(body_parameters(request_headers.get("content-type", ""), request_body))
        extra = state.get("audit_parameters")
        if isinstance(extra, dict):
            parameters.update(extra)

        task_id = state.get("audit_task_id") or task_id_of(
            response_headers.get("content-type", ""),
            bytes(response_body),
            response_headers.get("location"),
        )
        client = scope.get("client")
        entry = AuditEntry(
            occurred_at=occurred_at,
            actor=principal.username if isinstance(principal, Principal) else "anonymous",
            actor_kind="user" if isinstance(principal, Principal) else "anonymous",
            via=principal.via if isinstance(principal, Principal) else "none",
            action=f"{scope['method']} {template}",
            parameters=redact(parameters),
            outcome=outcome_of(response["status"]),
            status_code=response["status"],
            task_id=str(task_id) if task_id else None,
            client=client[0] if client else None,
        )
        try:
            await self.accounts.record(entry)
        except Exception as error:
            log.error(
                "audit_write_failed",
                action=entry.action,
                actor=entry.actor,
                task_id=entry.task_id,
                error=f"{type(error).__name__}: {error}",
            )
