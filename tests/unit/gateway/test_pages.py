"""Staff pages on fakes: login, format form, task page, events, result page and escaping."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from .account_fakes import browser_login
from .fakes import NOW, PASSWORD, USER, Harness, csv_version, event, make_harness, task


@pytest.fixture
def harness() -> Harness:
    harness = make_harness()
    harness.database.state.events["4412"] = event("4412", "maule", title="Weekly Maule")
    harness.database.state.events["5001"] = event("5001", "sahara", title="Weekly Sahara")
    return harness


@pytest.fixture
def browser(harness: Harness) -> Iterator[TestClient]:
    with TestClient(harness.app) as client:
        browser_login(client, USER, PASSWORD)
        yield client


def test_pages_redirect_to_login(harness: Harness) -> None:
    anonymous = TestClient(harness.app)
    response = anonymous.get("/tasks?x=1", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Ftasks%3Fx%3D1"


@pytest.mark.parametrize("path", ["/login", "/static/app.css", "/static/task.js"])
def test_public_paths_need_no_login(harness: Harness, path: str) -> None:
    assert TestClient(harness.app).get(path).status_code == 200


def test_login_page_has_stable_ids(harness: Harness) -> None:
    page = TestClient(harness.app).get("/login").text
    for marker in ('id="username"', 'id="password"', 'id="login"'):
        assert marker in page


def test_login_sets_safe_cookie_and_redirects(harness: Harness) -> None:
    client = TestClient(harness.app)
    response = client.post(
        "/login",
        data={"username": USER, "password": PASSWORD, "next": "/tasks"},
        follow_redirects=False,
    )
    assert response.headers["location"] == "/tasks"
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Path=/" in cookie


def test_login_ignores_foreign_next(harness: Harness) -> None:
    response = TestClient(harness.app).post(
        "/login",
        data={"username": USER, "password": PASSWORD, "next": "//evil.invalid/"},
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"


def test_wrong_password_shows_error(harness: Harness) -> None:
    response = TestClient(harness.app).post(
        "/login", data={"username": USER, "password": "nope"}, follow_redirects=False
    )
    assert response.status_code == 401
    assert 'id="login-error"' in response.text
    assert "set-cookie" not in response.headers


def test_logout_clears_cookie(browser: TestClient) -> None:
    response = browser.post("/logout", follow_redirects=False)
    assert response.headers["location"] == "/login"
    assert browser.get("/format", follow_redirects=False).status_code == 303


def test_format_page_lists_events_per_warehouse(browser: TestClient) -> None:
    page = browser.get("/format").text
    for marker in ('id="warehouse"', 'id="event"', 'id="price"', 'id="start"'):
        assert marker in page
    data = re.search(r'<script type="application/json" id="event-data">(.*?)</script>', page)
    assert data is not None
    events = json.loads(data.group(1))
    assert {(row["id"], row["warehouse"]) for row in events} == {
        ("4412", "maule"),
        ("5001", "sahara"),
    }


def test_format_bad_price_names_value(harness: Harness, browser: TestClient) -> None:
    response = browser.post(
        "/format", data={"warehouse": "maule", "event": "4412", "price": "12.345"}
    )
    assert response.status_code == 422
    assert 'id="form-error"' in response.text
    assert 'id="price-error"' in response.text
    assert "&#39;12.345&#39; has more than 2 decimals" in response.text
    assert 'value="12.345"' in response.text
    assert harness.database.state.tasks == {}


def test_format_start_goes_to_task_page(harness: Harness, browser: TestClient) -> None:
    response = browser.post(
        "/format", data={"warehouse": "maule", "event": "4412", "price": ""}, follow_redirects=False
    )
    assert response.status_code == 303
    task_id = response.headers["location"].removeprefix("/tasks/")
    assert harness.database.state.published[0].task_id == task_id
    assert harness.database.state.published[0].payload.starting_price is None  # type: ignore[attr-defined]
    page = browser.get(response.headers["location"]).text
    for marker in ('id="progress"', 'id="state"', 'id="stage"', 'id="messages"'):
        assert marker in page
    assert f'data-stream-url="/api/v1/tasks/{task_id}/stream"' in page
    assert ">NOT_STARTED<" in page


def test_task_page_escapes_messages(harness: Harness, browser: TestClient) -> None:
    harness.database.state.tasks["t-1"] = task(
        "t-1", state="ERROR", message="<script>alert(1)</script>"
    )
    page = browser.get("/tasks/t-1").text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'data-final="true"' in page


def test_unknown_task_page_is_html_404(browser: TestClient) -> None:
    response = browser.get("/tasks/nope")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "is not known" in response.text


def test_tasks_page_lists_recent(harness: Harness, browser: TestClient) -> None:
    harness.database.state.tasks["t-1"] = task("t-1")
    page = browser.get("/tasks").text
    assert 'id="tasks"' in page
    assert 'data-task-id="t-1"' in page


def test_events_page_adds_event(harness: Harness, browser: TestClient) -> None:
    response = browser.post(
        "/events",
        data={
            "event_id": "6001",
            "warehouse": "sahara",
            "title": "<b>Bold</b> sale",
            "start": "2026-12-04T01:00",
            "end": "2026-12-10T18:30",
        },
    )
    assert response.status_code == 200
    assert 'id="event-added"' in response.text
    assert "&lt;b&gt;Bold&lt;/b&gt; sale" in response.text
    assert harness.database.state.events["6001"].ends_at.utcoffset() is not None


def test_events_page_shows_errors(browser: TestClient) -> None:
    response = browser.post(
        "/events",
        data={"event_id": "4412", "warehouse": "maule", "title": "x", "start": "soon", "end": ""},
    )
    assert response.status_code == 422
    assert 'id="event-form-error"' in response.text
    assert "&#39;soon&#39; is not a date and time" in response.text


def test_events_page_duplicate_id(browser: TestClient) -> None:
    response = browser.post(
        "/events",
        data={
            "event_id": "4412",
            "warehouse": "maule",
            "title": "x",
            "start": "2026-12-04T01:00",
            "end": "2026-12-10T18:30",
        },
    )
    assert response.status_code == 409
    assert "already in the catalogue" in response.text


def test_result_page_with_side_files(harness: Harness, browser: TestClient) -> None:
    state = harness.database.state
    state.versions[("4412", 1)] = csv_version("4412", 1, lot_count=3, created_at=NOW)
    state.versions[("4412", 2)] = csv_version("4412", 2, lot_count=2, warning_count=1)

    prefix = "formatted/4412/v2/"
    harness.side_files.objects[("auction-private", prefix + "warnings.json")] = json.dumps(
        [
            {
                "severity": "WARNING",
                "lot_number": "1001",
                "field": "Category",
                "value": "<i>",
                "message": "Unknown category",
            }
        ]
    ).encode()
    harness.side_files.objects[("auction-private", prefix + "preview.json")] = json.dumps(
        [
            {
                "lot_number": "M1001",
                "title": "Lamp",
                "subtitle": "MSRP: $25.00 -",
                "price": "5.00",
                "msrp": "25.00",
                "image_url": "http://127.0.0.1:9000/auction-images/rec1_1.jpg",
            }
        ]
    ).encode()

    page = browser.get("/events/4412/result").text
    assert '<dd id="lot-count">2</dd>' in page
    assert 'id="download-csv" href="/events/4412/csv/2/download"' in page
    assert 'id="warnings"' in page
    assert "&lt;i&gt;" in page
    assert 'src="http://127.0.0.1:9000/auction-images/rec1_1.jpg"' in page
    assert 'data-version="1"' in page
    assert "MSRP: $25.00 -" in page
    assert 'id="preview-partial"' in page


def test_result_page_older_version_without_side_files(
    harness: Harness, browser: TestClient
) -> None:
    harness.database.state.versions[("4412", 1)] = csv_version("4412", 1)
    page = browser.get("/events/4412/result?version=1").text
    assert 'id="warnings-problem"' in page
    assert 'id="preview-problem"' in page
    assert browser.get("/events/4412/result?version=9").status_code == 404


def test_result_page_without_versions(browser: TestClient) -> None:
    page = browser.get("/events/4412/result").text
    assert 'id="no-versions"' in page


def test_download_redirects_to_presigned_url(harness: Harness, browser: TestClient) -> None:
    harness.database.state.versions[("4412", 1)] = csv_version("4412", 1)
    response = browser.get("/events/4412/csv/1/download", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("http://s3.test/auction-private/formatted/")


def test_events_page_toggles_active(harness: Harness, browser: TestClient) -> None:
    page = browser.get("/events").text
    assert 'data-toggle-event="4412"' in page
    response = browser.post("/events/4412/active", data={"active": "false"}, follow_redirects=False)
    assert response.status_code == 303
    assert harness.database.state.events["4412"].active is False
    format_page = browser.get("/format").text
    assert '"id": "4412"' not in format_page
    assert '"id": "5001"' in format_page
