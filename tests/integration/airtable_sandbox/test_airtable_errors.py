"""Airtable's error responses and the per-base rate limit with its 30-second lock (scaled)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from integration.airtable_sandbox.airtable_conformance import (
    TEST_BASE,
    TEST_SEED,
    TOKEN,
    error_response,
)
from pyairtable import retry_strategy
from requests.exceptions import HTTPError

from airtable_sandbox.config import RateLimitSettings
from airtable_sandbox.testing import RunningSandbox, run_sandbox


def _get(
    sandbox: RunningSandbox, path: str, token: str | None = TOKEN, **params: Any
) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.get(f"{sandbox.url}{path}", params=params, headers=headers)


def test_missing_token_is_401(sandbox: RunningSandbox) -> None:
    response = _get(sandbox, f"/v0/{TEST_BASE}/Items", token=None)
    assert response.status_code == 401
    assert response.json() == {
        "error": {"type": "AUTHENTICATION_REQUIRED", "message": "Authentication required"}
    }


def test_wrong_token_is_401_through_pyairtable(sandbox: RunningSandbox) -> None:
    table = sandbox.api("wrong-token").table(TEST_BASE, "Items")
    with pytest.raises(HTTPError) as caught:
        table.all()
    assert error_response(caught.value).status_code == 401


def test_token_limited_to_other_base_is_403(tmp_path: Path) -> None:
    seed = {
        **TEST_SEED,
        "settings": {"tokens": [{"token": "scoped", "bases": ["appOtherBase00001"]}]},
    }
    with run_sandbox(seed, data_dir=tmp_path) as running:
        response = _get(running, f"/v0/{TEST_BASE}/Items", token="scoped")
    assert response.status_code == 403
    assert response.json()["error"]["type"] == "INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND"


def test_unknown_base_is_403(sandbox: RunningSandbox) -> None:
    response = _get(sandbox, "/v0/appUnknownBase001/Items")
    assert response.status_code == 403
    assert response.json()["error"]["type"] == "INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND"


def test_unknown_table_is_404(sandbox: RunningSandbox) -> None:
    response = _get(sandbox, f"/v0/{TEST_BASE}/Nope")
    assert response.status_code == 404
    assert response.json()["error"]["type"] == "TABLE_NOT_FOUND"


def test_unknown_record_is_404(sandbox: RunningSandbox) -> None:
    response = _get(sandbox, f"/v0/{TEST_BASE}/Items/recAAAAAAAAAAAAAA")
    assert response.status_code == 404
    assert response.json() == {"error": "NOT_FOUND"}


def test_update_of_unknown_record_is_422(items: Any) -> None:
    with pytest.raises(HTTPError) as caught:
        items.update("recAAAAAAAAAAAAAA", {"Name": "x"})
    assert error_response(caught.value).status_code == 422
    assert error_response(caught.value).json()["error"]["type"] == "ROW_DOES_NOT_EXIST"


def test_unknown_route_is_404(sandbox: RunningSandbox) -> None:
    response = httpx.post(
        f"{sandbox.url}/v1/whatever", headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert response.status_code == 404
    assert response.json() == {"error": "NOT_FOUND"}


def test_invalid_json_body_is_422(sandbox: RunningSandbox) -> None:
    response = httpx.post(
        f"{sandbox.url}/v0/{TEST_BASE}/Items",
        content=b"{not json",
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert response.json()["error"]["type"] == "INVALID_REQUEST_UNKNOWN"


# A 3 s window (5 requests per 3 s) keeps the first six requests inside one window even on a
# loaded CI machine. The lock outlasts the window, so the base is free again after it.
LOCK = RateLimitSettings(window_seconds=3.0, lock_seconds=3.5)


def test_rate_limit_sixth_request_locks_the_base(tmp_path: Path) -> None:
    with run_sandbox(TEST_SEED, data_dir=tmp_path, rate_limit=LOCK) as running:
        table = running.api().table(TEST_BASE, "Items")
        statuses = []
        for _ in range(6):
            try:
                table.all()
                statuses.append(200)
            except HTTPError as error:
                statuses.append(error_response(error).status_code)
                body = error_response(error).json()
        assert statuses == [200, 200, 200, 200, 200, 429]
        assert body == {
            "errors": [
                {
                    "error": "RATE_LIMIT_REACHED",
                    "message": "Rate limit exceeded. Please try again later",
                }
            ]
        }

        locked = [_get(running, f"/v0/{TEST_BASE}/Items").status_code for _ in range(10)]
        assert locked == [429] * 10
        time.sleep(0.2)
        assert _get(running, f"/v0/{TEST_BASE}/Items").status_code == 429

        time.sleep(LOCK.lock_seconds)
        assert _get(running, f"/v0/{TEST_BASE}/Items").status_code == 200
        counters = running.request_log()["counters"][TEST_BASE]
        assert counters["rate_limited"] == 12
        assert counters["requests"] == 18


def test_rate_limit_is_per_base(tmp_path: Path) -> None:
    with run_sandbox(TEST_SEED, data_dir=tmp_path, rate_limit=LOCK) as running:
        for _ in range(6):
            _get(running, f"/v0/{TEST_BASE}/Items")
        assert _get(running, f"/v0/{TEST_BASE}/Items").status_code == 429
        assert _get(running, "/v0/meta/bases").status_code == 200


def test_rate_limit_time_scale_shortens_lock(tmp_path: Path) -> None:
    scaled = RateLimitSettings(lock_seconds=30.0, time_scale=0.2)  # 6 s lock, 200 ms window
    with (
        run_sandbox(TEST_SEED, data_dir=tmp_path, rate_limit=scaled) as running,
        httpx.Client(base_url=running.url, headers={"Authorization": f"Bearer {TOKEN}"}) as client,
    ):
        statuses = [client.get(f"/v0/{TEST_BASE}/Items").status_code for _ in range(20)]
        assert 429 in statuses
        time.sleep(scaled.scaled_lock - 1.0)
        assert client.get(f"/v0/{TEST_BASE}/Items").status_code == 429
        time.sleep(scaled.scaled_lock + 0.1)
        assert _get(running, f"/v0/{TEST_BASE}/Items").status_code == 200


def test_retry_strategy_waits_out_the_lock(tmp_path: Path) -> None:
    with run_sandbox(TEST_SEED, data_dir=tmp_path, rate_limit=LOCK) as running:
        patient = retry_strategy(backoff_factor=0.4, total=6)  # waits 0.4 + 0.8 + 1.6 s at most
        table = running.api(retry_strategy=patient).table(TEST_BASE, "Items")
        for _ in range(8):
            table.all()
        counters = running.request_log()["counters"][TEST_BASE]
        assert counters["rate_limited"] >= 1
        assert counters["status_200"] == 8
