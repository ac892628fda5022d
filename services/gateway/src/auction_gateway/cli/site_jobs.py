"""`auctionctl auction create`, `auctionctl upload` and `auctionctl void`: jobs the browser bot
runs on the auction site.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from auction_gateway.cli.client import EXIT_OK, EXIT_REJECTED, EXIT_TASK_FAILED, GatewayClient
from auction_gateway.cli.formatting import SUCCESS_STATES, follow
from auction_gateway.cli.state import console, errors, gateway_client, reports_errors, short_time

auction_app = typer.Typer(help="Events on the auction site.", no_args_is_help=True)

# At most this many row errors are printed after --wait.
MAX_PRINTED_ROWS = 50

WaitOption = Annotated[
    bool, typer.Option("--wait", help="Follow the task with a progress bar until it ends.")
]
TimeoutOption = Annotated[
    float, typer.Option(help="With --wait: give up after this many seconds.", min=1)
]


def register(app: typer.Typer) -> None:
    app.add_typer(auction_app, name="auction")
    auction_app.command("create")(create_auction)
    # The same command as one word, `auctionctl create-auction`, beside `upload` and `void`.
    app.command("create-auction")(create_auction)
    app.command("upload")(upload_csv)
    app.command("void")(void_unpaid)


@reports_errors
def create_auction(
    ctx: typer.Context,
    warehouse: Annotated[str, typer.Option(help="Warehouse id, e.g. maule.")],
    title: Annotated[str, typer.Option(help="The event's title: at most 80 characters.")],
    end_date: Annotated[str, typer.Option(help="Last day, YYYY-MM-DD (site time zone).")],
    end_time: Annotated[str, typer.Option(help="Closing time, 24-hour HH:MM.")] = "18:30",
    subtitle: Annotated[str, typer.Option(help="Subtitle: at most 80 characters.")] = "",
    wait: WaitOption = False,
    timeout: TimeoutOption = 3600.0,
) -> None:
    """Create a Draft event on the site (it joins `events list` when the bot reports it)."""
    client = gateway_client(ctx)
    body = {
        "warehouse": warehouse,
        "title": title,
        "subtitle": subtitle,
        "end_date": end_date,
        "end_time": end_time,
    }
    task_id = client.post("/api/v1/auctions", body)["task_id"]
    console.print(f"Started create-auction task {task_id}", markup=False)
    if wait:
        finish(client, task_id, timeout)


@reports_errors
def upload_csv(
    ctx: typer.Context,
    event: Annotated[str, typer.Option(help="The site's event id.")],
    version: Annotated[
        int | None, typer.Option(help="CSV version (default: the newest).", min=1)
    ] = None,
    validate_only: Annotated[
        bool,
        typer.Option("--validate-only", help="Let the site check the CSV without importing it."),
    ] = False,
    wait: WaitOption = False,
    timeout: TimeoutOption = 3600.0,
) -> None:
    """Import a formatted CSV version of an event on the site."""
    client = gateway_client(ctx)
    body: dict[str, Any] = {"validate_only": validate_only}
    if version is not None:
        body["version"] = version
    task_id = client.post(f"/api/v1/events/{event}/uploads", body)["task_id"]
    console.print(f"Started upload task {task_id}", markup=False)
    if wait:
        finish(client, task_id, timeout)


@reports_errors
def void_unpaid(
    ctx: typer.Context,
    event: Annotated[str, typer.Option(help="The site's event id (ended in the last 10 days).")],
    copy_to_cancels: Annotated[
        bool,
        typer.Option("--copy-to-cancels", help="Also copy the voided sales to Airtable Cancels."),
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    wait: WaitOption = False,
    timeout: TimeoutOption = 3600.0,
) -> None:
    """Void every unpaid sale of an event that ended recently. This cannot be undone."""
    client = gateway_client(ctx)
    if not yes:
        described = describe_event(client, event)
        confirmed = typer.confirm(
            f"Void every unpaid sale of event {described}? This cannot be undone", default=False
        )
        if not confirmed:
            errors.print("Nothing was voided.", markup=False)
            raise typer.Exit(EXIT_REJECTED)
    body = {"confirm_event_id": event, "copy_to_cancels": copy_to_cancels}
    task_id = client.post(f"/api/v1/events/{event}/voids", body)["task_id"]
    console.print(f"Started void task {task_id}", markup=False)
    if wait:
        final = follow(client, task_id, timeout)
        print_outcome(final)
        if final["state"] in SUCCESS_STATES and final["result"].get("voided_count"):
            link = client.get(f"/api/v1/tasks/{task_id}/export")
            console.print(
                f"Export (buyer data, link valid until {short_time(link['expires_at'])}): "
                f"{link['url']}",
                markup=False,
            )
        raise typer.Exit(EXIT_OK if final["state"] in SUCCESS_STATES else EXIT_TASK_FAILED)


def describe_event(client: GatewayClient, event_id: str) -> str:
    """Name the event by id, title and end for the confirmation question."""
    found = client.get(f"/api/v1/events/{event_id}")
    return (
        f"{found['event_id']} ({found['title']}, {found['warehouse']}, ended "
        f"{short_time(found['ends_at'])})"
    )


def finish(client: GatewayClient, task_id: str, timeout: float) -> None:
    final = follow(client, task_id, timeout)
    print_outcome(final)
    raise typer.Exit(EXIT_OK if final["state"] in SUCCESS_STATES else EXIT_TASK_FAILED)


def print_outcome(task: dict[str, Any]) -> None:
    """Print the scalar result values and any row errors, then the final state and message.

    The state comes last, so a script can read the summary from the last line.
    """
    result = task.get("result") or {}
    for name, value in result.items():
        if isinstance(value, str | int | float | bool):
            console.print(f"  {name}: {value}", markup=False)
    for name in ("row_errors", "statuses"):
        rows = result.get(name)
        if isinstance(rows, list) and rows:
            console.print(f"{name.replace('_', ' ').capitalize()} ({len(rows)}):", markup=False)
            for row in rows[:MAX_PRINTED_ROWS]:
                if isinstance(row, dict):
                    console.print(f"  line {row.get('line')}: {row.get('message')}", markup=False)
    console.print(f"{task['state']}: {task['message'] or task['stage']}", markup=False)
