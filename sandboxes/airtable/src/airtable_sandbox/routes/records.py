"""Airtable REST API v0 record endpoints, as pyairtable 3.5 calls them."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from airtable_sandbox import cells, errors, writes
from airtable_sandbox.query import ListQuery, parse_list_body, parse_query_params, render_record
from airtable_sandbox.routes.common import read_json, sandbox_of, url_builder
from airtable_sandbox.runtime import Sandbox
from airtable_sandbox.schema import Table
from airtable_sandbox.store import BaseState

router = APIRouter()


@router.get("/v0/{base_id}/{table_key}")
async def list_records(base_id: str, table_key: str, request: Request) -> JSONResponse:
    query = parse_query_params(request.query_params.multi_items())
    return _list_page(request, base_id, table_key, query)


@router.post("/v0/{base_id}/{table_key}/listRecords")
async def list_records_by_post(base_id: str, table_key: str, request: Request) -> JSONResponse:
    """List records from a JSON body, as pyairtable does when a GET URL would pass 16,000 characters."""
    query = parse_list_body(await read_json(request), request.query_params.multi_items())
    return _list_page(request, base_id, table_key, query)


def _list_page(request: Request, base_id: str, table_key: str, query: ListQuery) -> JSONResponse:
    sandbox = sandbox_of(request)
    state, table = sandbox.table(base_id, table_key)
    with sandbox.store.lock:
        page = sandbox.lister.list_page(state, table, query, url_builder(request))
    return JSONResponse(page)


@router.get("/v0/{base_id}/{table_key}/{record_id}")
async def get_record(
    base_id: str, table_key: str, record_id: str, request: Request
) -> JSONResponse:
    sandbox = sandbox_of(request)
    state, table = sandbox.table(base_id, table_key)
    fields_by_id = request.query_params.get("returnFieldsByFieldId", "").lower() in ("1", "true")
    with sandbox.store.lock:
        record = state.table_records(table).get(record_id)
        if record is None:
            raise errors.not_found()
        rendered = render_record(table, record, url_builder(request), fields_by_id=fields_by_id)
    return JSONResponse(rendered)


@router.post("/v0/{base_id}/{table_key}")
async def create_records(base_id: str, table_key: str, request: Request) -> JSONResponse:
    sandbox = sandbox_of(request)
    state, table = sandbox.table(base_id, table_key)
    plan = writes.plan_create(table, await read_json(request), sandbox.store.attachments)
    return await _run_plan(sandbox, state, base_id, plan, request)


@router.patch("/v0/{base_id}/{table_key}")
@router.put("/v0/{base_id}/{table_key}")
async def update_records(base_id: str, table_key: str, request: Request) -> JSONResponse:
    sandbox = sandbox_of(request)
    state, table = sandbox.table(base_id, table_key)
    body = await read_json(request)
    plan = writes.plan_update(
        table, body, sandbox.store.attachments, replace=request.method == "PUT"
    )
    return await _run_plan(sandbox, state, base_id, plan, request)


@router.patch("/v0/{base_id}/{table_key}/{record_id}")
@router.put("/v0/{base_id}/{table_key}/{record_id}")
async def update_record(
    base_id: str, table_key: str, record_id: str, request: Request
) -> JSONResponse:
    sandbox = sandbox_of(request)
    state, table = sandbox.table(base_id, table_key)
    body = await read_json(request)
    plan = writes.plan_update(
        table, body, sandbox.store.attachments, replace=request.method == "PUT", record_id=record_id
    )
    return await _run_plan(sandbox, state, base_id, plan, request)


async def _run_plan(
    sandbox: Sandbox, state: BaseState, base_id: str, plan: writes.WritePlan, request: Request
) -> JSONResponse:
    await writes.fetch_attachments(
        plan, sandbox.store.attachments, sandbox.config.attachments.fetch_settings()
    )
    with sandbox.store.lock:
        response = writes.apply_plan(state, plan, url_builder(request))
        sandbox.store.save(base_id)
    return JSONResponse(response)


@router.delete("/v0/{base_id}/{table_key}")
async def delete_records(base_id: str, table_key: str, request: Request) -> JSONResponse:
    params = request.query_params
    record_ids = params.getlist("records[]") + params.getlist("records")
    return JSONResponse({"records": _delete(request, base_id, table_key, record_ids)})


@router.delete("/v0/{base_id}/{table_key}/{record_id}")
async def delete_record(
    base_id: str, table_key: str, record_id: str, request: Request
) -> JSONResponse:
    return JSONResponse(_delete(request, base_id, table_key, [record_id])[0])


def _delete(
    request: Request, base_id: str, table_key: str, record_ids: list[str]
) -> list[dict[str, Any]]:
    sandbox = sandbox_of(request)
    state, table = sandbox.table(base_id, table_key)
    with sandbox.store.lock:
        deleted = writes.delete_records(state, table, record_ids)
        sandbox.store.save(base_id)
    return deleted


@router.post("/v0/{base_id}/{record_id}/{field_key}/uploadAttachment")
async def upload_attachment(
    base_id: str, record_id: str, field_key: str, request: Request
) -> JSONResponse:
    """Airtable serves this on content.airtable.com; pyairtable 3.5 swaps the host to reach it."""
    sandbox = sandbox_of(request)
    state = sandbox.base_state(base_id)
    body = await read_json(request)
    content, filename, content_type = _read_upload(
        body, sandbox.config.attachments.upload_max_bytes
    )
    with sandbox.store.lock:
        table, target = _upload_target(state, record_id, field_key)
        record = state.table_records(table)[record_id]
        meta = sandbox.store.attachments.add(content, filename, content_type)
        record.fields[target] = [*record.fields.get(target, []), meta]
        sandbox.store.save(base_id)
        url_for = url_builder(request)
        attachments = [cells.attachment_object(item, url_for) for item in record.fields[target]]
    return JSONResponse(
        {"id": record.id, "createdTime": record.created_time, "fields": {target: attachments}}
    )


def _read_upload(body: Any, max_bytes: int) -> tuple[bytes, str, str | None]:
    if (
        not isinstance(body, dict)
        or not isinstance(body.get("file"), str)
        or not isinstance(body.get("filename"), str)
    ):
        raise errors.invalid_request(
            "uploadAttachment needs `file` (base64), `filename` and `contentType`"
        )
    try:
        content = base64.b64decode(body["file"], validate=False)
    except (binascii.Error, ValueError) as error:
        raise errors.invalid_request(f"`file` is not valid base64: {error}") from error
    if len(content) > max_bytes:
        raise errors.invalid_request(
            f"the file has {len(content)} bytes; uploadAttachment accepts at most {max_bytes}"
        )
    content_type = body.get("contentType")
    return content, body["filename"], str(content_type) if content_type else None


def _upload_target(state: BaseState, record_id: str, field_key: str) -> tuple[Table, str]:
    found = state.find_record(record_id)
    if found is None:
        raise errors.row_does_not_exist(record_id)
    table, _ = found
    target = table.field(field_key)
    if target is None:
        raise errors.unknown_field(field_key)
    if target.type != "multipleAttachments":
        raise errors.invalid_value(
            target.name, "uploadAttachment needs a multipleAttachments field"
        )
    return table, target.id
