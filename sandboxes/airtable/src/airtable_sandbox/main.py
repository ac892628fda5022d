"""Command line: `airtable-sandbox [serve]` runs the server, `check-seed` validates a seed file.

Without a command the program serves, with defaults from the environment, so a container can
run it bare: $AUCTION_HTTP_HOST, $AUCTION_HTTP_PORT, $AIRTABLE_SANDBOX_DATA, $AIRTABLE_SANDBOX_SEED.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from dataclasses import replace
from pathlib import Path

import structlog
import uvicorn

from airtable_sandbox.app import build_app
from airtable_sandbox.config import SandboxConfig, load_config, parse_tokens
from airtable_sandbox.seed import SeedError, demo_seed_path, load_seed_file
from airtable_sandbox.store import Store

log = structlog.get_logger(__name__)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="airtable-sandbox", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    add_serve_arguments(commands.add_parser("serve", help="run the sandbox server (the default)"))
    check = commands.add_parser("check-seed", help="validate a seed file and print its ids")
    check.add_argument("seed", type=Path)
    return parser


def add_serve_arguments(serve: argparse.ArgumentParser) -> None:
    environment = os.environ
    seed_variable = environment.get("AIRTABLE_SANDBOX_SEED")
    data_variable = environment.get("AIRTABLE_SANDBOX_DATA", "~/.airtable-sandbox")
    serve.add_argument(
        "--host",
        default=environment.get("AUCTION_HTTP_HOST", "127.0.0.1"),
        help="address to listen on (default $AUCTION_HTTP_HOST, else 127.0.0.1)",
    )
    serve.add_argument(
        "--port",
        type=int,
        default=int(environment.get("AUCTION_HTTP_PORT", "8081")),
        help="TCP port (default $AUCTION_HTTP_PORT, else 8081)",
    )
    serve.add_argument(
        "--data",
        type=Path,
        default=Path(data_variable).expanduser(),
        help="data directory, created if missing"
        " (default $AIRTABLE_SANDBOX_DATA, else ~/.airtable-sandbox)",
    )
    serve.add_argument(
        "--seed",
        type=Path,
        default=Path(seed_variable) if seed_variable else None,
        help="seed YAML: bases, settings, faults (default $AIRTABLE_SANDBOX_SEED, else the demo)",
    )
    serve.add_argument("--no-seed", action="store_true", help="start without any seed")

    serve.add_argument(
        "--token",
        action="append",
        help="accepted bearer token; repeat for several (default: the seed's, else sandbox-token)",
    )
    serve.add_argument("--public-url", help="base of attachment URLs (default: the request's URL)")

    serve.add_argument(
        "--time-scale", type=float, help="factor for the rate-limit window and lock (default 1)"
    )
    serve.add_argument(
        "--lock-seconds", type=float, help="rate-limit lock in seconds before scaling (default 30)"
    )
    serve.add_argument("--no-rate-limit", action="store_true", help="turn the rate limit off")
    serve.add_argument(
        "--reset", action="store_true", help="delete saved data first and load the seed fresh"
    )
    serve.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])


def main(argv: list[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else argv
    if not arguments or (arguments[0].startswith("-") and arguments[0] not in ("-h", "--help")):
        arguments = ["serve", *arguments]
    args = build_parser().parse_args(arguments)
    if args.command == "check-seed":
        return check_seed(args.seed)
    return serve(args)


def check_seed(path: Path) -> int:
    try:
        seed = load_seed_file(path)
    except SeedError as error:
        sys.stderr.write(f"invalid seed: {error}\n")
        return 2
    for seed_base in seed.bases:
        sys.stdout.write(f"base {seed_base.base.id} {seed_base.base.name}\n")
        for table in seed_base.base.tables:
            count = len(seed_base.records.get(table.id, []))
            sys.stdout.write(
                f"  table {table.id} {table.name} ({len(table.fields)} fields, {count} records)\n"
            )
            for view in table.views:
                sys.stdout.write(f"    view {view.id} {view.name}\n")
    return 0


def serve(args: argparse.Namespace) -> int:
    level = getattr(logging, args.log_level.upper())
    logging.basicConfig(level=level, format="%(message)s")
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(level))
    seed_path = None if args.no_seed else args.seed or demo_seed_path()
    try:
        config = configure(args, seed_path)
    except SeedError as error:
        sys.stderr.write(f"invalid seed: {error}\n")
        return 2
    if args.reset:
        Store(config.data_dir).clear()
    app = build_app(config)
    log.info(
        "sandbox_starting", host=args.host, port=args.port, data=str(args.data), seed=str(seed_path)
    )
    uvicorn.run(
        app, host=args.host, port=args.port, http="h11", log_level=args.log_level, access_log=False
    )
    log.info("sandbox_stopped")
    return 0


def configure(args: argparse.Namespace, seed_path: Path | None) -> SandboxConfig:
    tokens = parse_tokens(args.token) if args.token else None
    config = load_config(args.data, seed_path, tokens=tokens, public_url=args.public_url)
    rate_limit = config.rate_limit
    if args.time_scale is not None:
        rate_limit = replace(rate_limit, time_scale=args.time_scale)
    if args.lock_seconds is not None:
        rate_limit = replace(rate_limit, lock_seconds=args.lock_seconds)
    if args.no_rate_limit:
        rate_limit = replace(rate_limit, enabled=False)
    return replace(config, rate_limit=rate_limit)


if __name__ == "__main__":
    raise SystemExit(main())
