"""upload.requested and void.requested against the sandbox site, with faults."""

from __future__ import annotations

import csv
import io

import pytest

from auction_shared import topics
from auction_shared.events import ObjectRef, UploadCompleted, UploadRequested, VoidRequested
from auction_site_sandbox.testing import import_csv_bytes, lot_row

from .conftest import REQUESTER, BotHarness

pytestmark = [pytest.mark.integration, pytest.mark.e2e]


async def _put_csv(bot: BotHarness, event_id: int, data: bytes) -> ObjectRef:
    key = f"formatted/{event_id}/v1-{bot.suffix}/lots.csv"
    return await bot.store.put_bytes(bot.store.private_bucket, key, data, "text/csv")


def _upload(event_id: int, csv_ref: ObjectRef, validate_only: bool) -> UploadRequested:
    return UploadRequested(
        warehouse="maule",
        event_id=str(event_id),
        version=1,
        csv=csv_ref,
        validate_only=validate_only,
        requested_by=REQUESTER,
    )


async def _completed(bot: BotHarness, task_id: str) -> UploadCompleted:
    found = await bot.records(topics.UPLOAD_COMPLETED, lambda e: e["taskid"] == task_id)
    assert found, f"no upload.completed for {task_id}"
    return UploadCompleted.model_validate(found[0]["data"])


async def test_upload_validates_then_imports_once(bot: BotHarness) -> None:
    bot.reset_site({"import_fail_lines": [3]})
    event_id = bot.draft_event(f"Upload test {bot.suffix}")
    rows = [
        lot_row(event_id, "M101", "Stand mixer"),
        lot_row(event_id, "M102", "Desk lamp"),
        lot_row(event_id, "M103", "Kettle"),
    ]
    csv_ref = await _put_csv(bot, event_id, import_csv_bytes(rows))

    validate_task = bot.new_task("validate")
    await bot.send(_upload(event_id, csv_ref, validate_only=True), validate_task, str(event_id))
    validated = await _completed(bot, validate_task)

    assert validated.validate_only is True
    assert validated.rows_total == 3
    assert validated.rows_imported == 0
    assert [(error.line, error.title) for error in validated.row_errors] == [(3, "Desk lamp")]
    assert bot.site_state()["lots"] == []
    assert (await bot.final_status(validate_task))["state"] == "WARNING"

    import_task = bot.new_task("import")
    await bot.send(_upload(event_id, csv_ref, validate_only=False), import_task, str(event_id))
    imported = await _completed(bot, import_task)

    assert imported.rows_total == 3
    assert imported.rows_imported == 2
    assert [error.line for error in imported.row_errors] == [3]
    lots = bot.site_state()["lots"]
    assert sorted(lot["lot_number"] for lot in lots) == ["M101", "M103"]
    assert all(lot["is_draft"] for lot in lots)
    reports = sorted(bot.site_state()["import_reports"], key=lambda report: report["id"])
    assert [report["validate_only"] for report in reports] == [True, False]
    assert all(report["email"] == "reports@example.test" for report in reports)

    # Another request for the same CSV version: the stored result is published and nothing is imported again.
    repeat_task = bot.new_task("import-again")
    await bot.send(_upload(event_id, csv_ref, validate_only=False), repeat_task, str(event_id))
    repeated = await _completed(bot, repeat_task)

    assert repeated.rows_imported == 2
    assert len(bot.site_state()["import_reports"]) == 2
    assert len(bot.site_state()["lots"]) == 2


async def test_upload_refused_file_ends_in_error(bot: BotHarness) -> None:
    bot.reset_site()
    event_id = bot.draft_event(f"Refused upload {bot.suffix}")
    csv_ref = await _put_csv(bot, event_id, b"EventID,Title\r\n" + f"{event_id},Lamp\r\n".encode())
    task_id = bot.new_task("refused")

    await bot.send(_upload(event_id, csv_ref, validate_only=False), task_id, str(event_id))
    status = await bot.final_status(task_id)

    assert status["state"] == "ERROR"
    assert "NO ACTION HAS BEEN TAKEN" in status["message"]
    assert status["result"]["statuses"]
    assert bot.site_state()["import_reports"] == []


async def test_void_unpaid_sales_keeps_paid(bot: BotHarness) -> None:
    bot.reset_site()
    seeded = bot.api.post("/_sandbox/seed-closed-event", json={"lots": 8, "seed": 3}).json()
    event_id = str(seeded["event_id"])
    unpaid = seeded["sales"]["unpaid_with_invoice"] + seeded["sales"]["unpaid_without_invoice"]
    assert seeded["sales"]["unpaid_with_invoice"] > 0
    assert seeded["sales"]["unpaid_without_invoice"] > 0
    assert seeded["sales"]["paid"] > 0
    # Sessions expire part-way through, so the bot must log on again and carry on.
    bot.set_faults({"expire_sessions_after_requests": 6, "void_dialog_delay_seconds": 0.3})
    task_id = bot.new_task("void")

    await bot.send(
        VoidRequested(
            warehouse="maule", event_id=event_id, copy_to_cancels=True, requested_by=REQUESTER
        ),
        task_id,
        event_id,
    )
    found = await bot.records(topics.VOID_COMPLETED, lambda e: e["taskid"] == task_id)

    assert found, "no void.completed"
    completed = found[0]["data"]
    assert completed["voided_count"] == unpaid
    assert completed["copy_to_cancels"] is True
    sales = bot.site_state()["sales"]
    assert sum(1 for sale in sales if sale["voided"]) == unpaid
    assert all(not sale["voided"] for sale in sales if sale["paid"])
    assert bot.site.faults.state_json()["expire_sessions_after_requests"] is None

    export = ObjectRef.model_validate(completed["export"])
    assert export.bucket == bot.store.private_bucket
    rows = list(csv.DictReader(io.StringIO((await bot.store.get_bytes(export)).decode())))
    assert len(rows) == unpaid
    assert {row["Status"] for row in rows} == {"Voided"}
    assert (await bot.final_status(task_id))["state"] == "COMPLETED"


async def test_void_rejects_event_not_ended(bot: BotHarness) -> None:
    bot.reset_site()
    event_id = str(bot.draft_event(f"Open event {bot.suffix}"))
    task_id = bot.new_task("void-open")

    await bot.send(
        VoidRequested(warehouse="maule", event_id=event_id, requested_by=REQUESTER),
        task_id,
        event_id,
    )
    status = await bot.final_status(task_id)

    assert status["state"] == "ERROR"
    assert f"event {event_id} (Open event {bot.suffix}) has not ended" in status["message"]
    assert "12/31/2099" in status["message"]


async def test_void_resumes_after_failed_attempt(bot: BotHarness) -> None:
    bot.reset_site()
    seeded = bot.api.post("/_sandbox/seed-closed-event", json={"lots": 6, "seed": 5}).json()
    event_id = str(seeded["event_id"])
    unpaid = seeded["sales"]["unpaid_with_invoice"] + seeded["sales"]["unpaid_without_invoice"]
    # Every try of the first void step fails, so the whole handler fails once and runs again.
    bot.set_faults({"fail_submits": {"void_sale": 3}})
    task_id = bot.new_task("void-resume")

    await bot.send(
        VoidRequested(warehouse="maule", event_id=event_id, requested_by=REQUESTER),
        task_id,
        event_id,
    )
    found = await bot.records(topics.VOID_COMPLETED, lambda e: e["taskid"] == task_id)

    assert found, "no void.completed"
    assert found[0]["data"]["voided_count"] == unpaid
    sales = bot.site_state()["sales"]
    assert sum(1 for sale in sales if sale["voided"]) == unpaid
    assert all(not sale["voided"] for sale in sales if sale["paid"])
    assert bot.site.faults.state_json()["remaining_submit_failures"]["void_sale"] == 0
