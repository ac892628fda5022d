"""Fixtures for the auction-site sandbox tests: a running site, a signed-in client, images."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from auction_site_sandbox.testing import RunningSandbox, log_on, running_sandbox

# Smallest file that passes as a JPEG for the site's checks: the JPEG start-of-image marker.
JPEG_BYTES = b"\xff\xd8\xff\xe0" + b"\x00" * 2048


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def site(tmp_path: Path) -> Iterator[RunningSandbox]:
    with running_sandbox(tmp_path / "site") as running:
        yield running


@pytest.fixture
def client(site: RunningSandbox) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=site.base_url, timeout=10) as http:
        log_on(http)
        yield http


@pytest.fixture
def image_server(tmp_path: Path) -> Iterator[str]:
    """Serve a folder with `photo.jpg` and `notes.txt` on 127.0.0.1; yields the base URL."""
    folder = tmp_path / "images"
    folder.mkdir()
    (folder / "photo.jpg").write_bytes(JPEG_BYTES)
    (folder / "notes.txt").write_text("not an image")
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
