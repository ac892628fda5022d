"""`format.requested`: snapshot the warehouse's "send to auction" view for the rest of the job."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from auction_airtable_sync.adapters.airtable import Location
from auction_airtable_sync.domain import inventory
from auction_airtable_sync.handlers import Dependencies, read_all_pages
from auction_shared.events import Envelope
from auction_shared.events.codec import payload_as
from auction_shared.events.models import FormatRequested, InventoryFetched, Payload, TaskState
from auction_shared.messaging import HandlerContext, RejectedRequest

SYNC_KIND = "format"


async def on_format_requested(
    envelope: Envelope[Payload], ctx: HandlerContext, deps: Dependencies
) -> None:
    request = payload_as(envelope, FormatRequested)
    warehouse = deps.warehouse(request.warehouse)
    location = Location(
        warehouse.base_id, warehouse.inventory_table, warehouse.send_to_auction_view
    )
    key = inventory.snapshot_key(request.event_id, ctx.task_id)
    started_at = datetime.now(UTC)

    # NOTE: two deliveries of one request that run at the same moment (a consumer rebalance
    # during the fetch) can both miss the snapshot and both upload it. The later upload wins,
    # and if the earlier delivery's event commits first, its claim check no longer matches.
    stored = await deps.snapshots.find(key)
    if stored is None:
        records = await _fetch_view(ctx, deps, request, location)
        if not records:
            raise RejectedRequest(
                inventory.empty_view_message(
                    warehouse=request.warehouse,
                    view=warehouse.send_to_auction_view,
                    base_id=warehouse.base_id,
                    table=warehouse.inventory_table,
                )
            )
        document = inventory.snapshot_document(
            warehouse=request.warehouse,
            event_id=request.event_id,
            base_id=warehouse.base_id,
            view=warehouse.send_to_auction_view,
            fetched_at=datetime.now(UTC),
            records=records,
        )
        snapshot = await deps.snapshots.put(key, document)
        record_count = len(records)
    else:
        snapshot, record_count = stored
        ctx.log.info("snapshot_reused", key=key, record_count=record_count)

    async with ctx.transaction() as tx:
        await deps.repository.record_sync_run(
            tx.session,
            kind=SYNC_KIND,
            task_id=ctx.task_id,
            warehouse=request.warehouse,
            base_id=warehouse.base_id,
            event_id=request.event_id,
            record_count=record_count,
            object_key=snapshot.key,
            object_sha256=snapshot.sha256,
            started_at=started_at,
        )
        await tx.outbox.publish(
            InventoryFetched(
                warehouse=request.warehouse,
                event_id=request.event_id,
                starting_price=request.starting_price,
                snapshot=snapshot,
                record_count=record_count,
            ),
            key=request.event_id,
            subject=request.event_id,
        )
        await tx.outbox.status(
            job=ctx.job,
            state=TaskState.IN_PROGRESS,
            progress=inventory.FETCH_PROGRESS_END,
            stage=inventory.FETCH_STAGE,
            substage=f"{record_count} records",
            message=f"Fetched {record_count} records from Airtable.",
            warehouse=request.warehouse,
            event_id=request.event_id,
        )
    ctx.log.info(
        "inventory_fetched",
        warehouse=request.warehouse,
        base_id=warehouse.base_id,
        record_count=record_count,
        snapshot_key=snapshot.key,
    )


async def _fetch_view(
    ctx: HandlerContext, deps: Dependencies, request: FormatRequested, location: Location
) -> list[dict[str, Any]]:
    await ctx.progress(
        inventory.FETCH_PROGRESS_START,
        inventory.FETCH_STAGE,
        "requesting page 1",
        warehouse=request.warehouse,
        event_id=request.event_id,
    )
    return await read_all_pages(
        ctx,
        deps.airtable,
        location,
        inventory.SNAPSHOT_FIELDS,
        stage=inventory.FETCH_STAGE,
        progress=inventory.fetch_progress,
        warehouse=request.warehouse,
        event_id=request.event_id,
    )
