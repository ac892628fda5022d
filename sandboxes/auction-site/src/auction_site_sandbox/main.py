"""Command line: `auction-site-sandbox serve` and `auction-site-sandbox seed-closed-event`."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import structlog
import uvicorn

from .faults import FaultConfigError, FaultState, load_fault_file
from .logging_setup import configure_logging
from .seeding import seed_closed_event
from .settings import SettingsError, load_settings
from .store import Store
from .web.app import create_app

log = structlog.get_logger(__name__)

DEFAULT_DATA_DIR = Path.home() / ".auction-site-sandbox"


def _env_path(name: str) -> Path | None:
    value = os.environ.get(name, "")
    return Path(value) if value else None


def _add_options(parser: argparse.ArgumentParser, top_level: bool, serve: bool) -> None:
    """Add the shared options. Only the top level carries defaults, because a sub-command's
    defaults would overwrite values given before the sub-command."""

    def default(value: object) -> object:
        return value if top_level else argparse.SUPPRESS

    parser.add_argument(
        "--data",
        type=Path,
        default=default(_env_path("AUCTION_SITE_SANDBOX_DATA") or DEFAULT_DATA_DIR),
        help="folder for the SQLite state "
        f"(default $AUCTION_SITE_SANDBOX_DATA or {DEFAULT_DATA_DIR})",
    )
    parser.add_argument(
        "--config",
        type=Path,
        default=default(_env_path("AUCTION_SITE_SANDBOX_CONFIG")),
        help="YAML/JSON settings: users, categories, image hosts "
        "(default $AUCTION_SITE_SANDBOX_CONFIG)",
    )
    parser.add_argument("--log-level", default=default("INFO"), help="log level (default INFO)")
    if not serve:
        return
    parser.add_argument(
        "--host",
        default=default(os.environ.get("AUCTION_HTTP_HOST", "127.0.0.1")),
        help="address to bind (default $AUCTION_HTTP_HOST or 127.0.0.1)",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=default(int(os.environ.get("AUCTION_HTTP_PORT", "8082"))),
        help="TCP port (default $AUCTION_HTTP_PORT or 8082)",
    )
    parser.add_argument(
        "--faults",
        type=Path,
        default=default(_env_path("AUCTION_SITE_SANDBOX_FAULTS")),
        help="YAML/JSON fault configuration (default $AUCTION_SITE_SANDBOX_FAULTS)",
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="auction-site-sandbox",
        description="Local stand-in for the AuctionWorx admin pages the bot drives. "
        "Without a command it serves, so a container can run it bare.",
    )
    _add_options(parser, top_level=True, serve=True)
    commands = parser.add_subparsers(dest="command")

    serve = commands.add_parser("serve", help="run the sandbox site")
    _add_options(serve, top_level=False, serve=True)

    seed = commands.add_parser(
        "seed-closed-event", help="create a closed event with made-up buyers and sales"
    )
    _add_options(seed, top_level=False, serve=False)
    seed.add_argument("--lots", type=int, default=12, help="number of lots and sales (default 12)")
    seed.add_argument("--seed", type=int, default=7, help="random seed for prices and UPCs")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    configure_logging(args.log_level)
    try:
        settings = load_settings(args.data, args.config)
        if args.command in (None, "serve"):
            faults = FaultState(load_fault_file(args.faults) if args.faults else None)
            app = create_app(settings, faults)
            log.info("sandbox_starting", host=args.host, port=args.port, data=str(args.data))
            uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
            return 0
        if args.lots < 1:
            raise SettingsError(f"--lots must be 1 or more (got {args.lots})")
        store = Store(settings.data_dir)
        now_local = datetime.now(ZoneInfo(settings.site_timezone)).replace(tzinfo=None)
        result = seed_closed_event(store, args.lots, now_local, seed=args.seed)
        store.close()
        sys.stdout.write(json.dumps(result) + "\n")
        return 0
    except (SettingsError, FaultConfigError) as exc:
        sys.stderr.write(f"auction-site-sandbox: error: {exc}\n")
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
