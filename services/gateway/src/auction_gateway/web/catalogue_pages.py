"""Pages of the event catalogue and of each event's formatted CSV versions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from auction_gateway import jobs
from auction_gateway.api.csv_versions import download_link
from auction_gateway.api.deps import GatewayDep
from auction_gateway.api.schemas import EventOut
from auction_gateway.context import Gateway
from auction_gateway.domain import FieldError, InvalidInput, build_event, parse_site_datetime
from auction_gateway.permissions import Permission, requires
from auction_gateway.results import PREVIEW_LIMIT, load_details
from auction_gateway.web.rendering import render

router = APIRouter(include_in_schema=False)


@router.get("/events")
async def events_page(request: Request, gateway: GatewayDep) -> Response:
    return await _render_events(request, gateway, {}, [])


@router.post("/events", dependencies=[requires(Permission.CAN_CREATE_AUCTION)])
async def add_event(
    request: Request,
    gateway: GatewayDep,
    event_id: Annotated[str, Form()] = "",
    warehouse: Annotated[str, Form()] = "",
    title: Annotated[str, Form()] = "",
    start: Annotated[str, Form()] = "",
    end: Annotated[str, Form()] = "",
) -> Response:
    values = {
        "event_id": event_id,
        "warehouse": warehouse,
        "title": title,
        "start": start,
        "end": end,
    }
    try:
        event = build_event(
            event_id=event_id.strip(),
            warehouse=warehouse.strip(),
            title=title,
            starts_at=parse_site_datetime(start, "start", gateway.timezone),
            ends_at=parse_site_datetime(end, "end", gateway.timezone),
            known_warehouses=gateway.settings.warehouses,
        )
        await jobs.add_event(gateway.unit_of_work, event)
    except InvalidInput as error:
        return await _render_events(request, gateway, values, error.errors, status_code=422)
    except jobs.EventExists as error:
        problem = FieldError("event_id", event_id, str(error))
        return await _render_events(request, gateway, values, [problem], status_code=409)
    return RedirectResponse(f"/events?added={event.event_id}", status_code=303)


@router.post("/events/{event_id}/active", dependencies=[requires(Permission.CAN_CREATE_AUCTION)])
async def change_event(
    event_id: str, gateway: GatewayDep, active: Annotated[str, Form()] = ""
) -> Response:
    event = await jobs.set_event_active(gateway.unit_of_work, event_id, active=active == "true")
    if event is None:
        raise HTTPException(status_code=404, detail=f"Event {event_id!r} is not in the catalogue.")
    return RedirectResponse("/events", status_code=303)


async def _render_events(
    request: Request,
    gateway: Gateway,
    values: dict[str, str],
    errors: list[FieldError],
    status_code: int = 200,
) -> Response:
    async with gateway.unit_of_work() as work:
        events = await work.events.find()
    return render(
        request,
        "events.html",
        {
            "events": [EventOut.of(event) for event in events],
            "warehouses": gateway.settings.warehouses,
            "values": values,
            "errors": errors,
            "added": request.query_params.get("added"),
        },
        status_code=status_code,
    )


@router.get("/events/{event_id}/result")
async def result_page(
    request: Request, event_id: str, gateway: GatewayDep, version: int | None = None
) -> Response:
    async with gateway.unit_of_work() as work:
        event = await work.events.get(event_id)
        versions = await work.versions.history(event_id)
    chosen = None
    if version is not None:
        chosen = next((found for found in versions if found.version == version), None)
    if version is not None and chosen is None:
        raise HTTPException(status_code=404, detail=f"Event {event_id!r} has no version {version}.")
    chosen = chosen or (versions[0] if versions else None)
    details = await load_details(gateway.side_files, chosen.csv) if chosen else None
    return render(
        request,
        "result.html",
        {
            "event_id": event_id,
            "event": event,
            "versions": versions,
            "chosen": chosen,
            "details": details,
            "preview_limit": PREVIEW_LIMIT,
        },
    )


@router.get("/events/{event_id}/csv/{version}/download")
async def download_csv(event_id: str, version: int, gateway: GatewayDep) -> Response:
    """Redirect to a fresh presigned link, so the page's link never expires."""
    async with gateway.unit_of_work() as work:
        found = await work.versions.get(event_id, version)
    if found is None:
        raise HTTPException(status_code=404, detail=f"Event {event_id!r} has no version {version}.")
    link = await download_link(gateway, found)
    return RedirectResponse(link.url, status_code=303)
