"""`auctionctl tasks` and `auctionctl task ID`."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from auction_gateway.cli.state import console, gateway_client, reports_errors, short_time


def register(app: typer.Typer) -> None:
    app.command("tasks")(list_tasks)
    app.command("task")(show_task)


@reports_errors
def list_tasks(ctx: typer.Context) -> None:
    """List tasks of the retention window (24 hours by default), newest first."""
    rows = gateway_client(ctx).get("/api/v1/tasks")
    if not rows:
        console.print("No tasks in the retention window.")
        return
    table = Table()
    # Ids are copied into other commands: never wrap or shorten them.
    table.add_column("task id", no_wrap=True)
    for name in ("job", "warehouse", "event", "state", "progress", "stage", "started"):
        table.add_column(name)
    for row in rows:
        table.add_row(
            row["task_id"],
            row["job"],
            row["warehouse"] or "",
            row["event_id"] or "",
            row["state"],
            f"{row['progress']}%",
            row["stage"],
            short_time(row["created_at"]),
        )
    console.print(table)


@reports_errors
def show_task(
    ctx: typer.Context, task_id: Annotated[str, typer.Argument(help="The task id.")]
) -> None:
    """Show one task and its steps."""
    task = gateway_client(ctx).get(f"/api/v1/tasks/{task_id}")
    console.print(f"Task      {task['task_id']} ({task['job']})", markup=False)
    console.print(f"State     {task['state']} {task['progress']}%", markup=False)
    console.print(f"Stage     {task['stage']} {task['substage']}".rstrip(), markup=False)
    if task["message"]:
        console.print(f"Message   {task['message']}", markup=False)
    if task["event_id"]:
        console.print(f"Event     {task['event_id']} ({task['warehouse'] or '?'})", markup=False)
    steps = Table("time", "service", "state", "progress", "stage", "message")
    for step in task["steps"]:
        steps.add_row(
            short_time(step["recorded_at"]),
            step["service"],
            step["state"],
            f"{step['progress']}%",
            " / ".join(part for part in (step["stage"], step["substage"]) if part),
            step["message"],
        )
    console.print(steps)
