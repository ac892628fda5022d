"""Command line: `auction-site-sandbox serve` and `auction-site-sandbox seed-closed-event`."""

from __future__ import annotations

import argparse
import json
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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="auction-site-sandbox",
        description="Local stand-in for the AuctionWorx admin pages the bot drives.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the sandbox site")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8082, help="TCP port (default 8082)")
    serve.add_argument("--data", type=Path, required=True, help="folder for the SQLite state")
    serve.add_argument("--config", type=Path, help="YAML/JSON settings: users, categories, ...")
    serve.add_argument("--faults", type=Path, help="YAML/JSON fault configuration")
    serve.add_argument("--log-level", default="INFO", help="log level (default INFO)")

    seed = commands.add_parser(
        "seed-closed-event", help="create a closed event with made-up buyers and sales"
    )
    seed.add_argument("--data", type=Path, required=True, help="folder for the SQLite state")
    seed.add_argument("--lots", type=int, default=12, help="number of lots and sales (default 12)")
    seed.add_argument("--seed", type=int, default=7, help="random seed for prices and UPCs")
    seed.add_argument("--config", type=Path, help="YAML/JSON settings (for the time zone)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    configure_logging(getattr(args, "log_level", "INFO"))
    try:
        settings = load_settings(args.data, args.config)
        if args.command == "serve":
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
