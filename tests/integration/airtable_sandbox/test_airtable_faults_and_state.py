"""Fault injection, admin endpoints, and state that survives a restart."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
import pytest
import requests
from integration.airtable_sandbox.airtable_conformance import (
    DEMO_SEED,
    NO_RATE_LIMIT,
    TEST_BASE,
    TEST_SEED,
    error_response,
)
from requests.exceptions import HTTPError

from airtable_sandbox.testing import RunningSandbox, run_sandbox

MAULE = "app8P7o3PcNfZduiu"
SAHARA = "appY1qnUDaaC7HWQl"


def _status(table: Any) -> int:
    try:
        table.all()
    except HTTPError as error:
        return int(error_response(error).status_code)
    return 200


def test_fault_rate_limit_storm_next_n(sandbox: RunningSandbox, items: Any) -> None:
    sandbox.add_faults({"kind": "rate_limit", "count": 3})
    assert [_status(items) for _ in range(4)] == [429, 429, 429, 200]
    assert sandbox.request_log()["counters"][TEST_BASE]["rate_limited"] == 3


def test_fault_rate_limit_fraction(tmp_path: Path) -> None:
    faults = [{"kind": "rate_limit", "fraction": 0.5}]
    with run_sandbox(
        TEST_SEED, data_dir=tmp_path, rate_limit=NO_RATE_LIMIT, faults=faults, fault_seed=3
    ) as running:
        table = running.api().table(TEST_BASE, "Items")
        statuses = [_status(table) for _ in range(40)]
    assert 8 < statuses.count(429) < 32
    assert statuses.count(200) == 40 - statuses.count(429)


def test_fault_server_error_burst(sandbox: RunningSandbox, items: Any) -> None:
    sandbox.add_faults({"kind": "server_error", "status": 502, "count": 2})
    statuses = [_status(items) for _ in range(3)]
    assert statuses == [502, 502, 200]


def test_fault_server_error_body(sandbox: RunningSandbox) -> None:
    sandbox.add_faults({"kind": "server_error", "count": 1})
    response = httpx.get(
        f"{sandbox.url}/v0/{TEST_BASE}/Items", headers={"Authorization": "Bearer x"}
    )
    assert response.status_code == 503
    assert response.json()["error"]["type"] == "SERVICE_UNAVAILABLE"


def test_fault_delay(sandbox: RunningSandbox, items: Any) -> None:
    sandbox.add_faults({"kind": "delay", "seconds": 0.5, "count": 1})
    started = time.perf_counter()
    items.all()
    slow = time.perf_counter() - started
    started = time.perf_counter()
    items.all()
    fast = time.perf_counter() - started
    assert slow >= 0.5
    assert fast < 0.5


def test_fault_drop_closes_connection(sandbox: RunningSandbox, items: Any) -> None:
    sandbox.add_faults({"kind": "drop", "count": 1, "method": "GET"})
    with pytest.raises(requests.exceptions.ConnectionError):
        items.all()
    assert items.all() == []
    dropped = [entry for entry in sandbox.request_log()["log"] if entry["fault"] == "drop"]
    assert len(dropped) == 1
    assert dropped[0]["status"] == 0


def test_fault_filter_by_base_and_path(tmp_path: Path) -> None:
    with run_sandbox(DEMO_SEED, data_dir=tmp_path, rate_limit=NO_RATE_LIMIT) as running:
        running.add_faults({"kind": "server_error", "base": SAHARA, "path_contains": "/Cancels"})
        api = running.api()
        assert _status(api.table(SAHARA, "Cancels")) == 503
        assert _status(api.table(SAHARA, "Inventory")) == 200
        assert _status(api.table(MAULE, "Cancels")) == 200


def test_faults_admin_list_replace_clear(sandbox: RunningSandbox) -> None:
    added = sandbox.add_faults({"kind": "delay", "seconds": 1}, {"kind": "drop", "fraction": 0.1})
    assert len(added["faults"]) == 2
    replaced = sandbox.admin(
        "POST", "faults", json={"faults": [{"kind": "drop", "count": 1}], "replace": True}
    )
    assert [rule["kind"] for rule in replaced["faults"]] == ["drop"]
    assert sandbox.clear_faults() == {"faults": []}
    bad = httpx.post(f"{sandbox.url}/_sandbox/faults", json={"kind": "meteor"})
    assert bad.status_code == 400
    assert "fault kind 'meteor'" in bad.json()["error"]["message"]


def test_faults_from_seed_file(tmp_path: Path) -> None:
    seed = {**TEST_SEED, "faults": [{"kind": "server_error", "status": 500, "count": 1}]}
    with run_sandbox(seed, data_dir=tmp_path, rate_limit=NO_RATE_LIMIT) as running:
        table = running.api().table(TEST_BASE, "Items")
        assert [_status(table), _status(table)] == [500, 200]


def test_restart_keeps_state(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with run_sandbox(DEMO_SEED, data_dir=data, rate_limit=NO_RATE_LIMIT) as first:
        inventory = first.api().table(MAULE, "Inventory")
        lot = inventory.first(formula="{Lot Number} = 1005")
        assert lot is not None
        inventory.update(lot["id"], {"Status": "Send to Auction"})
        created = inventory.create({"Lot Number": 1006, "Product Name": "Label Printer"})
        inventory.upload_attachment(created["id"], "Image 1", "label.txt", content=b"label")

    with run_sandbox(DEMO_SEED, data_dir=data, rate_limit=NO_RATE_LIMIT) as second:
        inventory = second.api().table(MAULE, "Inventory")
        lots = [record["fields"]["Lot Number"] for record in inventory.all(view="Send to Auction")]
        restored = inventory.get(created["id"])
        picture = restored["fields"]["Image 1"][0]
        assert lots == [1001, 1002, 1005]
        assert restored["fields"]["Product Name"] == "Label Printer"
        assert picture["url"].startswith(second.url)
        assert httpx.get(picture["url"]).content == b"label"
        assert len(list(data.glob("bases/*.json"))) == 2


def test_reset_restores_seed(tmp_path: Path) -> None:
    with run_sandbox(DEMO_SEED, data_dir=tmp_path, rate_limit=NO_RATE_LIMIT) as running:
        inventory = running.api().table(MAULE, "Inventory")
        inventory.batch_delete([record["id"] for record in inventory.all()])
        running.add_faults({"kind": "drop"})

        result = running.reset()

        assert sorted(result["bases"]) == sorted([MAULE, SAHARA])
        assert running.admin("GET", "faults") == {"faults": []}
        assert len(inventory.all()) == 5


def test_admin_seed_adds_base(sandbox: RunningSandbox) -> None:
    document = {
        "bases": [
            {
                "id": "appPostedSeed0001",
                "name": "Posted",
                "tables": [{"name": "T", "fields": [{"name": "Name", "type": "singleLineText"}]}],
            }
        ]
    }
    assert sandbox.admin("POST", "seed", json=document) == {"bases": ["appPostedSeed0001"]}
    table = sandbox.api().table("appPostedSeed0001", "T")
    assert table.create({"Name": "x"})["fields"] == {"Name": "x"}
    bad = httpx.post(f"{sandbox.url}/_sandbox/seed", content=b"bases: [{name: X}]")
    assert bad.status_code == 400
    assert "tables" in bad.json()["error"]["message"]


def test_admin_seed_rejects_file_paths(sandbox: RunningSandbox) -> None:
    document = (
        "bases:\n"
        "  - name: Files\n"
        "    tables:\n"
        "      - name: T\n"
        "        fields: [{name: Pic, type: multipleAttachments}]\n"
        "        records: [{fields: {Pic: [{path: /etc/hostname}]}}]\n"
    )
    response = httpx.post(f"{sandbox.url}/_sandbox/seed", content=document.encode())
    assert response.status_code == 400
    assert "only read from seed files" in response.json()["error"]["message"]


def test_demo_seed_views(tmp_path: Path) -> None:
    with run_sandbox(DEMO_SEED, data_dir=tmp_path, rate_limit=NO_RATE_LIMIT) as running:
        api = running.api()
        for base, expected_send, expected_dups in [
            (MAULE, [1001, 1002], [1003, 1004]),
            (SAHARA, [2001, 2002], [2003]),
        ]:
            inventory = api.table(base, "Inventory")
            send = [r["fields"]["Lot Number"] for r in inventory.all(view="Send to Auction")]
            dups = [r["fields"]["Lot Number"] for r in inventory.all(view="Remove Dups")]
            assert send == expected_send
            assert dups == expected_dups
        assert [base.id for base in api.bases()] == [MAULE, SAHARA]
