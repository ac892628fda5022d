"""The sandbox site driven by headless Chromium, the way the site bot drives the real one."""

from __future__ import annotations

import csv
import io
import re
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from auction_site_sandbox.rules.sales import EXPORT_COLUMNS
from auction_site_sandbox.testing import (
    RunningSandbox,
    create_draft_event,
    import_csv_bytes,
    log_on,
    lot_row,
)

pytestmark = pytest.mark.e2e

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--disable-background-networking", "--disable-component-update", "--disable-sync"]
JPEG_BYTES = b"\xff\xd8\xff\xe0" + b"\x00" * 2048
REPORT = "/Account/EventSalesTransactionReport"
DIALOG = ".modal.bootstrap-dialog.type-danger"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)"
        )
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, site: RunningSandbox) -> Iterator[Page]:
    context = browser.new_context(base_url=site.base_url, accept_downloads=True)
    context.set_default_timeout(10_000)
    opened = context.new_page()
    yield opened
    context.close()


@pytest.fixture
def api(site: RunningSandbox) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=site.base_url, timeout=10) as http:
        log_on(http)
        yield http


def sign_in(page: Page, password: str = "sandbox-password") -> None:
    page.fill("#username", "admin")
    page.fill("#password", password)
    page.click("input[type='submit'][value='Sign In']")
    page.wait_for_load_state()


def test_logon_bad_then_good_password(page: Page) -> None:
    page.goto("/Event/CreateEvent")
    assert "/Account/LogOn?ReturnUrl=%2FEvent%2FCreateEvent" in page.url

    sign_in(page, password="wrong")

    assert "/Account/LogOn" in page.url
    expect(page.locator(".validation-summary-errors")).to_contain_text("incorrect")

    sign_in(page)

    assert page.url.endswith("/Event/CreateEvent")
    expect(page.locator("text=Sign Out")).to_be_visible()


def test_create_event_with_editors_and_image(page: Page, site: RunningSandbox) -> None:
    page.goto("/Account/LogOn")
    sign_in(page)
    page.goto("/Event/CreateEvent")
    description = "<p><strong>PICKUP ONLY</strong></p>"
    page.fill("#Title", "T" * 81)
    page.fill("#Subtitle", "No reserve auctions of general merchandise")
    for name, html in [
        ("EventDescription", description),
        ("TermsAndConditions", "<ul><li>15% buyer's premium</li></ul>"),
        ("ShippingInfo", "<p>Pickup only</p>"),
    ]:
        body = page.frame_locator(f"iframe[title='Rich Text Editor, {name}']").locator(
            "body[contenteditable='true']"
        )
        body.evaluate("(element, html) => { element.innerHTML = html; }", html)
    page.locator("#html5files_EventImage").set_input_files(
        {"name": "banner.jpg", "mimeType": "image/jpeg", "buffer": JPEG_BYTES}
    )
    page.wait_for_selector("#progress_bar_EventImage .percent:text('100%')")
    page.wait_for_function(
        "document.getElementById('ThumbnailRendererState_EventImage').value !== ''"
    )
    page.fill("#StartDate", "01/01/2026")
    page.fill("#StartTime", "1:00 AM")
    page.fill("#EndDate", "12/31/2099")
    page.fill("#EndTime", "6:30 PM")

    page.click("#create")

    expect(page.locator(".field-validation-error[data-valmsg-for='Title']")).to_contain_text(
        "80 characters"
    )
    assert page.url.endswith("/Event/CreateEvent")
    assert page.input_value("#ThumbnailRendererState_EventImage") != ""

    page.fill("#Title", "Auction Ending December 31st")
    page.click("#create")

    page.wait_for_selector(".alert-success")
    match = re.search(r"/Event/EventConfirmation/(\d+)", page.url)
    assert match is not None
    event_id = int(match.group(1))
    expect(page.locator(".alert-success")).to_have_text(
        f"Event Created: Auction Ending December 31st (Draft #{event_id})"
    )
    event = site.store.get_event(event_id)
    assert event.description_html == description
    assert "15% buyer's premium" in event.terms_html
    assert event.image_id is not None

    page.click("#EventDetailsLink")
    page.click("#publish")

    expect(page.locator("#EventStatus")).to_have_text("Active")


def test_import_valid_csv_and_read_report(page: Page, api: httpx.Client, image_server: str) -> None:
    event_id = create_draft_event(api)
    rows = [
        lot_row(event_id, "M100", "Electric Kettle", f"{image_server}/photo.jpg"),
        lot_row(event_id, "M101", "Desk Lamp", f"{image_server}/photo.jpg"),
        lot_row(event_id, "M102", "T" * 81),
    ]
    page.goto("/Admin/ImportCSV")
    sign_in(page)

    expect(page.get_by_label("Validate Data ONLY")).to_be_checked()
    expect(page.get_by_label("Import as Drafts")).to_be_checked()
    page.get_by_label("Validate Data ONLY").uncheck()
    page.get_by_label("Import as Drafts").check()
    page.fill("#Text1", "staff@example.test")
    page.set_input_files(
        "#file", {"name": "auction.csv", "mimeType": "text/csv", "buffer": import_csv_bytes(rows)}
    )
    page.click("input.btn.btn-info.btn-sm[type='submit'][value='Upload CSV']")

    expect(page.locator(".alert-success")).to_contain_text("CSV listing import has started")
    page.goto("/Admin/ImportReports")
    page.click("#ImportReports .report-link")
    deadline = time.monotonic() + 20
    while page.inner_text("#ReportStatus") != "Completed" and time.monotonic() < deadline:
        page.wait_for_timeout(200)
        page.reload()
    assert page.inner_text("#TotalRows") == "3"
    assert page.inner_text("#SucceededRows") == "2"
    assert page.inner_text("#FailedRows") == "1"
    assert f'Line: 4, Title: "{"T" * 81}"' in page.inner_text("#ReportText")
    lots = api.get("/_sandbox/state").json()["lots"]
    assert sorted(lot["lot_number"] for lot in lots) == ["M100", "M101"]
    assert all(lot["is_draft"] for lot in lots)


def test_unparsable_file_takes_no_action(page: Page) -> None:
    page.goto("/Admin/ImportCSV")
    sign_in(page)
    page.set_input_files(
        "#file", {"name": "photo.csv", "mimeType": "text/csv", "buffer": JPEG_BYTES}
    )

    page.click("input[type='submit'][value='Upload CSV']")

    expect(page.locator(".alert-danger")).to_contain_text("NO ACTION HAS BEEN TAKEN")
    expect(page.locator("#ImportStatus .import-status")).to_have_count(1)
    expect(page.locator("#ImportStatus .status")).to_contain_text("binary data")


def test_void_with_and_without_invoice_and_export(page: Page, api: httpx.Client) -> None:
    event_id = api.post("/_sandbox/seed-closed-event", json={"lots": 6}).json()["event_id"]
    page.goto(f"{REPORT}?EventID={event_id}&isPaid=2")
    sign_in(page)
    expect(page.locator("#ReportResults .sale-summary")).to_have_count(4)

    with_invoice = page.locator("a.void-sale:not([data-invoice-id=''])").first
    with_invoice.click()
    expect(page.locator(DIALOG)).to_be_visible()
    expect(page.locator(f"{DIALOG} .bootstrap-dialog-title")).to_have_text(
        "Remove from Invoice and Void Sale"
    )
    page.click(".modal .btn.btn-danger")
    page.wait_for_selector(DIALOG, state="hidden")
    expect(page.locator("#ReportResults .sale-summary")).to_have_count(3)

    with page.expect_navigation():
        page.locator("a.void-sale[data-invoice-id='']").first.click()
    expect(page.locator("#ReportResults .sale-summary")).to_have_count(2)
    assert page.locator(DIALOG).count() == 0

    page.goto(f"{REPORT}?EventID={event_id}&isPaid=3")
    expect(page.locator("#ReportResults a.unvoid-sale")).to_have_count(2)
    with page.expect_navigation():
        page.locator("#ReportResults a.unvoid-sale").first.click()
    expect(page.locator("#ReportResults a.unvoid-sale")).to_have_count(1)

    with page.expect_download() as download_info:
        page.click("#ExportCSV")
    exported = download_info.value.path().read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(exported)))
    assert tuple(rows[0]) == EXPORT_COLUMNS
    assert [row[-1] for row in rows[1:]] == ["Voided"]


def test_void_loop_empties_unpaid_list(page: Page, api: httpx.Client) -> None:
    event_id = api.post("/_sandbox/seed-closed-event", json={"lots": 6}).json()["event_id"]
    page.goto(f"{REPORT}?EventID={event_id}&isPaid=2")
    sign_in(page)
    first_link = "#ReportResults > div:nth-child(2) > div:nth-child(6) > a"

    for _ in range(10):
        if page.locator(".panel-body .no-history").count():
            break
        has_invoice = page.get_attribute(first_link, "data-invoice-id") != ""
        with page.expect_navigation():
            page.click(first_link)
            if has_invoice:
                page.click(".modal .btn.btn-danger")

    expect(page.locator(".panel-body .no-history")).to_have_text("No Results To Display")
    sales = api.get("/_sandbox/state").json()["sales"]
    assert sorted(sale["status"] for sale in sales) == ["Paid"] * 2 + ["Voided"] * 4


def test_late_dialog_fault(page: Page, api: httpx.Client) -> None:
    event_id = api.post("/_sandbox/seed-closed-event", json={"lots": 3}).json()["event_id"]
    api.post("/_sandbox/faults", json={"void_dialog_delay_seconds": 1.0})
    page.goto(f"{REPORT}?EventID={event_id}&isPaid=2")
    sign_in(page)

    started = time.monotonic()
    page.locator("a.void-sale:not([data-invoice-id=''])").first.click()
    assert page.locator(DIALOG).count() == 0
    page.wait_for_selector(DIALOG)

    assert time.monotonic() - started >= 0.9
