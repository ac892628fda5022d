"""The JSON API on fakes: auth, events, format, tasks, the task stream, CSV versions, schemas."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from auction_shared.events import FormatRequested

from .fakes import NOW, PASSWORD, USER, Harness, csv_version, event, make_harness, task


@pytest.fixture
def harness() -> Harness:
    return make_harness()


@pytest.fixture
def client(harness: Harness) -> Iterator[TestClient]:
    with TestClient(harness.app) as client:
        client.auth = (USER, PASSWORD)
        yield client


def test_api_requires_login(harness: Harness) -> None:
    anonymous = TestClient(harness.app)
    response = anonymous.get("/api/v1/events")
    assert response.status_code == 401
    # Never a Basic challenge: browsers would cache the credentials and send them cross-site.
    assert response.headers["www-authenticate"] == 'Bearer realm="auction-gateway"'
    wrong = anonymous.get("/api/v1/events", auth=(USER, "wrong"))
    assert wrong.status_code == 401


def test_openapi_needs_login_too(harness: Harness, client: TestClient) -> None:
    assert TestClient(harness.app).get("/openapi.json").status_code == 401
    paths = client.get("/openapi.json").json()["paths"]
    assert "/api/v1/format" in paths
    assert "/api/v1/tasks/{task_id}/stream" in paths
    assert "/format" not in paths


def test_warehouses_from_settings(client: TestClient) -> None:
    assert client.get("/api/v1/warehouses").json() == [
        {"id": "maule", "name": "Maule", "airtable": None},
        {"id": "sahara", "name": "Sahara", "airtable": None},
    ]


def test_add_and_list_events(client: TestClient) -> None:
    body = {
        "event_id": "4412",
        "warehouse": "maule",
        "title": "Weekly sale",
        "starts_at": "2026-12-04T01:00",
        "ends_at": "2026-12-10T18:30",
    }
    created = client.post("/api/v1/events", json=body)
    assert created.status_code == 201
    assert created.json()["starts_at"] == "2026-12-04T01:00:00-08:00"
    client.post("/api/v1/events", json={**body, "event_id": "5001", "warehouse": "sahara"})
    listed = client.get("/api/v1/events", params={"warehouse": "maule"}).json()
    assert [row["event_id"] for row in listed] == ["4412"]
    assert client.get("/api/v1/events/5001").json()["warehouse"] == "sahara"
    assert client.get("/api/v1/events/404").status_code == 404


def test_add_event_twice_conflicts(client: TestClient) -> None:
    body = {
        "event_id": "4412",
        "warehouse": "maule",
        "title": "Weekly",
        "starts_at": "2026-12-04T01:00:00Z",
        "ends_at": "2026-12-10T18:30:00Z",
    }
    assert client.post("/api/v1/events", json=body).status_code == 201
    again = client.post("/api/v1/events", json=body)
    assert again.status_code == 409
    assert "4412" in again.json()["detail"]


def test_add_event_rejects_bad_fields(client: TestClient) -> None:
    response = client.post(
        "/api/v1/events",
        json={
            "event_id": "44 12",
            "warehouse": "mars",
            "title": "Weekly",
            "starts_at": "2026-12-10T01:00:00Z",
            "ends_at": "2026-12-04T18:30:00Z",
        },
    )
    assert response.status_code == 422
    fields = [item["loc"][1] for item in response.json()["detail"]]
    assert fields == ["event_id", "warehouse", "end"]


def test_format_records_task_and_publishes(harness: Harness, client: TestClient) -> None:
    harness.database.state.events["4412"] = event("4412", "maule")
    response = client.post(
        "/api/v1/format", json={"warehouse": "maule", "event_id": "4412", "starting_price": "2.5"}
    )
    assert response.status_code == 202
    task_id = response.json()["task_id"]
    assert response.json()["stream_url"] == f"/api/v1/tasks/{task_id}/stream"
    recorded = harness.database.state.tasks[task_id]
    assert (recorded.state, recorded.requested_by, recorded.sequence) == ("NOT_STARTED", USER, 0)
    [published] = harness.database.state.published
    assert isinstance(published.payload, FormatRequested)
    assert published.payload.starting_price is not None
    assert str(published.payload.starting_price) == "2.50"
    assert (published.task_id, published.key, published.subject) == (task_id, "4412", "4412")


@pytest.mark.parametrize(
    ("body", "field", "phrase"),
    [
        ({"warehouse": "maule", "event_id": "4412", "starting_price": "1.999"}, "price", "'1.999'"),
        ({"warehouse": "maule", "event_id": "4412", "starting_price": 0}, "price", "'0'"),
        ({"warehouse": "maule", "event_id": "9999"}, "event", "'9999'"),
        ({"warehouse": "sahara", "event_id": "4412"}, "event", "belongs to warehouse"),
        ({"warehouse": "mars", "event_id": "4412"}, "warehouse", "'mars'"),
    ],
)
def test_format_rejections_write_nothing(
    harness: Harness, client: TestClient, body: dict[str, object], field: str, phrase: str
) -> None:
    harness.database.state.events["4412"] = event("4412", "maule")
    response = client.post("/api/v1/format", json=body)
    assert response.status_code == 422
    [detail] = response.json()["detail"]
    assert detail["loc"] == ["body", field]
    assert phrase in detail["msg"]
    assert harness.database.state.tasks == {}
    assert harness.database.state.published == []


def test_tasks_list_and_detail(harness: Harness, client: TestClient) -> None:
    state = harness.database.state
    state.tasks["t-1"] = task("t-1", state="COMPLETED", progress=100, finished_at=NOW)
    state.tasks["t-old"] = task("t-old", updated_at=NOW.replace(year=2025))
    listed = client.get("/api/v1/tasks").json()
    assert [row["task_id"] for row in listed] == ["t-1"]
    detail = client.get("/api/v1/tasks/t-1").json()
    assert detail["final"] is True
    assert detail["result_page"] == "/events/E100/result"
    assert detail["steps"] == []
    missing = client.get("/api/v1/tasks/nope")
    assert missing.status_code == 404
    assert "retention" in missing.json()["detail"]


def test_stream_of_final_task_ends(harness: Harness, client: TestClient) -> None:
    harness.database.state.tasks["t-1"] = task("t-1", state="ERROR", message="Airtable down")
    with client.stream("GET", "/api/v1/tasks/t-1/stream") as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        text = "".join(response.iter_text())
    events = [block for block in text.split("\r\n\r\n") if block.strip()]
    assert events[0].startswith("event: status")
    data = json.loads(events[0].split("data: ", 1)[1])
    assert (data["state"], data["message"], data["final"]) == ("ERROR", "Airtable down", True)
    assert events[-1].startswith("event: end")


def test_stream_unknown_task_404(client: TestClient) -> None:
    assert client.get("/api/v1/tasks/nope/stream").status_code == 404


def test_csv_versions_and_download(harness: Harness, client: TestClient) -> None:
    state = harness.database.state
    for version in (1, 2):
        state.versions[("4412", version)] = csv_version("4412", version)
    listed = client.get("/api/v1/events/4412/csv").json()
    assert [row["version"] for row in listed] == [2, 1]
    assert listed[0]["download_url"] == "/api/v1/events/4412/csv/2/download"
    link = client.get("/api/v1/events/4412/csv/1/download").json()
    assert link["url"] == "http://s3.test/auction-private/formatted/4412/v1/lots.csv?expires=900"
    assert link["filename"] == "4412-v1.csv"
    assert client.get("/api/v1/events/4412/csv/7/download").status_code == 404
    assert client.get("/api/v1/events/none/csv").json() == []


def test_asyncapi_and_schemas(client: TestClient) -> None:
    document = client.get("/api/v1/asyncapi.json").json()
    assert document["asyncapi"].startswith("3.")
    assert "task.status" in document["channels"]
    types = client.get("/api/v1/schemas").json()
    assert "auction.format.requested.v1" in types
    schema = client.get("/api/v1/schemas/auction.format.requested.v1").json()
    assert schema["title"] == "auction.format.requested.v1"
    missing = client.get("/api/v1/schemas/auction.nope.v1")
    assert missing.status_code == 404


def test_deactivate_event_hides_it(harness: Harness, client: TestClient) -> None:
    harness.database.state.events["4412"] = event("4412", "maule")
    changed = client.patch("/api/v1/events/4412", json={"active": False})
    assert changed.status_code == 200
    assert changed.json()["active"] is False
    assert client.get("/api/v1/events", params={"active": True}).json() == []
    assert client.patch("/api/v1/events/404", json={"active": False}).status_code == 404


def test_cdn_doc_pages_removed(client: TestClient) -> None:
    for path in ("/docs", "/redoc"):
        assert client.get(path).status_code == 404


@pytest.mark.parametrize("price", [True, False, [5], {"amount": 5}])
def test_format_price_wrong_json_kind(harness: Harness, client: TestClient, price: object) -> None:
    harness.database.state.events["4412"] = event("4412", "maule")

    response = client.post(
        "/api/v1/format", json={"warehouse": "maule", "event_id": "4412", "starting_price": price}
    )

    assert response.status_code == 422
    assert harness.database.state.tasks == {}
    assert harness.database.state.published == []
