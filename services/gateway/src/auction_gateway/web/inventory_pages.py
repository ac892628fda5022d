"""The inventory import page: upload a manifest for a warehouse, then follow the task."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from auction_gateway import job_starts
from auction_gateway.api.deps import GatewayDep, UserDep
from auction_gateway.api.inventory import manifest_upload
from auction_gateway.api.job_support import needs
from auction_gateway.context import Gateway
from auction_gateway.domain import FieldError, InvalidInput
from auction_gateway.job_rules import MAX_MANIFEST_BYTES
from auction_gateway.permissions import Permission
from auction_gateway.web.job_forms import form_context
from auction_gateway.web.rendering import render

router = APIRouter(include_in_schema=False)

IMPORT_PERMISSION = [needs(Permission.CAN_IMPORT_INVENTORY)]


@router.get("/inventory/import", dependencies=IMPORT_PERMISSION)
async def import_page(request: Request, gateway: GatewayDep, warehouse: str = "") -> Response:
    return _render(request, gateway, {"warehouse": warehouse, "status": ""}, [])


@router.post("/inventory/import", dependencies=IMPORT_PERMISSION)
async def start_import(
    request: Request,
    gateway: GatewayDep,
    user: UserDep,
    file: Annotated[UploadFile | None, File()] = None,
    column_map: Annotated[UploadFile | None, File()] = None,
    warehouse: Annotated[str, Form()] = "",
    status: Annotated[str, Form()] = "",
    skip_bad_rows: Annotated[bool, Form()] = False,
) -> Response:
    values = {"warehouse": warehouse, "status": status, "skip_bad_rows": skip_bad_rows}
    if file is None or not file.filename:
        error = FieldError("file", "", "No file was chosen; choose the manifest (CSV or XLSX).")
        return _render(request, gateway, values, [error], status_code=422)
    upload = await manifest_upload(
        file, column_map, warehouse=warehouse, status=status, skip_bad_rows=skip_bad_rows
    )
    try:
        task_id = await job_starts.start_inventory_import(
            gateway.unit_of_work,
            gateway.objects,
            upload,
            bucket=gateway.settings.s3_private_bucket,
            requested_by=user,
            known_warehouses=gateway.settings.warehouses,
            now=gateway.clock(),
        )
    except InvalidInput as error:
        return _render(request, gateway, values, error.errors, status_code=422)
    return RedirectResponse(f"/tasks/{task_id}", status_code=303)


def _render(
    request: Request,
    gateway: Gateway,
    values: dict[str, object],
    errors: list[FieldError],
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "inventory_import.html",
        {
            **form_context(gateway, values, errors),
            "max_megabytes": MAX_MANIFEST_BYTES // (1024 * 1024),
        },
        status_code=status_code,
    )
