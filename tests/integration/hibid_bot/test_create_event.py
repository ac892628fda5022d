"""auction.create.requested → an event on the sandbox site → auction.created."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from auction_shared import topics
from auction_shared.events import AuctionCreated, AuctionCreateRequested

from .conftest import REQUESTER, BotHarness

pytestmark = [pytest.mark.integration, pytest.mark.e2e]


def _end_date() -> date:
    return datetime.now(ZoneInfo("America/Los_Angeles")).date() + timedelta(days=3)


async def test_create_event_retries_and_never_duplicates(bot: BotHarness) -> None:
    bot.reset_site({"fail_submits": {"create_event": 1}})
    end = _end_date()
    request = AuctionCreateRequested(
        warehouse="maule",
        title=f"Maule Weekly Auction {bot.suffix}",
        subtitle="Customer returns and overstock",
        end_date=end,
        requested_by=REQUESTER,
    )
    task_id = bot.new_task("create")

    await bot.send(request, task_id)
    created = await bot.records(topics.AUCTION_CREATED, lambda e: e["taskid"] == task_id)

    assert len(created) == 1
    result = AuctionCreated.model_validate(created[0]["data"])
    events = bot.site_state()["events"]
    assert [str(event["id"]) for event in events] == [result.event_id]
    event = events[0]
    assert event["title"] == request.title
    assert event["summary"] == request.subtitle
    assert event["image_id"]
    assert event["ends_at"] == f"{end.isoformat()}T18:30:00"
    assert event["starts_at"].endswith("T01:00:00")
    assert "1889 E. Maule Ave Suite F" in event["terms_html"]
    assert (
        "15% buyer&#x27;s premium" in event["terms_html"]
        or "15% buyer's premium" in event["terms_html"]
    )
    assert f"Ending {end:%B}" in event["description_html"]
    assert bot.site.faults.state_json()["remaining_submit_failures"]["create_event"] == 0

    status = await bot.final_status(task_id)
    assert status["state"] == "COMPLETED"
    screenshots = [
        step["substage"].removeprefix("screenshot: ")
        for step in await bot.statuses(task_id)
        if step["substage"].startswith("screenshot: ")
    ]
    assert screenshots
    assert all(key.startswith(f"bot/{task_id}/") for key in screenshots)
    assert await bot.store.exists(bot.store.private_bucket, screenshots[-1])
    assert await bot.store.exists(bot.store.private_bucket, f"bot/{task_id}/banner.png")
    # The first submit failed with a 500: its trace and screenshot were kept.
    failed_attempt = f"bot/{task_id}/01-create-event-attempt1"
    assert await bot.store.exists(bot.store.private_bucket, failed_attempt + "-trace.zip")
    assert await bot.store.exists(bot.store.private_bucket, failed_attempt + "-failed.jpg")

    # The same task again (a retry from the gateway) and a new task with the same title and end.
    await bot.send(request, task_id)
    other_task = bot.new_task("create-again")
    await bot.send(request, other_task)
    again = await bot.records(
        topics.AUCTION_CREATED, lambda e: e["taskid"] in (task_id, other_task), expected=3
    )

    assert len(again) == 3
    assert {envelope["data"]["event_id"] for envelope in again} == {result.event_id}
    assert len(bot.site_state()["events"]) == 1


async def test_create_rejects_past_end(bot: BotHarness) -> None:
    bot.reset_site()
    task_id = bot.new_task("create-past")
    request = AuctionCreateRequested(
        warehouse="sahara",
        title="Too late",
        end_date=date(2020, 1, 3),
        requested_by=REQUESTER,
    )

    await bot.send(request, task_id)
    status = await bot.final_status(task_id)

    assert status["state"] == "ERROR"
    assert "01/03/2020" in status["message"]
    assert bot.site_state()["events"] == []
