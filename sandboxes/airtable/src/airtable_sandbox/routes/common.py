"""Helpers shared by the route modules."""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request

from airtable_sandbox import cells, errors
from airtable_sandbox.runtime import Sandbox


def sandbox_of(request: Request) -> Sandbox:
    sandbox: Sandbox = request.app.state.sandbox
    return sandbox


def url_builder(request: Request) -> cells.UrlBuilder:
    builder: cells.UrlBuilder = sandbox_of(request).attachment_url_builder(str(request.base_url))
    return builder


async def read_json(request: Request) -> Any:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise errors.invalid_request(f"the body is not valid JSON: {error}") from error
