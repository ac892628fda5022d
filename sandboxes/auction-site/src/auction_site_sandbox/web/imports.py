"""Import CSV page, the asynchronous import it starts, import reports and the e-mail outbox."""

from __future__ import annotations

from typing import Any

import structlog
from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from ..importer import ImportJob, render_report_text, run_import
from ..models import OPEN_FOR_LOTS
from ..rules.csv_import import ParseFailure, parse_import_file
from ..store import NotFoundError
from .context import CurrentUser, Site, SiteContext, check_injected_failure, error_page, render

log = structlog.get_logger(__name__)
router = APIRouter()

NO_ACTION = "NO ACTION HAS BEEN TAKEN"
# Room for the other form fields and the multipart framing around the file.
FORM_OVERHEAD_BYTES = 64 * 1024


def _checkbox(values: list[Any]) -> bool:
    """Read an MVC-style checkbox: a checked box posts "true" before its hidden "false"."""
    return any(str(value).lower() == "true" for value in values)


def _page(request: Request, site: SiteContext, **context: Any) -> Response:
    events = [event for event in site.store.list_events() if event.status in OPEN_FOR_LOTS]
    defaults: dict[str, Any] = {
        "events": events,
        "validate_only": True,
        "as_drafts": True,
        "email": "",
        "selected_event_id": None,
        "success": None,
        "report_id": None,
        "failure": None,
        "statuses": [],
    }
    defaults.update(context)
    return render(request, "import_csv.html", defaults)


@router.get("/Admin/ImportCSV")
def import_csv_page(request: Request, user: CurrentUser, site: Site) -> Response:
    return _page(request, site)


@router.post("/Admin/ImportCSV")
async def import_csv(
    request: Request, user: CurrentUser, site: Site, background: BackgroundTasks
) -> Response:
    check_injected_failure(site, "import_csv")
    limit = site.settings.max_csv_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + FORM_OVERHEAD_BYTES:
        # Reject before reading the body, so an oversized upload is never spooled to disk.
        return _fail(
            request,
            site,
            {},
            f"The file is larger than the {limit // (1024 * 1024)} MB upload limit.",
        )
    form = await request.form(max_part_size=1024 * 1024)
    validate_only = _checkbox(form.getlist("validate"))
    as_drafts = _checkbox(form.getlist("importAsDrafts"))
    email = str(form.get("ReportEmail", "")).strip()
    selected_text = str(form.get("EventID", "")).strip()
    keep = {"validate_only": validate_only, "as_drafts": as_drafts, "email": email}

    selected_event_id: int | None = None
    if selected_text:
        event = site.store.find_event(int(selected_text)) if selected_text.isdigit() else None
        if event is None:
            return _fail(request, site, keep, f"Selected event {selected_text!r} was not found.")
        selected_event_id = event.id
    keep["selected_event_id"] = selected_event_id

    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _fail(request, site, keep, "No file was chosen; choose a CSV file to upload.")
    data = await upload.read(limit + 1)
    if len(data) > limit:
        return _fail(
            request,
            site,
            keep,
            f"The file is larger than the {limit // (1024 * 1024)} MB upload limit.",
        )

    parsed = parse_import_file(data, site.settings.custom_fields, selected_event_id is not None)
    if isinstance(parsed, ParseFailure):
        log.info("import_rejected", file_bytes=len(data), bad_lines=len(parsed.statuses))
        statuses = [(status.line, status.message) for status in parsed.statuses]
        return _page(request, site, failure=NO_ACTION, statuses=statuses, **keep)

    report_id = site.store.create_import_report(
        created_by=user,
        file_name=upload.filename,
        email=email,
        validate_only=validate_only,
        as_drafts=as_drafts,
        selected_event_id=selected_event_id,
        total=len(parsed.rows),
    )
    job = ImportJob(
        report_id=report_id,
        parsed=parsed,
        validate_only=validate_only,
        as_drafts=as_drafts,
        selected_event_id=selected_event_id,
        email=email,
    )
    background.add_task(run_import, job, site.store, site.settings, site.faults)
    log.info("import_accepted", report_id=report_id, rows=len(parsed.rows))
    success = "CSV listing import has started. " + (
        f"A report will be e-mailed to {email} when it finishes."
        if email
        else "No report e-mail address was given."
    )
    return _page(request, site, success=success, report_id=report_id, **keep)


def _fail(request: Request, site: SiteContext, keep: dict[str, Any], message: str) -> Response:
    log.info("import_rejected", reason=message)
    return _page(request, site, failure=NO_ACTION, statuses=[(None, message)], **keep)


@router.get("/Admin/ImportReports")
def import_reports(request: Request, user: CurrentUser, site: Site) -> Response:
    return render(request, "import_reports.html", {"reports": site.store.list_import_reports()})


@router.get("/Admin/ImportReport/{report_id}")
def import_report(report_id: int, request: Request, user: CurrentUser, site: Site) -> Response:
    try:
        report = site.store.get_import_report(report_id)
    except NotFoundError as exc:
        return error_page(request, 404, "Import report not found", str(exc))
    return render(
        request,
        "import_report.html",
        {"report": report, "report_text": render_report_text(report)},
    )


@router.get("/Admin/Outbox")
def outbox(request: Request, user: CurrentUser, site: Site) -> Response:
    return render(request, "outbox.html", {"messages": site.store.list_outbox()})
