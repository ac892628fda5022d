"""`auctionctl` against the API app on fakes (the HTTP client is the app's TestClient)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from rich.console import Console
from rich.progress import Progress
from typer.testing import CliRunner

from auction_gateway import jobs
from auction_gateway.cli import client as client_module
from auction_gateway.cli import csv_download
from auction_gateway.cli.client import Connection, parse_sse
from auction_gateway.cli.formatting import show_update
from auction_gateway.cli.main import app
from auction_gateway.records import TaskRecord

from .fakes import PASSWORD, USER, Harness, csv_ref, csv_version, event, make_harness, task

runner = CliRunner()


@pytest.fixture
def harness(monkeypatch: pytest.MonkeyPatch) -> Iterator[Harness]:
    harness = make_harness()
    harness.database.state.events["4412"] = event("4412", "maule")

    def in_process(connection: Connection) -> httpx.Client:
        test_client = TestClient(harness.app)
        test_client.auth = (connection.user, connection.password)
        return test_client

    monkeypatch.setattr(client_module, "make_http_client", in_process)
    monkeypatch.setenv("AUCTION_DEMO_USER", USER)
    monkeypatch.setenv("AUCTION_DEMO_PASSWORD", PASSWORD)
    yield harness


def test_sse_parser() -> None:
    lines = [": ping", "event: status", 'data: {"a":', "data: 1}", "", "data: x", ""]
    assert list(parse_sse(iter(lines))) == [
        ("comment", "ping"),
        ("status", '{"a":\n1}'),
        ("message", "x"),
    ]


def test_warehouses(harness: Harness) -> None:
    result = runner.invoke(app, ["warehouses"])
    assert result.exit_code == 0, result.output
    assert "maule" in result.output
    assert "Sahara" in result.output


def test_wrong_password_exit_2(harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUCTION_DEMO_PASSWORD", "wrong")
    result = runner.invoke(app, ["warehouses"])
    assert result.exit_code == 2
    assert "rejected the credentials" in result.output


def test_unreachable_gateway_exit_3(monkeypatch: pytest.MonkeyPatch) -> None:
    def refusing_client(connection: Connection) -> httpx.Client:
        def handler(request: httpx.Request) -> httpx.Response:
            raise httpx.ConnectError("connection refused", request=request)

        return httpx.Client(base_url=connection.base_url, transport=httpx.MockTransport(handler))

    monkeypatch.setattr(client_module, "make_http_client", refusing_client)
    result = runner.invoke(app, ["--gateway", "http://127.0.0.1:9", "tasks"])
    assert result.exit_code == 3
    assert "Cannot reach the gateway at http://127.0.0.1:9" in result.output


def test_events_add_and_list(harness: Harness) -> None:
    added = runner.invoke(
        app,
        [
            "events",
            "add",
            "--id",
            "5001",
            "--warehouse",
            "sahara",
            "--title",
            "Weekly",
            "--start",
            "2026-12-04T01:00",
            "--end",
            "2026-12-10T18:30",
        ],
    )
    assert added.exit_code == 0, added.output
    assert "5001" in harness.database.state.events
    listed = runner.invoke(app, ["events", "list", "--warehouse", "sahara"])
    assert listed.exit_code == 0, listed.output
    assert "5001" in listed.output
    assert "4412" not in listed.output


def test_events_add_rejected_exit_2(harness: Harness) -> None:
    result = runner.invoke(
        app,
        [
            "events",
            "add",
            "--id",
            "4412",
            "--warehouse",
            "maule",
            "--title",
            "Again",
            "--start",
            "2026-12-04T01:00",
            "--end",
            "2026-12-10T18:30",
        ],
    )
    assert result.exit_code == 2
    assert "already in the catalogue" in result.output


def test_format_without_wait(harness: Harness) -> None:
    result = runner.invoke(app, ["format", "--warehouse", "maule", "--event", "4412"])
    assert result.exit_code == 0, result.output
    [task_id] = harness.database.state.tasks
    assert task_id in result.output


def test_format_bad_price_exit_2(harness: Harness) -> None:
    result = runner.invoke(
        app, ["format", "--warehouse", "maule", "--event", "4412", "--price", "-1"]
    )
    assert result.exit_code == 2
    assert "'-1' is not an amount" in result.output
    assert harness.database.state.tasks == {}


@pytest.mark.parametrize(
    ("final_state", "exit_code"), [("COMPLETED", 0), ("WARNING", 0), ("ERROR", 1)]
)
def test_format_wait_exit_code(
    harness: Harness, monkeypatch: pytest.MonkeyPatch, final_state: str, exit_code: int
) -> None:
    def finished_task(**values: Any) -> TaskRecord:
        # The job "runs" instantly: the task is final the moment the gateway records it.
        return task(values["task_id"], state=final_state, progress=100, message="done")

    monkeypatch.setattr(jobs, "new_task", finished_task)
    result = runner.invoke(
        app, ["format", "--warehouse", "maule", "--event", "4412", "--wait", "--timeout", "10"]
    )
    assert result.exit_code == exit_code, result.output
    assert f"{final_state}: done" in result.output


def test_tasks_and_task(harness: Harness) -> None:
    harness.database.state.tasks["t-1"] = task("t-1", stage="fetching", message="50 records")
    listed = runner.invoke(app, ["tasks"])
    assert listed.exit_code == 0, listed.output
    assert "t-1" in listed.output
    shown = runner.invoke(app, ["task", "t-1"])
    assert shown.exit_code == 0, shown.output
    assert "50 records" in shown.output
    missing = runner.invoke(app, ["task", "nope"])
    assert missing.exit_code == 2


def test_csv_download_checks_sha(
    harness: Harness, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    content = b"EventID,LotNumber\n4412,M1\n"
    ref = csv_ref("4412", 2).model_copy(update={"sha256": hashlib.sha256(content).hexdigest()})
    harness.database.state.versions[("4412", 1)] = csv_version("4412", 1)
    harness.database.state.versions[("4412", 2)] = csv_version("4412", 2, csv=ref)
    fetched: list[str] = []

    def fake_fetch(url: str) -> bytes:
        fetched.append(url)
        return content

    monkeypatch.setattr(csv_download, "fetch", fake_fetch)
    target = tmp_path / "out.csv"
    result = runner.invoke(app, ["csv", "--event", "4412", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_bytes() == content
    assert fetched == ["http://s3.test/auction-private/formatted/4412/v2/lots.csv?expires=900"]

    mismatch = runner.invoke(
        app, ["csv", "--event", "4412", "--version", "1", "-o", str(tmp_path / "v1.csv")]
    )
    assert mismatch.exit_code == 3
    assert "SHA-256" in mismatch.output
    assert not (tmp_path / "v1.csv").exists()


def test_csv_unknown_version_exit_2(harness: Harness, tmp_path: Path) -> None:
    harness.database.state.versions[("4412", 1)] = csv_version("4412", 1)
    result = runner.invoke(
        app, ["csv", "--event", "4412", "--version", "5", "-o", str(tmp_path / "x")]
    )
    assert result.exit_code == 2
    assert "its versions are 1" in result.output
    none = runner.invoke(app, ["csv", "--event", "9999", "-o", str(tmp_path / "x")])
    assert none.exit_code == 2


def test_reconnect_prints_each_step_once() -> None:
    output = Console(record=True, width=200)
    progress = Progress(console=output)
    bar = progress.add_task("NOT_STARTED", total=100)
    step = {
        "sequence": 7,
        "service": "formatter",
        "state": "IN_PROGRESS",
        "progress": 40,
        "stage": "formatting",
        "substage": "rows",
        "message": "",
    }
    update = {"state": "IN_PROGRESS", "stage": "formatting", "progress": 40, "steps": [step]}
    shown: set[int] = set()
    show_update(progress, bar, update, shown)
    show_update(progress, bar, update, shown)
    assert output.export_text().count("formatter: IN_PROGRESS 40% formatting / rows") == 1
    assert progress.tasks[0].completed == 40


def test_events_deactivate_and_activate(harness: Harness) -> None:
    result = runner.invoke(app, ["events", "deactivate", "4412"])
    assert result.exit_code == 0, result.output
    assert harness.database.state.events["4412"].active is False
    result = runner.invoke(app, ["events", "activate", "4412"])
    assert result.exit_code == 0, result.output
    assert harness.database.state.events["4412"].active is True
    missing = runner.invoke(app, ["events", "activate", "nope"])
    assert missing.exit_code == 2
