"""`inventory.import.requested`: create a manifest's units as inventory records in Airtable.

Steps: read and validate the whole manifest (nothing is written when it has row errors, unless
the request skips bad rows), read the warehouse's lot numbers, store the import plan, then write
the records 10 per request. The stored plan makes the import resumable: a redelivery writes only
the batches not confirmed yet, and each write is an upsert on `Lot Number` (see
domain/import_plan.py), so no record is created twice.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from auction_airtable_sync.adapters.airtable import Location
from auction_airtable_sync.adapters.repository import ImportPlan, NewImport
from auction_airtable_sync.domain import import_plan
from auction_airtable_sync.domain.manifest import (
    ManifestError,
    ManifestRejectedError,
    ParsedManifest,
    read_manifest,
)
from auction_airtable_sync.handlers import Dependencies, read_all_pages, rejecting_permanent_errors
from auction_shared.events import Envelope
from auction_shared.events.codec import payload_as
from auction_shared.events.models import (
    InventoryImported,
    InventoryImportRequested,
    Payload,
    TaskState,
)
from auction_shared.messaging import HandlerContext, RejectedRequest
from auction_shared.storage import ChecksumMismatch, ObjectNotFound, sha256_hex

SYNC_KIND = "import"
READ_STAGE = "reading manifest"
LOTS_STAGE = "reading lot numbers"


async def on_inventory_import_requested(
    envelope: Envelope[Payload], ctx: HandlerContext, deps: Dependencies
) -> None:
    request = payload_as(envelope, InventoryImportRequested)
    warehouse = deps.warehouse(request.warehouse)
    location = Location(warehouse.base_id, warehouse.inventory_table)
    started_at = datetime.now(UTC)

    async with deps.sessions() as session:
        plan = await deps.repository.load_import_plan(session, ctx.task_id)
    warnings: list[str] = []
    if plan is None:
        manifest, data = await _read_manifest(ctx, deps, request)
        if manifest.errors and not request.skip_bad_rows:
            await _reject_rows(ctx, request, manifest)
            return
        records = manifest.records_to_import(skip_bad_rows=True)
        if not records:
            raise RejectedRequest(
                f"{request.filename}: no importable rows ({manifest.rows} rows read, "
                f"{len(manifest.rejected_lines)} with errors); nothing was imported."
            )
        warnings = [issue.describe() for issue in manifest.warnings]
        existing = await _read_lot_numbers(ctx, deps, request, location)
        plan = await _save_plan(ctx, deps, request, location, manifest, data, existing)
    else:
        ctx.log.info("import_resumed", written=sum(unit.written for unit in plan.units))

    await _write_batches(ctx, deps, request, plan, location)
    await _finish(ctx, deps, request, plan, warnings, started_at)


async def _read_manifest(
    ctx: HandlerContext, deps: Dependencies, request: InventoryImportRequested
) -> tuple[ParsedManifest, bytes]:
    await ctx.progress(0, READ_STAGE, request.filename, warehouse=request.warehouse)
    try:
        data = await deps.store.get_bytes(request.manifest)
    except (ObjectNotFound, ChecksumMismatch) as error:
        raise RejectedRequest(f"Cannot read the manifest {request.filename}: {error}.") from error
    try:
        manifest = await asyncio.to_thread(
            read_manifest, data, request.filename, request.column_map
        )
    except ManifestError as error:
        raise RejectedRequest(f"{request.filename}: {error}") from error
    await ctx.progress(
        import_plan.PROGRESS_MANIFEST_READ,
        READ_STAGE,
        f"{manifest.rows} rows, {len(manifest.records)} units, {len(manifest.errors)} row errors",
        warehouse=request.warehouse,
    )
    return manifest, data


async def _reject_rows(
    ctx: HandlerContext, request: InventoryImportRequested, manifest: ParsedManifest
) -> None:
    """End the task in ERROR with the bad lines, having written nothing to Airtable."""
    message = str(ManifestRejectedError(manifest.errors))
    async with ctx.transaction() as tx:
        await tx.outbox.status(
            job=ctx.job,
            state=TaskState.ERROR,
            progress=100,
            stage="rejected",
            message=f"{request.filename}: {message}",
            warehouse=request.warehouse,
            result=import_plan.row_error_result(
                manifest.errors, filename=request.filename, rows=manifest.rows
            ),
        )
    ctx.log.warning("import_rejected", filename=request.filename, row_errors=len(manifest.errors))


async def _read_lot_numbers(
    ctx: HandlerContext,
    deps: Dependencies,
    request: InventoryImportRequested,
    location: Location,
) -> list[int]:
    records = await read_all_pages(
        ctx,
        deps.airtable,
        location,
        [import_plan.LOT_NUMBER_FIELD],
        stage=LOTS_STAGE,
        progress=lambda _: import_plan.PROGRESS_MANIFEST_READ,
        warehouse=request.warehouse,
    )
    values = [record["fields"].get(import_plan.LOT_NUMBER_FIELD) for record in records]
    numbers, invalid = import_plan.lot_numbers_in(values)
    if invalid:
        ctx.log.warning(
            "lot_numbers_ignored", count=len(invalid), examples=[str(v) for v in invalid[:5]]
        )
    return numbers


async def _save_plan(
    ctx: HandlerContext,
    deps: Dependencies,
    request: InventoryImportRequested,
    location: Location,
    manifest: ParsedManifest,
    data: bytes,
    existing: list[int],
) -> ImportPlan:
    records = manifest.records_to_import(skip_bad_rows=True)
    new_import = NewImport(
        task_id=ctx.task_id,
        warehouse=request.warehouse,
        base_id=location.base_id,
        table=location.table,
        filename=request.filename,
        manifest_sha256=sha256_hex(data),
        rows_skipped=len(manifest.rejected_lines),
    )
    async with deps.sessions() as session, session.begin():
        lot_numbers = await deps.repository.reserve_lot_numbers(
            session, request.warehouse, existing, len(records)
        )
        units = import_plan.plan_units(records, lot_numbers, request.status)
        plan = await deps.repository.save_import_plan(session, new_import, units)
    ctx.log.info(
        "import_planned",
        units=len(units),
        first_lot_number=plan.first_lot_number,
        last_lot_number=plan.last_lot_number,
    )
    return plan


async def _write_batches(
    ctx: HandlerContext,
    deps: Dependencies,
    request: InventoryImportRequested,
    plan: ImportPlan,
    location: Location,
) -> None:
    total = import_plan.batch_count(len(plan.units))
    batches = import_plan.pending_batches(plan.units)
    done = total - len(batches)
    created = sum(unit.written for unit in plan.units)
    for batch in batches:
        try:
            with rejecting_permanent_errors(location):
                written = await asyncio.to_thread(
                    deps.airtable.upsert,
                    location,
                    [unit.fields for unit in batch],
                    [import_plan.LOT_NUMBER_FIELD],
                )
        except RejectedRequest as rejection:
            raise RejectedRequest(
                f"{rejection} {import_plan.partial_import_note(plan.units, created)}"
            ) from rejection
        if len(written) != len(batch):
            raise RuntimeError(
                f"Airtable returned {len(written)} records for a batch of {len(batch)}"
            )
        async with deps.sessions() as session, session.begin():
            await deps.repository.mark_written(
                session,
                plan.task_id,
                {
                    unit.lot_number: record["id"]
                    for unit, record in zip(batch, written, strict=True)
                },
            )
        done += 1
        created += len(batch)
        await ctx.progress(
            import_plan.write_progress(done, total),
            import_plan.WRITE_STAGE,
            f"batch {done} of {total}",
            warehouse=request.warehouse,
        )


async def _finish(
    ctx: HandlerContext,
    deps: Dependencies,
    request: InventoryImportRequested,
    plan: ImportPlan,
    warnings: list[str],
    started_at: datetime,
) -> None:
    created = len(plan.units)
    lots = f"lot numbers {plan.first_lot_number}-{plan.last_lot_number}"
    message = f"Created {created} records ({lots}) from {request.filename}."
    state = TaskState.COMPLETED
    if plan.rows_skipped:
        state = TaskState.WARNING
        message += f" {plan.rows_skipped} rows with errors were skipped."
    if warnings:
        message += f" {len(warnings)} warnings."
    async with ctx.transaction() as tx:
        await deps.repository.record_sync_run(
            tx.session,
            kind=SYNC_KIND,
            task_id=ctx.task_id,
            warehouse=request.warehouse,
            base_id=plan.base_id,
            record_count=created,
            object_key=request.manifest.key,
            object_sha256=request.manifest.sha256,
            started_at=started_at,
        )
        await tx.outbox.publish(
            InventoryImported(
                warehouse=request.warehouse,
                records_created=created,
                first_lot_number=plan.first_lot_number,
                last_lot_number=plan.last_lot_number,
                rows_skipped=plan.rows_skipped,
            ),
            key=request.warehouse,
        )
        await tx.outbox.status(
            job=ctx.job,
            state=state,
            progress=import_plan.PROGRESS_DONE,
            stage="done",
            message=message,
            warehouse=request.warehouse,
            result={
                "records_created": created,
                "first_lot_number": plan.first_lot_number,
                "last_lot_number": plan.last_lot_number,
                "rows_skipped": plan.rows_skipped,
                "warnings": warnings[: import_plan.MAX_REPORTED_ROW_ERRORS],
            },
        )
    ctx.log.info("inventory_imported", records_created=created, rows_skipped=plan.rows_skipped)
