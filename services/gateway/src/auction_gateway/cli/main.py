"""`auctionctl`: start jobs and follow them through the gateway's HTTP API.

Each command group lives in its own module with a `register(app)` function. To add a group, write
such a module and list it in COMMAND_MODULES.
"""

from __future__ import annotations

import os
from typing import Annotated

import typer

from auction_gateway.cli import (
    csv_download,
    dedupe,
    dlq,
    events,
    formatting,
    inventory,
    reference,
    site_jobs,
    tasks,
)
from auction_gateway.cli.client import Connection
from auction_gateway.settings import DEV_DEMO_PASSWORD

# The local platform's gateway; `make platform-up` moves it with AUCTION_GATEWAY_PORT, so the CLI
# follows that variable too. AUCTION_GATEWAY_URL (or --gateway) names any other gateway.
DEFAULT_GATEWAY_URL = (
    f"http://127.0.0.1:{os.environ.get('AUCTION_GATEWAY_PORT', '').strip() or '8000'}"
)

COMMAND_MODULES = (
    formatting,
    tasks,
    events,
    csv_download,
    reference,
    inventory,
    site_jobs,
    dedupe,
    dlq,
)

app = typer.Typer(
    name="auctionctl",
    help="Start and follow auction jobs through the gateway. Exit codes: 0 success, "
    "1 the task ended in ERROR, 2 input rejected, 3 gateway unreachable or failing.",
    no_args_is_help=True,
    add_completion=False,
)


@app.callback()
def connect(
    ctx: typer.Context,
    gateway: Annotated[
        str,
        typer.Option("--gateway", envvar="AUCTION_GATEWAY_URL", help="Base URL of the gateway."),
    ] = DEFAULT_GATEWAY_URL,
    user: Annotated[
        str, typer.Option("--user", envvar="AUCTION_DEMO_USER", help="User to log in as.")
    ] = "demo",
    password: Annotated[
        str,
        typer.Option(
            envvar="AUCTION_DEMO_PASSWORD",
            hidden=True,
            help="Password (set AUCTION_DEMO_PASSWORD instead of passing it).",
        ),
    ] = DEV_DEMO_PASSWORD,
    token: Annotated[
        str,
        typer.Option(
            envvar="AUCTION_API_TOKEN",
            hidden=True,
            help="API token from the gateway's Account page; used instead of user and password. "
            "Set AUCTION_API_TOKEN instead of passing it.",
        ),
    ] = "",
) -> None:
    """Read the connection settings shared by every command."""
    ctx.obj = Connection(base_url=gateway, user=user, password=password, token=token or None)


for module in COMMAND_MODULES:
    module.register(app)
