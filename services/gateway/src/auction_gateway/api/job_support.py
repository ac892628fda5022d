"""Helpers of the job routes: the typed permission check and the response of a started job."""

from __future__ import annotations

from typing import cast

from fastapi import params

from auction_gateway.api.schemas import FormatStarted
from auction_gateway.permissions import Permission, requires


def needs(permission: Permission) -> params.Depends:
    """Return the dependency that raises 403 unless the user has `permission`."""
    return cast(params.Depends, requires(permission))


def started(task_id: str) -> FormatStarted:
    """Return the 202 body of a started job: its task id and where to follow it."""
    return FormatStarted(
        task_id=task_id,
        status_url=f"/api/v1/tasks/{task_id}",
        stream_url=f"/api/v1/tasks/{task_id}/stream",
        page_url=f"/tasks/{task_id}",
    )
