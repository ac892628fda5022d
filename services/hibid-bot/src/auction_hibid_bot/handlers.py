"""Kafka handlers of the site bot: create an event, upload a CSV, void unpaid sales.

Each handler checks its table first, so a redelivered or retried request picks up where the
last attempt stopped instead of repeating work on the site, and publishes its result event and
final status in one transaction.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from auction_hibid_bot import repository
from auction_hibid_bot.adapters.banner import BannerText, draw_banner
from auction_hibid_bot.adapters.navigation import LogOnFailed, SiteRejectedError
from auction_hibid_bot.adapters.pages import EventForm, ImportRefused, SaleRow
from auction_hibid_bot.adapters.session import Artifacts, BrowserPool, SiteSession
from auction_hibid_bot.config import SiteTemplates, UnknownWarehouseError
from auction_hibid_bot.domain.csv_file import CsvFileError, check_event_ids
from auction_hibid_bot.domain.import_report import (
    ImportReport,
    ReportFormatError,
    rejection_summary,
)
from auction_hibid_bot.domain.retry import RetryPolicy
from auction_hibid_bot.domain.sales import normalize_export
from auction_hibid_bot.domain.schedule import (
    EventSchedule,
    ScheduleError,
    ending_text,
    event_schedule,
)
from auction_hibid_bot.domain.templates import render_texts
from auction_hibid_bot.settings import HibidBotSettings, MissingAccountError, resolve_account
from auction_hibid_bot.workflows import (
    EventNotEnded,
    check_event_ended,
    create_event,
    export_voided,
    submit_csv,
    void_unpaid_sales,
    wait_for_report,
)
from auction_shared.events import (
    AuctionCreated,
    AuctionCreateRequested,
    Envelope,
    ObjectRef,
    Payload,
    RowError,
    TaskState,
    UploadCompleted,
    UploadRequested,
    VoidCompleted,
    VoidRequested,
    payload_as,
)
from auction_shared.messaging import HandlerContext, RejectedRequest
from auction_shared.storage import ChecksumMismatch, ObjectNotFound, ObjectStore


@dataclass(frozen=True)
class BotDeps:
    settings: HibidBotSettings
    store: ObjectStore
    browsers: BrowserPool
    templates: SiteTemplates
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))

    @property
    def policy(self) -> RetryPolicy:
        return RetryPolicy(
            max_attempts=self.settings.step_max_attempts,
            base_delay_seconds=self.settings.step_retry_base_seconds,
        )


@contextlib.contextmanager
def rejections() -> Iterator[None]:
    """Turn errors that another attempt cannot fix into RejectedRequest (task ERROR, no retry)."""
    try:
        yield
    except (
        SiteRejectedError,
        LogOnFailed,
        MissingAccountError,
        UnknownWarehouseError,
        ScheduleError,
        CsvFileError,
        EventNotEnded,
        ObjectNotFound,
        ChecksumMismatch,
        ReportFormatError,
    ) as error:
        raise RejectedRequest(str(error)) from None


@contextlib.asynccontextmanager
async def site_session(
    deps: BotDeps, ctx: HandlerContext, *, warehouse: str, stage: str, event_id: str | None
) -> AsyncIterator[SiteSession]:
    """Open the task's browser context, signed in as the warehouse's account on first use."""

    async def report_step(progress: int, step: str, screenshot_key: str) -> None:
        await ctx.progress(
            progress,
            stage,
            substage=f"screenshot: {screenshot_key}",
            message=step,
            warehouse=warehouse,
            event_id=event_id,
        )

    async with SiteSession.open(
        deps.browsers,
        base_url=deps.settings.site_base_url,
        account=resolve_account(deps.settings, warehouse),
        artifacts=Artifacts(deps.store, ctx.task_id),
        policy=deps.policy,
        on_step=report_step,
    ) as session:
        yield session


# --- auction.create.requested ---------------------------------------------------------------------


def make_create_handler(deps: BotDeps) -> Any:
    async def on_create_requested(envelope: Envelope[Payload], ctx: HandlerContext) -> None:
        request = payload_as(envelope, AuctionCreateRequested)
        with rejections():
            texts = deps.templates.get(request.warehouse)
            resolve_account(deps.settings, request.warehouse)

        async with ctx.session() as session:
            done = await repository.creation_of_task(session, ctx.task_id)
        if done is not None and done["event_id"]:
            event_id = str(done["event_id"])
            schedule = EventSchedule(starts_at=done["starts_at"], ends_at=done["ends_at"])
            ctx.log.info("event_creation_resumed", site_event_id=event_id)
        else:
            with rejections():
                schedule = event_schedule(
                    deps.clock(), request.end_date, request.end_time, deps.settings.site_time_zone
                )
            async with ctx.session() as session, session.begin():
                await repository.record_creation_started(
                    session,
                    task_id=ctx.task_id,
                    warehouse=request.warehouse,
                    title=request.title,
                    starts_at=schedule.starts_at,
                    ends_at=schedule.ends_at,
                )
            await ctx.progress(10, "creating event", message="drawing the banner")
            banner = await asyncio.to_thread(
                draw_banner,
                BannerText(
                    headline=ending_text(request.end_date),
                    house_name=deps.templates.house_name,
                    footer=f"{texts.name} warehouse - {texts.address}",
                ),
            )
            artifacts = Artifacts(deps.store, ctx.task_id)
            banner_key = await artifacts.put(f"{artifacts.prefix}banner.png", banner, "image/png")
            form = EventForm(
                title=request.title,
                subtitle=request.subtitle,
                texts=render_texts(texts, deps.templates.house_name, schedule),
                start_date=schedule.start_date_text,
                start_time=schedule.start_time_text,
                end_date=schedule.end_date_text,
                end_time=schedule.end_time_text,
            )
            with rejections():
                async with site_session(
                    deps, ctx, warehouse=request.warehouse, stage="creating event", event_id=None
                ) as site:
                    created = await create_event(
                        site,
                        event_list_path=deps.settings.site_event_list_path,
                        form=form,
                        schedule=schedule,
                        banner_name=f"banner-{request.end_date.isoformat()}.png",
                        banner=banner,
                        image_timeout_seconds=deps.settings.image_upload_timeout_seconds,
                    )
            event_id = created.event_id
            async with ctx.session() as session, session.begin():
                await repository.record_event_created(session, ctx.task_id, event_id, banner_key)
            ctx.log.info(
                "site_event_created",
                site_event_id=event_id,
                already_existed=created.already_existed,
            )

        async with ctx.transaction() as tx:
            await tx.outbox.publish(
                AuctionCreated(
                    warehouse=request.warehouse,
                    event_id=event_id,
                    title=request.title,
                    starts_at=schedule.starts_at,
                    ends_at=schedule.ends_at,
                ),
                key=event_id,
                subject=event_id,
            )
            await tx.outbox.status(
                job=ctx.job,
                state=TaskState.COMPLETED,
                progress=100,
                stage="done",
                message=f"Event {event_id} created as a draft: {request.title}",
                warehouse=request.warehouse,
                event_id=event_id,
                result={"event_id": event_id, "ends_at": schedule.ends_at.isoformat()},
            )

    return on_create_requested


# --- upload.requested -----------------------------------------------------------------------------


def make_upload_handler(deps: BotDeps) -> Any:
    async def on_upload_requested(envelope: Envelope[Payload], ctx: HandlerContext) -> None:
        request = payload_as(envelope, UploadRequested)
        key = repository.upload_key(
            request.event_id, request.version, request.csv.sha256, request.validate_only
        )
        mode = key["mode"]
        file_name = (
            f"event-{request.event_id}-v{request.version}-{request.csv.sha256[:12]}-{mode}.csv"
        )
        async with ctx.session() as session:
            row = await repository.upload_of(session, key)

        if row is not None and row["state"] == repository.COMPLETED and not request.validate_only:
            ctx.log.info("csv_already_imported", version=request.version, by_task=row["task_id"])
            report = ImportReport(
                total=row["rows_total"] or 0,
                succeeded=row["rows_succeeded"] or 0,
                failed=row["rows_failed"] or 0,
                row_errors=[RowError.model_validate(item) for item in row["row_errors"] or []],
                status=row["site_status"] or "",
            )
            await _finish_upload(ctx, request, report, key, already_imported=True)
            return

        resume_report = (
            row is not None
            and row["state"] == repository.STARTED
            and (row["task_id"] == ctx.task_id or not request.validate_only)
        )
        with rejections():
            resolve_account(deps.settings, request.warehouse)
            data = await deps.store.get_bytes(request.csv)
            check_event_ids(data, request.event_id)

            async with site_session(
                deps, ctx, warehouse=request.warehouse, stage="uploading", event_id=request.event_id
            ) as site:
                report_path = row["report_path"] if resume_report and row is not None else None
                if not resume_report:
                    async with ctx.session() as session, session.begin():
                        await repository.start_upload(
                            session,
                            key,
                            task_id=ctx.task_id,
                            warehouse=request.warehouse,
                            file_name=file_name,
                        )
                    outcome = await submit_csv(
                        site,
                        event_id=request.event_id,
                        file_name=file_name,
                        data=data,
                        validate_only=request.validate_only,
                        report_email=deps.settings.site_report_email,
                    )
                    if isinstance(outcome, ImportRefused):
                        await _refuse_upload(ctx, request, key, outcome)
                        return
                    report_path = outcome.report_path
                    async with ctx.session() as session, session.begin():
                        await repository.update_upload(
                            session, key, state=repository.STARTED, report_path=report_path
                        )
                report = await wait_for_report(
                    site,
                    file_name=file_name,
                    report_path=report_path,
                    timeout_seconds=deps.settings.import_report_timeout_seconds,
                    poll_seconds=deps.settings.import_report_poll_seconds,
                )
        await _finish_upload(ctx, request, report, key, already_imported=False)

    return on_upload_requested


async def _refuse_upload(
    ctx: HandlerContext, request: UploadRequested, key: dict[str, Any], refused: ImportRefused
) -> None:
    """End the task in ERROR with the site's per-line statuses; nothing was imported."""
    statuses = [{"line": line, "message": message} for line, message in refused.statuses]
    async with ctx.transaction() as tx:
        await repository.update_upload(tx.session, key, state=repository.REFUSED)
        await tx.outbox.status(
            job=ctx.job,
            state=TaskState.ERROR,
            progress=100,
            stage="refused",
            message=(
                "The site took no action on the CSV (NO ACTION HAS BEEN TAKEN): "
                + rejection_summary(refused.statuses)
            ),
            warehouse=request.warehouse,
            event_id=request.event_id,
            result={"version": request.version, "statuses": statuses[:200]},
        )
    ctx.log.warning("csv_refused_by_site", version=request.version, statuses=len(statuses))


async def _finish_upload(
    ctx: HandlerContext,
    request: UploadRequested,
    report: ImportReport,
    key: dict[str, Any],
    *,
    already_imported: bool,
) -> None:
    imported = 0 if request.validate_only else report.succeeded
    errors = [error.model_dump() for error in report.row_errors]
    state = TaskState.WARNING if report.failed or report.row_errors else TaskState.COMPLETED
    verb = "validated" if request.validate_only else "imported"
    message = f"{report.succeeded} of {report.total} rows {verb}"
    if report.failed:
        message += f"; {report.failed} rows failed, see the row errors"
    if report.stopped_early:
        # The rows the site did import stay, so the version is recorded as done and not resent.
        state = TaskState.ERROR
        message += (
            "; the site's import stopped part-way (report status Failed): check the event's "
            "lots on the site before uploading a new version"
        )
    if already_imported:
        message += " (this CSV version was imported before; it was not sent again)"
    async with ctx.transaction() as tx:
        if not already_imported:
            await repository.update_upload(
                tx.session,
                key,
                state=repository.COMPLETED,
                rows_total=report.total,
                rows_succeeded=report.succeeded,
                rows_failed=report.failed,
                row_errors=errors,
                site_status=report.status[:20],
            )
        await tx.outbox.publish(
            UploadCompleted(
                warehouse=request.warehouse,
                event_id=request.event_id,
                version=request.version,
                validate_only=request.validate_only,
                rows_total=report.total,
                rows_imported=imported,
                row_errors=report.row_errors,
            ),
            key=request.event_id,
            subject=request.event_id,
        )
        await tx.outbox.status(
            job=ctx.job,
            state=state,
            progress=100,
            stage="done",
            message=message,
            warehouse=request.warehouse,
            event_id=request.event_id,
            result={
                "version": request.version,
                "validate_only": request.validate_only,
                "rows_total": report.total,
                "rows_succeeded": report.succeeded,
                "rows_failed": report.failed,
                "site_status": report.status,
            },
        )
    ctx.log.info(
        "csv_upload_finished",
        version=request.version,
        validate_only=request.validate_only,
        rows=report.total,
        failed=report.failed,
    )


# --- void.requested -------------------------------------------------------------------------------


def make_void_handler(deps: BotDeps) -> Any:
    async def on_void_requested(envelope: Envelope[Payload], ctx: HandlerContext) -> None:
        request = payload_as(envelope, VoidRequested)
        async with ctx.session() as session:
            run = await repository.void_run_of(session, ctx.task_id)

        if run is not None and run["state"] == "completed" and run["export_key"]:
            export = ObjectRef(
                bucket=run["export_bucket"],
                key=run["export_key"],
                sha256=run["export_sha256"],
                size=run["export_size"],
                content_type="text/csv",
            )
            await _finish_void(ctx, request, run["voided_count"], export, record=False)
            return

        async with ctx.session() as session, session.begin():
            await repository.start_void_run(
                session,
                task_id=ctx.task_id,
                event_id=request.event_id,
                warehouse=request.warehouse,
                copy_to_cancels=request.copy_to_cancels,
            )

        async def count(sale: SaleRow) -> None:
            async with ctx.session() as session, session.begin():
                await repository.count_void(session, ctx.task_id)
            ctx.log.info("site_sale_voided", sale_id=sale.sale_id)

        with rejections():
            async with site_session(
                deps, ctx, warehouse=request.warehouse, stage="voiding", event_id=request.event_id
            ) as site:
                await check_event_ended(site, request.event_id)
                await void_unpaid_sales(
                    site,
                    event_id=request.event_id,
                    max_voids=deps.settings.max_voids_per_task,
                    on_void=count,
                )
                exported = normalize_export(await export_voided(site, request.event_id))

        # Buyer data: the private bucket only, and never in logs or task messages.
        export = await deps.store.put_bytes(
            deps.store.private_bucket,
            f"voids/{request.event_id}/{ctx.task_id}/voided-sales.csv",
            exported,
            "text/csv",
        )
        async with ctx.session() as session:
            run = await repository.void_run_of(session, ctx.task_id)
        voided = int(run["voided_count"]) if run is not None else 0
        await _finish_void(ctx, request, voided, export, record=True)

    return on_void_requested


async def _finish_void(
    ctx: HandlerContext,
    request: VoidRequested,
    voided: int,
    export: ObjectRef,
    *,
    record: bool,
) -> None:
    async with ctx.transaction() as tx:
        if record:
            await repository.finish_void_run(
                tx.session,
                ctx.task_id,
                export_bucket=export.bucket,
                export_key=export.key,
                export_sha256=export.sha256,
                export_size=export.size,
            )
        await tx.outbox.publish(
            VoidCompleted(
                warehouse=request.warehouse,
                event_id=request.event_id,
                voided_count=voided,
                export=export,
                copy_to_cancels=request.copy_to_cancels,
            ),
            key=request.event_id,
            subject=request.event_id,
        )
        await tx.outbox.status(
            job=ctx.job,
            state=TaskState.COMPLETED,
            progress=100,
            stage="done",
            message=f"{voided} unpaid sales voided on event {request.event_id}",
            warehouse=request.warehouse,
            event_id=request.event_id,
            result={"voided_count": voided, "export_key": export.key},
        )
    ctx.log.info("site_void_finished", voided=voided, export_sha256=export.sha256)
