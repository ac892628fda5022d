"""Pages of the site jobs: create an auction, upload a CSV version, void unpaid sales."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from auction_gateway import job_rules, job_starts
from auction_gateway.api.deps import GatewayDep, UserDep
from auction_gateway.api.job_support import needs
from auction_gateway.context import Gateway
from auction_gateway.domain import FieldError, InvalidInput
from auction_gateway.permissions import Permission
from auction_gateway.task_views import void_export
from auction_gateway.web.job_forms import form_context
from auction_gateway.web.rendering import render

router = APIRouter(include_in_schema=False)

CREATE = [needs(Permission.CAN_CREATE_AUCTION)]
UPLOAD = [needs(Permission.CAN_UPLOAD)]
VOID = [needs(Permission.CAN_VOID)]


# --- create an auction ---------------------------------------------------------------------------


@router.get("/auctions/new", dependencies=CREATE)
async def create_page(request: Request, gateway: GatewayDep, warehouse: str = "") -> Response:
    values = {
        "warehouse": warehouse,
        "title": "",
        "subtitle": "",
        "end_date": "",
        "end_time": job_rules.DEFAULT_END_TIME.strftime("%H:%M"),
    }
    return _render_create(request, gateway, values, [])


@router.post("/auctions/new", dependencies=CREATE)
async def create_auction(
    request: Request,
    gateway: GatewayDep,
    user: UserDep,
    warehouse: Annotated[str, Form()] = "",
    title: Annotated[str, Form()] = "",
    subtitle: Annotated[str, Form()] = "",
    end_date: Annotated[str, Form()] = "",
    end_time: Annotated[str, Form()] = "",
) -> Response:
    values = {
        "warehouse": warehouse,
        "title": title,
        "subtitle": subtitle,
        "end_date": end_date,
        "end_time": end_time,
    }
    try:
        task_id = await job_starts.start_create_auction(
            gateway.unit_of_work,
            warehouse=warehouse.strip(),
            title=title,
            subtitle=subtitle,
            end_date=end_date,
            end_time=end_time,
            requested_by=user,
            known_warehouses=gateway.settings.warehouses,
            now=gateway.clock(),
            timezone=gateway.timezone,
        )
    except InvalidInput as error:
        return _render_create(request, gateway, values, error.errors, status_code=422)
    return RedirectResponse(f"/tasks/{task_id}", status_code=303)


def _render_create(
    request: Request,
    gateway: Gateway,
    values: dict[str, str],
    errors: list[FieldError],
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "auction_new.html",
        {
            **form_context(gateway, values, errors),
            "today": gateway.clock().astimezone(gateway.timezone).date().isoformat(),
            "max_title": job_rules.MAX_AUCTION_TITLE_LENGTH,
        },
        status_code=status_code,
    )


# --- upload a CSV version ------------------------------------------------------------------------


@router.get("/events/{event_id}/upload", dependencies=UPLOAD)
async def upload_page(
    request: Request, event_id: str, gateway: GatewayDep, version: str = ""
) -> Response:
    return await _render_upload(
        request, gateway, event_id, {"version": version, "validate_only": False}, []
    )


@router.post("/events/{event_id}/upload", dependencies=UPLOAD)
async def start_upload(
    request: Request,
    event_id: str,
    gateway: GatewayDep,
    user: UserDep,
    version: Annotated[str, Form()] = "",
    validate_only: Annotated[bool, Form()] = False,
) -> Response:
    values: dict[str, object] = {"version": version, "validate_only": validate_only}
    parsed = job_rules.parse_version(version)
    try:
        if isinstance(parsed, FieldError):
            raise InvalidInput([parsed])
        task_id = await job_starts.start_upload(
            gateway.unit_of_work,
            event_id=event_id,
            version=parsed,
            validate_only=validate_only,
            requested_by=user,
            known_warehouses=gateway.settings.warehouses,
            now=gateway.clock(),
        )
    except InvalidInput as error:
        return await _render_upload(
            request, gateway, event_id, values, error.errors, status_code=422
        )
    return RedirectResponse(f"/tasks/{task_id}", status_code=303)


async def _render_upload(
    request: Request,
    gateway: Gateway,
    event_id: str,
    values: dict[str, object],
    errors: list[FieldError],
    status_code: int = 200,
) -> Response:
    async with gateway.unit_of_work() as work:
        event = await work.events.get(event_id)
        versions = await work.versions.history(event_id)
    if event is None:
        raise HTTPException(
            status_code=404,
            detail=f"Event {event_id!r} is not in the catalogue; add it on the Events page.",
        )
    return render(
        request,
        "upload.html",
        {
            "event": event,
            "versions": versions,
            "values": values,
            "errors": errors,
            "field_errors": {error.field: error.message for error in errors},
        },
        status_code=status_code,
    )


# --- void unpaid sales ---------------------------------------------------------------------------


@router.get("/void", dependencies=VOID)
async def void_list(request: Request, gateway: GatewayDep) -> Response:
    async with gateway.unit_of_work() as work:
        events = await work.events.find()
    recent = job_rules.recently_ended(events, gateway.clock(), gateway.timezone)
    return render(request, "void_list.html", {"events": recent, "days": job_rules.VOID_WINDOW_DAYS})


@router.get("/void/{event_id}", dependencies=VOID)
async def void_confirm_page(request: Request, event_id: str, gateway: GatewayDep) -> Response:
    return await _render_void_confirm(request, gateway, event_id, [])


@router.post("/void/{event_id}", dependencies=VOID)
async def start_void(
    request: Request,
    event_id: str,
    gateway: GatewayDep,
    user: UserDep,
    confirm_event_id: Annotated[str, Form()] = "",
    copy_to_cancels: Annotated[bool, Form()] = False,
) -> Response:
    try:
        if confirm_event_id.strip() != event_id:
            raise InvalidInput(
                [
                    FieldError(
                        "confirm_event_id",
                        confirm_event_id[:60],
                        f"{confirm_event_id[:60]!r} does not match event {event_id!r}; type "
                        "the event id exactly to confirm the void.",
                    )
                ]
            )
        task_id = await job_starts.start_void(
            gateway.unit_of_work,
            event_id=event_id,
            copy_to_cancels=copy_to_cancels,
            requested_by=user,
            now=gateway.clock(),
            timezone=gateway.timezone,
        )
    except InvalidInput as error:
        return await _render_void_confirm(
            request, gateway, event_id, error.errors, copy_to_cancels, status_code=422
        )
    return RedirectResponse(f"/tasks/{task_id}", status_code=303)


async def _render_void_confirm(
    request: Request,
    gateway: Gateway,
    event_id: str,
    errors: list[FieldError],
    copy_to_cancels: bool = False,
    status_code: int = 200,
) -> Response:
    async with gateway.unit_of_work() as work:
        event = await work.events.get(event_id)
    problems = job_rules.check_void_event(event_id, event, gateway.clock(), gateway.timezone)
    return render(
        request,
        "void_confirm.html",
        {
            "event_id": event_id,
            "event": event,
            "problems": problems,
            "errors": errors,
            "copy_to_cancels": copy_to_cancels,
        },
        status_code=status_code if not problems else 422,
    )


@router.get("/tasks/{task_id}/export", dependencies=VOID)
async def void_export_download(task_id: str, gateway: GatewayDep) -> Response:
    """Redirect to a fresh presigned link of the void task's export."""
    async with gateway.unit_of_work() as work:
        task = await work.tasks.get(task_id)
    export = void_export(task, await gateway.outcomes.get(task_id))
    if export is None:
        raise HTTPException(status_code=404, detail=f"Task {task_id!r} has no voided-sales export.")
    minutes = gateway.settings.download_link_minutes
    url = await gateway.downloads.presigned_get(export, timedelta(minutes=minutes))
    return RedirectResponse(url, status_code=303)
