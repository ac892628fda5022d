"""HTTP client of the gateway's API for the CLI: errors become exit codes, SSE becomes dicts."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx

# Exit codes of every command.
EXIT_OK = 0
EXIT_TASK_FAILED = 1
EXIT_REJECTED = 2
EXIT_UNAVAILABLE = 3

# A stream stays open between status events; the gateway sends a keep-alive comment every 15 s.
STREAM_READ_TIMEOUT_SECONDS = 60.0
REQUEST_TIMEOUT_SECONDS = 30.0


class GatewayError(Exception):
    """A failed request; `exit_code` tells rejected input from an unavailable gateway."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


@dataclass(frozen=True)
class Connection:
    """The gateway's base URL and the credentials to log in with (a token wins over the password)."""

    base_url: str
    user: str
    password: str
    token: str | None = None


def make_http_client(connection: Connection) -> httpx.Client:
    """Build the HTTP client; tests replace this function to talk to an in-process app."""
    headers = {"Authorization": f"Bearer {connection.token}"} if connection.token else {}
    return httpx.Client(
        base_url=connection.base_url.rstrip("/"),
        headers=headers,
        auth=None if connection.token else httpx.BasicAuth(connection.user, connection.password),
        timeout=httpx.Timeout(REQUEST_TIMEOUT_SECONDS, read=STREAM_READ_TIMEOUT_SECONDS),
    )


class GatewayClient:
    def __init__(self, http: httpx.Client, base_url: str) -> None:
        self._http = http
        self._base_url = base_url

    def get(self, path: str, **params: Any) -> Any:
        query = {name: value for name, value in params.items() if value is not None}
        return self._send("GET", path, params=query)

    def post(self, path: str, body: dict[str, Any]) -> Any:
        return self._send("POST", path, json=body)

    def patch(self, path: str, body: dict[str, Any]) -> Any:
        return self._send("PATCH", path, json=body)

    def post_form(
        self, path: str, fields: dict[str, str], files: dict[str, tuple[str, bytes, str]]
    ) -> Any:
        """POST a multipart form; `files` maps a field to (file name, content, content type)."""
        return self._send("POST", path, data=fields, files=files)

    def stream_events(self, path: str) -> Iterator[tuple[str, str]]:
        """Yield (event, data) pairs of a server-sent event stream until the server closes it."""
        try:
            with self._http.stream(
                "GET", path, headers={"Accept": "text/event-stream"}
            ) as response:
                if response.status_code >= 400:
                    response.read()
                    raise self._error_of(response)
                yield from parse_sse(response.iter_lines())
        except httpx.TransportError as error:
            raise self._unreachable(error) from error

    def _send(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.TransportError as error:
            raise self._unreachable(error) from error
        if response.status_code >= 400:
            raise self._error_of(response)
        return response.json()

    def _unreachable(self, error: httpx.TransportError) -> GatewayError:
        return GatewayError(
            f"Cannot reach the gateway at {self._base_url} ({type(error).__name__}: {error}); "
            "check --gateway or AUCTION_GATEWAY_URL and that the gateway runs.",
            EXIT_UNAVAILABLE,
        )

    def _error_of(self, response: httpx.Response) -> GatewayError:
        detail = describe_error(response)
        if response.status_code == 401:
            return GatewayError(
                f"The gateway rejected the credentials ({detail}); set AUCTION_API_TOKEN to a "
                "token from the gateway's Account page (or AUCTION_DEMO_USER and "
                "AUCTION_DEMO_PASSWORD for the development demo account).",
                EXIT_REJECTED,
            )
        code = EXIT_REJECTED if response.status_code < 500 else EXIT_UNAVAILABLE
        return GatewayError(f"HTTP {response.status_code}: {detail}", code)


def describe_error(response: httpx.Response) -> str:
    """Return the error detail of an API response as one line per problem."""
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return response.text[:300] or response.reason_phrase
    detail = body.get("detail") if isinstance(body, dict) else body
    if isinstance(detail, list):
        messages = [
            str(item.get("msg", item)) if isinstance(item, dict) else str(item) for item in detail
        ]
        return "; ".join(messages)
    return str(detail)


def parse_sse(lines: Iterator[str]) -> Iterator[tuple[str, str]]:
    """Parse server-sent event lines into (event, data) pairs.

    Comment lines (the server's keep-alives) come out as ("comment", text), so a caller that waits
    for a deadline gets control back at least every keep-alive interval.
    """
    event = "message"
    data: list[str] = []
    for line in lines:
        if not line:
            if data:
                yield event, "\n".join(data)
            event, data = "message", []
            continue
        if line.startswith(":"):
            yield "comment", line[1:].strip()
            continue
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "event":
            event = value
        elif name == "data":
            data.append(value)
    if data:
        yield event, "\n".join(data)
