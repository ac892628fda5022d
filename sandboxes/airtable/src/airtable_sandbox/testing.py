"""Run the sandbox in-process for tests: uvicorn on a free 127.0.0.1 port in a thread.

from airtable_sandbox.testing import run_sandbox

with run_sandbox(seed=Path("sandboxes/airtable/seeds/demo.yaml"), data_dir=tmp_path) as sandbox:
    api = sandbox.api()  # a pyairtable Api bound to the sandbox
    api.table("app8P7o3PcNfZduiu", "Inventory").all(view="Send to Auction")
    sandbox.add_faults({"kind": "rate_limit", "count": 2})
"""

from __future__ import annotations

import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import uvicorn
from requests import PreparedRequest, Response
from requests.adapters import HTTPAdapter

from airtable_sandbox.app import build_app
from airtable_sandbox.config import (
    DEFAULT_TOKEN,
    RateLimitSettings,
    SandboxConfig,
    config_from_seed,
)
from airtable_sandbox.gate import Gate
from airtable_sandbox.runtime import Sandbox
from airtable_sandbox.seed import Seed, load_seed_file, parse_seed

# pyairtable 3.5 sends uploadAttachment to this host whatever its endpoint_url is.
AIRTABLE_CONTENT_HOST = "content.airtable.com"
STARTUP_TIMEOUT_SECONDS = 10.0


class ContentHostRedirect(HTTPAdapter):
    """A requests adapter that sends content.airtable.com requests to the sandbox instead.

    Mount it on a pyairtable Api's session so that `Table.upload_attachment` reaches the
    sandbox and never the internet.
    """

    def __init__(self, sandbox_url: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        target = urlsplit(sandbox_url)
        self._scheme, self._netloc = target.scheme, target.netloc

    def send(self, request: PreparedRequest, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]
        parts = urlsplit(str(request.url))
        request.url = urlunsplit(
            (self._scheme, self._netloc, parts.path, parts.query, parts.fragment)
        )
        return super().send(request, *args, **kwargs)


def route_content_host(session: Any, sandbox_url: str) -> None:
    """Mount ContentHostRedirect on a requests session for http and https content.airtable.com."""
    for scheme in ("http", "https"):
        session.mount(f"{scheme}://{AIRTABLE_CONTENT_HOST}/", ContentHostRedirect(sandbox_url))


class RunningSandbox:
    """A started sandbox: its URL, token, state, and helpers for the admin endpoints."""

    def __init__(self, url: str, app: Gate, token: str) -> None:
        self.url = url
        self.app = app
        self.token = token

    @property
    def sandbox(self) -> Sandbox:
        return self.app.sandbox

    def api(self, token: str | None = None, *, retry_strategy: Any = None, **kwargs: Any) -> Any:
        """Build a pyairtable Api on the sandbox, with uploads routed to it.

        Retries are off unless given, so tests see every 429 and 5xx.
        """
        from pyairtable import Api

        api = Api(
            token or self.token, endpoint_url=self.url, retry_strategy=retry_strategy, **kwargs
        )
        route_content_host(api.session, self.url)
        return api

    def admin(self, method: str, path: str, **kwargs: Any) -> Any:
        response = httpx.request(method, f"{self.url}/_sandbox/{path}", timeout=10, **kwargs)
        response.raise_for_status()
        return response.json()

    def add_faults(self, *rules: dict[str, Any]) -> Any:
        return self.admin("POST", "faults", json=list(rules))

    def clear_faults(self) -> Any:
        return self.admin("DELETE", "faults")

    def reset(self) -> Any:
        return self.admin("POST", "reset")

    def request_log(self) -> dict[str, Any]:
        result: dict[str, Any] = self.admin("GET", "requests")
        return result


def _free_socket() -> socket.socket:
    # IPPROTO_TCP lets asyncio set TCP_NODELAY on accepted connections. Without it, every
    # response waits about 40 ms for a delayed ACK between its header and body writes.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


def _load_seed(seed: Path | dict[str, Any] | Seed | None) -> tuple[Seed, Path | None]:
    if seed is None:
        return Seed(), None
    if isinstance(seed, Seed):
        return seed, None
    if isinstance(seed, Path):
        return load_seed_file(seed), seed
    return parse_seed(seed), None


@contextmanager
def run_sandbox(
    seed: Path | dict[str, Any] | Seed | None = None,
    *,
    data_dir: Path | None = None,
    faults: list[dict[str, Any]] | None = None,
    rate_limit: RateLimitSettings | None = None,
    **overrides: Any,
) -> Iterator[RunningSandbox]:
    """Start a sandbox, yield it, and stop it on exit.

    `seed` is a seed file, a seed document (dict) or a parsed Seed. Without `data_dir` the
    data lives in a temporary directory that is deleted afterwards. `overrides` set other
    SandboxConfig fields (tokens, attachments, fault_seed, ...).
    """
    parsed, seed_path = _load_seed(seed)
    with tempfile.TemporaryDirectory(prefix="airtable-sandbox-") as scratch:
        sock = _free_socket()
        port = sock.getsockname()[1]
        url = f"http://127.0.0.1:{port}"
        config: SandboxConfig = config_from_seed(
            data_dir or Path(scratch), parsed, seed_path=seed_path
        )
        if faults is not None:
            config = replace(config, faults=tuple(config.faults) + tuple(faults))
        if rate_limit is not None:
            config = replace(config, rate_limit=rate_limit)
        config = replace(config, **overrides)
        app = build_app(config)
        server = uvicorn.Server(
            uvicorn.Config(app, http="h11", log_level="warning", access_log=False, lifespan="off")
        )
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        try:
            _wait_started(server, thread)
            token = config.tokens[0].token if config.tokens else DEFAULT_TOKEN
            yield RunningSandbox(url, app, token)
        finally:
            server.should_exit = True
            thread.join(timeout=STARTUP_TIMEOUT_SECONDS)
            sock.close()


def _wait_started(server: uvicorn.Server, thread: threading.Thread) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the sandbox server thread stopped during start-up")
        if time.monotonic() > deadline:
            raise RuntimeError(f"the sandbox did not start within {STARTUP_TIMEOUT_SECONDS} s")
        time.sleep(0.01)
