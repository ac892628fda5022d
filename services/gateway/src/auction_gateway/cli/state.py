"""Helpers every command shares: the client from the global options, consoles and error exits."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import ParamSpec, TypeVar

import typer
from rich.console import Console

from auction_gateway.cli import client as client_module
from auction_gateway.cli.client import Connection, GatewayClient, GatewayError

console = Console()
errors = Console(stderr=True)

P = ParamSpec("P")
R = TypeVar("R")


def gateway_client(ctx: typer.Context) -> GatewayClient:
    """Return a client for the gateway named by the global options."""
    connection: Connection = ctx.find_root().obj
    http = client_module.make_http_client(connection)
    return GatewayClient(http, connection.base_url)


def reports_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Print a GatewayError as one line on stderr and exit with its code."""

    @wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except GatewayError as error:
            errors.print(f"[red]error:[/red] {error.message}", highlight=False, markup=True)
            raise typer.Exit(error.exit_code) from None

    return run


def short_time(value: str | None) -> str:
    """Show an ISO timestamp from the API as local `YYYY-MM-DD HH:MM`."""
    if not value:
        return ""
    try:
        return datetime.fromisoformat(value).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return value
