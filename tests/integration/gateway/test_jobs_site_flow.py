"""Upload, void and remove duplicates on Kafka, PostgreSQL and S3: the requests leave through the
outbox, and the completion events the gateway consumes show on the task pages.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from auction_shared.events import (
    AuctionFormatted,
    DedupeRequested,
    JobKind,
    TaskState,
    TaskStatus,
    UploadCompleted,
    UploadRequested,
    VoidCompleted,
    VoidRequested,
    decode,
)
from auction_shared.events.models import RowError
from auction_shared.storage import ObjectStore
from support.kafka import eventually, read_all

from .conftest import GatewayEnv
from .test_flow import running_gateway, send

pytestmark = pytest.mark.integration


def final_status(task_id: str, job: JobKind, result: dict[str, object]) -> TaskStatus:
    return TaskStatus(
        task_id=task_id,
        job=job,
        state=TaskState.COMPLETED,
        progress=100,
        stage="done",
        message="done",
        service="hibid-bot",
        sequence=time.time_ns(),
        result=result,
    )


async def test_upload_and_void_results(gateway_env: GatewayEnv) -> None:
    env = gateway_env
    store = ObjectStore(env.settings)
    event_id = f"sj{env.suffix}"
    now = datetime.now(UTC)
    async with running_gateway(env) as api:
        added = await api.post(
            "/api/v1/events",
            json={
                "event_id": event_id,
                "warehouse": "maule",
                "title": "Ended sale",
                "starts_at": (now - timedelta(days=8)).isoformat(),
                "ends_at": (now - timedelta(days=1)).isoformat(),
            },
        )
        assert added.status_code == 201, added.text
        csv = await store.put_bytes(
            store.private_bucket, f"formatted/{event_id}/v1/lots.csv", b"EventID\r\n", "text/csv"
        )
        formatted = AuctionFormatted(
            warehouse="maule", event_id=event_id, version=1, csv=csv, lot_count=1, warning_count=0
        )
        await send(env, formatted, task_id="format-1", key=event_id)

        async def has_version() -> bool:
            return bool((await api.get(f"/api/v1/events/{event_id}/csv")).json())

        await eventually(has_version, timeout=30, what="the CSV version")

        # Upload: the request carries the version's claim check.
        started = await api.post(f"/api/v1/events/{event_id}/uploads", json={})
        assert started.status_code == 202, started.text
        upload_task = started.json()["task_id"]
        [record] = await read_all(env.bootstrap, env.topic(UploadRequested.topic), expected=1)
        request = decode(record.value, max_bytes=env.settings.max_message_bytes)
        assert isinstance(request.data, UploadRequested)
        assert request.data.csv == csv
        assert request.taskid == upload_task

        completed = UploadCompleted(
            warehouse="maule",
            event_id=event_id,
            version=1,
            validate_only=False,
            rows_total=2,
            rows_imported=1,
            row_errors=[RowError(line=3, title="Lamp <b>", message="Image URL not reachable")],
        )
        await send(env, completed, task_id=upload_task, key=event_id)
        await send(
            env,
            final_status(upload_task, JobKind.UPLOAD, {"version": 1, "rows_total": 2}),
            task_id=upload_task,
            key=upload_task,
        )

        async def upload_page_done() -> bool:
            page = (await api.get(f"/tasks/{upload_task}")).text
            return 'id="row-errors"' in page

        await eventually(upload_page_done, timeout=30, what="the upload's row errors")
        page = (await api.get(f"/tasks/{upload_task}")).text
        assert "Lamp &lt;b&gt;" in page
        assert '<dd id="rows-imported">1</dd>' in page

        # Void: the export of void.completed becomes a presigned download.
        started = await api.post(
            f"/api/v1/events/{event_id}/voids",
            json={"confirm_event_id": event_id, "copy_to_cancels": True},
        )
        assert started.status_code == 202, started.text
        void_task = started.json()["task_id"]
        [record] = await read_all(env.bootstrap, env.topic(VoidRequested.topic), expected=1)
        request = decode(record.value, max_bytes=env.settings.max_message_bytes)
        assert isinstance(request.data, VoidRequested)
        assert request.data.copy_to_cancels is True

        content = b"Lot #,Invoice #\r\n1001,77\r\n"
        export = await store.put_bytes(
            store.private_bucket, f"voids/{event_id}/{void_task}/voided-sales.csv", content
        )
        voided = VoidCompleted(
            warehouse="maule",
            event_id=event_id,
            voided_count=1,
            export=export,
            copy_to_cancels=True,
        )
        await send(env, voided, task_id=void_task, key=event_id)
        await send(
            env,
            final_status(void_task, JobKind.VOID, {"voided_count": 1}),
            task_id=void_task,
            key=void_task,
        )

        async def export_ready() -> bool:
            return (await api.get(f"/api/v1/tasks/{void_task}/export")).status_code == 200

        await eventually(export_ready, timeout=30, what="the void export link")
        link = (await api.get(f"/api/v1/tasks/{void_task}/export")).json()
        async with httpx.AsyncClient() as plain:
            downloaded = await plain.get(link["url"])
        assert downloaded.content == content


async def test_dedupe_request_checks_catalogue(gateway_env: GatewayEnv) -> None:
    env = gateway_env
    event_id = f"dd{env.suffix}"
    now = datetime.now(UTC)
    async with running_gateway(env) as api:
        body = {"warehouse": "sahara", "auction_number": event_id, "target_msrp": "500"}
        rejected = await api.post("/api/v1/dedupe", json=body)
        assert rejected.status_code == 422
        assert "is not an event in the catalogue" in rejected.json()["detail"][0]["msg"]

        await api.post(
            "/api/v1/events",
            json={
                "event_id": event_id,
                "warehouse": "sahara",
                "title": "Sale",
                "starts_at": now.isoformat(),
                "ends_at": (now + timedelta(days=6)).isoformat(),
            },
        )
        started = await api.post("/api/v1/dedupe", json=body)
        assert started.status_code == 202, started.text
        [record] = await read_all(env.bootstrap, env.topic(DedupeRequested.topic), expected=1)
        assert record.key == b"sahara"
        request = decode(record.value, max_bytes=env.settings.max_message_bytes)
        assert isinstance(request.data, DedupeRequested)
        assert str(request.data.target_msrp) == "500.00"
        assert request.data.plan_id is None
