"""The remove-duplicates page: plan for a warehouse and auction, then apply the plan."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from auction_gateway import job_rules, job_starts
from auction_gateway.api.deps import GatewayDep, UserDep
from auction_gateway.api.job_support import needs
from auction_gateway.context import Gateway
from auction_gateway.domain import FieldError, InvalidInput
from auction_gateway.permissions import Permission
from auction_gateway.web.job_forms import form_context
from auction_gateway.web.rendering import render

router = APIRouter(include_in_schema=False)

DEDUPE = [needs(Permission.CAN_DEDUPE)]


@router.get("/dedupe", dependencies=DEDUPE)
async def dedupe_page(request: Request, gateway: GatewayDep, warehouse: str = "") -> Response:
    values = {"warehouse": warehouse, "auction_number": "", "target_msrp": ""}
    return await _render(request, gateway, values, [])


@router.post("/dedupe", dependencies=DEDUPE)
async def plan_dedupe(
    request: Request,
    gateway: GatewayDep,
    user: UserDep,
    warehouse: Annotated[str, Form()] = "",
    auction_number: Annotated[str, Form()] = "",
    target_msrp: Annotated[str, Form()] = "",
) -> Response:
    values = {"warehouse": warehouse, "auction_number": auction_number, "target_msrp": target_msrp}
    result = await _start(gateway, user, values, plan_id=None)
    if isinstance(result, InvalidInput):
        return await _render(request, gateway, values, result.errors, status_code=422)
    return RedirectResponse(f"/tasks/{result}", status_code=303)


@router.post("/dedupe/apply", dependencies=DEDUPE)
async def apply_dedupe(
    request: Request,
    gateway: GatewayDep,
    user: UserDep,
    plan_id: Annotated[str, Form()] = "",
    warehouse: Annotated[str, Form()] = "",
    auction_number: Annotated[str, Form()] = "",
    target_msrp: Annotated[str, Form()] = "",
) -> Response:
    values = {"warehouse": warehouse, "auction_number": auction_number, "target_msrp": target_msrp}
    result = await _start(gateway, user, values, plan_id=plan_id.strip())
    if isinstance(result, InvalidInput):
        return await _render(request, gateway, values, result.errors, status_code=422)
    return RedirectResponse(f"/tasks/{result}", status_code=303)


async def _start(
    gateway: Gateway, user: str, values: dict[str, str], *, plan_id: str | None
) -> str | InvalidInput:
    """Start a plan or apply task; return its id, or the rejected input."""
    target = job_rules.parse_target_msrp(values["target_msrp"])
    try:
        return await job_starts.start_dedupe(
            gateway.unit_of_work,
            warehouse=values["warehouse"].strip(),
            auction_number=values["auction_number"].strip(),
            target_msrp=target,
            plan_id=plan_id,
            requested_by=user,
            known_warehouses=gateway.settings.warehouses,
            now=gateway.clock(),
        )
    except InvalidInput as error:
        return error


async def _render(
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
        "dedupe.html",
        {
            **form_context(gateway, values, errors),
            "events": [
                {"id": event.event_id, "warehouse": event.warehouse, "title": event.title}
                for event in events
            ],
        },
        status_code=status_code,
    )
