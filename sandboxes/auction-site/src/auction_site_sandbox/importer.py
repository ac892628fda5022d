"""The asynchronous part of a CSV import: row checks, image downloads, lots and the report."""

from __future__ import annotations

import time
from dataclasses import dataclass

import httpx
import structlog

from .faults import FaultState
from .models import ImportLine, ImportReport
from .rules.csv_import import IMAGE_COLUMNS, ParsedFile, ParsedRow, RowContext, check_row
from .settings import SandboxSettings
from .store import Store

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class ImportJob:
    report_id: int
    parsed: ParsedFile
    validate_only: bool
    as_drafts: bool
    selected_event_id: int | None
    email: str


def run_import(job: ImportJob, store: Store, settings: SandboxSettings, faults: FaultState) -> None:
    """Check every row, create lots for the good ones, then store and e-mail the report.

    An unexpected error marks the report `Failed` instead of leaving it `Running`.
    """
    lines: list[ImportLine] = []
    try:
        _run_import(job, store, settings, faults, lines)
    except Exception as exc:
        log.exception("import_failed", report_id=job.report_id, error=str(exc))
        try:
            store.update_import_report(job.report_id, "Failed", lines, finished=True)
        except Exception:
            log.exception("import_report_not_updated", report_id=job.report_id)


def _run_import(
    job: ImportJob,
    store: Store,
    settings: SandboxSettings,
    faults: FaultState,
    lines: list[ImportLine],
) -> None:
    log.info("import_started", report_id=job.report_id, rows=len(job.parsed.rows))
    store.update_import_report(job.report_id, "Running", [], finished=False)
    context = RowContext(
        leaf_categories=settings.leaf_categories,
        parent_categories=settings.parent_categories,
        event_statuses={event.id: event.status for event in store.list_events()},
        selected_event_id=job.selected_event_id,
        custom_fields=settings.custom_fields,
        image_hosts=settings.image_hosts,
    )
    seen_lot_numbers: set[tuple[int, str]] = set()
    with httpx.Client(
        timeout=settings.image_fetch_timeout_seconds, follow_redirects=False, trust_env=False
    ) as client:
        for row in job.parsed.rows:
            delay = faults.config.import_row_delay_seconds
            if delay:
                time.sleep(delay)
            lines.append(_import_row(row, context, job, store, faults, client, seen_lot_numbers))
            store.update_import_report(job.report_id, "Running", lines, finished=False)

    store.update_import_report(job.report_id, "Completed", lines, finished=True)
    report = store.get_import_report(job.report_id)
    if job.email:
        store.add_outbox_message(
            job.email,
            f"CSV Import Report #{report.id}: {report.file_name}",
            render_report_text(report),
        )
    log.info(
        "import_finished",
        report_id=job.report_id,
        succeeded=report.succeeded,
        failed=report.failed,
        validate_only=job.validate_only,
    )


def _import_row(
    row: ParsedRow,
    context: RowContext,
    job: ImportJob,
    store: Store,
    faults: FaultState,
    client: httpx.Client,
    seen_lot_numbers: set[tuple[int, str]],
) -> ImportLine:
    """Check one row as the site does and create its lot when it passes."""
    checked = check_row(row, context)
    errors = checked.errors
    if checked.event_id is not None and checked.lot_number:
        key = (checked.event_id, checked.lot_number)
        if key in seen_lot_numbers or store.lot_number_exists(*key):
            errors.append(
                f"LotNumber {checked.lot_number!r} already exists in event {checked.event_id}."
            )
        seen_lot_numbers.add(key)

    for column in IMAGE_COLUMNS:
        url = row.values.get(column, "").strip()
        if url and url in checked.image_urls:
            problem = _fetch_image(client, url)
            if problem:
                errors.append(f"{column} ({url}) could not be downloaded: {problem}")

    if faults.import_row_fails(row.line, checked.title):
        errors.append("Simulated import failure (sandbox fault injection).")

    line = ImportLine(line=row.line, title=checked.title, errors=list(errors))
    if errors or job.validate_only or checked.event_id is None:
        return line
    line.lot_id = store.create_lot(
        checked.event_id,
        {
            "lot_number": checked.lot_number,
            "title": checked.title,
            "subtitle": checked.subtitle,
            "description": checked.description,
            "category_id": checked.category_id,
            "price_cents": checked.price_cents,
            "quantity": checked.quantity,
            "image_urls": checked.image_urls,
            "custom_fields": checked.custom_fields,
        },
        is_draft=job.as_drafts,
        import_report_id=job.report_id,
    )
    return line


def _fetch_image(client: httpx.Client, url: str) -> str | None:
    try:
        response = client.get(url)
    except httpx.HTTPError as exc:
        return f"{type(exc).__name__}: {exc}"
    if response.status_code != 200:
        return f"HTTP {response.status_code}"
    content_type = response.headers.get("content-type", "")
    if not content_type.startswith("image/"):
        return f"content type {content_type or 'missing'!r} is not an image"
    if not response.content:
        return "the response is empty"
    return None


def render_report_text(report: ImportReport) -> str:
    """Render the report as the site's e-mail shows it: counts, then one entry per failed line."""
    lines = [
        f"CSV Import Report #{report.id}",
        f"File: {report.file_name}",
        f"Validate Data ONLY: {'Yes' if report.validate_only else 'No'}",
        f"Import as Drafts: {'Yes' if report.as_drafts else 'No'}",
        f"Status: {report.status}",
        f"Total rows: {report.total}",
        f"Succeeded: {report.succeeded}",
        f"Failed: {report.failed}",
    ]
    for line in report.lines:
        if not line.errors:
            continue
        lines.append("")
        lines.append(f'Line: {line.line}, Title: "{line.title}"')
        lines.extend(f"  - {error}" for error in line.errors)
    return "\n".join(lines) + "\n"
