"""Server-rendered pages for staff: login, format, tasks, events and a CSV version's result."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import jinja2
from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from auction_gateway import jobs
from auction_gateway.api.csv_versions import download_link
from auction_gateway.api.deps import GatewayDep, UserDep
from auction_gateway.api.schemas import EventOut, StepOut, TaskOut
from auction_gateway.auth import safe_next_path
from auction_gateway.context import Gateway
from auction_gateway.domain import (
    FieldError,
    InvalidInput,
    build_event,
    parse_site_datetime,
    parse_starting_price,
    retention_cutoff,
)
from auction_gateway.results import PREVIEW_LIMIT, load_details
from auction_shared.logging import get_logger

log = get_logger(__name__)

TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"

# Autoescaping is on for every template: titles and messages come from Airtable and other services.
templates = Jinja2Templates(
    env=jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES_DIR), autoescape=True)
)

router = APIRouter(include_in_schema=False)

FormText = Annotated[str, Form()]


def site_time(value: datetime | None, timezone: ZoneInfo) -> str:
    if value is None:
        return ""
    return value.astimezone(timezone).strftime("%Y-%m-%d %H:%M")


def render(
    request: Request, name: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    gateway: Gateway = request.app.state.gateway
    user = getattr(request.scope.get("user"), "username", None)
    base = {
        "user": user,
        "timezone": gateway.settings.site_timezone,
        "site_time": lambda value: site_time(value, gateway.timezone),
    }
    return templates.TemplateResponse(request, name, {**base, **context}, status_code=status_code)


# --- login ------------------------------------------------------------------------------------


@router.get("/login")
async def login_page(request: Request, next: str | None = None) -> Response:
    if request.scope.get("user") is not None:
        return RedirectResponse(safe_next_path(next), status_code=303)
    return render(request, "login.html", {"next": safe_next_path(next), "error": None})


@router.post("/login")
async def login(
    request: Request,
    gateway: GatewayDep,
    username: FormText,
    password: FormText,
    next: Annotated[str, Form()] = "/",
) -> Response:
    target = safe_next_path(next)
    if not await gateway.login.check(username, password):
        # The user name is not logged: people sometimes type their password into that field.
        log.warning("login_rejected", client=request.client.host if request.client else None)
        return render(
            request,
            "login.html",
            {"next": target, "error": "Invalid username or password.", "username": username},
            status_code=401,
        )
    response = RedirectResponse(target, status_code=303)
    gateway.cookies.set_on(response, username)
    log.info("login_accepted", user=username)
    return response


@router.post("/logout")
async def logout(gateway: GatewayDep) -> Response:
    response = RedirectResponse("/login", status_code=303)
    gateway.cookies.clear_on(response)
    return response


# --- format -----------------------------------------------------------------------------------


@router.get("/")
async def home() -> Response:
    return RedirectResponse("/format", status_code=303)


@router.get("/format")
async def format_page(
    request: Request, gateway: GatewayDep, warehouse: str | None = None, event: str | None = None
) -> Response:
    return await _render_format(
        request, gateway, {"warehouse": warehouse or "", "event": event or "", "price": ""}, []
    )


@router.post("/format")
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


# --- tasks ------------------------------------------------------------------------------------


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
        {"task": TaskOut.of(task), "steps": [StepOut.of(step) for step in steps]},
    )


# --- events -----------------------------------------------------------------------------------


@router.get("/events")
async def events_page(request: Request, gateway: GatewayDep) -> Response:
    return await _render_events(request, gateway, {}, [])


@router.post("/events")
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


@router.post("/events/{event_id}/active")
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


# --- results ----------------------------------------------------------------------------------


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
