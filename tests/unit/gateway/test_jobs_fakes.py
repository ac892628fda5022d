"""Fakes and clients shared by the job-flow tests (inventory import, create, upload, void,
dedupe); they add to the gateway fakes in `fakes.py`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

import httpx
import pytest
from fastapi.testclient import TestClient

from auction_gateway.accounts.roles import Role
from auction_gateway.cli import client as client_module
from auction_gateway.cli.client import Connection
from auction_shared.events import ObjectRef
from auction_shared.storage import sha256_hex

from .account_fakes import browser_login
from .fakes import PASSWORD, USER, Harness, make_harness

PRIVATE_BUCKET = "auction-private"


@dataclass
class FakeObjects:
    """An object store in memory: `put_bytes` for uploads, `read` for side files."""

    objects: dict[tuple[str, str], bytes] = field(default_factory=dict)
    fail: bool = False

    async def put_bytes(
        self, bucket: str, key: str, data: bytes, content_type: str = "application/octet-stream"
    ) -> ObjectRef:
        if self.fail:
            raise OSError("object store unavailable")
        self.objects[(bucket, key)] = data
        return ObjectRef(
            bucket=bucket,
            key=key,
            sha256=sha256_hex(data),
            size=len(data),
            content_type=content_type,
        )


def job_harness() -> tuple[Harness, FakeObjects]:
    harness = make_harness(s3_private_bucket=PRIVATE_BUCKET)
    objects = FakeObjects()
    harness.gateway.objects = objects
    return harness, objects


@contextmanager
def api_client(harness: Harness) -> Iterator[TestClient]:
    """A client of the JSON API with the demo credentials as HTTP Basic."""
    with TestClient(harness.app) as client:
        client.auth = (USER, PASSWORD)
        yield client


@contextmanager
def page_client(harness: Harness) -> Iterator[TestClient]:
    """A logged-in client of the pages."""
    with TestClient(harness.app) as client:
        browser_login(client, USER, PASSWORD)
        yield client


def route_cli_to(harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    """Send `auctionctl` requests to the in-process app."""

    def in_process(connection: Connection) -> httpx.Client:
        test_client = TestClient(harness.app)
        test_client.auth = (connection.user, connection.password)
        return test_client

    monkeypatch.setattr(client_module, "make_http_client", in_process)
    monkeypatch.setenv("AUCTION_DEMO_USER", USER)
    monkeypatch.setenv("AUCTION_DEMO_PASSWORD", PASSWORD)


def demote_user(harness: Harness, role: Role = Role.VIEWER) -> None:
    """Give the logged-in demo user `role` (a viewer has no job permission)."""
    account = harness.accounts.accounts[USER]
    harness.accounts.accounts[USER] = replace(account, role=role)
