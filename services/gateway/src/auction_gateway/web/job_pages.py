"""Pages that start jobs and follow them: the Format page, the task list and one task."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from auction_gateway import jobs
from auction_gateway.api.deps import GatewayDep, UserDep
from auction_gateway.api.schemas import StepOut, TaskOut
from auction_gateway.context import Gateway
from auction_gateway.domain import FieldError, InvalidInput, parse_starting_price, retention_cutoff
from auction_gateway.permissions import Permission, requires, user_permissions
from auction_gateway.web.rendering import render, site_time
from auction_gateway.web.task_extras import task_extras

router = APIRouter(include_in_schema=False)


@router.get("/")
async def home(request: Request) -> Response:
    """Send users who may format to the Format page and everyone else to the task list."""
    start = "/format" if Permission.CAN_FORMAT in user_permissions(request) else "/tasks"
    return RedirectResponse(start, status_code=303)


@router.get("/format", dependencies=[requires(Permission.CAN_FORMAT)])
async def format_page(
    request: Request, gateway: GatewayDep, warehouse: str | None = None, event: str | None = None
) -> Response:
    return await _render_format(
        request, gateway, {"warehouse": warehouse or "", "event": event or "", "price": ""}, []
    )


@router.post("/format", dependencies=[requires(Permission.CAN_FORMAT)])
async def start_format(
    request: Request,
    gateway: GatewayDep,
    user: UserDep,
    warehouse: Annotated[str, Form()] = "",
    event: Annotated[str, Form()] = "",
    price: Annotated[str, Form()] = "",
) -> Response:
    values = {"warehouse": warehouse, "event": event, "price": price}
    try:
        starting_price = parse_starting_price(price)
        task_id = await jobs.start_format(
            gateway.unit_of_work,
            warehouse=warehouse.strip(),
            event_id=event.strip(),
            starting_price=starting_price,
            requested_by=user,
            known_warehouses=gateway.settings.warehouses,
            now=gateway.clock(),
        )
    except InvalidInput as error:
        return await _render_format(request, gateway, values, error.errors, status_code=422)
    return RedirectResponse(f"/tasks/{task_id}", status_code=303)


async def _render_format(
    request: Request,
    gateway: Gateway,
    values: dict[str, str],
    errors: list[FieldError],
    status_code: int = 200,
) -> Response:
    async with gateway.unit_of_work() as work:
        events = await work.events.find(active_only=True)
    warehouses = list(gateway.settings.warehouses)
    if values["warehouse"] not in warehouses:
        values = {**values, "warehouse": warehouses[0] if warehouses else ""}
    event_options = [
        {
            "id": event.event_id,
            "warehouse": event.warehouse,
            "label": f"{event.event_id} — {event.title} "
            f"(ends {site_time(event.ends_at, gateway.timezone)})",
        }
        for event in events
    ]
    return render(
        request,
        "format.html",
        {
            "warehouses": warehouses,
            "events": event_options,
            "values": values,
            "errors": errors,
            "field_errors": {error.field: error.message for error in errors},
        },
        status_code=status_code,
    )


@router.get("/tasks")
async def tasks_page(request: Request, gateway: GatewayDep) -> Response:
    since = retention_cutoff(gateway.clock(), gateway.settings.task_retention_hours)
    async with gateway.unit_of_work() as work:
        tasks = await work.tasks.recent(since)
    return render(
        request,
        "tasks.html",
        {
            "tasks": [TaskOut.of(task) for task in tasks],
            "hours": gateway.settings.task_retention_hours,
        },
    )


@router.get("/tasks/{task_id}")
async def task_page(request: Request, task_id: str, gateway: GatewayDep) -> Response:
    async with gateway.unit_of_work() as work:
        task = await work.tasks.get(task_id)
        steps = await work.tasks.steps(task_id) if task else []
    if task is None:
        raise HTTPException(status_code=404, detail=f"Task {task_id!r} is not known.")
    return render(
        request,
        "task.html",
        {
            "task": TaskOut.of(task),
            "steps": [StepOut.of(step) for step in steps],
            **await task_extras(request, gateway, task, steps),
        },
    )
