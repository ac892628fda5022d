"""Constants and helpers shared by the Airtable sandbox conformance tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from requests import Response
from requests.exceptions import HTTPError

from airtable_sandbox.config import RateLimitSettings

DEMO_SEED = Path(__file__).resolve().parents[3] / "sandboxes/airtable/seeds/demo.yaml"
NO_RATE_LIMIT = RateLimitSettings(enabled=False)
TEST_BASE = "appTestBase000001"
TOKEN = "test-token"

# A base for the conformance tests: one table with a field of each kind the tests need.
TEST_SEED: dict[str, Any] = {
    "settings": {"tokens": [TOKEN]},
    "bases": [
        {
            "id": TEST_BASE,
            "name": "Conformance",
            "tables": [
                {
                    "id": "tblItems000000001",
                    "name": "Items",
                    "fields": [
                        {"name": "Name", "type": "singleLineText"},
                        {"name": "Qty", "type": "number"},
                        {"name": "Price", "type": "currency"},
                        {"name": "Status", "type": "singleSelect", "choices": ["New", "Sold"]},
                        {"name": "Tags", "type": "multipleSelects", "choices": ["a", "b", "c"]},
                        {"name": "Done", "type": "checkbox"},
                        {"name": "Notes", "type": "multilineText"},
                        {"name": "Photo", "type": "multipleAttachments"},
                    ],
                    "views": [
                        {
                            "id": "viwSold0000000001",
                            "name": "Sold",
                            "formula": "{Status} = 'Sold'",
                            "sort": [{"field": "Qty", "direction": "desc"}],
                        }
                    ],
                }
            ],
        }
    ],
}


def error_response(error: HTTPError) -> Response:
    """Return the response of a failed pyairtable call (requests types it as optional)."""
    assert error.response is not None
    return error.response
