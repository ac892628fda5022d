"""JSON endpoints under /_sandbox/ for tests: state, reset, event status, reports, faults, seed."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Annotated, Any

import structlog
from fastapi import APIRouter, Body, HTTPException

from ..faults import FaultConfigError, parse_fault_config
from ..importer import render_report_text
from ..models import EventStatus, ImportReport
from ..seeding import seed_closed_event
from ..store import NotFoundError
from .context import Site

log = structlog.get_logger(__name__)
router = APIRouter(prefix="/_sandbox")


def _json(value: Any) -> Any:
    """Convert records to JSON-ready values (dataclasses, datetimes, enums)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            field.name: _json(getattr(value, field.name)) for field in dataclasses.fields(value)
        }
    if isinstance(value, list | tuple):
        return [_json(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _json(item) for key, item in value.items()}
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, EventStatus):
        return value.value
    return value


def _report_json(report: ImportReport) -> dict[str, Any]:
    data: dict[str, Any] = _json(report)
    data["text"] = render_report_text(report)
    return data


@router.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/state")
def state(site: Site) -> dict[str, Any]:
    sales = site.store.list_sales()
    sale_rows = []
    for sale in sales:
        row = _json(sale)
        row["lot_id"] = sale.lot.id
        row["status"] = sale.status
        sale_rows.append(row)
    return {
        "events": _json(site.store.list_events()),
        "lots": _json(site.store.list_lots()),
        "bids": _json(site.store.list_bids()),
        "sales": sale_rows,
        "import_reports": [_report_json(report) for report in site.store.list_import_reports()],
    }


@router.post("/reset")
def reset(site: Site) -> dict[str, str]:
    site.store.reset()
    log.info("sandbox_reset")
    return {"status": "reset"}


@router.post("/events/{event_id}/status")
def set_event_status(
    event_id: int,
    site: Site,
    body: Annotated[dict[str, Any], Body()],
) -> Any:
    try:
        status = EventStatus(body.get("status", ""))
    except ValueError as exc:
        allowed = ", ".join(item.value for item in EventStatus)
        raise HTTPException(
            422, f"status {body.get('status')!r} is not valid; use one of {allowed}"
        ) from exc
    try:
        starts_at = _optional_datetime(body.get("starts_at"), "starts_at")
        ends_at = _optional_datetime(body.get("ends_at"), "ends_at")
        event = site.store.set_event_status(event_id, status, starts_at, ends_at)
    except NotFoundError as exc:
        raise HTTPException(404, str(exc)) from exc
    log.info("event_status_set", event_id=event_id, status=status.value)
    return _json(event)


def _optional_datetime(value: object, name: str) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(str(value))
    except ValueError as exc:
        raise HTTPException(
            422, f"{name} {value!r} is not an ISO date-time like 2026-12-04T18:30:00"
        ) from exc


@router.get("/import-reports")
def import_reports(site: Site) -> list[dict[str, Any]]:
    return [_report_json(report) for report in site.store.list_import_reports()]


@router.get("/import-reports/{report_id}")
def import_report(report_id: int, site: Site) -> dict[str, Any]:
    try:
        return _report_json(site.store.get_import_report(report_id))
    except NotFoundError as exc:
        raise HTTPException(404, str(exc)) from exc


@router.get("/outbox")
def outbox(site: Site) -> Any:
    return _json(site.store.list_outbox())


@router.get("/faults")
def get_faults(site: Site) -> dict[str, Any]:
    return site.faults.state_json()


@router.post("/faults")
def set_faults(site: Site, body: Annotated[dict[str, Any], Body()]) -> dict[str, Any]:
    """Replace the fault configuration (an empty object clears every fault)."""
    try:
        config = parse_fault_config(body)
    except (FaultConfigError, TypeError, ValueError) as exc:
        raise HTTPException(422, str(exc)) from exc
    site.faults.replace(config)
    log.info("faults_set", faults=config.to_json())
    return site.faults.state_json()


@router.post("/seed-closed-event")
def seed(site: Site, body: Annotated[dict[str, Any] | None, Body()] = None) -> dict[str, Any]:
    body = body or {}
    lots = int(body.get("lots", 12))
    if lots < 1:
        raise HTTPException(422, f"lots must be 1 or more (got {lots})")
    return seed_closed_event(site.store, lots, site.now_local(), seed=int(body.get("seed", 7)))
