"""Kafka handler of the images service: `inventory.fetched` → photos → `images.ready`."""

from __future__ import annotations

from typing import Any

from auction_images import repository
from auction_images.pipeline import PhotoPipeline
from auction_shared.events import Envelope, ImagesReady, InventoryFetched, Payload, payload_as
from auction_shared.messaging import HandlerContext
from auction_shared.messaging.consumer import Handler
from auction_shared.storage import ObjectStore

# Share of the format job's progress bar that the photo step covers.
PROGRESS_START = 30
PROGRESS_END = 80


def manifest_key(event_id: str, task_id: str) -> str:
    return f"images/{event_id}/{task_id}.json"


def make_inventory_fetched_handler(store: ObjectStore, pipeline: PhotoPipeline) -> Handler:
    async def on_inventory_fetched(envelope: Envelope[Payload], ctx: HandlerContext) -> None:
        request = payload_as(envelope, InventoryFetched)
        await ctx.progress(PROGRESS_START, "processing photos", "reading the inventory snapshot")
        snapshot = await store.get_json(request.snapshot)
        records: list[dict[str, Any]] = snapshot["records"]

        async def report(done: int, total: int) -> None:
            span = PROGRESS_END - PROGRESS_START
            share = done / total if total else 1.0
            await ctx.progress(
                PROGRESS_START + int(span * share),
                "processing photos",
                f"{done} of {total} photos",
                warehouse=request.warehouse,
                event_id=request.event_id,
            )

        results = await pipeline.run(records, report)
        processed = sum(len(result.urls) for result in results)
        rejected = sum(len(result.warnings) for result in results)
        manifest = {
            "event_id": request.event_id,
            "records": {result.record_id: result.as_manifest() for result in results},
        }
        manifest_ref = await store.put_json(
            store.private_bucket, manifest_key(request.event_id, ctx.task_id), manifest
        )

        rows: list[dict[str, object]] = [
            {
                "record_id": result.record_id,
                "position": position,
                "key": key,
                "source_sha256": source_sha256,
                "source_field": field,
            }
            for result in results
            for position, key, source_sha256, field in result.stored
        ]
        async with ctx.transaction() as tx:
            # PostgreSQL takes at most 65,535 bind parameters per statement: 5 per row.
            for start in range(0, len(rows), 5_000):
                await repository.record_lot_photos(tx.session, rows[start : start + 5_000])
            await tx.outbox.publish(
                ImagesReady(
                    warehouse=request.warehouse,
                    event_id=request.event_id,
                    starting_price=request.starting_price,
                    snapshot=request.snapshot,
                    manifest=manifest_ref,
                    photos_processed=processed,
                    photos_rejected=rejected,
                ),
                key=request.event_id,
                subject=request.event_id,
            )
        ctx.log.info("images_ready", records=len(records), photos=processed, rejected=rejected)

    return on_inventory_fetched
