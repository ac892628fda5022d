"""`auctionctl format`: start a format job and optionally follow it to its end."""

from __future__ import annotations

import json
import time
from typing import Annotated, Any

import typer
from rich.progress import (
    BarColumn,
    Progress,
    TaskID,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)

from auction_gateway.cli.client import (
    EXIT_OK,
    EXIT_TASK_FAILED,
    EXIT_UNAVAILABLE,
    GatewayClient,
    GatewayError,
)
from auction_gateway.cli.state import console, errors, gateway_client, reports_errors

SUCCESS_STATES = frozenset({"COMPLETED", "WARNING"})
RECONNECT_PAUSE_SECONDS = 2.0


def register(app: typer.Typer) -> None:
    app.command("format")(start_format)


@reports_errors
def start_format(
    ctx: typer.Context,
    warehouse: Annotated[str, typer.Option(help="Warehouse id, e.g. maule.")],
    event: Annotated[str, typer.Option(help="The site's event id (from `events list`).")],
    price: Annotated[
        str | None,
        typer.Option(help="Starting price for every lot, e.g. 2.50 (default: pricing rules)."),
    ] = None,
    wait: Annotated[
        bool, typer.Option("--wait", help="Follow the task with a progress bar until it ends.")
    ] = False,
    timeout: Annotated[
        float, typer.Option(help="With --wait: give up after this many seconds.", min=1)
    ] = 3600.0,
) -> None:
    """Format an auction event's lots into the site's import CSV."""
    client = gateway_client(ctx)
    body: dict[str, Any] = {"warehouse": warehouse, "event_id": event}
    if price is not None:
        body["starting_price"] = price
    started = client.post("/api/v1/format", body)
    task_id = started["task_id"]
    console.print(f"Started format task {task_id}", markup=False)
    if not wait:
        return
    final = follow(client, task_id, timeout)
    state = final["state"]
    console.print(f"{state}: {final['message'] or final['stage']}", markup=False)
    if final.get("result_page"):
        console.print(f"Result: {final['result_page']}", markup=False)
    raise typer.Exit(EXIT_OK if state in SUCCESS_STATES else EXIT_TASK_FAILED)


def follow(client: GatewayClient, task_id: str, timeout: float) -> dict[str, Any]:
    """Show the task's progress until it is final; reconnect when the stream drops."""
    deadline = time.monotonic() + timeout
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
    )
    shown: set[int] = set()
    with Progress(*columns, console=console, transient=False) as progress:
        bar = progress.add_task("NOT_STARTED", total=100)
        while time.monotonic() < deadline:
            try:
                for event, data in client.stream_events(f"/api/v1/tasks/{task_id}/stream"):
                    if time.monotonic() >= deadline:
                        break
                    if event != "status":
                        continue
                    task = json.loads(data)
                    show_update(progress, bar, task, shown)
                    if task["final"]:
                        return dict(task)
            except GatewayError as error:
                if error.exit_code != EXIT_UNAVAILABLE:
                    raise
                errors.print(f"{error.message}; retrying", markup=False)
            if time.monotonic() < deadline:
                time.sleep(RECONNECT_PAUSE_SECONDS)
    raise GatewayError(
        f"Task {task_id} did not finish within {timeout:.0f} s; follow it with "
        f"`auctionctl task {task_id}`.",
        EXIT_UNAVAILABLE,
    )


def show_update(progress: Progress, bar: TaskID, task: dict[str, Any], shown: set[int]) -> None:
    """Print the task's steps not `shown` yet above the bar and move the bar.

    A reconnected stream sends every step again, so `shown` keeps the printed sequences.
    """
    for step in task.get("steps", []):
        if step["sequence"] in shown:
            continue
        shown.add(step["sequence"])
        parts = (step["stage"], step["substage"], step["message"])
        text = " / ".join(part for part in parts if part)
        progress.console.print(
            f"{step['service']}: {step['state']} {step['progress']}% {text}",
            markup=False,
            highlight=False,
        )
    description = f"{task['state']} {task['stage']}".strip()
    progress.update(bar, completed=task["progress"], description=description)
