"""The auction-event catalogue: list and add events."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Query

from auction_gateway import jobs
from auction_gateway.api.deps import GatewayDep
from auction_gateway.api.schemas import EventChange, EventIn, EventOut, unprocessable
from auction_gateway.domain import InvalidInput, build_event, localise
from auction_gateway.permissions import Permission, requires

router = APIRouter(prefix="/events", tags=["events"])


@router.get("")
async def list_events(
    gateway: GatewayDep,
    warehouse: str | None = Query(default=None, description="Only this warehouse's events."),
    active: bool = Query(default=False, description="Only active events."),
) -> list[EventOut]:
    """List catalogue events, latest start first."""
    async with gateway.unit_of_work() as work:
        events = await work.events.find(warehouse=warehouse, active_only=active)
    return [EventOut.of(event) for event in events]


@router.post("", status_code=201, dependencies=[requires(Permission.CAN_CREATE_AUCTION)])
async def add_event(body: EventIn, gateway: GatewayDep) -> EventOut:
    """Add an event to the catalogue (409 when its id is taken)."""
    try:
        event = build_event(
            event_id=body.event_id.strip(),
            warehouse=body.warehouse.strip(),
            title=body.title,
            starts_at=localise(body.starts_at, gateway.timezone),
            ends_at=localise(body.ends_at, gateway.timezone),
            known_warehouses=gateway.settings.warehouses,
            active=body.active,
        )
        await jobs.add_event(gateway.unit_of_work, event)
    except InvalidInput as error:
        raise unprocessable(error) from None
    except jobs.EventExists as error:
        raise HTTPException(status_code=409, detail=str(error)) from None
    return EventOut.of(event)


@router.patch("/{event_id}", dependencies=[requires(Permission.CAN_CREATE_AUCTION)])
async def change_event(event_id: str, body: EventChange, gateway: GatewayDep) -> EventOut:
    """Mark an event active or inactive."""
    event = await jobs.set_event_active(gateway.unit_of_work, event_id, active=body.active)
    if event is None:
        raise HTTPException(status_code=404, detail=_not_found(event_id))
    return EventOut.of(event)


@router.get("/{event_id}")
async def get_event(event_id: str, gateway: GatewayDep) -> EventOut:
    """Return one catalogue event."""
    async with gateway.unit_of_work() as work:
        event = await work.events.get(event_id)
    if event is None:
        raise HTTPException(status_code=404, detail=_not_found(event_id))
    return EventOut.of(event)


def _not_found(event_id: str) -> str:
    return f"Event {event_id!r} is not in the catalogue; GET /api/v1/events lists the events."
