"""`auctionctl warehouses`."""

from __future__ import annotations

import typer
from rich.table import Table

from auction_gateway.cli.state import console, gateway_client, reports_errors


def register(app: typer.Typer) -> None:
    app.command("warehouses")(warehouses)


@reports_errors
def warehouses(ctx: typer.Context) -> None:
    """List the warehouses jobs can run for."""
    rows = gateway_client(ctx).get("/api/v1/warehouses")
    table = Table("id", "name")
    for row in rows:
        table.add_row(row["id"], row["name"])
    console.print(table)
