"""`auctionctl inventory import --wait` against a gateway served by uvicorn: the multipart upload
over real HTTP, the wait for the final status, and the printed row errors.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from auction_gateway.cli.main import app as cli
from auction_shared.events import JobKind, TaskState, TaskStatus, encode, make_envelope
from auction_shared.storage import ObjectStore
from support.kafka import eventually, produce

from .conftest import PASSWORD, USER, GatewayEnv
from .test_cli_live import served

pytestmark = pytest.mark.integration

MANIFEST = b"ASIN,LPN,Item Description,Unit Retail,Qty\nB000000001,LPN1,Lamp,19.99,600\n"


async def test_cli_imports_and_waits(
    gateway_env: GatewayEnv, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    env = gateway_env
    monkeypatch.setenv("AUCTION_DEMO_USER", USER)
    monkeypatch.setenv("AUCTION_DEMO_PASSWORD", PASSWORD)
    monkeypatch.delenv("AUCTION_API_TOKEN", raising=False)
    manifest = tmp_path / f"truck {env.suffix}.csv"
    manifest.write_bytes(MANIFEST)
    runner = CliRunner()
    async with served(env) as url:
        waiting = asyncio.create_task(
            asyncio.to_thread(
                runner.invoke,
                cli,
                [
                    "--gateway",
                    url,
                    "inventory",
                    "import",
                    str(manifest),
                    "--warehouse",
                    "maule",
                    "--wait",
                    "--timeout",
                    "60",
                ],
            )
        )
        async with httpx.AsyncClient(base_url=url, auth=(USER, PASSWORD)) as api:

            async def started() -> bool:
                tasks = (await api.get("/api/v1/tasks")).json()
                return any(task["job"] == "inventory_import" for task in tasks)

            await eventually(started, timeout=30, what="the import task")
            tasks = (await api.get("/api/v1/tasks")).json()
        [task] = [task for task in tasks if task["job"] == "inventory_import"]
        task_id = task["task_id"]

        stored = await ObjectStore(env.settings).read(
            env.settings.s3_private_bucket, f"manifests/{task_id}/truck_{env.suffix}.csv"
        )
        assert stored == MANIFEST

        rejected = TaskStatus(
            task_id=task_id,
            job=JobKind.INVENTORY_IMPORT,
            state=TaskState.ERROR,
            progress=100,
            stage="rejected",
            message="1 row has errors; nothing was imported.",
            service="airtable-sync",
            sequence=time.time_ns(),
            warehouse="maule",
            result={
                "row_error_count": 1,
                "row_errors": [{"line": 2, "message": "Qty 600 is more than 500 units"}],
            },
        )
        value = encode(make_envelope(rejected, source="/test", task_id=task_id))
        await produce(env.bootstrap, env.topic("task.status"), [value], key=task_id.encode())
        result = await asyncio.wait_for(waiting, timeout=90)

    assert result.exit_code == 1, result.output
    assert f"Started inventory import task {task_id}" in result.output
    assert "ERROR: 1 row has errors" in result.output
    assert "line 2: Qty 600 is more than 500 units" in result.output
