"""Start, stop and list the platform's processes: the two sandboxes and the five services.

Ports: gateway 8000, formatter 8011, images 8012, airtable-sync 8013, hibid-bot 8014, Airtable
sandbox 8081, site sandbox 8082. `AUCTION_<NAME>_PORT` overrides one (`AUCTION_GATEWAY_PORT`,
`AUCTION_AIRTABLE_SYNC_PORT`, ..., `AUCTION_AIRTABLE_SANDBOX_PORT`, `AUCTION_SITE_SANDBOX_PORT`).

Each runs in the background like the stack's servers, with its pid file in `.state/run` and its
log in `.state/logs/<name>.log`. Services get the stack's settings from `.state/stack.env`, their
own database role and schema, and the sandboxes' addresses. `up` runs every service's migrations
first and waits for every `/readyz`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from scripts.stack.config import REPO_ROOT, Paths
from scripts.stack.procs import (
    Component,
    StackError,
    port_open,
    read_pid,
    require_free_port,
    run_logged,
    say,
    start,
    stop,
    wait_until,
)

STATE = REPO_ROOT / ".state"
PATHS = Paths(STATE)
VENV_BIN = REPO_ROOT / ".venv" / "bin"
HOST = "127.0.0.1"

AIRTABLE_PORT = int(os.environ.get("AUCTION_AIRTABLE_SANDBOX_PORT", "8081"))
SITE_PORT = int(os.environ.get("AUCTION_SITE_SANDBOX_PORT", "8082"))
AIRTABLE_TOKEN = "sandbox-token"  # the Airtable sandbox's default bearer token
SITE_USER = "admin"
SITE_PASSWORD = "sandbox-password"  # the auction-site sandbox's default user


@dataclass(frozen=True)
class Process:
    """One background process of the platform."""

    name: str
    port: int
    argv: tuple[str, ...]
    env: dict[str, str] = field(default_factory=dict)
    ready_path: str = "/readyz"
    role: str | None = None  # database role and schema of a service; None for a sandbox

    @property
    def component(self) -> Component:
        # The marker is the program path under .venv/bin, unique to this checkout.
        return Component(name=self.name, title=self.name, marker=self.argv[0], stop_timeout_s=30)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"


def _port(name: str, default: int) -> int:
    """Return a process's port: `AUCTION_<NAME>_PORT` (e.g. AUCTION_GATEWAY_PORT) or the default."""
    variable = f"AUCTION_{name.upper().replace('-', '_')}_PORT"
    value = os.environ.get(variable, "").strip()
    if not value:
        return default
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise SystemExit(f"platform: {variable}={value!r} is not a port number (1-65535)")
    return int(value)


def _service(name: str, default_port: int, role: str, **env: str) -> Process:
    port = _port(name, default_port)
    return Process(
        name=name,
        port=port,
        argv=(str(VENV_BIN / f"auction-{name}"), "serve"),
        env={"AUCTION_HTTP_PORT": str(port), **env},
        role=role,
    )


def processes() -> list[Process]:
    airtable_url = f"http://{HOST}:{AIRTABLE_PORT}"
    site_url = f"http://{HOST}:{SITE_PORT}"
    return [
        Process(
            name="airtable-sandbox",
            port=AIRTABLE_PORT,
            argv=(
                str(VENV_BIN / "airtable-sandbox"),
                "serve",
                "--host",
                HOST,
                "--port",
                str(AIRTABLE_PORT),
                "--data",
                str(STATE / "airtable-sandbox"),
            ),
            ready_path="/_sandbox/health",
        ),
        Process(
            name="auction-site-sandbox",
            port=SITE_PORT,
            argv=(
                str(VENV_BIN / "auction-site-sandbox"),
                "serve",
                "--host",
                HOST,
                "--port",
                str(SITE_PORT),
                "--data",
                str(STATE / "auction-site-sandbox"),
                "--config",
                str(SITE_SANDBOX_CONFIG),
            ),
            ready_path="/_sandbox/health",
        ),
        _service(
            "airtable-sync",
            8013,
            "airtable_sync",
            AUCTION_AIRTABLE_URL=airtable_url,
            AUCTION_AIRTABLE_TOKEN=AIRTABLE_TOKEN,
        ),
        _service(
            "images",
            8012,
            "images",
            AUCTION_IMAGES_ALLOWED_HOSTS="127.0.0.1,localhost",
        ),
        _service("formatter", 8011, "formatter"),
        _service(
            "hibid-bot",
            8014,
            "hibid_bot",
            AUCTION_SITE_BASE_URL=site_url,
            AUCTION_SITE_MAULE_USERNAME=SITE_USER,
            AUCTION_SITE_MAULE_PASSWORD=SITE_PASSWORD,
            AUCTION_SITE_SAHARA_USERNAME=SITE_USER,
            AUCTION_SITE_SAHARA_PASSWORD=SITE_PASSWORD,
        ),
        _service(
            "gateway",
            8000,
            "gateway",
            AUCTION_AIRTABLE_WAREHOUSES_FILE=str(
                REPO_ROOT / "services/airtable-sync/src/auction_airtable_sync/warehouses.yaml"
            ),
        ),
    ]


SITE_SANDBOX_CONFIG = STATE / "auction-site-sandbox.yaml"
FORMATTER_WAREHOUSES = REPO_ROOT / "services/formatter/src/auction_formatter/config/warehouses.yaml"


def write_site_sandbox_config() -> None:
    """Let the site sandbox accept every category id the formatter writes, as the live site does.

    The ids come from the formatter's category map; without them, rows of most categories would
    fail the sandbox's import with "Category N was not found".
    """
    import yaml  # the venv exists by the time `up` runs (make platform-up depends on make up)

    rules = yaml.safe_load(FORMATTER_WAREHOUSES.read_text())["defaults"]["categories"]
    ids = {int(rules["fallback_id"]): "Misc"}
    for name, category_id in rules["ids_by_name"].items():
        ids.setdefault(int(category_id), str(name).title())
    config = {"categories": dict(sorted(ids.items()))}
    SITE_SANDBOX_CONFIG.parent.mkdir(parents=True, exist_ok=True)
    SITE_SANDBOX_CONFIG.write_text(
        "# Written by `python -m scripts.platform up` from the formatter's category map.\n"
        + yaml.safe_dump(config, sort_keys=False)
    )


def read_env_file(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    for line in path.read_text().splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            key, _, value = stripped.partition("=")
            values[key] = value
    return values


def environment(process: Process, stack: dict[str, str]) -> dict[str, str]:
    """Build a process's environment: the caller's, the stack's, then its own settings."""
    env = {**os.environ, **stack, "AUCTION_ENVIRONMENT": "development"}
    if process.role is not None:
        env["AUCTION_DATABASE_URL"] = stack[f"AUCTION_{process.role.upper()}_DATABASE_URL"]
        env["AUCTION_DATABASE_SCHEMA"] = process.role
    env.update(process.env)
    return env


def _ready(process: Process) -> bool:
    try:
        with urllib.request.urlopen(process.url + process.ready_path, timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def up(selected: Sequence[Process]) -> None:
    env_file = PATHS.env_file
    if not env_file.exists():
        raise StackError(f"{env_file} is missing; start the stack first with `make up`")
    stack = read_env_file(env_file)
    write_site_sandbox_config()
    for process in selected:
        if process.role is not None:
            say(f"migrating {process.name}")
            argv = [process.argv[0], "migrate"]
            run_logged(
                argv,
                PATHS.log(process.name),
                f"{process.name} migrations",
                env=environment(process, stack),
            )
    for process in selected:
        if read_pid(PATHS, process.component) is not None:
            say(f"{process.name} already runs on {process.url}")
            continue
        require_free_port(process.port, process.name, "its port setting")
        say(f"starting {process.name} on {process.url}")
        start(
            PATHS, process.component, process.argv, env=environment(process, stack), cwd=REPO_ROOT
        )
    for process in selected:
        wait_until(PATHS, process.component, lambda p=process: _ready(p), timeout_s=90)  # type: ignore[misc]
        say(f"{process.name} ready")


def down(selected: Sequence[Process]) -> None:
    for process in reversed(selected):
        if stop(PATHS, process.component):
            say(f"stopped {process.name}")


def status(selected: Sequence[Process], *, as_json: bool) -> int:
    rows = []
    for process in selected:
        pid = read_pid(PATHS, process.component)
        if pid is None:
            state = "stopped"
        elif _ready(process):
            state = "ready"
        else:
            state = "starting"
        if pid is None and port_open(process.port):
            state = "port taken by another program"
        rows.append({"name": process.name, "state": state, "url": process.url, "pid": pid})
    if as_json:
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
    else:
        sys.stdout.write(f"{'PROCESS':22} {'STATE':10} {'URL':24} PID\n")
        for row in rows:
            sys.stdout.write(
                f"{row['name']:22} {row['state']:10} {row['url']:24} {row['pid'] or '-'}\n"
            )
    return 0 if all(row["state"] == "ready" for row in rows) else 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.platform", description=__doc__)
    parser.add_argument("command", choices=("up", "down", "status"))
    parser.add_argument("names", nargs="*", help="only these processes (default: all)")
    parser.add_argument("--json", action="store_true", help="status as JSON")
    args = parser.parse_args(argv)
    known = processes()
    unknown = sorted(set(args.names) - {process.name for process in known})
    if unknown:
        parser.error(
            f"unknown process {', '.join(unknown)}; known: {', '.join(p.name for p in known)}"
        )
    selected = [process for process in known if not args.names or process.name in args.names]
    try:
        if args.command == "up":
            up(selected)
        elif args.command == "down":
            down(selected)
        else:
            return status(selected, as_json=args.json)
    except StackError as error:
        sys.stderr.write(f"platform: {error}\n")
        return 1
    return 0
