"""`auctionctl dedupe`: plan which identical items get an auction number, or apply a plan."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from auction_gateway.cli.client import EXIT_OK, EXIT_TASK_FAILED
from auction_gateway.cli.formatting import SUCCESS_STATES, follow
from auction_gateway.cli.state import console, gateway_client, reports_errors
from auction_gateway.task_views import dedupe_plan_view

# At most this many planned records are printed.
MAX_PRINTED_RECORDS = 100


def register(app: typer.Typer) -> None:
    app.command("dedupe")(dedupe)


@reports_errors
def dedupe(
    ctx: typer.Context,
    warehouse: Annotated[str, typer.Option(help="Warehouse id, e.g. maule.")],
    auction: Annotated[str, typer.Option(help="Auction number: a catalogue event id.")],
    target_msrp: Annotated[str, typer.Option(help="MSRP total to reach, e.g. 5000.")],
    apply: Annotated[
        str | None,
        typer.Option("--apply", metavar="PLAN_ID", help="Apply this plan instead of planning."),
    ] = None,
    wait: Annotated[
        bool, typer.Option("--wait", help="Follow the task with a progress bar until it ends.")
    ] = False,
    timeout: Annotated[
        float, typer.Option(help="With --wait: give up after this many seconds.", min=1)
    ] = 3600.0,
) -> None:
    """Plan a remove-duplicates run (writes nothing), or apply a plan with --apply PLAN_ID."""
    client = gateway_client(ctx)
    body: dict[str, Any] = {
        "warehouse": warehouse,
        "auction_number": auction,
        "target_msrp": target_msrp,
    }
    if apply is not None:
        body["plan_id"] = apply
    task_id = client.post("/api/v1/dedupe", body)["task_id"]
    verb = "apply" if apply else "plan"
    console.print(f"Started remove-duplicates {verb} task {task_id}", markup=False)
    if not wait:
        return
    final = follow(client, task_id, timeout)
    console.print(f"{final['state']}: {final['message'] or final['stage']}", markup=False)
    print_plan(final.get("result") or {}, warehouse, auction)
    raise typer.Exit(EXIT_OK if final["state"] in SUCCESS_STATES else EXIT_TASK_FAILED)


def print_plan(result: dict[str, Any], warehouse: str, auction: str) -> None:
    plan = dedupe_plan_view(result)
    if plan is None:
        for name, value in result.items():
            if isinstance(value, str | int | float | bool):
                console.print(f"  {name}: {value}", markup=False)
        return
    console.print(
        f"Plan {plan.plan_id}: {plan.record_count} records, MSRP {plan.msrp_total} of the "
        f"{plan.target_msrp} target",
        markup=False,
    )
    printed = 0
    for group in plan.groups:
        console.print(f"  {group.product_name or '(no name)'}", markup=False)
        for record in group.records:
            if printed >= MAX_PRINTED_RECORDS:
                break
            printed += 1
            console.print(
                f"    lot {record.lot_number}  count {record.auction_count}  MSRP {record.msrp}"
                f"  running {record.running_total}",
                markup=False,
            )
    if plan.record_count > printed:
        console.print(f"  … {plan.record_count - printed} more records", markup=False)
    for reason in plan.left_out:
        console.print(f"Left out: {reason}", markup=False)
    console.print(
        f"Apply it with: auctionctl dedupe --warehouse {warehouse} --auction {auction} "
        f"--target-msrp {plan.target_msrp} --apply {plan.plan_id}",
        markup=False,
    )
