"""Create an auction, upload a CSV version and void unpaid sales, on fakes: API, pages, task
page results and `auctionctl`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date, time, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from auction_gateway.cli.main import app
from auction_shared.events import AuctionCreateRequested, UploadRequested, VoidRequested

from .fakes import NOW, USER, Harness, csv_version, event, task
from .test_jobs_fakes import (
    api_client,
    demote_user,
    job_harness,
    page_client,
    route_cli_to,
)

runner = CliRunner()
EXPORT = {
    "bucket": "auction-private",
    "key": "voids/4401/t-v/voided-sales.csv",
    "sha256": "c" * 64,
    "size": 99,
    "content_type": "text/csv",
}


@pytest.fixture
def harness() -> Harness:
    harness, _ = job_harness()
    state = harness.database.state
    state.events["4412"] = event("4412", "maule", title="Weekly Maule")
    state.events["4401"] = replace(
        event("4401", "maule", title="Last <week>"),
        starts_at=NOW - timedelta(days=9),
        ends_at=NOW - timedelta(days=2),
    )
    state.events["3900"] = replace(
        event("3900", "sahara"),
        starts_at=NOW - timedelta(days=30),
        ends_at=NOW - timedelta(days=20),
    )
    state.versions[("4412", 1)] = csv_version("4412", 1)
    state.versions[("4412", 2)] = csv_version("4412", 2)
    return harness


@pytest.fixture
def api(harness: Harness) -> Iterator[TestClient]:
    with api_client(harness) as client:
        yield client


@pytest.fixture
def browser(harness: Harness) -> Iterator[TestClient]:
    with page_client(harness) as client:
        yield client


def published(harness: Harness) -> Any:
    [item] = harness.database.state.published
    return item


# --- create an auction ---------------------------------------------------------------------------


def test_api_create_auction(api: TestClient, harness: Harness) -> None:
    response = api.post(
        "/api/v1/auctions",
        json={"warehouse": "sahara", "title": "Ending  December 10th", "end_date": "2026-12-10"},
    )
    assert response.status_code == 202, response.text
    task_id = response.json()["task_id"]
    item = published(harness)
    assert item.key == "sahara"
    assert item.task_id == task_id
    payload = item.payload
    assert isinstance(payload, AuctionCreateRequested)
    assert payload.title == "Ending December 10th"
    assert payload.end_date == date(2026, 12, 10)
    assert payload.end_time == time(18, 30)
    assert payload.requested_by.name == USER
    assert harness.database.state.tasks[task_id].job == "create_auction"


def test_api_create_auction_rejections(api: TestClient, harness: Harness) -> None:
    response = api.post(
        "/api/v1/auctions",
        json={"warehouse": "maule", "title": "x" * 81, "end_date": "2026-12-01", "end_time": "7pm"},
    )
    assert response.status_code == 422
    fields = [item["loc"][1] for item in response.json()["detail"]]
    assert fields == ["title", "end_date", "end_time"]
    assert harness.database.state.published == []


def test_create_page_starts_task(browser: TestClient, harness: Harness) -> None:
    page = browser.get("/auctions/new").text
    for marker in (
        'id="warehouse"',
        'id="title"',
        'id="subtitle"',
        'id="end-date"',
        'id="end-time"',
    ):
        assert marker in page
    assert 'value="18:30"' in page
    response = browser.post(
        "/auctions/new",
        data={
            "warehouse": "maule",
            "title": "Weekly",
            "end_date": "2026-12-10",
            "end_time": "17:00",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    payload = published(harness).payload
    assert isinstance(payload, AuctionCreateRequested)
    assert payload.end_time == time(17, 0)


def test_create_page_errors_escaped(browser: TestClient) -> None:
    response = browser.post(
        "/auctions/new",
        data={"warehouse": "<i>", "title": "<b>ok</b>", "end_date": "<script>"},
    )
    assert response.status_code == 422
    assert 'id="end-date-error"' in response.text
    assert 'id="warehouse-error"' in response.text
    assert "Warehouse &#39;&lt;i&gt;&#39; is unknown" in response.text
    assert "<script>" not in response.text
    assert "&lt;b&gt;ok&lt;/b&gt;" in response.text


def test_create_task_shows_event(browser: TestClient, harness: Harness) -> None:
    harness.database.state.tasks["t-c"] = task(
        "t-c",
        job="create_auction",
        state="COMPLETED",
        sequence=3,
        event_id=None,
        result={"event_id": "4500", "ends_at": "2026-12-10T18:30:00-08:00"},
    )
    page = browser.get("/tasks/t-c").text
    assert '<dd id="created-event">4500</dd>' in page


# --- upload a CSV version ------------------------------------------------------------------------


def test_api_upload_newest_version(api: TestClient, harness: Harness) -> None:
    response = api.post("/api/v1/events/4412/uploads", json={"validate_only": True})
    assert response.status_code == 202, response.text
    item = published(harness)
    assert item.key == "4412"
    payload = item.payload
    assert isinstance(payload, UploadRequested)
    assert payload.version == 2
    assert payload.csv == csv_version("4412", 2).csv
    assert payload.validate_only is True
    recorded = harness.database.state.tasks[item.task_id]
    assert (recorded.job, recorded.event_id) == ("upload", "4412")


def test_api_upload_chosen_version(api: TestClient, harness: Harness) -> None:
    response = api.post("/api/v1/events/4412/uploads", json={"version": "1"})
    assert response.status_code == 202
    payload = published(harness).payload
    assert isinstance(payload, UploadRequested)
    assert payload.version == 1
    assert payload.validate_only is False


@pytest.mark.parametrize(
    ("path", "body", "fragment"),
    [
        ("/api/v1/events/4412/uploads", {"version": 7}, "has no CSV version 7"),
        ("/api/v1/events/4412/uploads", {"version": "two"}, "not a version number"),
        ("/api/v1/events/4401/uploads", {}, "has no any CSV version"),
        ("/api/v1/events/9999/uploads", {}, "not in the catalogue"),
    ],
)
def test_api_upload_rejections(
    api: TestClient, harness: Harness, path: str, body: dict[str, Any], fragment: str
) -> None:
    response = api.post(path, json=body)
    assert response.status_code == 422
    assert fragment in response.json()["detail"][0]["msg"]
    assert harness.database.state.published == []


def test_upload_page_lists_versions(browser: TestClient, harness: Harness) -> None:
    page = browser.get("/events/4412/upload").text
    assert 'id="version"' in page
    assert 'id="validate-only"' in page
    assert "Version 2: 42 lots" in page
    response = browser.post(
        "/events/4412/upload",
        data={"version": "1", "validate_only": "true"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    payload = published(harness).payload
    assert isinstance(payload, UploadRequested)
    assert (payload.version, payload.validate_only) == (1, True)


def test_upload_page_without_versions(browser: TestClient) -> None:
    page = browser.get("/events/4401/upload").text
    assert 'id="no-versions"' in page
    assert browser.get("/events/nope/upload").status_code == 404


def test_upload_task_shows_row_errors(browser: TestClient, harness: Harness) -> None:
    harness.database.state.tasks["t-u"] = task(
        "t-u",
        job="upload",
        state="WARNING",
        sequence=3,
        event_id="4412",
        result={"version": 2, "validate_only": False, "rows_total": 3, "rows_failed": 1},
    )
    harness.gateway.outcomes.payloads["t-u"] = (  # type: ignore[attr-defined]
        NOW,
        {"rows_imported": 2, "row_errors": [{"line": 3, "title": "<Lamp>", "message": "No image"}]},
    )
    page = browser.get("/tasks/t-u").text
    assert '<dd id="rows-total">3</dd>' in page
    assert '<dd id="rows-imported">2</dd>' in page
    assert 'id="row-errors"' in page
    assert "&lt;Lamp&gt;" in page


# --- void unpaid sales ---------------------------------------------------------------------------


def test_void_list_shows_recent_events(browser: TestClient) -> None:
    page = browser.get("/void").text
    assert 'tr data-event-id="4401"' in page
    assert 'data-event-id="4412"' not in page  # still running
    assert 'data-event-id="3900"' not in page  # ended 20 days ago
    assert "Last &lt;week&gt;" in page


def test_api_voidable_events(api: TestClient) -> None:
    rows = api.get("/api/v1/voids/events").json()
    assert [row["event_id"] for row in rows] == ["4401"]


def test_void_confirmation_names_event(browser: TestClient, harness: Harness) -> None:
    page = browser.get("/void/4401").text
    assert 'id="void-event-name"' in page
    assert "4401 — Last &lt;week&gt;" in page
    assert 'id="confirm-event-id"' in page
    assert 'id="copy-to-cancels"' in page

    wrong = browser.post("/void/4401", data={"confirm_event_id": "4412"})
    assert wrong.status_code == 422
    assert 'id="confirm-error"' in wrong.text
    assert harness.database.state.published == []

    response = browser.post(
        "/void/4401",
        data={"confirm_event_id": "4401", "copy_to_cancels": "true"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    item = published(harness)
    assert item.key == "4401"
    payload = item.payload
    assert isinstance(payload, VoidRequested)
    assert payload.copy_to_cancels is True
    assert payload.warehouse == "maule"


def test_void_rejects_running_event(browser: TestClient, api: TestClient, harness: Harness) -> None:
    page = browser.get("/void/4412")
    assert page.status_code == 422
    assert 'id="void-problem"' in page.text
    assert 'id="confirm-void"' not in page.text
    response = api.post("/api/v1/events/4412/voids", json={"confirm_event_id": "4412"})
    assert response.status_code == 422
    assert "has not ended yet" in response.json()["detail"][0]["msg"]
    assert harness.database.state.published == []


def test_api_void_needs_matching_confirmation(api: TestClient, harness: Harness) -> None:
    response = api.post("/api/v1/events/4401/voids", json={"confirm_event_id": "4402"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "confirm_event_id"]
    missing = api.post("/api/v1/events/4401/voids", json={})
    assert missing.status_code == 422
    started = api.post("/api/v1/events/4401/voids", json={"confirm_event_id": "4401"})
    assert started.status_code == 202
    payload = published(harness).payload
    assert isinstance(payload, VoidRequested)
    assert payload.copy_to_cancels is False


def finished_void(harness: Harness) -> None:
    harness.database.state.tasks["t-v"] = task(
        "t-v",
        job="void",
        state="COMPLETED",
        sequence=3,
        event_id="4401",
        result={"voided_count": 4, "export_key": EXPORT["key"]},
    )
    harness.gateway.outcomes.payloads["t-v"] = (  # type: ignore[attr-defined]
        NOW,
        {"voided_count": 4, "export": EXPORT, "copy_to_cancels": False},
    )


def test_void_task_links_export(browser: TestClient, api: TestClient, harness: Harness) -> None:
    finished_void(harness)
    page = browser.get("/tasks/t-v").text
    assert '<dd id="voided-count">4</dd>' in page
    assert 'id="void-export" href="/tasks/t-v/export"' in page
    redirect = browser.get("/tasks/t-v/export", follow_redirects=False)
    assert redirect.status_code == 303
    assert redirect.headers["location"].startswith("http://s3.test/auction-private/voids/4401/")
    link = api.get("/api/v1/tasks/t-v/export").json()
    assert link["filename"] == "voided-sales-4401.csv"
    assert api.get("/api/v1/tasks/nope/export").status_code == 404


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        (
            "post",
            "/api/v1/auctions",
            {"warehouse": "maule", "title": "x", "end_date": "2026-12-10"},
        ),
        ("post", "/api/v1/events/4412/uploads", {}),
        ("post", "/api/v1/events/4401/voids", {"confirm_event_id": "4401"}),
        ("get", "/api/v1/voids/events", None),
        ("get", "/api/v1/tasks/t-v/export", None),
    ],
)
def test_api_routes_need_permissions(
    api: TestClient,
    harness: Harness,
    monkeypatch: pytest.MonkeyPatch,
    method: str,
    path: str,
    body: dict[str, Any] | None,
) -> None:
    finished_void(harness)
    demote_user(harness)
    response = api.request(method.upper(), path, json=body)
    assert response.status_code == 403
    assert harness.database.state.published == []


@pytest.mark.parametrize(
    "path", ["/auctions/new", "/events/4412/upload", "/void", "/void/4401", "/tasks/t-v/export"]
)
def test_pages_need_permissions(
    browser: TestClient, harness: Harness, monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    finished_void(harness)
    demote_user(harness)
    assert browser.get(path, follow_redirects=False).status_code == 403


def test_task_page_hides_export_without_permission(
    browser: TestClient, harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    finished_void(harness)
    demote_user(harness)
    assert 'id="void-export"' not in browser.get("/tasks/t-v").text


# --- auctionctl ----------------------------------------------------------------------------------


@pytest.fixture
def cli(harness: Harness, monkeypatch: pytest.MonkeyPatch) -> Harness:
    route_cli_to(harness, monkeypatch)
    return harness


def test_cli_auction_create(cli: Harness) -> None:
    result = runner.invoke(
        app,
        [
            "auction",
            "create",
            "--warehouse",
            "maule",
            "--title",
            "Weekly",
            "--end-date",
            "2026-12-10",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Started create-auction task" in result.output
    payload = published(cli).payload
    assert isinstance(payload, AuctionCreateRequested)
    assert payload.end_time == time(18, 30)


def test_cli_auction_create_rejected(cli: Harness) -> None:
    result = runner.invoke(
        app, ["auction", "create", "--warehouse", "maule", "--title", "W", "--end-date", "soon"]
    )
    assert result.exit_code == 2
    assert "End date 'soon' is not a date" in result.output


def test_cli_upload_waits(cli: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    def finished(client: object, task_id: str, timeout: float) -> dict[str, Any]:
        return {
            "state": "WARNING",
            "message": "2 of 3 rows imported",
            "stage": "done",
            "result": {"rows_total": 3, "row_errors": [{"line": 3, "message": "No image"}]},
        }

    monkeypatch.setattr("auction_gateway.cli.site_jobs.follow", finished)
    result = runner.invoke(
        app, ["upload", "--event", "4412", "--version", "1", "--validate-only", "--wait"]
    )
    assert result.exit_code == 0, result.output
    assert "rows_total: 3" in result.output
    assert "line 3: No image" in result.output
    payload = published(cli).payload
    assert isinstance(payload, UploadRequested)
    assert (payload.version, payload.validate_only) == (1, True)


def test_cli_void_asks_first(cli: Harness) -> None:
    declined = runner.invoke(app, ["void", "--event", "4401"], input="n\n")
    assert declined.exit_code == 2
    assert "4401 (Last <week>, maule" in declined.output
    assert "Nothing was voided." in declined.output
    assert cli.database.state.published == []

    accepted = runner.invoke(app, ["void", "--event", "4401", "--copy-to-cancels"], input="y\n")
    assert accepted.exit_code == 0, accepted.output
    payload = published(cli).payload
    assert isinstance(payload, VoidRequested)
    assert payload.copy_to_cancels is True


def test_cli_void_yes_and_wait(cli: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    def finished(client: object, task_id: str, timeout: float) -> dict[str, Any]:
        cli.database.state.tasks[task_id] = replace(
            cli.database.state.tasks[task_id], state="COMPLETED", sequence=9
        )
        cli.gateway.outcomes.payloads[task_id] = (NOW, {"export": EXPORT})  # type: ignore[attr-defined]
        return {
            "state": "COMPLETED",
            "message": "4 voided",
            "stage": "done",
            "result": {"voided_count": 4},
        }

    monkeypatch.setattr("auction_gateway.cli.site_jobs.follow", finished)
    result = runner.invoke(app, ["void", "--event", "4401", "--yes", "--wait"])
    assert result.exit_code == 0, result.output
    assert "Export (buyer data" in result.output
    assert "http://s3.test/auction-private/voids/4401/" in result.output


def test_cli_void_unknown_event(cli: Harness) -> None:
    result = runner.invoke(app, ["void", "--event", "3900", "--yes"])
    assert result.exit_code == 2
    assert "not within the last 10 days" in " ".join(result.output.split())


def test_result_page_links_upload(
    browser: TestClient, harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = browser.get("/events/4412/result").text
    assert 'id="upload-link" href="/events/4412/upload?version=2"' in page
    nav = browser.get("/tasks").text
    for marker in ('id="nav-create-auction"', 'id="nav-dedupe"', 'id="nav-void"'):
        assert marker in nav
    demote_user(harness)
    assert 'id="upload-link"' not in browser.get("/events/4412/result").text
    assert 'id="nav-void"' not in browser.get("/tasks").text
