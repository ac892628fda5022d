"""The format API on fakes with JSON values of the wrong kind for a starting price."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from .fakes import PASSWORD, USER, Harness, event, make_harness


@pytest.fixture
def harness() -> Harness:
    return make_harness()


@pytest.fixture
def client(harness: Harness) -> Iterator[TestClient]:
    with TestClient(harness.app) as client:
        client.auth = (USER, PASSWORD)
        yield client


@pytest.mark.parametrize("price", [True, False, [5], {"amount": 5}])
def test_format_price_wrong_json_kind(harness: Harness, client: TestClient, price: object) -> None:
    harness.database.state.events["4412"] = event("4412", "maule")

    response = client.post(
        "/api/v1/format", json={"warehouse": "maule", "event_id": "4412", "starting_price": price}
    )

    assert response.status_code == 422
    assert harness.database.state.tasks == {}
    assert harness.database.state.published == []
