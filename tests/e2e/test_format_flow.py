"""Staff format the demo auction through the UI in Chromium and download the CSV."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import httpx
import pytest
from playwright.async_api import async_playwright

from auction_formatter.domain import title

from .conftest import CHROMIUM, CHROMIUM_ARGS, DEMO_PASSWORD, DEMO_USER, Platform

pytestmark = [pytest.mark.integration, pytest.mark.e2e]

EVENT_ID = "7101"


def _send_to_auction_records(platform: Platform) -> list[dict[str, object]]:
    table = platform.airtable.api().table("app8P7o3PcNfZduiu", "tblg6d2IRW2fw6L44")
    records: list[dict[str, object]] = table.all(view="Send to Auction")
    return records


async def test_format_demo_auction_in_browser(platform: Platform, tmp_path: Path) -> None:
    async with httpx.AsyncClient(
        base_url=platform.gateway_url, auth=(DEMO_USER, DEMO_PASSWORD)
    ) as api:
        added = await api.post(
            "/api/v1/events",
            json={
                "event_id": EVENT_ID,
                "warehouse": "maule",
                "title": "Maule <b>e2e</b> auction",
                "starts_at": "2026-12-05T01:00:00-08:00",
                "ends_at": "2026-12-10T18:30:00-08:00",
            },
        )
        assert added.status_code == 201, added.text

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = await browser.new_page(accept_downloads=True)
        try:
            await page.goto(platform.gateway_url + "/format")
            await page.fill("#username", DEMO_USER)
            await page.fill("#password", DEMO_PASSWORD)
            await page.click("button#login")
            await page.wait_for_selector("#warehouse")
            await page.select_option("#warehouse", "maule")
            await page.select_option("#event", EVENT_ID)
            await page.click("button#start")

            await page.wait_for_selector("#task[data-final='true']", timeout=90_000)
            state = (await page.text_content("#state") or "").strip()
            assert state in ("COMPLETED", "WARNING"), await page.text_content("#message")
            assert await page.get_attribute("#progress", "value") == "100"

            await page.click("a#result-link")
            await page.wait_for_selector("a#download-csv")
            async with page.expect_download() as download_info:
                await page.click("a#download-csv")
            download = await download_info.value
            target = tmp_path / "lots.csv"
            await download.save_as(target)
        finally:
            await browser.close()

    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    records = _send_to_auction_records(platform)
    assert len(rows) == len(records)
    by_id = {row["ID"]: row for row in rows}
    for record in records:
        fields = record["fields"]
        assert isinstance(fields, dict)
        row = by_id[str(record["id"])]
        assert row["EventID"] == EVENT_ID
        assert row["LotNumber"] == f"M{fields['Lot Number']}"
        assert row["Title"] == title(str(fields["Product Name"]), 80)
        if fields.get("Image 1"):
            assert row["Image_1"].endswith(f"{record['id']}_1.jpg")

    _assert_one_trace(platform)


def _assert_one_trace(platform: Platform) -> None:
    """The click, airtable-sync, images and formatter spans belong to one trace."""
    spans = platform.spans.get_finished_spans()
    consumer_spans = {
        topic: [span for span in spans if span.name == f"{platform.prefix}{topic} process"]
        for topic in ("format.requested", "inventory.fetched", "images.ready")
    }
    for topic, found in consumer_spans.items():
        assert found, f"no consumer span for {topic}"
    start = [span for span in spans if span.name.startswith("POST /format")]
    assert start, f"no gateway span for the Format click among {sorted({s.name for s in spans})}"
    trace_ids = {span.context.trace_id for span in start}
    trace_ids |= {found[0].context.trace_id for found in consumer_spans.values()}
    assert len(trace_ids) == 1
