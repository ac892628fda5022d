"""Helpers for tests: run the sandbox in a thread, sign in, create events, write import files."""

from __future__ import annotations

import csv
import io
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import uvicorn

from .faults import FaultConfig, FaultState
from .rules.csv_import import STANDARD_COLUMNS
from .settings import DEFAULT_CUSTOM_FIELDS, SandboxSettings
from .store import Store
from .web.app import create_app
from .web.context import SiteContext

STARTUP_TIMEOUT_SECONDS = 10.0
IMPORT_COLUMNS: tuple[str, ...] = (*STANDARD_COLUMNS, *DEFAULT_CUSTOM_FIELDS)


@dataclass(frozen=True)
class RunningSandbox:
    """A sandbox listening on 127.0.0.1, with `base_url` given without a trailing slash."""

    base_url: str
    settings: SandboxSettings
    store: Store
    faults: FaultState


@contextmanager
def running_sandbox(
    data_dir: Path,
    settings: SandboxSettings | None = None,
    faults: FaultConfig | None = None,
) -> Iterator[RunningSandbox]:
    """Serve the sandbox on a free 127.0.0.1 port until the block ends."""
    settings = settings or SandboxSettings(data_dir=data_dir)
    fault_state = FaultState(faults)
    app = create_app(settings, fault_state)
    site: SiteContext = app.state.site

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="auction-site-sandbox", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            sock.close()
            raise RuntimeError(f"auction-site sandbox did not start on 127.0.0.1:{port}")
        time.sleep(0.02)
    try:
        yield RunningSandbox(
            base_url=f"http://127.0.0.1:{port}",
            settings=settings,
            store=site.store,
            faults=fault_state,
        )
    finally:
        server.should_exit = True
        thread.join(timeout=STARTUP_TIMEOUT_SECONDS)
        sock.close()
        site.store.close()


def log_on(http: httpx.Client, username: str = "admin", password: str = "sandbox-password") -> None:
    """Sign `http` in with the default user of `SandboxSettings`."""
    response = http.post("/Account/LogOn", data={"username": username, "password": password})
    if response.status_code != 302:
        raise RuntimeError(f"log-on as {username!r} failed: HTTP {response.status_code}")


def create_draft_event(http: httpx.Client, title: str = "Weekly Auction") -> int:
    """Create a Draft event through the form (ending in 2099) and return its id."""
    response = http.post(
        "/Event/CreateEvent",
        data={
            "Title": title,
            "StartDate": "01/01/2026",
            "StartTime": "1:00 AM",
            "EndDate": "12/31/2099",
            "EndTime": "6:30 PM",
        },
    )
    if response.status_code != 302:
        raise RuntimeError(f"creating event {title!r} failed: HTTP {response.status_code}")
    return int(response.headers["location"].rsplit("/", 1)[1])


def lot_row(
    event_id: int, lot_number: str, title: str, image_url: str = "", **extra: str
) -> dict[str, str]:
    """Return one row as the formatter writes it: every one of the 49 columns present."""
    row = dict.fromkeys(IMPORT_COLUMNS, "")
    row.update(
        {
            "EventID": str(event_id),
            "LotNumber": lot_number,
            "Seller": "702Auctions",
            "Category": "162703",
            "Region": "88850842",
            "ListingType": "Auction",
            "Currency": "USD",
            "Title": title,
            "Subtitle": "MSRP: $34.99 -",
            "Description": f"<b>Description</b>: {title}<br>LOCAL PICKUP ONLY",
            "Price": "5.00",
            "Quantity": "1",
            "IsTaxable": "true",
            "Image_1": image_url,
            "Bold": "false",
            "Highlight": "false",
            "AutoRelist": "0",
            "GoodTilCanceled": "false",
            "UPC": "012345678905",
            "Source": "AMZ FC",
            "MSRP": "34.99",
            "Lot Number": lot_number[1:],
            "Item Condition": "New",
            "ID": f"rec{lot_number}",
        }
    )
    row.update(extra)
    return row


def import_csv_bytes(rows: list[dict[str, str]]) -> bytes:
    """Write rows as an import file with the 49 columns in the house's order."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=IMPORT_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()
