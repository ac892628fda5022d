"""The gateway on Kafka, PostgreSQL and S3: start a format job, follow its statuses, record the CSV
version, show the result page and download the CSV.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi import FastAPI

from auction_gateway.entrypoint import create_app
from auction_shared.events import (
    AuctionCreated,
    AuctionFormatted,
    FormatRequested,
    JobKind,
    Payload,
    TaskState,
    TaskStatus,
    decode,
    encode,
    make_envelope,
)
from auction_shared.storage import ObjectStore
from support.kafka import eventually, produce, read_all

from .conftest import PASSWORD, USER, GatewayEnv

pytestmark = pytest.mark.integration


@asynccontextmanager
async def running_gateway(env: GatewayEnv) -> AsyncIterator[httpx.AsyncClient]:
    """Run the gateway app (Kafka consumers and outbox relay included) with an API client."""
    app: FastAPI = create_app(env.settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://gateway.test", auth=(USER, PASSWORD)
        ) as client:
            yield client


def status(task_id: str, state: TaskState, progress: int, sequence: int) -> TaskStatus:
    return TaskStatus(
        task_id=task_id,
        job=JobKind.FORMAT,
        state=state,
        progress=progress,
        stage=state.value.lower(),
        message=f"step {sequence}",
        service="formatter",
        sequence=sequence,
    )


async def send(env: GatewayEnv, payload: Payload, *, task_id: str, key: str) -> None:
    value = encode(make_envelope(payload, source="/test", task_id=task_id, subject=key))
    await produce(env.bootstrap, env.topic(payload.topic), [value], key=key.encode())


async def test_format_job_end_to_end(gateway_env: GatewayEnv) -> None:
    env = gateway_env
    event_id = f"it{env.suffix}"
    store = ObjectStore(env.settings)
    async with running_gateway(env) as api:
        now = datetime.now(UTC)
        added = await api.post(
            "/api/v1/events",
            json={
                "event_id": event_id,
                "warehouse": "maule",
                "title": "Integration sale",
                "starts_at": now.isoformat(),
                "ends_at": (now + timedelta(days=6)).isoformat(),
            },
        )
        assert added.status_code == 201, added.text

        started = await api.post(
            "/api/v1/format",
            json={"warehouse": "maule", "event_id": event_id, "starting_price": "2.50"},
        )
        assert started.status_code == 202, started.text
        task_id = started.json()["task_id"]

        # The request left through the outbox, keyed and addressed by the event id.
        [record] = await read_all(env.bootstrap, env.topic("format.requested"), expected=1)
        assert record.key == event_id.encode()
        request = decode(record.value, max_bytes=env.settings.max_message_bytes)
        assert request.taskid == task_id
        assert request.subject == event_id
        assert isinstance(request.data, FormatRequested)
        assert str(request.data.starting_price) == "2.50"
        assert request.data.requested_by.name == USER

        # Statuses arrive out of order: the late IN_PROGRESS must not reopen the finished task.
        base = time.time_ns()
        for state, progress, offset in (
            (TaskState.IN_PROGRESS, 40, 1),
            (TaskState.COMPLETED, 100, 3),
            (TaskState.IN_PROGRESS, 80, 2),
        ):
            await send(
                env, status(task_id, state, progress, base + offset), task_id=task_id, key=task_id
            )

        async def has_three_steps() -> bool:
            body = (await api.get(f"/api/v1/tasks/{task_id}")).json()
            return len(body["steps"]) == 3

        await eventually(has_three_steps, timeout=30, what="three task steps")
        task = (await api.get(f"/api/v1/tasks/{task_id}")).json()
        assert task["state"] == "COMPLETED"
        assert task["requested_by"] == USER
        assert [step["progress"] for step in task["steps"]] == [40, 80, 100]

        stream = await api.get(f"/api/v1/tasks/{task_id}/stream")
        assert "event: status" in stream.text
        assert '"state":"COMPLETED"' in stream.text
        assert "event: end" in stream.text

        # The formatter's result: a CSV and its row warnings beside it in the private bucket.
        prefix = f"formatted/{event_id}/v1/"
        content = b"EventID,LotNumber\r\n" + event_id.encode() + b",M1001\r\n"
        csv = await store.put_bytes(store.private_bucket, prefix + "lots.csv", content, "text/csv")
        await store.put_json(
            store.private_bucket,
            prefix + "warnings.json",
            [
                {
                    "severity": "WARNING",
                    "lot_number": "1001",
                    "field": "Category",
                    "value": "Gizmos",
                    "message": "Unknown category: misc is used.",
                }
            ],
        )
        formatted = AuctionFormatted(
            warehouse="maule", event_id=event_id, version=1, csv=csv, lot_count=1, warning_count=1
        )
        await send(env, formatted, task_id=task_id, key=event_id)

        async def has_version() -> bool:
            return bool((await api.get(f"/api/v1/events/{event_id}/csv")).json())

        await eventually(has_version, timeout=30, what="the CSV version")
        [version] = (await api.get(f"/api/v1/events/{event_id}/csv")).json()
        assert (version["version"], version["lot_count"], version["sha256"]) == (1, 1, csv.sha256)

        link = (await api.get(version["download_url"])).json()
        async with httpx.AsyncClient() as plain:
            downloaded = await plain.get(link["url"])
        assert downloaded.status_code == 200
        assert downloaded.content == content

        page = await api.get(f"/events/{event_id}/result")
        assert page.status_code == 200
        assert "Unknown category: misc is used." in page.text
        assert 'id="preview-problem"' in page.text
        assert f'href="/events/{event_id}/csv/1/download"' in page.text


async def test_created_event_joins_catalogue(gateway_env: GatewayEnv) -> None:
    env = gateway_env
    event_id = f"cr{env.suffix}"
    now = datetime.now(UTC).replace(microsecond=0)
    created = AuctionCreated(
        warehouse="sahara",
        event_id=event_id,
        title="Ending December 10th",
        starts_at=now,
        ends_at=now + timedelta(days=6),
    )
    async with running_gateway(env) as api:
        await send(env, created, task_id="create-1", key=event_id)

        async def listed() -> bool:
            response = await api.get("/api/v1/events", params={"warehouse": "sahara"})
            return any(row["event_id"] == event_id for row in response.json())

        await eventually(listed, timeout=30, what="the created event in the catalogue")
        row = (await api.get(f"/api/v1/events/{event_id}")).json()
        assert row["origin"] == "auction.created"
        assert datetime.fromisoformat(row["ends_at"]) == now + timedelta(days=6)

        format_page = await api.get("/format")
        assert f'"id": "{event_id}"' in format_page.text
