"""Staff run the site jobs through the UI in Chromium: create an event, format the demo auction
into it, import the CSV, then void the unpaid sales after the event closed and copy them to
Cancels.

Five services run in this process on the real stack (gateway on a real port, airtable-sync,
images, formatter, hibid-bot), with the Airtable sandbox and the auction-site sandbox. The site
injects a 500 on the first Create Event submit, expires the bot's session part-way through the
voids and shows the void dialog late. One browser serves the whole test.

Repeated requests are not sent here, because tests/integration/hibid_bot covers them:
test_create_event_retries_and_never_duplicates delivers the same create task twice,
test_upload_validates_then_imports_once requests an imported CSV version again, and
test_void_resumes_after_failed_attempt runs a void handler a second time.
"""

from __future__ import annotations

import asyncio
import io
import logging
import time
from collections.abc import AsyncIterator, Iterator, MutableMapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
import structlog
from playwright.async_api import Page, async_playwright
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from airtable_sandbox.testing import RunningSandbox
from auction_formatter.config.loader import load_warehouses
from auction_site_sandbox.rules.seed_plan import PlannedBuyer, plan_buyers
from auction_site_sandbox.settings import DEFAULT_LEAF_CATEGORIES, SandboxSettings
from auction_site_sandbox.testing import RunningSandbox as RunningSite
from auction_site_sandbox.testing import running_sandbox

from .conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    DEMO_PASSWORD,
    DEMO_USER,
    Platform,
    running_platform,
)

pytestmark = [pytest.mark.integration, pytest.mark.e2e]

SITE_TZ = ZoneInfo("America/Los_Angeles")
# The Maule base of the Airtable sandbox's demo seed, as airtable-sync's packaged file names it.
MAULE_BASE, MAULE_INVENTORY = "app8P7o3PcNfZduiu", "tblg6d2IRW2fw6L44"
MAULE_CANCELS = "tblae2PGrdPY3Nrky"
TASK_TIMEOUT_MS = 120_000
# A bot retry waits 0.1 s, 0.2 s, … instead of 1 s, 2 s, … so the injected faults cost little.
BOT_SETTINGS = {
    "step_retry_base_seconds": 0.1,
    "import_report_poll_seconds": 0.3,
    "action_timeout_seconds": 15,
    "consumer_retry_backoff_seconds": 0.05,
}


def _site_categories() -> dict[int, str]:
    """Return the sandbox's default categories plus every id of the formatter's category map."""
    rules = load_warehouses().by_key["maule"].rules.categories
    categories = dict(DEFAULT_LEAF_CATEGORIES)
    for name, category_id in rules.ids_by_name.items():
        categories.setdefault(category_id, name)
    categories.setdefault(rules.fallback_id, "misc")
    return categories


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSite]:
    data_dir = tmp_path_factory.mktemp("site")
    settings = SandboxSettings(data_dir=data_dir, leaf_categories=_site_categories())
    with running_sandbox(data_dir, settings) as running:
        yield running


@pytest.fixture
async def site_platform(
    stack_env: dict[str, str], airtable: RunningSandbox, site: RunningSite
) -> AsyncIterator[Platform]:
    async with running_platform(stack_env, airtable, site, BOT_SETTINGS) as started:
        yield started


@dataclass(frozen=True)
class Sold:
    paid: int
    unpaid: int
    buyers: list[PlannedBuyer]


class LogCapture(logging.Handler):
    """Every log line of this process: the standard library's records as rendered, and every
    structlog event with all its values, whatever renderer the services were given."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines = io.StringIO()

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.write(f"{record.getMessage()} {record.msg!r}\n")

    def structlog_processor(
        self, _logger: object, _method: str, event_dict: MutableMapping[str, Any]
    ) -> MutableMapping[str, Any]:
        self.lines.write(f"{event_dict!r}\n")
        return event_dict


@pytest.fixture
def captured_logs() -> Iterator[LogCapture]:
    capture = LogCapture()
    root = logging.getLogger()
    level = root.level
    root.addHandler(capture)
    root.setLevel(min(level, logging.INFO))
    processors = list(structlog.get_config()["processors"])
    structlog.configure(processors=[capture.structlog_processor, *processors])
    try:
        yield capture
    finally:
        structlog.configure(processors=processors)
        root.setLevel(level)
        root.removeHandler(capture)


async def test_create_import_and_void_in_browser(
    site_platform: Platform, site: RunningSite, captured_logs: LogCapture
) -> None:
    platform = site_platform
    to_sell = await _send_everything_to_auction(platform)
    sandbox = httpx.AsyncClient(base_url=site.base_url, timeout=10)
    await _set_faults(sandbox, {"fail_submits": {"create_event": 1}})
    end = datetime.now(SITE_TZ).date() + timedelta(days=3)
    title = f"Maule e2e auction {platform.prefix.strip('.')}"

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = await browser.new_page()
        try:
            await _log_in(page, platform.gateway_url)
            event_id = await _create_event(page, platform.gateway_url, title, end)
            await _format(page, platform.gateway_url, event_id)
            imported = await _import(page)

            # Every row imported, the one in a category from the formatter's map too.
            assert imported == {"rows-total": str(to_sell), "rows-imported": str(to_sell)}
            assert len(site.store.list_lots(int(event_id))) == to_sell
            sold = await _close_and_sell(sandbox, site, int(event_id))
            await _end_in_catalogue(platform, event_id)
            await _set_faults(
                sandbox, {"expire_sessions_after_requests": 5, "void_dialog_delay_seconds": 0.5}
            )
            await _void(page, platform.gateway_url, event_id)
            cancels = await _wait_for_cancels(platform, sold.unpaid)
            void_state, voided_shown = await _void_outcome(page)
        finally:
            await browser.close()
            await sandbox.aclose()

    # One event on the site and in the catalogue, though the first submit failed.
    assert [event.title for event in site.store.list_events()].count(title) == 1
    async with httpx.AsyncClient(
        base_url=platform.gateway_url, auth=(DEMO_USER, DEMO_PASSWORD)
    ) as api:
        catalogue = (await api.get("/api/v1/events", params={"warehouse": "maule"})).json()
    assert [event["title"] for event in catalogue].count(title) == 1
    logs = captured_logs.lines.getvalue()
    assert "Create Event: the site responded with HTTP 500" in logs
    # One import of the CSV: one report, each lot number once.
    reports = [report for report in site.store.list_import_reports() if not report.validate_only]
    assert len(reports) == 1
    numbers = [lot.lot_number for lot in site.store.list_lots(int(event_id))]
    assert len(numbers) == len(set(numbers)) == reports[0].succeeded
    # Every unpaid sale voided, no paid one; the session expired on the way.
    assert void_state == "COMPLETED"
    sales = site.store.list_sales(int(event_id))
    assert sorted(sale.voided for sale in sales) == [False] * sold.paid + [True] * sold.unpaid
    assert all(not sale.voided for sale in sales if sale.paid)
    assert site.faults.state_json()["expire_sessions_after_requests"] is None

    voided_lots = sorted(sale.lot.lot_number for sale in sales if sale.voided)
    assert sorted(str(row["fields"]["Lot #"]) for row in cancels) == voided_lots
    assert {row["fields"]["Status"] for row in cancels} == {"Voided"}

    assert "catalogue_event_recorded" in logs  # the capture did see the services' lines
    for buyer in sold.buyers:
        for value in (buyer.username, f"{buyer.first_name} {buyer.last_name}", buyer.address):
            assert value not in logs, f"buyer data {value!r} appears in the logs"
        assert buyer.phone not in logs

    # A void whose report reload landed on the expired session's log-on page still counts.
    assert voided_shown == str(sold.unpaid)


async def _send_everything_to_auction(platform: Platform) -> int:
    """Put every Maule record in the "Send to Auction" view and return the count.

    The last record gets a category that only the formatter's map contains, so its row imports
    only because the site sandbox was given that map."""
    inventory = platform.airtable.api().table(MAULE_BASE, MAULE_INVENTORY)
    records = await asyncio.to_thread(inventory.all)
    updates: list[dict[str, Any]] = [
        {"id": record["id"], "fields": {"Status": "Send to Auction"}} for record in records
    ]
    updates[-1]["fields"]["Category"] = "Kitchen & Dining"
    await asyncio.to_thread(inventory.batch_update, updates, typecast=True)  # type: ignore[arg-type]
    return len(records)


async def _log_in(page: Page, gateway_url: str) -> None:
    await page.goto(gateway_url + "/login")
    await page.fill("#username", DEMO_USER)
    await page.fill("#password", DEMO_PASSWORD)
    await page.click("button#login")
    await page.wait_for_selector("#current-user")


async def _wait_for_result(page: Page) -> str:
    """Wait until the task page shows a final state and its result; return the state."""
    await page.wait_for_selector("#task[data-final='true']", timeout=TASK_TIMEOUT_MS)
    await page.wait_for_selector("#task-result", timeout=30_000)
    return (await page.text_content("#state") or "").strip()


async def _create_event(page: Page, gateway_url: str, title: str, end: date) -> str:
    await page.goto(gateway_url + "/auctions/new")
    await page.select_option("#warehouse", "maule")
    await page.fill("#title", title)
    await page.fill("#subtitle", "Customer returns and overstock")
    await page.fill("#end-date", end.isoformat())
    await page.fill("#end-time", "18:30")
    await page.click("button#start")
    state = await _wait_for_result(page)
    assert state == "COMPLETED", await page.text_content("#message")
    event_id = (await page.text_content("#created-event") or "").strip()
    assert event_id.isdigit(), event_id
    return event_id


async def _format(page: Page, gateway_url: str, event_id: str) -> None:
    """Format the demo's "Send to Auction" records into the new event."""
    deadline = time.monotonic() + 30
    while True:  # auction.created reaches the catalogue shortly after the task's last status
        await page.goto(gateway_url + "/format")
        await page.select_option("#warehouse", "maule")
        if await page.locator(f"#event option[value='{event_id}']").count():
            break
        assert time.monotonic() < deadline, f"event {event_id} never reached the Format page"
        await page.wait_for_timeout(500)
    await page.select_option("#event", event_id)
    await page.click("button#start")
    await page.wait_for_selector("#task[data-final='true']", timeout=TASK_TIMEOUT_MS)
    state = (await page.text_content("#state") or "").strip()
    assert state in ("COMPLETED", "WARNING"), await page.text_content("#message")
    await page.click("a#result-link")
    await page.wait_for_selector("a#upload-link")


async def _import(page: Page) -> dict[str, str]:
    """From the result page, import the newest CSV version; return the report's counts."""
    await page.click("a#upload-link")
    await page.wait_for_selector("#version")
    await page.uncheck("#validate-only")
    await page.click("button#start")
    state = await _wait_for_result(page)
    assert state in ("COMPLETED", "WARNING"), await page.text_content("#message")
    assert await page.text_content("#upload-mode")
    return {
        key: (await page.text_content(f"#{key}") or "").strip()
        for key in ("rows-total", "rows-imported")
    }


async def _set_faults(sandbox: httpx.AsyncClient, faults: dict[str, Any]) -> None:
    (await sandbox.post("/_sandbox/faults", json=faults)).raise_for_status()


async def _close_and_sell(sandbox: httpx.AsyncClient, site: RunningSite, event_id: int) -> Sold:
    """Close the event as of yesterday 6:30 PM and sell every lot: paid, unpaid on an invoice,
    unpaid without one, in turn, each to its own made-up buyer."""
    ended = datetime.now(SITE_TZ).replace(tzinfo=None, microsecond=0) - timedelta(days=1)
    ended = ended.replace(hour=18, minute=30, second=0)
    closed = await sandbox.post(
        f"/_sandbox/events/{event_id}/status",
        json={
            "status": "Closed",
            "starts_at": (ended - timedelta(days=6)).isoformat(),
            "ends_at": ended.isoformat(),
        },
    )
    closed.raise_for_status()
    lots = site.store.list_lots(event_id)
    assert len(lots) >= 3, f"only {len(lots)} lots were imported; the test needs 3"
    buyers = plan_buyers(len(lots))
    paid = 0
    for index, (lot, buyer) in enumerate(zip(lots, buyers, strict=True)):
        buyer_id = site.store.create_buyer(
            buyer.username,
            buyer.first_name,
            buyer.last_name,
            buyer.address,
            buyer.phone,
            buyer.tax_exempt,
        )
        kind = index % 3
        invoice_id = site.store.create_invoice(event_id, buyer_id, kind == 0) if kind < 2 else None
        site.store.create_sale(
            lot.id,
            buyer_id,
            invoice_id,
            lot.price_cents,
            ended + timedelta(seconds=30 * index),
            kind == 0,
        )
        paid += kind == 0
    return Sold(paid=paid, unpaid=len(lots) - paid, buyers=buyers)


async def _end_in_catalogue(platform: Platform, event_id: str) -> None:
    """Let the catalogue's copy of the event end yesterday too.

    Nothing follows the clock in this test: the site's end moved by the sandbox endpoint, and
    the catalogue keeps the end the bot reported, so the test moves it to match.
    """
    ends = datetime.now(SITE_TZ).replace(hour=18, minute=30, second=0, microsecond=0)
    ends -= timedelta(days=1)
    engine = create_async_engine(platform.admin_url)
    try:
        async with engine.begin() as connection:
            updated = await connection.execute(
                text(
                    f'UPDATE "{platform.schemas["gateway"]}".auction_events '
                    "SET starts_at = :starts, ends_at = :ends WHERE event_id = :event_id"
                ),
                {"starts": ends - timedelta(days=6), "ends": ends, "event_id": event_id},
            )
            assert updated.rowcount == 1
    finally:
        await engine.dispose()


async def _void(page: Page, gateway_url: str, event_id: str) -> None:
    """Start the void of the event's unpaid sales on the Void page, with "copy to cancels"."""
    await page.goto(gateway_url + "/void")
    await page.click(f"a[data-void-event='{event_id}']")
    await page.wait_for_selector("#void-event-name")
    await page.fill("#confirm-event-id", event_id)
    await page.check("#copy-to-cancels")
    await page.click("button#confirm-void")
    await page.wait_for_selector("#task")


async def _void_outcome(page: Page) -> tuple[str, str | None]:
    """Reload the void's task page once the copy is done; return its state and voided count."""
    await page.reload()
    await page.wait_for_selector("#task[data-final='true']", timeout=TASK_TIMEOUT_MS)
    state = (await page.text_content("#state") or "").strip()
    count = page.locator("#voided-count")
    return state, (await count.text_content() or "").strip() if await count.count() else None


async def _wait_for_cancels(platform: Platform, expected: int) -> list[dict[str, Any]]:
    """Read the Maule Cancels table until airtable-sync has copied `expected` rows."""
    table = platform.airtable.api().table(MAULE_BASE, MAULE_CANCELS)
    deadline = time.monotonic() + 60
    while True:
        rows: list[dict[str, Any]] = await asyncio.to_thread(table.all)
        if len(rows) >= expected or time.monotonic() > deadline:
            assert len(rows) == expected, f"{len(rows)} Cancels rows, expected {expected}"
            return rows
        await asyncio.sleep(0.5)
