"""Remove duplicates on fakes: plan, the plan on the task page, apply, and `auctionctl dedupe`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from auction_gateway.cli.main import app
from auction_shared.events import DedupeMode, DedupeRequested

from .fakes import Harness, event, task
from .test_jobs_fakes import (
    api_client,
    demote_user,
    job_harness,
    page_client,
    route_cli_to,
)

runner = CliRunner()

PLAN_RESULT = {
    "plan_id": "t-plan",
    "target_msrp": "100.00",
    "msrp_total": "110.00",
    "target_reached": True,
    "groups_touched": 1,
    "groups_total": 3,
    "records_without_name": 0,
    "records": [
        {"record_id": "rec1", "lot_number": 7, "product_name": "<Lamp>", "msrp": "60"},
        {"record_id": "rec2", "lot_number": 8, "product_name": "<lamp>", "msrp": "50"},
    ],
}


@pytest.fixture
def harness() -> Harness:
    harness, _ = job_harness()
    harness.database.state.events["4412"] = event("4412", "maule")
    harness.database.state.events["5001"] = event("5001", "sahara")
    return harness


@pytest.fixture
def api(harness: Harness) -> Iterator[TestClient]:
    with api_client(harness) as client:
        yield client


@pytest.fixture
def browser(harness: Harness) -> Iterator[TestClient]:
    with page_client(harness) as client:
        yield client


def only_request(harness: Harness) -> DedupeRequested:
    [item] = harness.database.state.published
    assert item.key is not None
    assert isinstance(item.payload, DedupeRequested)
    return item.payload


def test_api_plan(api: TestClient, harness: Harness) -> None:
    response = api.post(
        "/api/v1/dedupe",
        json={"warehouse": "maule", "auction_number": "4412", "target_msrp": "$5,000"},
    )
    assert response.status_code == 202, response.text
    request = only_request(harness)
    assert request.mode is DedupeMode.PLAN
    assert request.plan_id is None
    assert request.target_msrp == Decimal("5000.00")
    assert harness.database.state.published[0].key == "maule"
    recorded = harness.database.state.tasks[response.json()["task_id"]]
    assert (recorded.job, recorded.event_id) == ("dedupe", "4412")


def test_api_apply(api: TestClient, harness: Harness) -> None:
    response = api.post(
        "/api/v1/dedupe",
        json={
            "warehouse": "maule",
            "auction_number": "4412",
            "target_msrp": 100,
            "plan_id": "t-plan",
        },
    )
    assert response.status_code == 202
    request = only_request(harness)
    assert request.mode is DedupeMode.APPLY
    assert request.plan_id == "t-plan"


@pytest.mark.parametrize(
    ("body", "field", "fragment"),
    [
        ({"auction_number": "9999"}, "auction_number", "'9999' is not an event in the catalogue"),
        ({"auction_number": "5001"}, "auction_number", "belongs to warehouse 'sahara'"),
        ({"target_msrp": "0"}, "target_msrp", "must be above 0"),
        ({"target_msrp": "lots"}, "target_msrp", "not an amount"),
        ({"warehouse": "boulder"}, "warehouse", "unknown"),
        ({"plan_id": "a b"}, "plan_id", "invalid"),
    ],
)
def test_api_rejections(
    api: TestClient, harness: Harness, body: dict[str, Any], field: str, fragment: str
) -> None:
    full = {"warehouse": "maule", "auction_number": "4412", "target_msrp": "100", **body}
    response = api.post("/api/v1/dedupe", json=full)
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", field]
    assert fragment in error["msg"]
    assert harness.database.state.published == []


def test_page_plans(browser: TestClient, harness: Harness) -> None:
    page = browser.get("/dedupe").text
    for marker in ('id="warehouse"', 'id="auction-number"', 'id="target-msrp"', 'id="plan"'):
        assert marker in page
    response = browser.post(
        "/dedupe",
        data={"warehouse": "maule", "auction_number": "4412", "target_msrp": "100"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert only_request(harness).mode is DedupeMode.PLAN


def test_page_rejects_unknown_auction(browser: TestClient) -> None:
    response = browser.post(
        "/dedupe",
        data={"warehouse": "maule", "auction_number": "<9999>", "target_msrp": "-1"},
    )
    assert response.status_code == 422
    assert 'id="auction-number-error"' in response.text
    assert "&#39;&lt;9999&gt;&#39; is not an event in the catalogue" in response.text
    assert 'value="&lt;9999&gt;"' in response.text


def test_task_page_shows_plan_and_apply(browser: TestClient, harness: Harness) -> None:
    harness.database.state.tasks["t-plan"] = task(
        "t-plan", job="dedupe", state="COMPLETED", sequence=5, event_id="4412", result=PLAN_RESULT
    )
    page = browser.get("/tasks/t-plan").text
    assert 'id="dedupe-plan" data-plan-id="t-plan"' in page
    assert '<dd id="plan-total">110.00</dd>' in page
    assert 'id="plan-left-out"' in page
    assert "2 of 3 product groups get no record" in page
    assert "&lt;Lamp&gt; (2)" in page
    assert [m for m in re.findall(r"<td>(\d+\.\d\d)</td>", page)] == [
        "60.00",
        "60.00",
        "50.00",
        "110.00",
    ]
    assert 'id="apply-plan"' in page

    match = re.search(r'<form method="post" action="/dedupe/apply".*?</form>', page, re.S)
    assert match is not None
    fields = dict(re.findall(r'name="([a-z_]+)" value="([^"]*)"', match.group(0)))
    fields.pop("csrf_token", None)
    assert fields == {
        "plan_id": "t-plan",
        "warehouse": "maule",
        "auction_number": "4412",
        "target_msrp": "100.00",
    }
    response = browser.post("/dedupe/apply", data=fields, follow_redirects=False)
    assert response.status_code == 303
    request = only_request(harness)
    assert request.mode is DedupeMode.APPLY
    assert request.plan_id == "t-plan"


def test_failed_plan_offers_no_apply(browser: TestClient, harness: Harness) -> None:
    harness.database.state.tasks["t-plan"] = task(
        "t-plan", job="dedupe", state="ERROR", sequence=5, event_id="4412", result=PLAN_RESULT
    )
    assert 'id="apply-plan"' not in browser.get("/tasks/t-plan").text


def test_routes_need_permission(
    api: TestClient, browser: TestClient, harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    harness.database.state.tasks["t-plan"] = task(
        "t-plan", job="dedupe", state="COMPLETED", sequence=5, event_id="4412", result=PLAN_RESULT
    )
    demote_user(harness)
    body = {"warehouse": "maule", "auction_number": "4412", "target_msrp": "1"}
    assert api.post("/api/v1/dedupe", json=body).status_code == 403
    assert browser.get("/dedupe").status_code == 403
    assert browser.post("/dedupe/apply", data={**body, "plan_id": "t-plan"}).status_code == 403
    assert 'id="apply-plan"' not in browser.get("/tasks/t-plan").text
    assert harness.database.state.published == []


def test_cli_plan_waits_and_prints(harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    route_cli_to(harness, monkeypatch)

    def finished(client: object, task_id: str, timeout: float) -> dict[str, Any]:
        return {
            "state": "COMPLETED",
            "message": "Plan ready",
            "stage": "done",
            "result": PLAN_RESULT,
        }

    monkeypatch.setattr("auction_gateway.cli.dedupe.follow", finished)
    result = runner.invoke(
        app,
        ["dedupe", "--warehouse", "maule", "--auction", "4412", "--target-msrp", "100", "--wait"],
    )
    assert result.exit_code == 0, result.output
    output = " ".join(result.output.split())
    assert "Plan t-plan: 2 records, MSRP 110.00 of the 100.00 target" in output
    assert "lot 8 count MSRP 50.00 running 110.00" in output
    assert "--apply t-plan" in output
    assert only_request(harness).mode is DedupeMode.PLAN


def test_cli_apply_and_rejection(harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    route_cli_to(harness, monkeypatch)
    rejected = runner.invoke(
        app, ["dedupe", "--warehouse", "maule", "--auction", "9999", "--target-msrp", "100"]
    )
    assert rejected.exit_code == 2
    assert "is not an event in the catalogue" in " ".join(rejected.output.split())
    applied = runner.invoke(
        app,
        [
            "dedupe",
            "--warehouse",
            "maule",
            "--auction",
            "4412",
            "--target-msrp",
            "100",
            "--apply",
            "t-plan",
        ],
    )
    assert applied.exit_code == 0, applied.output
    assert "apply task" in applied.output
    assert only_request(harness).plan_id == "t-plan"
