"""Reference data: warehouses, and the event catalogue's AsyncAPI document and JSON Schemas."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from fastapi import APIRouter, HTTPException
from pydantic import ValidationError

from auction_gateway.api.deps import GatewayDep
from auction_gateway.api.schemas import AirtableLocation, Warehouse
from auction_shared.events import BY_TYPE
from auction_shared.events.schema import asyncapi_document, event_json_schema
from auction_shared.logging import get_logger

log = get_logger(__name__)

router = APIRouter(tags=["reference"])


@router.get("/warehouses")
async def list_warehouses(gateway: GatewayDep) -> list[Warehouse]:
    """List the warehouses jobs can run for, with their Airtable ids when the file is configured."""
    locations = airtable_locations(gateway.settings.airtable_warehouses_file)
    return [
        Warehouse(id=name, name=name.capitalize(), airtable=locations.get(name))
        for name in gateway.settings.warehouses
    ]


def airtable_locations(path: Path | None) -> dict[str, AirtableLocation]:
    """Read airtable-sync's warehouses file; a missing or broken file gives no locations."""
    if path is None:
        return {}
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        entries = document["warehouses"]
        return {name: AirtableLocation.model_validate(entry) for name, entry in entries.items()}
    except (OSError, yaml.YAMLError, KeyError, TypeError, AttributeError, ValidationError) as error:
        log.warning("airtable_warehouses_file_unreadable", path=str(path), error=str(error)[:200])
        return {}


@router.get("/asyncapi.json")
async def get_asyncapi() -> dict[str, Any]:
    """Return the AsyncAPI 3.0 document of every event type and topic."""
    return asyncapi_document()


@router.get("/schemas")
async def list_schemas() -> dict[str, str]:
    """Map each event type to the URL of its JSON Schema."""
    return {event_type: f"/api/v1/schemas/{event_type}" for event_type in sorted(BY_TYPE)}


@router.get("/schemas/{event_type}")
async def get_schema(event_type: str) -> dict[str, Any]:
    """Return the JSON Schema of one event type's envelope, e.g. `auction.format.requested.v1`."""
    model = BY_TYPE.get(event_type)
    if model is None:
        raise HTTPException(
            status_code=404,
            detail=f"Event type {event_type!r} is unknown; GET /api/v1/schemas lists the types.",
        )
    return event_json_schema(model)
