"""`auctionctl csv`: download a formatted CSV version and check its SHA-256."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Annotated

import httpx
import typer

from auction_gateway.cli.client import EXIT_REJECTED, EXIT_UNAVAILABLE, GatewayError
from auction_gateway.cli.state import console, gateway_client, reports_errors

DOWNLOAD_TIMEOUT_SECONDS = 120.0


def register(app: typer.Typer) -> None:
    app.command("csv")(download_csv)


@reports_errors
def download_csv(
    ctx: typer.Context,
    event: Annotated[str, typer.Option(help="The site's event id.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write the CSV to.")],
    version: Annotated[
        int | None, typer.Option(help="CSV version (default: the newest).", min=1)
    ] = None,
) -> None:
    """Download an event's import CSV (the newest version unless --version is given)."""
    client = gateway_client(ctx)

    versions = client.get(f"/api/v1/events/{event}/csv")
    if not versions:
        raise GatewayError(
            f"Event {event!r} has no CSV yet; run `auctionctl format` first.", EXIT_REJECTED
        )
    chosen = (
        versions[0]
        if version is None
        else next((row for row in versions if row["version"] == version), None)
    )
    if chosen is None:
        known = ", ".join(str(row["version"]) for row in versions)
        raise GatewayError(
            f"Event {event!r} has no CSV version {version}; its versions are {known}.",
            EXIT_REJECTED,
        )

    link = client.get(chosen["download_url"])
    data = fetch(link["url"])
    digest = hashlib.sha256(data).hexdigest()
    if digest != chosen["sha256"]:
        raise GatewayError(
            f"The downloaded file's SHA-256 is {digest}, expected {chosen['sha256']}; "
            "the object was changed after it was formatted. Nothing was written.",
            EXIT_UNAVAILABLE,
        )

    output.write_bytes(data)
    console.print(
        f"Wrote version {chosen['version']} of event {event} ({chosen['lot_count']} lots, "
        f"{len(data)} bytes) to {output}",
        markup=False,
    )


def fetch(url: str) -> bytes:
    """Download a presigned URL (no gateway credentials are sent to object storage)."""
    try:
        response = httpx.get(url, timeout=DOWNLOAD_TIMEOUT_SECONDS, follow_redirects=True)
    except httpx.TransportError as error:
        raise GatewayError(f"Downloading the CSV failed: {error}", EXIT_UNAVAILABLE) from error
    if response.status_code != 200:
        raise GatewayError(
            f"Downloading the CSV failed with HTTP {response.status_code}: {response.text[:200]}",
            EXIT_UNAVAILABLE,
        )
    return response.content
