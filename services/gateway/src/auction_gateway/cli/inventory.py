"""`auctionctl inventory import`: import a liquidation manifest into a warehouse's inventory."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from auction_gateway.cli.client import EXIT_OK, EXIT_REJECTED, EXIT_TASK_FAILED, GatewayError
from auction_gateway.cli.formatting import SUCCESS_STATES, follow
from auction_gateway.cli.state import console, gateway_client, reports_errors
from auction_gateway.job_rules import MAX_COLUMN_MAP_BYTES, MAX_MANIFEST_BYTES

inventory_app = typer.Typer(help="Inventory in Airtable.", no_args_is_help=True)

# At most this many row errors and warnings are printed after --wait.
MAX_PRINTED_ROWS = 50


def register(app: typer.Typer) -> None:
    app.add_typer(inventory_app, name="inventory")
    inventory_app.command("import")(import_manifest)


@reports_errors
def import_manifest(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The manifest: CSV or XLSX, at most 20 MB.")],
    warehouse: Annotated[str, typer.Option(help="Warehouse id, e.g. maule.")],
    status: Annotated[
        str | None,
        typer.Option(help="Status of the new records, e.g. 'Send to Auction' (default: blank)."),
    ] = None,
    column_map: Annotated[
        Path | None,
        typer.Option(help="YAML or JSON file of manifest header to Airtable field."),
    ] = None,
    skip_bad_rows: Annotated[
        bool,
        typer.Option("--skip-bad-rows", help="Import the good rows when some rows have errors."),
    ] = False,
    wait: Annotated[
        bool, typer.Option("--wait", help="Follow the task with a progress bar until it ends.")
    ] = False,
    timeout: Annotated[
        float, typer.Option(help="With --wait: give up after this many seconds.", min=1)
    ] = 3600.0,
) -> None:
    """Import a manifest: one Airtable record per unit, with the next free lot numbers."""
    files = {"file": (file.name, read_file(file, MAX_MANIFEST_BYTES, "manifest"), "text/csv")}
    if column_map is not None:
        data = read_file(column_map, MAX_COLUMN_MAP_BYTES, "column map")
        files["column_map"] = (column_map.name, data, "application/octet-stream")
    fields = {"warehouse": warehouse, "skip_bad_rows": "true" if skip_bad_rows else "false"}
    if status:
        fields["status"] = status
    client = gateway_client(ctx)
    started = client.post_form("/api/v1/inventory/imports", fields, files)
    task_id = started["task_id"]
    console.print(f"Started inventory import task {task_id}", markup=False)
    if not wait:
        return
    final = follow(client, task_id, timeout)
    print_outcome(final)
    raise typer.Exit(EXIT_OK if final["state"] in SUCCESS_STATES else EXIT_TASK_FAILED)


def read_file(path: Path, limit: int, what: str) -> bytes:
    """Read a local file to upload; a missing, unreadable or oversized file is rejected input."""
    try:
        size = path.stat().st_size
        if size > limit:
            raise GatewayError(
                f"The {what} {path} has {size} bytes, more than the {limit} allowed; "
                "split it or choose a smaller file.",
                EXIT_REJECTED,
            )
        return path.read_bytes()
    except OSError as error:
        raise GatewayError(
            f"Cannot read the {what} {path} ({error.strerror}); check the path.", EXIT_REJECTED
        ) from error


def print_outcome(task: dict[str, Any]) -> None:
    """Print the row errors, warnings and counts of the result, then the final state.

    The state and message come last, so a script can read the summary from the last line.
    """
    result = task.get("result") or {}
    row_errors = result.get("row_errors")
    if isinstance(row_errors, list) and row_errors:
        total = result.get("row_error_count", len(row_errors))
        console.print(f"Row errors ({total}):", markup=False)
        for row in row_errors[:MAX_PRINTED_ROWS]:
            if isinstance(row, dict):
                console.print(f"  line {row.get('line')}: {row.get('message')}", markup=False)
    warnings = result.get("warnings")
    if isinstance(warnings, list) and warnings:
        console.print(f"Warnings ({len(warnings)}):", markup=False)
        for warning in warnings[:MAX_PRINTED_ROWS]:
            console.print(f"  {warning}", markup=False)
    for name in ("records_created", "first_lot_number", "last_lot_number", "rows_skipped"):
        if result.get(name) is not None:
            console.print(f"  {name}: {result[name]}", markup=False)
    console.print(f"{task['state']}: {task['message'] or task['stage']}", markup=False)
