"""The sandbox site over HTTP: imports, voids, faults, admin endpoints, restarts and the CLI."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from auction_site_sandbox.settings import SandboxSettings
from auction_site_sandbox.testing import (
    RunningSandbox,
    create_draft_event,
    import_csv_bytes,
    log_on,
    lot_row,
    running_sandbox,
)

REPORT = "/Account/EventSalesTransactionReport"


def upload(
    http: httpx.Client, data: bytes, validate_only: bool = False, drafts: bool = True, **form: str
) -> httpx.Response:
    fields: dict[str, Any] = {
        "validate": (["true"] if validate_only else []) + ["false"],
        "importAsDrafts": (["true"] if drafts else []) + ["false"],
        "ReportEmail": "staff@example.test",
        **form,
    }
    return http.post(
        "/Admin/ImportCSV", data=fields, files={"file": ("auction.csv", data, "text/csv")}
    )


def wait_for_report(http: httpx.Client, report_id: int) -> dict[str, Any]:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        report: dict[str, Any] = http.get(f"/_sandbox/import-reports/{report_id}").json()
        if report["status"] == "Completed":
            return report
        time.sleep(0.05)
    raise AssertionError(f"import report {report_id} did not complete: {report}")


def report_id_of(response: httpx.Response) -> int:
    marker = 'href="/Admin/ImportReport/'
    start = response.text.index(marker) + len(marker)
    return int(response.text[start : response.text.index('"', start)])


def test_import_checks_rows_and_creates_drafts(client: httpx.Client, image_server: str) -> None:
    event_id = create_draft_event(client)
    rows = [
        lot_row(event_id, "M1", "Kettle", f"{image_server}/photo.jpg"),
        lot_row(event_id, "M2", "T" * 81, f"{image_server}/photo.jpg"),
        lot_row(event_id, "M3", "Lamp", f"{image_server}/missing.jpg"),
        lot_row(event_id, "M4", "Blender", f"{image_server}/notes.txt"),
        lot_row(event_id, "M5", "Toaster", "https://images.example.com/a.jpg"),
        lot_row(event_id, "M6", "Fan", "", Category="9", Price="0"),
        lot_row(event_id, "M1", "Kettle again"),
    ]

    response = upload(client, import_csv_bytes(rows))

    assert response.status_code == 200
    assert "CSV listing import has started" in response.text
    report = wait_for_report(client, report_id_of(response))
    assert (report["total"], report["succeeded"], report["failed"]) == (7, 1, 6)
    errors = {line["line"]: " ".join(line["errors"]) for line in report["lines"]}
    assert errors[2] == ""
    assert "longer than 80 characters (81)" in errors[3]
    assert "HTTP 404" in errors[4]
    assert "is not an image" in errors[5]
    assert "not an allowed image host" in errors[6]
    assert "not a leaf category" in errors[7]
    assert "greater than 0" in errors[7]
    assert "LotNumber 'M1' already exists" in errors[8]
    assert f'Line: 3, Title: "{"T" * 81}"' in report["text"]
    lots = client.get("/_sandbox/state").json()["lots"]
    assert [(lot["lot_number"], lot["is_draft"]) for lot in lots] == [("M1", True)]
    assert lots[0]["custom_fields"]["MSRP"] == "34.99"
    outbox = client.get("/_sandbox/outbox").json()
    assert outbox[0]["to_address"] == "staff@example.test"
    assert "Failed: 6" in outbox[0]["body"]


def test_validate_only_creates_no_lots(client: httpx.Client) -> None:
    event_id = create_draft_event(client)

    response = upload(
        client, import_csv_bytes([lot_row(event_id, "M1", "Kettle")]), validate_only=True
    )

    report = wait_for_report(client, report_id_of(response))
    assert report["succeeded"] == 1
    assert report["validate_only"] is True
    assert client.get("/_sandbox/state").json()["lots"] == []


def test_selected_event_and_published_lots(client: httpx.Client) -> None:
    event_id = create_draft_event(client)
    row = lot_row(event_id, "M1", "Kettle", EventID="")

    response = upload(client, import_csv_bytes([row]), drafts=False, EventID=str(event_id))

    wait_for_report(client, report_id_of(response))
    lots = client.get("/_sandbox/state").json()["lots"]
    assert [(lot["event_id"], lot["is_draft"]) for lot in lots] == [(event_id, False)]


def test_unparsable_upload_takes_no_action(client: httpx.Client) -> None:
    response = upload(client, b"Title,Price\nKettle,5\n")

    assert "NO ACTION HAS BEEN TAKEN" in response.text
    assert "Missing required column(s): Category, EventID." in response.text
    assert client.get("/_sandbox/import-reports").json() == []


def test_upload_over_limit_rejected(tmp_path: Path) -> None:
    settings = SandboxSettings(data_dir=tmp_path / "small", max_csv_bytes=1024 * 1024)
    with (
        running_sandbox(settings.data_dir, settings) as small,
        httpx.Client(base_url=small.base_url) as http,
    ):
        log_on(http)
        just_over = upload(http, b"EventID," + b"x" * (1024 * 1024 + 1))
        far_over = upload(http, b"EventID," + b"x" * (3 * 1024 * 1024))

    for response in (just_over, far_over):
        assert "NO ACTION HAS BEEN TAKEN" in response.text
        assert "larger than the 1 MB upload limit" in response.text


def test_void_and_unvoid_over_http(client: httpx.Client) -> None:
    event_id = client.post("/_sandbox/seed-closed-event", json={"lots": 3}).json()["event_id"]
    sales = client.get("/_sandbox/state").json()["sales"]
    paid = next(sale for sale in sales if sale["paid"])
    unpaid = next(sale for sale in sales if not sale["paid"] and sale["invoice_id"])
    back = f"{REPORT}?EventID={event_id}&isPaid=2"

    rejected = client.post("/Account/VoidSale", data={"saleId": paid["id"], "returnUrl": back})
    voided = client.post("/Account/VoidSale", data={"saleId": unpaid["id"], "returnUrl": back})

    assert rejected.status_code == 409
    assert "is paid and cannot be voided" in rejected.text
    assert voided.status_code == 303
    assert voided.headers["location"] == back
    after_void = {sale["id"]: sale for sale in client.get("/_sandbox/state").json()["sales"]}
    assert after_void[unpaid["id"]]["voided"] is True
    assert after_void[unpaid["id"]]["invoice_id"] is None
    assert after_void[unpaid["id"]]["removed_from_invoice_id"] == unpaid["invoice_id"]

    client.post("/Account/UnVoidSale", data={"saleId": unpaid["id"], "returnUrl": back})

    restored = {sale["id"]: sale for sale in client.get("/_sandbox/state").json()["sales"]}
    assert restored[unpaid["id"]]["voided"] is False
    assert restored[unpaid["id"]]["invoice_id"] == unpaid["invoice_id"]


def test_export_follows_filter(client: httpx.Client) -> None:
    event_id = client.post("/_sandbox/seed-closed-event", json={"lots": 6}).json()["event_id"]

    response = client.get(f"{REPORT}/ExportCSV", params={"EventID": event_id, "isPaid": 2})

    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 4
    assert {row["Status"] for row in rows} == {"Unpaid"}
    assert sum(1 for row in rows if row["Invoice #"]) == 2


def test_submit_fault_fails_next_submits(client: httpx.Client, site: RunningSandbox) -> None:
    client.post("/_sandbox/faults", json={"fail_submits": {"create_event": 1}})

    first = client.post("/Event/CreateEvent", data={"Title": "A"})
    create_draft_event(client)

    assert first.status_code == 500
    assert "Server Error" in first.text


def test_session_expiry_redirects_to_logon(client: httpx.Client) -> None:
    client.post("/_sandbox/faults", json={"expire_sessions_after_requests": 2})
    assert client.get("/Admin/ImportCSV").status_code == 200

    expired = client.get(f"{REPORT}?EventID=1001&isPaid=2")

    assert expired.status_code == 302
    assert expired.headers["location"] == (
        "/Account/LogOn?ReturnUrl=%2FAccount%2FEventSalesTransactionReport%3FEventID%3D1001%26isPaid%3D2"
    )
    again = client.post(
        "/Account/LogOn",
        data={"username": "admin", "password": "sandbox-password", "ReturnUrl": "/Admin/ImportCSV"},
    )
    assert again.headers["location"] == "/Admin/ImportCSV"


def test_session_expiry_on_submit_returns_to_form(client: httpx.Client) -> None:
    client.post("/_sandbox/faults", json={"expire_sessions_after_requests": 1})
    form_url = f"{client.base_url}/Event/CreateEvent"

    expired = client.post("/Event/CreateEvent", data={"Title": "A"}, headers={"Referer": form_url})

    assert expired.status_code == 302
    assert expired.headers["location"] == "/Account/LogOn?ReturnUrl=%2FEvent%2FCreateEvent"
    assert client.get("/_sandbox/state").json()["events"] == []


def test_seeded_bids_end_at_sale_price(client: httpx.Client) -> None:
    client.post("/_sandbox/seed-closed-event", json={"lots": 4})

    state = client.get("/_sandbox/state").json()

    for sale in state["sales"]:
        bids = [bid for bid in state["bids"] if bid["lot_id"] == sale["lot_id"]]
        assert bids[-1]["amount_cents"] == sale["price_cents"]
        assert bids[-1]["buyer_id"] == sale["buyer"]["id"]


def test_logon_ignores_foreign_return_url(site: RunningSandbox) -> None:
    with httpx.Client(base_url=site.base_url) as http:
        response = http.post(
            "/Account/LogOn",
            data={"username": "admin", "password": "sandbox-password", "ReturnUrl": "//evil.test/"},
        )

    assert response.headers["location"] == "/"


def test_slow_page_fault_delays(client: httpx.Client) -> None:
    client.post(
        "/_sandbox/faults", json={"slow_pages": [{"path": "/Admin/", "delay_seconds": 0.5}]}
    )

    started = time.monotonic()
    client.get("/Admin/ImportCSV")

    assert time.monotonic() - started >= 0.5


def test_import_fault_fails_rows(client: httpx.Client) -> None:
    event_id = create_draft_event(client)
    client.post(
        "/_sandbox/faults",
        json={"import_fail_lines": [3], "import_fail_title_pattern": "^Lamp$"},
    )
    rows = [lot_row(event_id, f"M{n}", title) for n, title in enumerate(["A", "B", "Lamp", "C"])]

    report = wait_for_report(client, report_id_of(upload(client, import_csv_bytes(rows))))

    failed = [line["line"] for line in report["lines"] if line["errors"]]
    assert failed == [3, 4]


def test_invalid_fault_config_rejected(client: httpx.Client) -> None:
    response = client.post("/_sandbox/faults", json={"fail_submits": {"checkout": 1}})

    assert response.status_code == 422
    assert "unknown form(s) checkout" in response.text


def test_event_status_endpoint_and_reset(client: httpx.Client) -> None:
    event_id = create_draft_event(client)

    closed = client.post(f"/_sandbox/events/{event_id}/status", json={"status": "Closed"})
    wrong = client.post(f"/_sandbox/events/{event_id}/status", json={"status": "Done"})

    assert closed.json()["status"] == "Closed"
    assert wrong.status_code == 422
    client.post("/_sandbox/reset")
    assert client.get("/_sandbox/state").json()["events"] == []
    assert create_draft_event(client) == 1001


def test_publish_moves_draft_on(client: httpx.Client) -> None:
    event_id = create_draft_event(client)

    response = client.post(f"/Event/Publish/{event_id}")
    again = client.post(f"/Event/Publish/{event_id}")

    assert response.status_code == 303
    status = client.get("/_sandbox/state").json()["events"][0]["status"]
    assert status == "Active"
    assert again.status_code == 409


def test_image_upload_rejects_non_image(client: httpx.Client) -> None:
    response = client.post(
        "/Event/UploadEventImage", files={"file": ("a.txt", b"hello", "text/plain")}
    )

    assert response.status_code == 400
    assert "not a JPEG, PNG or GIF" in response.json()["error"]


def test_restart_keeps_data(tmp_path: Path) -> None:
    data = tmp_path / "persist"
    with running_sandbox(data) as first, httpx.Client(base_url=first.base_url) as http:
        log_on(http)
        event_id = create_draft_event(http, "Survives restart")

    with running_sandbox(data) as second, httpx.Client(base_url=second.base_url) as http:
        log_on(http)
        events = http.get("/_sandbox/state").json()["events"]

    assert [(event["id"], event["title"]) for event in events] == [(event_id, "Survives restart")]


def test_cli_seeds_closed_event(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "auction_site_sandbox.main",
            "seed-closed-event",
            "--data",
            str(tmp_path / "cli"),
            "--lots",
            "6",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )

    summary = json.loads(result.stdout)
    assert summary["lots"] == 6
    assert summary["sales"] == {"paid": 2, "unpaid_with_invoice": 2, "unpaid_without_invoice": 2}
    with running_sandbox(tmp_path / "cli") as site, httpx.Client(base_url=site.base_url) as http:
        events = http.get("/_sandbox/state").json()["events"]
    assert events[0]["status"] == "Closed"
