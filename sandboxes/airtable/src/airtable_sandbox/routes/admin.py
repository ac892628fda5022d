"""Admin endpoints for tests under /_sandbox/: reset, seed, faults, request log."""

from __future__ import annotations

from typing import Any

import yaml
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from airtable_sandbox.faults import FaultRuleError
from airtable_sandbox.routes.common import read_json, sandbox_of
from airtable_sandbox.seed import SeedError, parse_seed

router = APIRouter(prefix="/_sandbox")


def _bad_request(message: str) -> JSONResponse:
    return JSONResponse(
        {"error": {"type": "INVALID_ADMIN_REQUEST", "message": message}}, status_code=400
    )


@router.get("/health")
async def health() -> JSONResponse:
    return JSONResponse({"status": "ok"})


@router.post("/reset")
async def reset(request: Request) -> JSONResponse:
    try:
        installed = sandbox_of(request).reset()
    except SeedError as error:
        return _bad_request(str(error))
    return JSONResponse({"bases": installed})


@router.post("/seed")
async def load_seed(request: Request) -> JSONResponse:
    """Create or replace bases from a seed document sent as JSON or YAML."""
    raw = await request.body()
    try:
        document = yaml.safe_load(raw.decode("utf-8")) if raw.strip() else None
    except (UnicodeDecodeError, yaml.YAMLError) as error:
        return _bad_request(f"the body is neither JSON nor YAML: {error}")
    try:
        seed = parse_seed(document, directory=None)
        if seed.settings:
            return _bad_request(
                "a seed sent here cannot change `settings`; they apply at start only"
            )
        installed = sandbox_of(request).load_seed(seed)
    except (SeedError, FaultRuleError) as error:
        return _bad_request(str(error))
    return JSONResponse({"bases": installed})


@router.get("/faults")
async def list_faults(request: Request) -> JSONResponse:
    return JSONResponse({"faults": sandbox_of(request).faults.describe()})


@router.post("/faults")
async def add_faults(request: Request) -> JSONResponse:
    """Add rules: one rule object, a list, or `{"faults": [...], "replace": true}`."""
    body: Any = await read_json(request)
    replace = False
    if isinstance(body, dict) and "faults" in body:
        replace = bool(body.get("replace", False))
        body = body["faults"]
    docs = body if isinstance(body, list) else [body]
    plan = sandbox_of(request).faults
    try:
        if replace:
            plan.clear()
        added = plan.add(docs)
    except FaultRuleError as error:
        return _bad_request(str(error))
    return JSONResponse({"added": [rule.id for rule in added], "faults": plan.describe()})


@router.delete("/faults")
async def clear_faults(request: Request) -> JSONResponse:
    sandbox_of(request).faults.clear()
    return JSONResponse({"faults": []})


@router.get("/requests")
async def request_log(request: Request) -> JSONResponse:
    sandbox = sandbox_of(request)
    snapshot = sandbox.requests.snapshot()
    snapshot["locked_bases"] = sandbox.rate_limiter.locked_bases()
    return JSONResponse(snapshot)


@router.delete("/requests")
async def clear_request_log(request: Request) -> JSONResponse:
    sandbox_of(request).requests.clear()
    return JSONResponse({"cleared": True})
