"""The gateway on PostgreSQL with text the database cannot store: a clear 4xx, never a 500."""

from __future__ import annotations

import pytest

from .conftest import GatewayEnv
from .test_flow import running_gateway

pytestmark = pytest.mark.integration

EVENT = {
    "event_id": "4412",
    "warehouse": "maule",
    "title": "Weekly sale",
    "starts_at": "2026-12-04T01:00",
    "ends_at": "2026-12-10T18:30",
}

NUL_REQUESTS = [
    ("GET", "/api/v1/events/4412%00", None),
    ("GET", "/api/v1/events/4412%00/csv", None),
    ("GET", "/api/v1/tasks/abc%00", None),
    ("GET", "/api/v1/events?warehouse=ma%00ule", None),
    ("POST", "/api/v1/format", {"warehouse": "maule", "event_id": "4412\u0000"}),
    ("POST", "/api/v1/events", {**EVENT, "event_id": "4413", "title": "Sale\u0000"}),
    ("GET", "/tasks/abc%00", None),
    ("GET", "/events/4412%00/result", None),
]


async def test_nul_text_rejected_not_500(gateway_env: GatewayEnv) -> None:
    async with running_gateway(gateway_env) as client:
        for method, path, body in NUL_REQUESTS:
            response = await client.request(method, path, json=body)

            assert 400 <= response.status_code < 500, (method, path, response.status_code)
            assert "NUL" in response.text, (method, path, response.text[:200])
