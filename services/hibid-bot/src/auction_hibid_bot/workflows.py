"""The bot's jobs as sequences of site steps: create an event, import a CSV, void unpaid sales.

Each function gets an open `SiteSession` and returns what the site did; the Kafka handlers
decide what to record and publish. Every step is safe to repeat (see `SiteSession.step`).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from playwright.async_api import Page

from auction_hibid_bot.adapters.navigation import (
    SitePageError,
    SiteRejectedError,
    SiteServerError,
)
from auction_hibid_bot.adapters.pages import (
    CreateEventPage,
    EventDetailsPage,
    EventForm,
    EventListPage,
    ImportCsvPage,
    ImportRefused,
    ImportReportsPage,
    ImportStarted,
    SaleRow,
    SalesReportPage,
)
from auction_hibid_bot.adapters.session import SiteSession
from auction_hibid_bot.domain.events import find_existing_event
from auction_hibid_bot.domain.import_report import (
    ImportReport,
    ReportFormatError,
    parse_import_report,
)
from auction_hibid_bot.domain.sales import (
    EventState,
    PaidCell,
    event_has_ended,
    has_invoice,
    not_ended_reason,
)
from auction_hibid_bot.domain.schedule import EventSchedule
from auction_shared.logging import get_logger

log = get_logger(__name__)

UNPAID, VOIDED = 2, 3
REPORT_DONE_STATUSES = frozenset({"completed", "failed"})


class VoidNotApplied(Exception):
    """The site still lists a sale as unpaid right after it was voided."""


class EventNotEnded(Exception):
    """The event is still open for bidding, so its sales must not be voided."""


# --- creating an event ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CreatedEvent:
    event_id: str
    already_existed: bool


async def create_event(
    session: SiteSession,
    *,
    event_list_path: str,
    form: EventForm,
    schedule: EventSchedule,
    banner_name: str,
    banner: bytes,
    image_timeout_seconds: float,
) -> CreatedEvent:
    """Create the event, or return the one a previous attempt already created."""

    async def create(page: Page) -> CreatedEvent:
        # Look first on every attempt: a submit that failed with a 5xx may still have created it.
        listed = await EventListPage(page, session.base_url, event_list_path).events()
        existing = find_existing_event(listed, form.title, schedule.ends_at)
        if existing is not None:
            log.info("site_event_exists", site_event_id=existing.event_id)
            return CreatedEvent(existing.event_id, already_existed=True)
        create_page = CreateEventPage(page, session.base_url)
        await create_page.open()
        await create_page.fill(form)
        await create_page.upload_image(banner_name, banner, image_timeout_seconds)
        await session.checkpoint("form filled", 60)
        return CreatedEvent(await create_page.submit(), already_existed=False)

    return await session.step("create event", 75, create)


# --- importing a CSV ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportAccepted:
    report_path: str | None


async def submit_csv(
    session: SiteSession,
    *,
    event_id: str,
    file_name: str,
    data: bytes,
    validate_only: bool,
    report_email: str,
) -> ImportAccepted | ImportRefused:
    """Upload the CSV on the Import CSV page, unless the site already has a report of this file."""

    async def upload(page: Page) -> ImportAccepted | ImportRefused:
        if not validate_only:
            found = await find_report(page, session.base_url, file_name)
            if found is not None:
                log.info("site_import_already_submitted", report=found)
                return ImportAccepted(found)
        import_page = ImportCsvPage(page, session.base_url)
        await import_page.open()
        await import_page.choose_event(event_id)
        outcome = await import_page.upload(
            file_name=file_name, data=data, validate_only=validate_only, report_email=report_email
        )
        if isinstance(outcome, ImportStarted):
            return ImportAccepted(outcome.report_url)
        return outcome

    return await session.step("upload csv", 50, upload)


async def find_report(page: Page, base_url: str, file_name: str) -> str | None:
    """Return the site's report of `file_name`; None also when the site has no report list."""
    try:
        return await ImportReportsPage(page, base_url).find(file_name)
    except SitePageError as error:
        log.info("site_import_reports_unavailable", error=str(error))
        return None


async def wait_for_report(
    session: SiteSession,
    *,
    file_name: str,
    report_path: str | None,
    timeout_seconds: float,
    poll_seconds: float,
) -> ImportReport:
    """Poll the import report until the site has finished the import, then parse it."""

    async def wait(page: Page) -> ImportReport:
        deadline = time.monotonic() + timeout_seconds
        path = report_path
        reports = ImportReportsPage(page, session.base_url)
        while True:
            if path is None:
                path = await find_report(page, session.base_url, file_name)
            if path is not None:
                shown = await reports.read(path)
                if shown.status.strip().lower() in REPORT_DONE_STATUSES:
                    try:
                        return parse_import_report(shown.text)
                    except ReportFormatError as error:
                        raise SiteRejectedError(f"import report {path}: {error}") from error
            if time.monotonic() > deadline:
                raise SiteServerError(
                    f"the import report of {file_name} was not finished after "
                    f"{timeout_seconds:.0f} s (report {path or 'not found'})"
                )
            await asyncio.sleep(poll_seconds)

    return await session.step("read import report", 90, wait)


# --- voiding unpaid sales -------------------------------------------------------------------------


async def check_event_ended(session: SiteSession, event_id: str) -> EventState:
    async def read(page: Page) -> EventState:
        return await EventDetailsPage(page, session.base_url).state(event_id)

    state = await session.step("check event status", 15, read)
    if not event_has_ended(state):
        raise EventNotEnded(not_ended_reason(state))
    return state


async def void_unpaid_sales(
    session: SiteSession,
    *,
    event_id: str,
    max_voids: int,
    on_void: Callable[[SaleRow], Awaitable[None]],
) -> int:
    """Void every sale the unpaid report lists, one per step; return how many were voided.

    The loop reads the unpaid list again after each void, so a resumed task continues with
    what is still unpaid. A paid sale is never clicked: each row's paid cell is read again
    right before its "Void Sale" link is pressed.
    """
    voided = 0
    last_sale: str | None = None
    # Sales clicked whose outcome was not seen yet: when the report reload after a click lands on
    # the log-on page (session expired), the step runs again, and the next read of the report
    # shows whether the click took effect.
    pending: dict[str, SaleRow] = {}
    noticed: list[SaleRow] = []

    async def void_next(page: Page) -> SaleRow | None:
        report = SalesReportPage(page, session.base_url)
        await report.open(event_id, UNPAID)
        rows = await report.rows()
        still_unpaid = {sale.sale_id for sale in rows if sale.cell is PaidCell.UNPAID}
        for sale_id in list(pending):
            if sale_id not in still_unpaid:
                noticed.append(pending.pop(sale_id))
        for sale in rows:
            if sale.cell is not PaidCell.UNPAID:
                continue
            if sale.sale_id:
                pending[sale.sale_id] = sale
            applied = await report.void(sale, expect_dialog=has_invoice(sale.invoice_text))
            pending.pop(sale.sale_id, None)
            if applied:
                return sale
        return None

    async def count_noticed() -> None:
        nonlocal voided
        while noticed:
            voided += 1
            await on_void(noticed.pop(0))

    while voided < max_voids:
        progress = min(30 + voided, 80)
        sale = await session.step(f"void sale {voided + 1}", progress, void_next)
        await count_noticed()
        if sale is None:
            return voided
        if sale.sale_id and sale.sale_id == last_sale:
            raise VoidNotApplied(
                f"sale {sale.sale_id} of event {event_id} was still unpaid after it was voided; "
                "check the sales report on the site"
            )
        last_sale = sale.sale_id
        voided += 1
        await on_void(sale)
    raise VoidNotApplied(
        f"stopped after {max_voids} voids on event {event_id} (AUCTION_MAX_VOIDS_PER_TASK); "
        "run the task again to continue"
    )


async def export_voided(session: SiteSession, event_id: str) -> bytes:
    async def export(page: Page) -> bytes:
        return await SalesReportPage(page, session.base_url).export_csv(event_id, session.work_dir)

    return await session.step("export voided sales", 90, export)
