"""Run the sandbox in a background thread for tests: `with running_sandbox(tmp_path) as site:`."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import uvicorn

from .faults import FaultConfig, FaultState
from .settings import SandboxSettings
from .store import Store
from .web.app import create_app
from .web.context import SiteContext

STARTUP_TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class RunningSandbox:
    """A sandbox listening on 127.0.0.1; `base_url` has no trailing slash."""

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
