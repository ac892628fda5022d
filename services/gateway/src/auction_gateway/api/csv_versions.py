"""CSV versions of an event and presigned download links to them."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, HTTPException

from auction_gateway.api.deps import GatewayDep
from auction_gateway.api.schemas import CsvVersionOut, DownloadLink
from auction_gateway.context import Gateway
from auction_gateway.records import CsvVersion

router = APIRouter(prefix="/events/{event_id}/csv", tags=["csv"])


@router.get("")
async def list_versions(event_id: str, gateway: GatewayDep) -> list[CsvVersionOut]:
    """List the event's CSV versions, newest first (empty when it was never formatted)."""
    async with gateway.unit_of_work() as work:
        versions = await work.versions.history(event_id)
    return [CsvVersionOut.of(version) for version in versions]


@router.get("/{version}/download")
async def download_version(event_id: str, version: int, gateway: GatewayDep) -> DownloadLink:
    """Return a presigned, time-limited link to one CSV version."""
    async with gateway.unit_of_work() as work:
        found = await work.versions.get(event_id, version)
    if found is None:
        raise HTTPException(
            status_code=404,
            detail=f"Event {event_id!r} has no CSV version {version}; "
            f"GET /api/v1/events/{event_id}/csv lists its versions.",
        )
    return await download_link(gateway, found)


async def download_link(gateway: Gateway, version: CsvVersion) -> DownloadLink:
    lifetime = timedelta(minutes=gateway.settings.download_link_minutes)
    url = await gateway.downloads.presigned_get(version.csv, lifetime)
    return DownloadLink(
        url=url,
        expires_at=gateway.clock() + lifetime,
        filename=csv_filename(version),
    )


def csv_filename(version: CsvVersion) -> str:
    return f"{version.event_id}-v{version.version}.csv"
