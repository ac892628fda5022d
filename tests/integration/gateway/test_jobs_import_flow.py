"""Inventory import on Kafka, PostgreSQL and S3: the manifest reaches the private bucket, the
request leaves through the outbox, and airtable-sync's final status shows on the task page.
"""

from __future__ import annotations

import time

import pytest

from auction_shared.events import (
    InventoryImportRequested,
    JobKind,
    TaskState,
    TaskStatus,
    decode,
)
from auction_shared.storage import ObjectStore
from support.kafka import eventually, read_all

from .conftest import USER, GatewayEnv
from .test_flow import running_gateway, send

pytestmark = pytest.mark.integration

MANIFEST = b"ASIN,LPN,Item Description,Unit Retail,Qty\nB000000001,LPN1,Lamp,19.99,1.5\n"


async def test_inventory_import_end_to_end(gateway_env: GatewayEnv) -> None:
    env = gateway_env
    store = ObjectStore(env.settings)
    async with running_gateway(env) as api:
        started = await api.post(
            "/api/v1/inventory/imports",
            data={"warehouse": "sahara", "status": "Send to Auction"},
            files={
                "file": ("lot 7.csv", MANIFEST, "text/csv"),
                "column_map": ("map.json", b'{"Item Description": "Product Name"}', "text/json"),
            },
        )
        assert started.status_code == 202, started.text
        task_id = started.json()["task_id"]

        # The request left through the outbox, keyed by the warehouse.
        topic = env.topic(InventoryImportRequested.topic)
        [record] = await read_all(env.bootstrap, topic, expected=1)
        assert record.key == b"sahara"
        request = decode(record.value, max_bytes=env.settings.max_message_bytes)
        assert request.taskid == task_id
        payload = request.data
        assert isinstance(payload, InventoryImportRequested)
        assert payload.manifest.key == f"manifests/{task_id}/lot_7.csv"
        assert payload.filename == "lot 7.csv"
        assert payload.column_map == {"Item Description": "Product Name"}
        assert payload.status == "Send to Auction"
        assert payload.requested_by.name == USER

        # The claim check matches the stored manifest.
        assert await store.get_bytes(payload.manifest) == MANIFEST

        task = (await api.get(f"/api/v1/tasks/{task_id}")).json()
        assert (task["job"], task["state"], task["warehouse"]) == (
            "inventory_import",
            "NOT_STARTED",
            "sahara",
        )

        rejected = TaskStatus(
            task_id=task_id,
            job=JobKind.INVENTORY_IMPORT,
            state=TaskState.ERROR,
            progress=100,
            stage="rejected",
            message="lot 7.csv: 1 row has errors; nothing was imported.",
            service="airtable-sync",
            sequence=time.time_ns(),
            warehouse="sahara",
            result={
                "filename": "lot 7.csv",
                "rows": 1,
                "row_error_count": 1,
                "row_errors": [
                    {
                        "line": 2,
                        "message": "Qty '1.5' is not a whole number",
                        "column": "Qty",
                        "value": "1.5",
                    }
                ],
            },
        )
        await send(env, rejected, task_id=task_id, key=task_id)

        async def finished() -> bool:
            body = (await api.get(f"/api/v1/tasks/{task_id}")).json()
            return bool(body["final"])

        await eventually(finished, timeout=30, what="the import's final status")
        page = await api.get(f"/tasks/{task_id}")
        assert page.status_code == 200
        assert 'id="row-errors"' in page.text
        assert "Qty &#39;1.5&#39; is not a whole number" in page.text
        assert '<dd id="row-error-count">1</dd>' in page.text
