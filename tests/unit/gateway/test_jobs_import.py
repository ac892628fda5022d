"""Inventory import on fakes: the API, the page, the task page's result and `auctionctl`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from auction_gateway import job_rules
from auction_gateway.cli.main import app
from auction_shared.events import InventoryImportRequested, JobKind

from .fakes import USER, Harness, task
from .test_jobs_fakes import (
    PRIVATE_BUCKET,
    FakeObjects,
    api_client,
    demote_user,
    job_harness,
    page_client,
    route_cli_to,
)

MANIFEST = b"ASIN,LPN,Item Description,Unit Retail,Qty\nB000000001,LPN1,Lamp,19.99,1\n"
runner = CliRunner()


@pytest.fixture
def harness_and_objects() -> tuple[Harness, FakeObjects]:
    return job_harness()


@pytest.fixture
def api(harness_and_objects: tuple[Harness, FakeObjects]) -> Iterator[TestClient]:
    with api_client(harness_and_objects[0]) as client:
        yield client


@pytest.fixture
def browser(harness_and_objects: tuple[Harness, FakeObjects]) -> Iterator[TestClient]:
    with page_client(harness_and_objects[0]) as client:
        yield client


@pytest.fixture
def cli_harness(
    harness_and_objects: tuple[Harness, FakeObjects], monkeypatch: pytest.MonkeyPatch
) -> tuple[Harness, FakeObjects]:
    route_cli_to(harness_and_objects[0], monkeypatch)
    return harness_and_objects


def post_import(api: TestClient, **fields: str) -> httpx.Response:
    files = {"file": ("B-Stock Lot #12.csv", MANIFEST, "text/csv")}
    response: httpx.Response = api.post(
        "/api/v1/inventory/imports", data={"warehouse": "maule", **fields}, files=files
    )
    return response


def test_api_import_stores_and_publishes(
    api: TestClient, harness_and_objects: tuple[Harness, FakeObjects]
) -> None:
    harness, objects = harness_and_objects
    response = api.post(
        "/api/v1/inventory/imports",
        data={"warehouse": "maule", "status": "Send to Auction", "skip_bad_rows": "true"},
        files={
            "file": ("B-Stock Lot #12.csv", MANIFEST, "text/csv"),
            "column_map": ("map.yaml", b'"Retail Each": MSRP\n', "application/yaml"),
        },
    )
    assert response.status_code == 202, response.text
    task_id = response.json()["task_id"]
    assert response.json()["page_url"] == f"/tasks/{task_id}"

    key = f"manifests/{task_id}/B-Stock_Lot_12.csv"
    assert objects.objects == {(PRIVATE_BUCKET, key): MANIFEST}
    recorded = harness.database.state.tasks[task_id]
    assert recorded.job == JobKind.INVENTORY_IMPORT.value
    assert recorded.state == "NOT_STARTED"
    assert recorded.warehouse == "maule"
    assert recorded.requested_by == USER

    [published] = harness.database.state.published
    assert published.task_id == task_id
    assert published.key == "maule"
    payload = published.payload
    assert isinstance(payload, InventoryImportRequested)
    assert payload.manifest.key == key
    assert payload.manifest.size == len(MANIFEST)
    assert payload.filename == "B-Stock Lot #12.csv"
    assert payload.column_map == {"Retail Each": "MSRP"}
    assert payload.skip_bad_rows is True
    assert payload.status == "Send to Auction"
    assert payload.requested_by.name == USER


def test_api_import_defaults(
    api: TestClient, harness_and_objects: tuple[Harness, FakeObjects]
) -> None:
    response = post_import(api)
    assert response.status_code == 202
    payload = harness_and_objects[0].database.state.published[0].payload
    assert isinstance(payload, InventoryImportRequested)
    assert payload.status is None
    assert payload.column_map is None
    assert payload.skip_bad_rows is False


@pytest.mark.parametrize(
    ("fields", "files", "field", "fragment"),
    [
        ({"warehouse": "boulder"}, {}, "warehouse", "'boulder' is unknown"),
        ({}, {"file": ("empty.csv", b"", "text/csv")}, "file", "is empty"),
        ({}, {"file": ("old.xls", b"x", "application/vnd.ms-excel")}, "file", "save it as .xlsx"),
        ({"status": "x" * 61}, {}, "status", "at most 60"),
        ({}, {"column_map": ("m.yaml", b"- a\n- b\n", "text/yaml")}, "column_map", "object"),
        ({}, {"column_map": ("m.yaml", b"Title: null\n", "text/yaml")}, "column_map", "null"),
        ({}, {"column_map": ("m.json", b"{bad", "application/json")}, "column_map", "not valid"),
    ],
)
def test_api_import_rejects_bad_input(
    api: TestClient,
    harness_and_objects: tuple[Harness, FakeObjects],
    fields: dict[str, str],
    files: dict[str, tuple[str, bytes, str]],
    field: str,
    fragment: str,
) -> None:
    harness, objects = harness_and_objects
    all_files = {"file": ("manifest.csv", MANIFEST, "text/csv"), **files}
    response = api.post(
        "/api/v1/inventory/imports", data={"warehouse": "maule", **fields}, files=all_files
    )
    assert response.status_code == 422, response.text
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", field]
    assert fragment in error["msg"]
    assert objects.objects == {}
    assert harness.database.state.published == []
    assert harness.database.state.tasks == {}


def test_api_import_rejects_oversized_file(
    api: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(job_rules, "MAX_MANIFEST_BYTES", 10)
    monkeypatch.setattr("auction_gateway.api.inventory.MAX_MANIFEST_BYTES", 10)
    response = post_import(api)
    assert response.status_code == 422
    assert "larger than" in response.json()["detail"][0]["msg"]


def test_api_import_needs_file(api: TestClient) -> None:
    response = api.post("/api/v1/inventory/imports", data={"warehouse": "maule"})
    assert response.status_code == 422


def test_api_import_needs_permission(
    api: TestClient, harness_and_objects: tuple[Harness, FakeObjects]
) -> None:
    demote_user(harness_and_objects[0])
    response = post_import(api)
    assert response.status_code == 403
    assert "can_import_inventory" in response.json()["detail"]


def test_store_failure_records_nothing(
    api: TestClient, harness_and_objects: tuple[Harness, FakeObjects]
) -> None:
    harness, objects = harness_and_objects
    objects.fail = True
    with pytest.raises(OSError):
        post_import(api)
    assert harness.database.state.tasks == {}
    assert harness.database.state.published == []


def test_import_page_has_stable_ids(browser: TestClient) -> None:
    page = browser.get("/inventory/import").text
    for marker in (
        'id="warehouse"',
        'id="file"',
        'id="status"',
        'id="column-map"',
        'id="skip-bad-rows"',
        'id="start"',
        'enctype="multipart/form-data"',
    ):
        assert marker in page


def test_import_page_starts_task(
    browser: TestClient, harness_and_objects: tuple[Harness, FakeObjects]
) -> None:
    harness, objects = harness_and_objects
    response = browser.post(
        "/inventory/import",
        data={"warehouse": "sahara", "status": "Send to Auction", "skip_bad_rows": "true"},
        files={
            "file": ("manifest.csv", MANIFEST, "text/csv"),
            "column_map": ("", b"", "application/octet-stream"),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    task_id = response.headers["location"].removeprefix("/tasks/")
    payload = harness.database.state.published[0].payload
    assert isinstance(payload, InventoryImportRequested)
    assert payload.warehouse == "sahara"
    assert payload.skip_bad_rows is True
    assert payload.column_map is None
    assert (PRIVATE_BUCKET, f"manifests/{task_id}/manifest.csv") in objects.objects


def test_import_page_shows_errors_escaped(browser: TestClient) -> None:
    response = browser.post(
        "/inventory/import",
        data={"warehouse": "maule", "status": "<b>" + "x" * 70},
        files={
            "file": ("<script>.xls", b"x", "application/vnd.ms-excel"),
            "column_map": ("m.yaml", b"Title: null\n", "text/yaml"),
        },
    )
    assert response.status_code == 422
    page = response.text
    assert 'id="form-error"' in page
    assert 'id="file-error"' in page
    assert 'id="status-error"' in page
    assert 'id="column-map-error"' in page
    assert "<script>" not in page
    assert "&lt;script&gt;.xls" in page
    assert "<b>x" not in page


def test_import_page_without_file(browser: TestClient) -> None:
    response = browser.post(
        "/inventory/import",
        data={"warehouse": "maule"},
        files={"file": ("", b"", "application/octet-stream")},
    )
    assert response.status_code == 422
    assert "No file was chosen" in response.text


def test_task_page_shows_import_counts(
    browser: TestClient, harness_and_objects: tuple[Harness, FakeObjects]
) -> None:
    harness = harness_and_objects[0]
    harness.database.state.tasks["t-9"] = task(
        "t-9",
        job="inventory_import",
        state="WARNING",
        sequence=5,
        event_id=None,
        result={
            "records_created": 12,
            "first_lot_number": 101,
            "last_lot_number": 112,
            "rows_skipped": 1,
            "warnings": ["line 3: warning: <i>UPC</i> padded"],
        },
    )
    page = browser.get("/tasks/t-9").text
    assert '<dd id="records-created">12</dd>' in page
    assert '<dd id="lot-numbers">101–112</dd>' in page
    assert '<dd id="rows-skipped">1</dd>' in page
    assert "&lt;i&gt;UPC&lt;/i&gt; padded" in page
    assert 'id="result-warnings"' in page


def test_task_page_shows_rejected_rows(
    browser: TestClient, harness_and_objects: tuple[Harness, FakeObjects]
) -> None:
    harness = harness_and_objects[0]
    harness.database.state.tasks["t-8"] = task(
        "t-8",
        job="inventory_import",
        state="ERROR",
        sequence=5,
        event_id=None,
        result={
            "filename": "m.csv",
            "rows": 40,
            "row_error_count": 120,
            "row_errors": [
                {"line": 7, "message": "Qty '<1.5>' is not a whole number", "column": "Qty"}
            ],
        },
    )
    page = browser.get("/tasks/t-8").text
    assert 'id="row-errors"' in page
    assert '<dd id="row-error-count">120</dd>' in page
    assert 'id="row-errors-more"' in page
    assert "Qty &#39;&lt;1.5&gt;&#39; is not a whole number" in page


def test_task_page_reloads_unfinished_import(
    browser: TestClient, harness_and_objects: tuple[Harness, FakeObjects]
) -> None:
    harness = harness_and_objects[0]
    harness.database.state.tasks["t-7"] = task("t-7", job="inventory_import", event_id=None)
    page = browser.get("/tasks/t-7").text
    assert 'data-reload-on-final="true"' in page
    assert 'id="task-result"' not in page


def test_cli_import_waits_for_result(
    cli_harness: tuple[Harness, FakeObjects], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    harness, objects = cli_harness
    manifest = tmp_path / "manifest.csv"
    manifest.write_bytes(MANIFEST)
    column_map = tmp_path / "map.json"
    column_map.write_text(json.dumps({"Title": "Product Name"}))

    def finished(client: object, task_id: str, timeout: float) -> dict[str, object]:
        return {
            "state": "ERROR",
            "message": "m.csv: 1 row error",
            "stage": "rejected",
            "result": {
                "row_error_count": 1,
                "row_errors": [{"line": 4, "message": "Qty 600 is more than 500 units"}],
            },
        }

    monkeypatch.setattr("auction_gateway.cli.inventory.follow", finished)
    result = runner.invoke(
        app,
        [
            "inventory",
            "import",
            str(manifest),
            "--warehouse",
            "maule",
            "--status",
            "Send to Auction",
            "--column-map",
            str(column_map),
            "--skip-bad-rows",
            "--wait",
        ],
    )
    assert result.exit_code == 1, result.output
    assert "Started inventory import task" in result.output
    assert "line 4: Qty 600 is more than 500 units" in result.output
    # The summary comes after the row errors (other tests' log lines may follow in the output).
    assert result.output.index("ERROR: m.csv: 1 row error") > result.output.index("line 4:")
    payload = harness.database.state.published[0].payload
    assert isinstance(payload, InventoryImportRequested)
    assert payload.column_map == {"Title": "Product Name"}
    assert payload.skip_bad_rows is True
    assert payload.status == "Send to Auction"
    assert len(objects.objects) == 1


def test_cli_import_rejections(cli_harness: tuple[Harness, FakeObjects], tmp_path: Path) -> None:
    missing = runner.invoke(
        app, ["inventory", "import", str(tmp_path / "nope.csv"), "--warehouse", "maule"]
    )
    assert missing.exit_code == 2
    assert "Cannot read the manifest" in missing.output

    manifest = tmp_path / "m.csv"
    manifest.write_bytes(MANIFEST)
    unknown = runner.invoke(app, ["inventory", "import", str(manifest), "--warehouse", "boulder"])
    assert unknown.exit_code == 2
    assert "'boulder' is unknown" in unknown.output
