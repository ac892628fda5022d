"""Staff remove duplicates through the UI in Chromium: plan, review, apply, watch, check Airtable.

The Airtable sandbox starts from the demo seed. The test adds "Remove Dups" records whose
names differ in case, spacing and punctuation, adds the auction to the catalogue through the
API, and then drives the /dedupe page. Afterwards exactly the planned records carry the
auction number, each once, and every other record is unchanged.
"""

from __future__ import annotations

import math
from collections import Counter
from decimal import Decimal
from typing import Any

import httpx
import pytest
from playwright.async_api import Page, async_playwright

from auction_airtable_sync.domain.dedupe import normalise_name

from .conftest import CHROMIUM, CHROMIUM_ARGS, DEMO_PASSWORD, DEMO_USER, Platform

pytestmark = [pytest.mark.integration, pytest.mark.e2e]

MAULE_BASE, MAULE_INVENTORY = "app8P7o3PcNfZduiu", "tblg6d2IRW2fw6L44"
AUCTION = "7301"
TARGET_MSRP = "200"
TASK_TIMEOUT_MS = 90_000
# (product name as typed, MSRP, Auction Count): 4 air fryers, 3 blenders and 2 toasters, with
# names that differ only in case, spacing or punctuation. The demo seed adds its own 2 chargers.
DUPLICATES = [
    ("Air Fryer, 5 qt", 60, 1),
    ("AIR FRYER 5 QT", 60, 3),
    ("air  fryer - 5 qt", 60, 2),
    ("Air Fryer (5 qt)", 60, 1),
    ("Blender", 40, 2),
    ("blender ", 40, 1),
    ("BLENDER", 40, 4),
    ("Toaster 2-Slice", 25, 1),
    ("toaster 2 slice", 25, 1),
]
# A PATCH waits this long in the sandbox, so the apply stays in progress long enough to watch.
WRITE_DELAY_SECONDS = 1.5


def _inventory(platform: Platform) -> Any:
    platform.airtable.sandbox.rate_limiter.clear()
    return platform.airtable.api().table(MAULE_BASE, MAULE_INVENTORY)


def _add_duplicates(platform: Platform) -> None:
    _inventory(platform).batch_create(
        [
            {
                "Lot Number": 9100 + number,
                "Product Name": name,
                "MSRP": msrp,
                "Auction Count": count,
                "Status": "Remove Dups",
            }
            for number, (name, msrp, count) in enumerate(DUPLICATES)
        ]
    )
    platform.airtable.sandbox.rate_limiter.clear()


def _auctions_by_record(platform: Platform) -> dict[str, list[str]]:
    return {
        str(record["id"]): list(record["fields"].get("Auctions", []))
        for record in _inventory(platform).all()
    }


async def _log_in(page: Page, url: str) -> None:
    await page.goto(url)
    await page.fill("#username", DEMO_USER)
    await page.fill("#password", DEMO_PASSWORD)
    await page.click("button#login")


async def _planned_rows(page: Page) -> list[dict[str, str]]:
    rows = []
    for row in await page.query_selector_all("table#plan tr[data-record-id]"):
        cells = [
            (await cell.text_content() or "").strip() for cell in await row.query_selector_all("td")
        ]
        rows.append(
            {
                "record_id": await row.get_attribute("data-record-id") or "",
                "name": cells[1],
                "msrp": cells[3],
                "running_total": cells[4],
            }
        )
    return rows


async def test_remove_duplicates_in_browser(platform: Platform) -> None:
    _add_duplicates(platform)
    before = _auctions_by_record(platform)
    async with httpx.AsyncClient(
        base_url=platform.gateway_url, auth=(DEMO_USER, DEMO_PASSWORD)
    ) as api:
        added = await api.post(
            "/api/v1/events",
            json={
                "event_id": AUCTION,
                "warehouse": "maule",
                "title": "Maule remove-dups auction",
                "starts_at": "2026-12-05T01:00:00-08:00",
                "ends_at": "2026-12-12T18:30:00-08:00",
            },
        )
        assert added.status_code == 201, added.text

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = await browser.new_page()
        try:
            await _log_in(page, platform.gateway_url + "/dedupe")
            await page.wait_for_selector("#dedupe-form")
            await page.select_option("#warehouse", "maule")
            await page.fill("#auction-number", AUCTION)
            await page.fill("#target-msrp", TARGET_MSRP)
            await page.click("button#plan")

            # The page reloads once the plan task is final and then shows the plan.
            await page.wait_for_selector("#dedupe-plan", timeout=TASK_TIMEOUT_MS)
            plan_state = (await page.text_content("#state") or "").strip()
            assert plan_state == "COMPLETED", await page.text_content("#message")
            target_text = (await page.text_content("#plan-target") or "").strip()
            assert float(target_text) == float(TARGET_MSRP)
            assert (await page.text_content("#plan-reached") or "").strip() == "yes"
            planned = await _planned_rows(page)
            assert planned, "the plan lists no record"
            assert _auctions_by_record(platform) == before  # planning writes nothing

            platform.airtable.add_faults(
                {"kind": "delay", "seconds": WRITE_DELAY_SECONDS, "method": "PATCH"}
            )
            await page.click("button#apply-plan")
            await page.wait_for_selector("#task[data-final='false']")
            # Live progress: the stream moves the page to IN_PROGRESS while the write waits.
            await page.wait_for_function(
                "document.getElementById('task').dataset.state === 'IN_PROGRESS'"
                " && Number(document.getElementById('progress').value) > 0",
                timeout=TASK_TIMEOUT_MS,
            )
            await page.wait_for_selector("#task-result", timeout=TASK_TIMEOUT_MS)
            apply_state = (await page.text_content("#state") or "").strip()
            assert apply_state == "COMPLETED", await page.text_content("#message")
            tagged = (await page.text_content("dd#records-tagged") or "").strip()
            written = (await page.text_content("dd#records-written") or "").strip()
            steps = await page.locator("#messages li").all_text_contents()
        finally:
            await browser.close()
            platform.airtable.clear_faults()

    assert tagged == written == str(len(planned))
    assert any("tagging records" in step for step in steps)

    after = _auctions_by_record(platform)
    planned_ids = {row["record_id"] for row in planned}
    assert len(planned_ids) == len(planned)
    now_tagged = {record_id for record_id, auctions in after.items() if AUCTION in auctions}
    assert now_tagged == planned_ids
    for record_id, auctions in after.items():
        expected = before[record_id] + [AUCTION] if record_id in planned_ids else before[record_id]
        assert auctions == expected, record_id

    _assert_plan_follows_rules(platform, planned)


def _assert_plan_follows_rules(platform: Platform, planned: list[dict[str, str]]) -> None:
    """Check that each product group is at most half tagged and the target is met at the end."""
    view = _inventory(platform).all(view="Remove Dups")
    group_of = {
        str(record["id"]): normalise_name(str(record["fields"].get("Product Name", "")))
        for record in view
    }
    sizes = Counter(group_of.values())
    assert sizes["air fryer 5 qt"] == 4
    chosen = Counter(group_of[row["record_id"]] for row in planned)
    assert chosen["air fryer 5 qt"] == 2
    for group, count in chosen.items():
        assert count <= math.ceil(sizes[group] / 2), group

    # The running total follows the order of choice: the last choice reaches the target.
    target = Decimal(TARGET_MSRP)
    last = max(planned, key=lambda row: Decimal(row["running_total"]))
    assert Decimal(last["running_total"]) >= target
    assert Decimal(last["running_total"]) - Decimal(last["msrp"]) < target
