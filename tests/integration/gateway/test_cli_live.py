"""`auctionctl format --wait` against a gateway served by uvicorn on a local port."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import uvicorn
from typer.testing import CliRunner

from auction_gateway.cli.main import app as cli
from auction_gateway.entrypoint import create_app
from auction_shared.events import JobKind, TaskState, TaskStatus, encode, make_envelope
from support.kafka import eventually, produce

from .conftest import PASSWORD, USER, GatewayEnv

pytestmark = pytest.mark.integration


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@asynccontextmanager
async def served(env: GatewayEnv) -> AsyncIterator[str]:
    port = free_port()
    config = uvicorn.Config(
        create_app(env.settings), host="127.0.0.1", port=port, log_config=None, lifespan="on"
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, timeout=20)


async def test_cli_formats_and_waits(
    gateway_env: GatewayEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = gateway_env
    event_id = f"cli{env.suffix}"
    monkeypatch.setenv("AUCTION_DEMO_USER", USER)
    monkeypatch.setenv("AUCTION_DEMO_PASSWORD", PASSWORD)
    runner = CliRunner()
    async with served(env) as url:
        now = datetime.now(UTC)
        added = await asyncio.to_thread(
            runner.invoke,
            cli,
            [
                "--gateway",
                url,
                "events",
                "add",
                "--id",
                event_id,
                "--warehouse",
                "sahara",
                "--title",
                "CLI sale",
                "--start",
                now.isoformat(),
                "--end",
                (now + timedelta(days=3)).isoformat(),
            ],
        )
        assert added.exit_code == 0, added.output

        waiting = asyncio.create_task(
            asyncio.to_thread(
                runner.invoke,
                cli,
                [
                    "--gateway",
                    url,
                    "format",
                    "--warehouse",
                    "sahara",
                    "--event",
                    event_id,
                    "--wait",
                    "--timeout",
                    "60",
                ],
            )
        )

        # Find the new task through the API (the CLI runner is busy following it).
        async with httpx.AsyncClient(base_url=url, auth=(USER, PASSWORD)) as api:

            async def started() -> bool:
                tasks = (await api.get("/api/v1/tasks")).json()
                return any(task["event_id"] == event_id for task in tasks)

            await eventually(started, timeout=30, what="the format task")
            tasks = (await api.get("/api/v1/tasks")).json()
        [task] = [task for task in tasks if task["event_id"] == event_id]
        for sequence, (state, progress) in enumerate(
            ((TaskState.IN_PROGRESS, 30), (TaskState.WARNING, 100)), start=1
        ):
            body = TaskStatus(
                task_id=task["task_id"],
                job=JobKind.FORMAT,
                state=state,
                progress=progress,
                stage="formatting",
                message="2 rows have warnings" if state is TaskState.WARNING else "",
                service="formatter",
                sequence=time.time_ns() + sequence,
            )
            value = encode(make_envelope(body, source="/test", task_id=task["task_id"]))
            await produce(
                env.bootstrap, env.topic("task.status"), [value], key=task["task_id"].encode()
            )

        result = await asyncio.wait_for(waiting, timeout=60)
    assert result.exit_code == 0, result.output
    assert "WARNING: 2 rows have warnings" in result.output
    assert f"/events/{event_id}/result" in result.output
