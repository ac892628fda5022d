"""Page objects of the site's admin pages (RainWorx AuctionWorx).

Selectors follow the admin pages as the sandbox in `sandboxes/auction-site` serves them. Each
page object does one page's work and leaves retries, log-on and screenshots to the session.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from playwright.async_api import FilePayload, Page

from auction_hibid_bot.adapters.navigation import (
    LogOnFailed,
    SitePageError,
    SiteRejectedError,
    SiteServerError,
    check_landing,
    error_text,
    is_logon_url,
    open_path,
    submit,
)
from auction_hibid_bot.domain.events import ConfirmationError, ListedEvent, parse_confirmation
from auction_hibid_bot.domain.import_report import parse_line_label
from auction_hibid_bot.domain.sales import EventState, PaidCell, classify_paid_cell
from auction_hibid_bot.domain.templates import EventTexts

NO_ACTION = "NO ACTION HAS BEEN TAKEN"
IMPORT_STARTED = "CSV listing import has started"
VOID_DIALOG = ".modal.bootstrap-dialog.type-danger"
VOID_CONFIRM = "Remove from Invoice and Void Sale"
SALES_REPORT = "/Account/EventSalesTransactionReport"


@dataclass(frozen=True)
class Account:
    """A site user; `password` is never logged or stored."""

    username: str
    password: str

    def __repr__(self) -> str:
        return f"Account(username={self.username!r}, password='***')"


class LogOnPage:
    def __init__(self, page: Page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url

    async def log_on(self, account: Account) -> None:
        """Sign in; raise LogOnFailed when the site stays on the log-on page."""
        page = self.page
        response = await page.goto(self.base_url + "/Account/LogOn", wait_until="load")
        if response is not None and response.status >= 500:
            raise SiteServerError(f"log-on page: the site responded with HTTP {response.status}")
        await page.fill("#username", account.username)
        await page.fill("#password", account.password)
        async with page.expect_navigation(wait_until="load") as navigation:
            await page.get_by_role("button", name="Sign In").click()
        landed = await navigation.value
        if landed is not None and landed.status >= 500:
            raise SiteServerError(f"log-on: the site responded with HTTP {landed.status}")
        if is_logon_url(page.url):
            detail = await error_text(page)
            raise LogOnFailed(
                f"the site rejected the log-on of user {account.username!r}"
                + (f" ({detail})" if detail else "")
            )


class EventListPage:
    """The admin list of events (`#Events`: one row per event with its id, title and end)."""

    def __init__(self, page: Page, base_url: str, path: str) -> None:
        self.page = page
        self.base_url = base_url
        self.path = path

    async def events(self) -> list[ListedEvent]:
        await open_path(self.page, self.base_url, self.path, "event list")
        rows = await self.page.locator("#Events tr[data-event-id]").evaluate_all(
            """rows => rows.map(row => ({
                id: row.dataset.eventId,
                title: row.cells[1] ? row.cells[1].innerText.trim() : "",
                ends: row.cells[3] ? row.cells[3].innerText.trim() : "",
            }))"""
        )
        return [
            ListedEvent(
                event_id=str(row["id"]), title=str(row["title"]), ends_text=str(row["ends"])
            )
            for row in rows
        ]


@dataclass(frozen=True)
class EventForm:
    title: str
    subtitle: str
    texts: EventTexts
    start_date: str
    start_time: str
    end_date: str
    end_time: str


class CreateEventPage:
    EDITORS = ("EventDescription", "TermsAndConditions", "ShippingInfo")

    def __init__(self, page: Page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url

    async def open(self) -> None:
        await open_path(self.page, self.base_url, "/Event/CreateEvent", "Create Event page")
        await self.page.locator("#Title").wait_for()

    async def fill(self, form: EventForm) -> None:
        page = self.page
        await page.fill("#Title", form.title)
        await page.fill("#Subtitle", form.subtitle)
        html_by_editor = dict(
            zip(
                self.EDITORS,
                (form.texts.description_html, form.texts.terms_html, form.texts.shipping_html),
                strict=True,
            )
        )
        for editor, html in html_by_editor.items():
            body = page.frame_locator(f'iframe[title="Rich Text Editor, {editor}"]').locator("body")
            await body.evaluate("(body, html) => { body.innerHTML = html; }", html)
        await page.fill("#StartDate", form.start_date)
        await page.fill("#StartTime", form.start_time)
        await page.fill("#EndDate", form.end_date)
        await page.fill("#EndTime", form.end_time)

    async def upload_image(self, name: str, data: bytes, timeout_seconds: float) -> str:
        """Upload the banner and wait until the page's hidden field contains the image id."""
        page = self.page
        payload: FilePayload = {"name": name, "mimeType": "image/png", "buffer": data}
        await page.set_input_files("#html5files_EventImage", files=[payload])
        hidden = page.locator("#ThumbnailRendererState_EventImage")
        error = page.locator("#error_EventImage")
        deadline = time.monotonic() + timeout_seconds
        while time.monotonic() < deadline:
            value = await hidden.input_value()
            if value:
                return value
            problem = (await error.inner_text()).strip() if await error.count() else ""
            if problem:
                # A failed upload (a 500, or an expired session that returns the log-on page)
                # is worth another try of the whole step.
                raise SiteServerError(f"banner upload failed: {problem}")
            await asyncio.sleep(0.2)
        raise SiteServerError(f"banner upload did not finish within {timeout_seconds:.0f} s")

    async def submit(self) -> str:
        """Press Create and return the new event's id from the confirmation page."""
        page = self.page
        await submit(page, page.locator("#create"), "Create Event")
        path = urlsplit(page.url).path
        if "/Event/EventConfirmation/" not in path:
            messages = await page.locator(".validation-summary-errors li").all_inner_texts()
            detail = "; ".join(" ".join(message.split()) for message in messages)
            raise SiteRejectedError(
                "the site rejected the Create Event form: " + (detail or "no message shown")
            )
        text = await page.locator("body").inner_text()
        try:
            return parse_confirmation(path, text)
        except ConfirmationError as error:
            # The event may exist all the same; the retry looks for it before creating again.
            raise SiteServerError(str(error)) from error


class EventDetailsPage:
    def __init__(self, page: Page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url

    async def state(self, event_id: str) -> EventState:
        try:
            await open_path(self.page, self.base_url, f"/Event/Details/{event_id}", "event page")
        except SitePageError as error:
            raise SiteRejectedError(
                f"event {event_id} was not found on the site ({error})"
            ) from error
        page = self.page
        return EventState(
            event_id=event_id,
            title=(await page.locator("#EventTitle").inner_text()).strip(),
            status=(await page.locator("#EventStatus").inner_text()).strip(),
            ends_text=(await page.locator("#EventEnds").inner_text()).strip(),
        )


@dataclass(frozen=True)
class ImportStarted:
    report_url: str | None


@dataclass(frozen=True)
class ImportRefused:
    """The "NO ACTION HAS BEEN TAKEN" page: the file was not imported at all."""

    statuses: list[tuple[int | None, str]]


class ImportCsvPage:
    def __init__(self, page: Page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url

    async def open(self) -> None:
        await open_path(self.page, self.base_url, "/Admin/ImportCSV", "Import CSV page")

    async def set_checkbox(self, label: str, checked: bool) -> None:
        """Tick or clear a checkbox by its label and check that it took the state."""
        box = self.page.get_by_label(label, exact=True)
        await box.set_checked(checked, force=True)
        if await box.is_checked() != checked:
            raise SiteServerError(f"the {label!r} checkbox did not change to {checked}")

    async def choose_event(self, event_id: str) -> None:
        """Choose the event in the page's event list, when the page has one."""
        select = self.page.locator("select#EventID")
        if await select.count() == 0:
            return
        option = select.locator(f'option[value="{event_id}"]')
        if await option.count() == 0:
            raise SiteRejectedError(
                f"event {event_id} is not offered on the Import CSV page: the site only imports "
                "into Draft, Preview and Active events"
            )
        await select.select_option(value=event_id)

    async def upload(
        self, *, file_name: str, data: bytes, validate_only: bool, report_email: str
    ) -> ImportStarted | ImportRefused:
        page = self.page
        await self.set_checkbox("Validate Data ONLY", validate_only)
        await self.set_checkbox("Import as Drafts", True)
        await page.fill("#Text1", report_email)
        payload: FilePayload = {"name": file_name, "mimeType": "text/csv", "buffer": data}
        await page.set_input_files("#file", files=[payload])
        await submit(page, page.get_by_role("button", name="Upload CSV"), "Upload CSV")
        return await self._outcome()

    async def _outcome(self) -> ImportStarted | ImportRefused:
        page = self.page
        body = await page.locator("body").inner_text()
        if NO_ACTION in body:
            rows = await page.locator("#ImportStatus tr.import-status").evaluate_all(
                """rows => rows.map(row => [
                    row.cells[0] ? row.cells[0].innerText : "",
                    row.cells[1] ? row.cells[1].innerText : "",
                ])"""
            )
            statuses = [(parse_line_label(line), " ".join(text.split())) for line, text in rows]
            return ImportRefused(statuses=statuses or [(None, NO_ACTION)])
        if IMPORT_STARTED in body:
            link = page.locator("#ImportReportLink")
            href = await link.get_attribute("href") if await link.count() else None
            return ImportStarted(report_url=href)
        raise SiteServerError(
            "the page after Upload CSV shows neither the success alert nor "
            f'"{NO_ACTION}"; the import may not have started'
        )


@dataclass(frozen=True)
class ReportPage:
    status: str
    text: str


class ImportReportsPage:
    """The list of import reports and one report.

    NOTE: the real site e-mails import reports to the address in `#Text1`; these pages are the
    sandbox's view of that e-mail. Reading a mailbox instead is not built.
    """

    def __init__(self, page: Page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url

    async def find(self, file_name: str) -> str | None:
        """Return the URL path of the newest report of `file_name`, if the site lists one."""
        await open_path(self.page, self.base_url, "/Admin/ImportReports", "import reports")
        rows = await self.page.locator("#ImportReports tr.import-report").evaluate_all(
            """rows => rows.map(row => {
                const link = row.querySelector("a.report-link");
                return {
                    id: Number(row.dataset.reportId || 0),
                    file: row.cells[2] ? row.cells[2].innerText.trim() : "",
                    href: link ? link.getAttribute("href") : null,
                };
            })"""
        )
        matches = [row for row in rows if row["file"] == file_name and row["href"]]
        if not matches:
            return None
        return str(max(matches, key=lambda row: int(row["id"]))["href"])

    async def read(self, report_path: str) -> ReportPage:
        await open_path(self.page, self.base_url, report_path, "import report")
        status = (await self.page.locator("#ReportStatus").inner_text()).strip()
        text = await self.page.locator("#ReportText").inner_text()
        return ReportPage(status=status, text=text)


@dataclass(frozen=True)
class SaleRow:
    sale_id: str
    invoice_text: str
    cell: PaidCell


class SalesReportPage:
    """The event's sales transaction report: two rows per sale in `#ReportResults`."""

    def __init__(self, page: Page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url

    async def open(self, event_id: str, is_paid: int) -> None:
        path = f"{SALES_REPORT}?EventID={event_id}&isPaid={is_paid}"
        await open_path(self.page, self.base_url, path, f"sales report (isPaid={is_paid})")
        await self.page.locator("#ReportResults").wait_for()

    async def rows(self) -> list[SaleRow]:
        raw = await self.page.locator("#ReportResults .sale-detail").evaluate_all(
            """rows => rows.map(row => {
                const cell = row.querySelector(".sale-paid");
                const invoice = row.querySelector(".sale-invoice");
                return {
                    id: row.dataset.saleId || "",
                    invoice: invoice ? invoice.innerText : "",
                    text: cell ? cell.innerText : "",
                    icon: !!(cell && cell.querySelector(".paid-icon, .glyphicon-ok")),
                };
            })"""
        )
        return [
            SaleRow(
                sale_id=str(row["id"]),
                invoice_text=str(row["invoice"]),
                cell=classify_paid_cell(str(row["text"]), bool(row["icon"])),
            )
            for row in raw
        ]

    async def void(self, sale: SaleRow, expect_dialog: bool) -> bool:
        """Void one sale after checking its paid cell again; return False when it is not unpaid."""
        page = self.page
        row = page.locator(f'#ReportResults .sale-detail[data-sale-id="{sale.sale_id}"]')
        cell = row.locator(".sale-paid")
        if await row.count() != 1:
            return False
        current = classify_paid_cell(
            await cell.inner_text(), await cell.locator(".paid-icon, .glyphicon-ok").count() > 0
        )
        if current is not PaidCell.UNPAID:
            return False
        async with page.expect_navigation(wait_until="load") as navigation:
            await cell.get_by_text("Void Sale", exact=True).click()
            if expect_dialog:
                dialog = page.locator(VOID_DIALOG)
                await dialog.get_by_role("button", name=VOID_CONFIRM).click()
        response = await navigation.value
        await check_landing(page, response, f"void sale {sale.sale_id}")
        return True

    async def export_csv(self, event_id: str, download_dir: Path) -> bytes:
        """Download the report's CSV export for the voided sales (isPaid=3)."""
        await self.open(event_id, 3)
        async with self.page.expect_download() as download_info:
            await self.page.locator("#ExportCSV").click()
        download = await download_info.value
        failure = await download.failure()
        if failure:
            raise SiteServerError(f"the voided-sales export failed: {failure}")
        target = download_dir / f"voided-{event_id}.csv"
        await download.save_as(target)
        try:
            return target.read_bytes()
        finally:
            target.unlink(missing_ok=True)
