"""Fixtures for the Airtable sandbox conformance tests: running sandboxes and a file server."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from integration.airtable_sandbox.airtable_conformance import (
    NO_RATE_LIMIT,
    TEST_BASE,
    TEST_SEED,
)

from airtable_sandbox.testing import RunningSandbox, run_sandbox


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[RunningSandbox]:
    """The conformance base without rate limit, data in tmp_path/data."""
    with run_sandbox(TEST_SEED, data_dir=tmp_path / "data", rate_limit=NO_RATE_LIMIT) as running:
        yield running


@pytest.fixture
def items(sandbox: RunningSandbox) -> Any:
    """The pyairtable Table of the conformance base (retries off)."""
    return sandbox.api().table(TEST_BASE, "Items")


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def file_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """Serve tmp_path/files on 127.0.0.1; yield its URL and the folder."""
    folder = tmp_path / "files"
    folder.mkdir()
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", folder
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
