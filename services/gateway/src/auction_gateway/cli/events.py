"""`auctionctl events list` and `auctionctl events add`."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from auction_gateway.cli.state import console, gateway_client, reports_errors, short_time

events_app = typer.Typer(help="List and add auction events of the catalogue.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(events_app, name="events")


@events_app.command("list")
@reports_errors
def list_events(
    ctx: typer.Context,
    warehouse: Annotated[str | None, typer.Option(help="Only this warehouse's events.")] = None,
    active: Annotated[bool, typer.Option("--active", help="Only active events.")] = False,
) -> None:
    """List catalogue events, latest start first."""
    rows = gateway_client(ctx).get("/api/v1/events", warehouse=warehouse, active=active or None)
    if not rows:
        console.print("No events match; add one with `auctionctl events add`.")
        return
    table = Table()
    table.add_column("event id", no_wrap=True)
    for name in ("warehouse", "title", "start", "end", "active"):
        table.add_column(name)
    for row in rows:
        table.add_row(
            row["event_id"],
            row["warehouse"],
            row["title"],
            short_time(row["starts_at"]),
            short_time(row["ends_at"]),
            "yes" if row["active"] else "no",
        )
    console.print(table)


EventIdArgument = Annotated[str, typer.Argument(help="The site's event id.")]


@events_app.command("activate")
@reports_errors
def activate_event(ctx: typer.Context, event_id: EventIdArgument) -> None:
    """Offer the event on the Format page again."""
    set_active(ctx, event_id, active=True)


@events_app.command("deactivate")
@reports_errors
def deactivate_event(ctx: typer.Context, event_id: EventIdArgument) -> None:
    """Stop offering the event on the Format page (its tasks and CSVs stay)."""
    set_active(ctx, event_id, active=False)


def set_active(ctx: typer.Context, event_id: str, *, active: bool) -> None:
    gateway_client(ctx).patch(f"/api/v1/events/{event_id}", {"active": active})
    console.print(f"Event {event_id} is {'active' if active else 'inactive'}.", markup=False)


@events_app.command("add")
@reports_errors
def add_event(
    ctx: typer.Context,
    event_id: Annotated[str, typer.Option("--id", help="The site's event id.")],
    warehouse: Annotated[str, typer.Option(help="Warehouse id, e.g. maule.")],
    title: Annotated[str, typer.Option(help="Event title.")],
    start: Annotated[
        str, typer.Option(help="Start, ISO 8601; without an offset it is in the site's time zone.")
    ],
    end: Annotated[
        str, typer.Option(help="End, ISO 8601; without an offset it is in the site's time zone.")
    ],
) -> None:
    """Add an event to the catalogue."""
    row = gateway_client(ctx).post(
        "/api/v1/events",
        {
            "event_id": event_id,
            "warehouse": warehouse,
            "title": title,
            "starts_at": start,
            "ends_at": end,
        },
    )
    console.print(
        f"Added event {row['event_id']} ({row['warehouse']}): {row['title']}", markup=False
    )
