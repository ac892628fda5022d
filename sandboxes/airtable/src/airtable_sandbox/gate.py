"""The ASGI layer in front of the API: request log, fault injection, authentication, rate limit.

It wraps the FastAPI app directly, so that it receives uvicorn's own `send` and can drop a
connection without any response.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import structlog
from starlette.types import ASGIApp, Receive, Scope, Send

from airtable_sandbox import errors
from airtable_sandbox.faults import FaultRule
from airtable_sandbox.runtime import Sandbox

log = structlog.get_logger(__name__)

API_PREFIX = "/v0/"
META_BASES_PREFIX = "/v0/meta/bases/"


def base_id_of(path: str) -> str | None:
    """Return the base id of an API path, or None for paths that name no base."""
    if path.startswith(META_BASES_PREFIX):
        rest = path[len(META_BASES_PREFIX) :]
    elif path.startswith(API_PREFIX) and not path.startswith("/v0/meta/"):
        rest = path[len(API_PREFIX) :]
    else:
        return None
    base_id = rest.split("/", 1)[0]
    return base_id or None


class ConnectionDropped(ConnectionError):
    """Raised where the server's transport is not reachable, e.g. under httpx's ASGITransport."""


class Gate:
    def __init__(self, app: ASGIApp, sandbox: Sandbox) -> None:
        self.app = app
        self.sandbox = sandbox

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not str(scope["path"]).startswith(API_PREFIX):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        method, path = str(scope["method"]), str(scope["path"])
        base_id = base_id_of(path)
        status_holder = {"status": 0}
        fault_name: str | None = None

        async def send_and_capture(message: Any) -> None:
            if message["type"] == "http.response.start":
                status_holder["status"] = int(message["status"])
            await send(message)

        try:
            decision = self.sandbox.faults.decide(method, path, base_id)
            if decision.delay_seconds:
                fault_name = "delay"
                await asyncio.sleep(decision.delay_seconds)
            if decision.terminal is not None:
                fault_name = decision.terminal.kind
                await self._inject(decision.terminal, send, send_and_capture, base_id, path)
                return
            rejection = self._check_access(scope, base_id)
            if rejection is not None:
                if rejection.status != 429:  # a locked base is logged once, when the lock starts
                    log.info(
                        "request_rejected",
                        status=rejection.status,
                        error_type=rejection.error_type,
                        method=method,
                        path=path,
                    )
                await send_error(send_and_capture, rejection)
                return
            await self.app(scope, receive, send_and_capture)
        finally:
            self.sandbox.requests.record(
                method=method,
                path=path,
                query=bytes(scope.get("query_string", b"")).decode("latin-1"),
                base_id=base_id,
                status=status_holder["status"],
                duration_ms=(time.perf_counter() - started) * 1000,
                fault=fault_name,
            )

    async def _inject(
        self, rule: FaultRule, send: Send, send_and_capture: Send, base_id: str | None, path: str
    ) -> None:
        """Apply a fault rule: drop the connection, or send a 429 or 5xx error."""
        log.debug("fault_injected", kind=rule.kind, rule=rule.id, base=base_id, path=path)
        if rule.kind == "drop":
            await self._drop(send)
        elif rule.kind == "rate_limit":
            await send_error(send_and_capture, errors.RateLimitError())
        else:
            await send_error(send_and_capture, errors.server_error(rule.status))

    def _check_access(self, scope: Scope, base_id: str | None) -> errors.AirtableError | None:
        grant = None
        token = bearer_token(scope)
        for candidate in self.sandbox.config.tokens:
            if token is not None and candidate.token == token:
                grant = candidate
        if grant is None:
            return errors.authentication_required()
        if base_id is None:
            return None
        if base_id not in self.sandbox.store.bases or (
            grant.bases is not None and base_id not in grant.bases
        ):
            return errors.model_not_found()
        if not self.sandbox.rate_limiter.allow(base_id):
            log.info(
                "rate_limited",
                base=base_id,
                locked=self.sandbox.rate_limiter.locked_bases().get(base_id),
            )
            return errors.RateLimitError()
        return None

    @staticmethod
    async def _drop(send: Send) -> None:
        # NOTE: this reaches into uvicorn's h11 protocol (uvicorn 0.55). Its `send` is a bound
        # method of the request cycle, which keeps a reference to the transport. Aborting the
        # transport closes the socket without a response, and uvicorn then marks the cycle as
        # disconnected.
        transport = getattr(getattr(send, "__self__", None), "transport", None)
        if transport is None:
            raise ConnectionDropped("fault plan dropped the connection")
        transport.abort()
        for _ in range(3):
            await asyncio.sleep(0)


def bearer_token(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            text = bytes(value).decode("latin-1")
            if text.lower().startswith("bearer "):
                return text[7:].strip()
    return None


async def send_error(send: Send, error: errors.AirtableError) -> None:
    body = json.dumps(error.body(), separators=(",", ":")).encode()
    await send(
        {
            "type": "http.response.start",
            "status": error.status,
            "headers": [
                (b"content-type", b"application/json; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
