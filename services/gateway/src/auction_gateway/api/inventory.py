"""Importing a liquidation manifest into a warehouse's Airtable inventory."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile

from auction_gateway import job_starts
from auction_gateway.api.deps import GatewayDep, UserDep
from auction_gateway.api.job_support import needs, started
from auction_gateway.api.schemas import FormatStarted, unprocessable
from auction_gateway.domain import InvalidInput
from auction_gateway.job_rules import MAX_COLUMN_MAP_BYTES, MAX_MANIFEST_BYTES
from auction_gateway.permissions import Permission

router = APIRouter(tags=["jobs"])


async def read_limited(upload: UploadFile, limit: int) -> bytes:
    """Read at most `limit + 1` bytes, so an oversized file is detected without reading it all.

    NOTE: Starlette has already spooled the whole part to a temporary file by then; a limit on
    the request body belongs in the ingress or reverse proxy in front of the gateway.
    """
    return await upload.read(limit + 1)


async def manifest_upload(
    file: UploadFile,
    column_map: UploadFile | None,
    *,
    warehouse: str,
    status: str | None,
    skip_bad_rows: bool,
) -> job_starts.ManifestUpload:
    """Read the uploaded files of an import request, each up to one byte past its limit."""
    map_filename = column_map.filename if column_map is not None else None
    map_data = None
    # A form without a chosen column-map file sends an empty part without a file name.
    if column_map is not None and map_filename:
        map_data = await read_limited(column_map, MAX_COLUMN_MAP_BYTES)
    return job_starts.ManifestUpload(
        warehouse=warehouse.strip(),
        filename=file.filename or "manifest",
        data=await read_limited(file, MAX_MANIFEST_BYTES),
        status=status,
        column_map_filename=map_filename if map_data is not None else None,
        column_map_data=map_data,
        skip_bad_rows=skip_bad_rows,
    )


@router.post(
    "/inventory/imports",
    status_code=202,
    dependencies=[needs(Permission.CAN_IMPORT_INVENTORY)],
)
async def start_inventory_import(
    gateway: GatewayDep,
    user: UserDep,
    file: Annotated[UploadFile, File(description="The manifest: CSV or XLSX, at most 20 MB.")],
    warehouse: Annotated[str, Form()],
    status: Annotated[
        str | None, Form(description="Status of the new records, e.g. 'Send to Auction'.")
    ] = None,
    column_map: Annotated[
        UploadFile | None,
        File(description="YAML or JSON object of manifest header to Airtable field."),
    ] = None,
    skip_bad_rows: Annotated[
        bool, Form(description="Import the good rows when some rows have errors.")
    ] = False,
) -> FormatStarted:
    """Import a manifest: one Airtable record per unit, with the warehouse's next lot numbers.

    The task's final `result` contains `records_created`, `first_lot_number`, `last_lot_number`,
    `rows_skipped` and `warnings`, or, when rows were rejected, `row_error_count` and
    `row_errors` (`line`, `message`, `column`, `value`).
    """
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
        raise unprocessable(error) from None
    return started(task_id)
