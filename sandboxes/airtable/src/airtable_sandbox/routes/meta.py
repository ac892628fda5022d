"""The metadata endpoints pyairtable uses for schemas: list bases, base schema, whoami."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from airtable_sandbox.routes.common import sandbox_of

router = APIRouter()

SANDBOX_USER_ID = "usrSandboxUser0001"


@router.get("/v0/meta/whoami")
async def whoami() -> JSONResponse:
    return JSONResponse({"id": SANDBOX_USER_ID})


@router.get("/v0/meta/bases")
async def list_bases(request: Request) -> JSONResponse:
    store = sandbox_of(request).store
    with store.lock:
        bases = [
            {"id": state.base.id, "name": state.base.name, "permissionLevel": "create"}
            for state in store.bases.values()
        ]
    return JSONResponse({"bases": bases})


@router.get("/v0/meta/bases/{base_id}/tables")
async def base_schema(base_id: str, request: Request) -> JSONResponse:
    sandbox = sandbox_of(request)
    with sandbox.store.lock:
        state = sandbox.base_state(base_id)
        tables = [table.metadata() for table in state.base.tables]
    return JSONResponse({"tables": tables})
