"""Starting jobs. Each start returns a task id to follow at /api/v1/tasks/{task_id}."""

from __future__ import annotations

from fastapi import APIRouter

from auction_gateway import jobs
from auction_gateway.api.deps import GatewayDep, UserDep
from auction_gateway.api.schemas import FormatIn, FormatStarted, unprocessable
from auction_gateway.domain import InvalidInput, parse_starting_price
from auction_gateway.permissions import Permission, requires

router = APIRouter(tags=["jobs"])


@router.post("/format", status_code=202, dependencies=[requires(Permission.CAN_FORMAT)])
async def start_format(body: FormatIn, gateway: GatewayDep, user: UserDep) -> FormatStarted:
    """Format an auction event's lots into the site's import CSV."""
    raw_price = None if body.starting_price is None else str(body.starting_price)
    try:
        price = parse_starting_price(raw_price)
        task_id = await jobs.start_format(
            gateway.unit_of_work,
            warehouse=body.warehouse.strip(),
            event_id=body.event_id.strip(),
            starting_price=price,
            requested_by=user,
            known_warehouses=gateway.settings.warehouses,
            now=gateway.clock(),
        )
    except InvalidInput as error:
        raise unprocessable(error) from None
    return FormatStarted(
        task_id=task_id,
        status_url=f"/api/v1/tasks/{task_id}",
        stream_url=f"/api/v1/tasks/{task_id}/stream",
        page_url=f"/tasks/{task_id}",
    )
