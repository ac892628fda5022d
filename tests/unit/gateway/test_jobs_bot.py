"""The browser bot's screenshots and traces on a task page: shown and served only with
`can_use_show_browser`, and only objects under `bot/<task id>/`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient

from auction_gateway.accounts.roles import Role
from auction_gateway.records import TaskStep

from .fakes import NOW, Harness, task
from .test_jobs_fakes import (
    PRIVATE_BUCKET,
    api_client,
    demote_user,
    job_harness,
    page_client,
)

FAILED_MESSAGE = (
    "step 'submit' failed after 3 attempts (screenshot bot/t-b/03-submit-attempt3-failed.jpg, "
    "trace bot/t-b/03-submit-attempt3-trace.zip)"
)


def step(sequence: int, substage: str, message: str = "") -> TaskStep:
    return TaskStep(
        sequence, "IN_PROGRESS", 10 * sequence, "site", substage, message, "hibid-bot", NOW
    )


@pytest.fixture
def harness() -> Harness:
    harness, _ = job_harness()
    state = harness.database.state
    state.tasks["t-b"] = task("t-b", job="upload", state="IN_PROGRESS", sequence=3, event_id="4412")
    state.steps["t-b"] = [
        step(1, "screenshot: bot/t-b/01-log-on.jpg"),
        step(2, "screenshot: bot/t-b/02-import-form.png"),
        step(3, "screenshot: bot/other/01-x.jpg"),
    ]
    files = harness.side_files.objects
    files[(PRIVATE_BUCKET, "bot/t-b/01-log-on.jpg")] = b"\xff\xd8first"
    files[(PRIVATE_BUCKET, "bot/t-b/02-import-form.png")] = b"\x89PNGsecond"
    files[(PRIVATE_BUCKET, "bot/t-b/03-submit-attempt3-trace.zip")] = b"PK\x03\x04trace"
    files[(PRIVATE_BUCKET, "bot/t-b/03-submit-attempt3-failed.jpg")] = b"\xff\xd8failed"
    files[(PRIVATE_BUCKET, "bot/other/01-x.jpg")] = b"other task"
    state.tasks["t-f"] = task("t-f", job="format", state="IN_PROGRESS", sequence=2)
    state.steps["t-f"] = [step(1, "screenshot: bot/t-f/01.jpg")]
    return harness


@pytest.fixture
def api(harness: Harness) -> Iterator[TestClient]:
    with api_client(harness) as client:
        yield client


@pytest.fixture
def browser(harness: Harness) -> Iterator[TestClient]:
    with page_client(harness) as client:
        yield client


def test_page_shows_latest_screenshot(browser: TestClient) -> None:
    page = browser.get("/tasks/t-b").text
    assert 'id="browser-view"' in page
    assert 'src="/api/v1/tasks/t-b/screenshot?key=bot/t-b/02-import-form.png"' in page
    assert "/static/bot_view.js" in page
    assert 'id="trace-link"' not in page


def test_screenshot_served_with_type(api: TestClient) -> None:
    latest = api.get("/api/v1/tasks/t-b/screenshot")
    assert latest.status_code == 200
    assert latest.content == b"\x89PNGsecond"
    assert latest.headers["content-type"] == "image/png"
    assert latest.headers["cache-control"] == "private, no-store"
    first = api.get("/api/v1/tasks/t-b/screenshot", params={"key": "bot/t-b/01-log-on.jpg"})
    assert first.content == b"\xff\xd8first"
    assert first.headers["content-type"] == "image/jpeg"


@pytest.mark.parametrize(
    "key",
    [
        "bot/other/01-x.jpg",
        "bot/t-b/../other/01-x.jpg",
        "bot/t-b/03-submit-attempt3-trace.zip",
        "bot/t-b/missing.jpg",
        "manifests/t-b/a.jpg",
    ],
)
def test_screenshot_rejects_foreign_keys(api: TestClient, key: str) -> None:
    response = api.get("/api/v1/tasks/t-b/screenshot", params={"key": key})
    assert response.status_code == 404


def test_only_bot_tasks_have_screenshots(api: TestClient, browser: TestClient) -> None:
    assert api.get("/api/v1/tasks/t-f/screenshot").status_code == 404
    assert api.get("/api/v1/tasks/nope/screenshot").status_code == 404
    assert 'id="browser-view"' not in browser.get("/tasks/t-f").text


def test_failed_task_links_trace(api: TestClient, browser: TestClient, harness: Harness) -> None:
    harness.database.state.tasks["t-b"] = replace(
        harness.database.state.tasks["t-b"], state="ERROR", sequence=9, message=FAILED_MESSAGE
    )
    page = browser.get("/tasks/t-b").text
    assert (
        'id="trace-link" href="/api/v1/tasks/t-b/trace?key=bot/t-b/03-submit-attempt3-trace.zip"'
        in page
    )
    trace = api.get("/api/v1/tasks/t-b/trace")
    assert trace.status_code == 200
    assert trace.content == b"PK\x03\x04trace"
    assert trace.headers["content-type"] == "application/zip"
    assert 'filename="03-submit-attempt3-trace.zip"' in trace.headers["content-disposition"]
    other = api.get("/api/v1/tasks/t-b/trace", params={"key": "bot/t-b/01-log-on.jpg"})
    assert other.status_code == 404


def test_failed_task_shows_failure_screenshot(
    api: TestClient, browser: TestClient, harness: Harness
) -> None:
    harness.database.state.tasks["t-b"] = replace(
        harness.database.state.tasks["t-b"], state="ERROR", sequence=9, message=FAILED_MESSAGE
    )
    page = browser.get("/tasks/t-b").text
    assert "screenshot?key=bot/t-b/03-submit-attempt3-failed.jpg" in page
    latest = api.get("/api/v1/tasks/t-b/screenshot")
    assert latest.content == b"\xff\xd8failed"


def test_no_trace_without_failure(api: TestClient) -> None:
    assert api.get("/api/v1/tasks/t-b/trace").status_code == 404


def test_hidden_without_permission(
    api: TestClient, browser: TestClient, harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    harness.database.state.tasks["t-b"] = replace(
        harness.database.state.tasks["t-b"], state="ERROR", sequence=9, message=FAILED_MESSAGE
    )
    # Staff may upload but not watch the browser.
    demote_user(harness, Role.STAFF)
    page = browser.get("/tasks/t-b").text
    assert 'id="browser-view"' not in page
    assert 'id="trace-link"' not in page
    assert api.get("/api/v1/tasks/t-b/screenshot").status_code == 403
    assert api.get("/api/v1/tasks/t-b/trace").status_code == 403
