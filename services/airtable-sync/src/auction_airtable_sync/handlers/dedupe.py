"""`dedupe.requested`: plan which identical items carry an auction number, then apply the plan.

`plan` reads the warehouse's "remove dups" view, chooses the records (domain/dedupe.py), stores
the plan under its id and reports it without writing to Airtable. `apply` takes the id of a
stored plan and adds the auction number to the `Auctions` of its records, 10 per request.
Applying again changes nothing, because a record that already has the number is skipped. A
record whose name, Auction Count or MSRP changed since the plan is reported, not written.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from auction_airtable_sync.adapters.airtable import Location
from auction_airtable_sync.adapters.repository import StoredDedupePlan
from auction_airtable_sync.config import AirtableWarehouse
from auction_airtable_sync.domain import dedupe
from auction_airtable_sync.domain.import_plan import BATCH_SIZE
from auction_airtable_sync.handlers import Dependencies, read_all_pages, rejecting_permanent_errors
from auction_shared.events import Envelope
from auction_shared.events.codec import payload_as
from auction_shared.events.models import (
    DedupeCompleted,
    DedupeMode,
    DedupeRequested,
    Payload,
    TaskState,
)
from auction_shared.messaging import HandlerContext, OutboxWriter, RejectedRequest

READ_STAGE = "reading remove-dups view"
APPLY_STAGE = "tagging records"
# Planned records listed in the task result; the stored plan keeps all of them.
MAX_LISTED_TAGS = 500


async def on_dedupe_requested(
    envelope: Envelope[Payload], ctx: HandlerContext, deps: Dependencies
) -> None:
    request = payload_as(envelope, DedupeRequested)
    warehouse = deps.warehouse(request.warehouse)
    location = Location(warehouse.base_id, warehouse.inventory_table, warehouse.remove_dups_view)
    if request.mode is DedupeMode.PLAN:
        await _plan(ctx, deps, request, warehouse, location)
    else:
        await _apply(ctx, deps, request, location)


async def _read_view(
    ctx: HandlerContext, deps: Dependencies, request: DedupeRequested, location: Location
) -> list[dict[str, Any]]:
    return await read_all_pages(
        ctx,
        deps.airtable,
        location,
        dedupe.DEDUPE_FIELDS,
        stage=READ_STAGE,
        progress=lambda pages: min(40, 5 * pages),
        warehouse=request.warehouse,
        event_id=request.auction_number,
    )


async def _plan(
    ctx: HandlerContext,
    deps: Dependencies,
    request: DedupeRequested,
    warehouse: AirtableWarehouse,
    location: Location,
) -> None:
    plan_id = request.plan_id or ctx.task_id
    async with deps.sessions() as session:
        existing = await deps.dedupe_plans.load_plan(session, plan_id)
    if existing is not None and existing.task_id != ctx.task_id:
        raise RejectedRequest(
            f"A remove-duplicates plan {plan_id!r} exists already (task {existing.task_id}); "
            "leave plan_id out to get a new id, or apply the existing plan."
        )
    started_at = datetime.now(UTC)
    records = await _read_view(ctx, deps, request, location)
    plan = dedupe.plan_dedupe(records, request.auction_number, request.target_msrp)

    state = TaskState.COMPLETED
    message = (
        f"Plan {plan_id}: tag {len(plan.tags)} records in {plan.groups_touched} groups with "
        f"auction {plan.auction_number}, MSRP ${plan.msrp_total} of the ${plan.target_msrp} "
        "target. Apply the plan to write it to Airtable."
    )
    if not plan.target_reached:
        state = TaskState.WARNING
        message += (
            " The view's eligible records add up to less than the target: mark more "
            "records with Status 'Remove Dups' or lower the target."
        )
    async with ctx.transaction() as tx:
        await deps.dedupe_plans.save_plan(
            tx.session,
            plan_id=plan_id,
            task_id=ctx.task_id,
            warehouse=request.warehouse,
            plan=plan,
        )
        await deps.repository.record_sync_run(
            tx.session,
            kind="dedupe_plan",
            task_id=ctx.task_id,
            warehouse=request.warehouse,
            base_id=warehouse.base_id,
            event_id=request.auction_number,
            record_count=len(records),
            started_at=started_at,
        )
        completed = _completed(
            request, plan_id, plan.msrp_total, len(plan.tags), plan.groups_touched
        )
        result = _plan_result(plan, plan_id)
        await _publish_result(ctx, tx.outbox, completed, state, message, result)
    ctx.log.info(
        "dedupe_planned",
        plan_id=plan_id,
        records=len(records),
        tags=len(plan.tags),
        groups_touched=plan.groups_touched,
        skipped_unnamed=plan.skipped_unnamed,
    )


async def _apply(
    ctx: HandlerContext, deps: Dependencies, request: DedupeRequested, location: Location
) -> None:
    if not request.plan_id:
        raise RejectedRequest(
            "mode 'apply' needs the plan_id of a plan made with mode 'plan'; "
            "request a plan first and apply the one you reviewed."
        )
    async with deps.sessions() as session:
        plan = await deps.dedupe_plans.load_plan(session, request.plan_id)
    _check_plan(plan, request)
    assert plan is not None
    started_at = datetime.now(UTC)

    current = {record["id"]: record for record in await _read_view(ctx, deps, request, location)}
    updates: list[dict[str, Any]] = []
    missing_records: list[str] = []
    changed_records: list[dict[str, Any]] = []
    for tag in plan.tags:
        record = current.get(tag.record_id)
        if record is None:
            missing_records.append(tag.record_id)
            continue
        auctions = record["fields"].get(dedupe.AUCTIONS_FIELD) or []
        if plan.auction_number in auctions:
            continue  # tagged by an earlier attempt of this apply, or by hand
        changed = dedupe.changed_since_plan(tag, record)
        if changed:
            changed_records.append({"record_id": tag.record_id, "fields": changed})
            continue
        updates.append(
            {
                "id": tag.record_id,
                "fields": {
                    dedupe.AUCTIONS_FIELD: dedupe.tagged_auctions(auctions, plan.auction_number)
                },
            }
        )
    await _write_updates(ctx, deps, request, location, updates)

    tagged = len(plan.tags) - len(missing_records) - len(changed_records)
    state = TaskState.WARNING if missing_records or changed_records else TaskState.COMPLETED
    message = f"Tagged {tagged} records with auction {plan.auction_number} (plan {plan.plan_id})."
    if missing_records:
        message += f" {len(missing_records)} planned records are no longer in the view and were left alone."
    if changed_records:
        message += (
            f" {len(changed_records)} planned records changed in Airtable since the plan was "
            "made and were left alone: make a new plan to include them."
        )
    result = {
        "plan_id": plan.plan_id,
        "records_tagged": tagged,
        "records_written": len(updates),
        "records_missing": missing_records[:MAX_LISTED_TAGS],
        "records_changed": changed_records[:MAX_LISTED_TAGS],
    }
    async with ctx.transaction() as tx:
        await deps.dedupe_plans.mark_applied(tx.session, plan.plan_id, ctx.task_id)
        await deps.repository.record_sync_run(
            tx.session,
            kind="dedupe_apply",
            task_id=ctx.task_id,
            warehouse=request.warehouse,
            base_id=location.base_id,
            event_id=request.auction_number,
            record_count=len(updates),
            started_at=started_at,
        )
        completed = _completed(request, plan.plan_id, plan.msrp_total, tagged, plan.groups_touched)
        await _publish_result(ctx, tx.outbox, completed, state, message, result)
    ctx.log.info(
        "dedupe_applied",
        plan_id=plan.plan_id,
        written=len(updates),
        missing=len(missing_records),
        changed=len(changed_records),
    )


def _check_plan(plan: StoredDedupePlan | None, request: DedupeRequested) -> None:
    if plan is None:
        raise RejectedRequest(
            f"No remove-duplicates plan {request.plan_id!r}; request a plan first."
        )
    if plan.warehouse != request.warehouse or plan.auction_number != request.auction_number:
        raise RejectedRequest(
            f"Plan {plan.plan_id!r} is for warehouse {plan.warehouse} and auction "
            f"{plan.auction_number}, not warehouse {request.warehouse} and auction "
            f"{request.auction_number}; apply it with the values it was made for."
        )


async def _write_updates(
    ctx: HandlerContext,
    deps: Dependencies,
    request: DedupeRequested,
    location: Location,
    updates: list[dict[str, Any]],
) -> None:
    total = -(-len(updates) // BATCH_SIZE)
    for number, start in enumerate(range(0, len(updates), BATCH_SIZE), start=1):
        batch = updates[start : start + BATCH_SIZE]
        with rejecting_permanent_errors(location):
            # typecast: Airtable adds the auction number as a new option of the multi-select.
            await asyncio.to_thread(deps.airtable.update, location, batch, typecast=True)
        await ctx.progress(
            40 + 59 * number // total,
            APPLY_STAGE,
            f"batch {number} of {total}",
            warehouse=request.warehouse,
            event_id=request.auction_number,
        )


def _completed(
    request: DedupeRequested, plan_id: str, msrp_total: Decimal, tagged: int, groups: int
) -> DedupeCompleted:
    return DedupeCompleted(
        warehouse=request.warehouse,
        auction_number=request.auction_number,
        mode=request.mode,
        plan_id=plan_id,
        records_tagged=tagged,
        msrp_total=msrp_total,
        groups_touched=groups,
    )


async def _publish_result(
    ctx: HandlerContext,
    outbox: OutboxWriter,
    completed: DedupeCompleted,
    state: TaskState,
    message: str,
    result: dict[str, Any],
) -> None:
    await outbox.publish(completed, key=completed.auction_number, subject=completed.auction_number)
    await outbox.status(
        job=ctx.job,
        state=state,
        progress=100,
        stage="done",
        message=message,
        warehouse=completed.warehouse,
        event_id=completed.auction_number,
        result=result,
    )


def _plan_result(plan: dedupe.DedupePlan, plan_id: str) -> dict[str, Any]:
    return {
        "plan_id": plan_id,
        "target_msrp": str(plan.target_msrp),
        "msrp_total": str(plan.msrp_total),
        "target_reached": plan.target_reached,
        "groups_touched": plan.groups_touched,
        "groups_total": plan.groups_total,
        "records_without_name": plan.skipped_unnamed,
        "records": [
            {
                "record_id": tag.record_id,
                "lot_number": tag.lot_number,
                "product_name": tag.product_name,
                # The normalised name the plan grouped by, so viewers group the same way.
                "group": dedupe.normalise_name(tag.product_name),
                "auction_count": tag.auction_count,
                "msrp": str(tag.msrp),
            }
            for tag in plan.tags[:MAX_LISTED_TAGS]
        ],
    }
