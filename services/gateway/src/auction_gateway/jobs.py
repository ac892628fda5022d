"""Commands of staff and systems: adding catalogue events and starting jobs."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from auction_gateway.domain import (
    FieldError,
    InvalidInput,
    check_format_request,
    new_task,
)
from auction_gateway.records import AuctionEvent
from auction_gateway.repository import UnitOfWorkFactory
from auction_shared.events import FormatRequested, JobKind, Requester
from auction_shared.logging import get_logger

log = get_logger(__name__)


class EventExists(Exception):
    """The catalogue already has an event with this id."""


async def add_event(unit_of_work: UnitOfWorkFactory, event: AuctionEvent) -> None:
    """Add a staff-entered event to the catalogue; raises EventExists when the id is taken."""
    async with unit_of_work() as work:
        added = await work.events.add(event)
    if not added:
        raise EventExists(f"Event {event.event_id!r} is already in the catalogue; use another id.")
    log.info("catalogue_event_added", event_id=event.event_id, warehouse=event.warehouse)


async def set_event_active(
    unit_of_work: UnitOfWorkFactory, event_id: str, *, active: bool
) -> AuctionEvent | None:
    """Show or hide an event on the Format page; return None when it is not in the catalogue."""
    async with unit_of_work() as work:
        event = await work.events.set_active(event_id, active)
    if event is not None:
        log.info("catalogue_event_updated", event_id=event_id, active=active)
    return event


async def start_format(
    unit_of_work: UnitOfWorkFactory,
    *,
    warehouse: str,
    event_id: str,
    starting_price: Decimal | None,
    requested_by: str,
    known_warehouses: Sequence[str],
    now: datetime,
) -> str:
    """Record a NOT_STARTED format task and publish `format.requested` in one transaction.

    Returns the new task id; raises InvalidInput when the warehouse or event is not usable.
    """
    task_id = str(uuid.uuid4())
    async with unit_of_work() as work:
        event = await work.events.get(event_id)
        errors: list[FieldError] = check_format_request(
            warehouse=warehouse,
            event_id=event_id,
            event=event,
            known_warehouses=known_warehouses,
        )
        if errors:
            raise InvalidInput(errors)
        await work.tasks.save(
            new_task(
                task_id=task_id,
                job=JobKind.FORMAT.value,
                warehouse=warehouse,
                event_id=event_id,
                requested_by=requested_by,
                now=now,
            )
        )
        request = FormatRequested(
            warehouse=warehouse,
            event_id=event_id,
            starting_price=starting_price,
            requested_by=Requester(kind="user", name=requested_by),
        )
        await work.publish(request, task_id=task_id, key=event_id, subject=event_id)
    log.info(
        "format_requested",
        task_id=task_id,
        event_id=event_id,
        warehouse=warehouse,
        price_override=starting_price is not None,
    )
    return task_id
