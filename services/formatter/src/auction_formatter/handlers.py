"""Kafka handler of the formatter: `images.ready` → the import CSV → `auction.formatted`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.dialects.postgresql import insert

from auction_formatter import repository
from auction_formatter.config import Warehouses
from auction_formatter.config.loader import UnknownWarehouseError
from auction_formatter.domain import RowWarning, Severity, build_rows, lot_number, render_csv
from auction_formatter.domain.row_warnings import make_warning
from auction_formatter.domain.text import text_of
from auction_shared.events import (
    AuctionFormatted,
    Envelope,
    ImagesReady,
    Payload,
    TaskState,
    payload_as,
)
from auction_shared.messaging import HandlerContext, RejectedRequest
from auction_shared.storage import ObjectStore

PREVIEW_LOTS = 60


@dataclass(frozen=True)
class FormatterDeps:
    store: ObjectStore
    warehouses: Warehouses


def version_prefix(event_id: str, version: int) -> str:
    """Object-key prefix of one CSV version: `lots.csv`, `warnings.json` and `preview.json` live there."""
    return f"formatted/{event_id}/v{version}/"


def photo_warnings(
    manifest: dict[str, Any], records: list[dict[str, Any]], lot_prefix: str
) -> list[RowWarning]:
    """Turn the images service's per-photo rejections into row warnings of their lots."""
    lot_numbers = {
        str(record.get("id")): lot_number(
            lot_prefix, text_of(record.get("fields", {}).get("Lot Number"))
        )
        for record in records
    }
    warnings = []
    for record_id, entry in sorted(manifest.get("records", {}).items()):
        for problem in entry.get("warnings", []):
            warnings.append(
                make_warning(
                    Severity.WARNING,
                    record_id,
                    lot_numbers.get(record_id, ""),
                    str(problem.get("field", "photo")),
                    problem.get("value", ""),
                    str(problem.get("message", "the photo was left out")),
                )
            )
    return warnings


def preview(rows: tuple[dict[str, str], ...]) -> list[dict[str, str]]:
    return [
        {
            "lot_number": row.get("LotNumber", ""),
            "title": row.get("Title", ""),
            "subtitle": row.get("Subtitle", ""),
            "price": row.get("Price", ""),
            "msrp": row.get("MSRP", ""),
            "image_url": row.get("Image_1", ""),
        }
        for row in rows[:PREVIEW_LOTS]
    ]


def make_images_ready_handler(deps: FormatterDeps) -> Any:
    async def on_images_ready(envelope: Envelope[Payload], ctx: HandlerContext) -> None:
        request = payload_as(envelope, ImagesReady)
        try:
            warehouse = deps.warehouses.get(request.warehouse)
        except UnknownWarehouseError as error:
            raise RejectedRequest(str(error)) from None
        await ctx.progress(
            82, "formatting", "reading inventory and photos", event_id=request.event_id
        )

        snapshot = await deps.store.get_json(request.snapshot)
        manifest = await deps.store.get_json(request.manifest)
        records: list[dict[str, Any]] = snapshot["records"]
        urls = {
            record_id: entry.get("urls", []) for record_id, entry in manifest["records"].items()
        }

        await ctx.progress(
            88, "formatting", f"building {len(records)} lots", event_id=request.event_id
        )
        lot_rows, warnings = build_rows(
            records, urls, warehouse, request.event_id, request.starting_price
        )
        warnings.extend(photo_warnings(manifest, records, warehouse.lot_prefix))
        csv_bytes = render_csv(lot_rows)

        async with ctx.session() as session:
            stored = await repository.version_of_task(session, request.event_id, ctx.task_id)
            # NOTE: two jobs of one event handled at the same moment would pick the same version.
            # Requests are keyed by event id, so one partition, and one consumer, takes them in turn.
            version = (
                stored.version
                if stored
                else await repository.next_version(session, request.event_id)
            )

        prefix = version_prefix(request.event_id, version)
        bucket = deps.store.private_bucket
        csv_ref = await deps.store.put_bytes(
            bucket, prefix + "lots.csv", csv_bytes, "text/csv; charset=utf-8"
        )
        await deps.store.put_json(
            bucket, prefix + "warnings.json", [w.model_dump() for w in warnings]
        )
        await deps.store.put_json(bucket, prefix + "preview.json", preview(lot_rows.rows))

        state = TaskState.WARNING if warnings else TaskState.COMPLETED
        lot_count = len(lot_rows.rows)
        async with ctx.transaction() as tx:
            await tx.session.execute(
                insert(repository.csv_versions)
                .values(
                    event_id=request.event_id,
                    version=version,
                    task_id=ctx.task_id,
                    warehouse=request.warehouse,
                    bucket=csv_ref.bucket,
                    key=csv_ref.key,
                    sha256=csv_ref.sha256,
                    size=csv_ref.size,
                    lot_count=lot_count,
                    warning_count=len(warnings),
                )
                .on_conflict_do_nothing()
            )
            await tx.outbox.publish(
                AuctionFormatted(
                    warehouse=request.warehouse,
                    event_id=request.event_id,
                    version=version,
                    csv=csv_ref,
                    lot_count=lot_count,
                    warning_count=len(warnings),
                ),
                key=request.event_id,
                subject=request.event_id,
            )
            await tx.outbox.status(
                job=ctx.job,
                state=state,
                progress=100,
                stage="done",
                substage=f"version {version}",
                message=summary(lot_count, warnings),
                warehouse=request.warehouse,
                event_id=request.event_id,
                result={
                    "version": version,
                    "lot_count": lot_count,
                    "warning_count": len(warnings),
                    "csv_key": csv_ref.key,
                    "csv_sha256": csv_ref.sha256,
                },
            )
        ctx.log.info(
            "auction_formatted",
            version=version,
            lots=lot_count,
            warnings=len(warnings),
            csv_sha256=csv_ref.sha256,
        )

    return on_images_ready


def summary(lot_count: int, warnings: list[RowWarning]) -> str:
    errors = sum(1 for warning in warnings if warning.severity is Severity.ERROR)
    text = f"{lot_count} lots formatted"
    if warnings:
        text += f"; {len(warnings)} row warnings ({errors} records left out), see the result page"
    return text
