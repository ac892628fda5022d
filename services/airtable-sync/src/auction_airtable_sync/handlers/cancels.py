"""`void.completed` with copy_to_cancels: write the voided sales to the warehouse's Cancels table.

The rows come from the private export the hibid-bot stored. They are written 10 per request as
upserts matched on the lot and the time of sale (domain/cancels.py), so a redelivery updates
the rows it wrote before instead of adding them again. Buyer data stays out of logs and task
messages: those carry counts and line numbers only.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from auction_airtable_sync.adapters.airtable import Location
from auction_airtable_sync.domain import cancels
from auction_airtable_sync.handlers import Dependencies, rejecting_permanent_errors
from auction_shared.events import Envelope
from auction_shared.events.codec import payload_as
from auction_shared.events.models import Payload, TaskState, VoidCompleted
from auction_shared.messaging import HandlerContext, RejectedRequest
from auction_shared.storage import ChecksumMismatch, ObjectNotFound

STAGE = "copying to cancels"
SYNC_KIND = "cancels"
MAX_LISTED_ISSUES = 100


async def on_void_completed(
    envelope: Envelope[Payload], ctx: HandlerContext, deps: Dependencies
) -> None:
    completed = payload_as(envelope, VoidCompleted)
    if not completed.copy_to_cancels:
        return
    warehouse = deps.warehouse(completed.warehouse)
    location = Location(warehouse.base_id, warehouse.cancels_table)
    if completed.export is None:
        if completed.voided_count:
            raise RejectedRequest(
                f"{completed.voided_count} sales were voided on event {completed.event_id} but "
                "the event carries no export, so nothing was copied to the Cancels table; "
                "copy the rows from the site's voided sales report."
            )
        ctx.log.info("cancels_nothing_to_copy", site_event_id=completed.event_id)
        return

    started_at = datetime.now(UTC)
    await ctx.progress(0, STAGE, "reading the export", warehouse=completed.warehouse)
    try:
        data = await deps.store.get_bytes(completed.export)
        parsed = cancels.read_cancel_rows(data)
    except (ObjectNotFound, ChecksumMismatch, cancels.CancelsExportError) as error:
        raise RejectedRequest(
            f"Cannot copy the voided sales of event {completed.event_id}: {error}."
        ) from error

    batches = cancels.batches(parsed.rows)
    for number, batch in enumerate(batches, start=1):
        with rejecting_permanent_errors(location):
            await asyncio.to_thread(deps.airtable.upsert, location, batch, cancels.MERGE_FIELDS)
        await ctx.progress(
            99 * number // len(batches),
            STAGE,
            f"batch {number} of {len(batches)}",
            warehouse=completed.warehouse,
        )

    copied = len(parsed.rows)
    message = f"Copied {copied} voided sales of event {completed.event_id} to the Cancels table."
    state = TaskState.COMPLETED
    if parsed.issues:
        state = TaskState.WARNING
        message += f" {len(parsed.issues)} problems in the export; see the task result."
    async with ctx.transaction() as tx:
        await deps.repository.record_sync_run(
            tx.session,
            kind=SYNC_KIND,
            task_id=ctx.task_id,
            warehouse=completed.warehouse,
            base_id=warehouse.base_id,
            event_id=completed.event_id,
            record_count=copied,
            object_key=completed.export.key,
            object_sha256=completed.export.sha256,
            started_at=started_at,
        )
        await tx.outbox.status(
            job=ctx.job,
            state=state,
            progress=100,
            stage="done",
            message=message,
            warehouse=completed.warehouse,
            event_id=completed.event_id,
            result={
                "cancels_copied": copied,
                "issues": list(parsed.issues[:MAX_LISTED_ISSUES]),
                "ignored_columns": list(parsed.ignored_columns),
            },
        )
    ctx.log.info("cancels_copied", rows=copied, issues=len(parsed.issues))
