"""`auctionctl warehouses`."""

from __future__ import annotations

import typer
from rich.table import Table

from auction_gateway.cli.state import console, gateway_client, reports_errors


def register(app: typer.Typer) -> None:
    app.command("warehouses")(warehouses)


@reports_errors
def warehouses(ctx: typer.Context) -> None:
    """List the warehouses jobs can run for, with their Airtable base, table and view ids."""
    rows = gateway_client(ctx).get("/api/v1/warehouses")
    table = Table(
        "id", "name", "Airtable base", "inventory table", "send to auction view", "remove dups view"
    )
    for row in rows:
        location = row.get("airtable") or {}
        table.add_row(
            row["id"],
            row["name"],
            location.get("base_id", "-"),
            location.get("inventory_table", "-"),
            location.get("send_to_auction_view", "-"),
            location.get("remove_dups_view", "-"),
        )
    console.print(table)
