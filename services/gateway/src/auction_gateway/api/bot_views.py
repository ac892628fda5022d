"""What the browser bot saw: a bot task's screenshots and the Playwright traces of failed steps.

Both are objects in the private bucket under `bot/<task id>/`. The sales report's screenshots show
buyer names, so every route needs `can_use_show_browser` and checks that the key belongs to the
task.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from fastapi.responses import Response

from auction_gateway.api.deps import GatewayDep
from auction_gateway.api.job_support import needs
from auction_gateway.permissions import Permission
from auction_gateway.task_views import (
    BOT_JOBS,
    failure_screenshot_keys,
    is_task_artifact,
    screenshot_keys,
    trace_keys,
)

router = APIRouter(tags=["tasks"], dependencies=[needs(Permission.CAN_USE_SHOW_BROWSER)])

IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}


@router.get("/tasks/{task_id}/screenshot")
async def screenshot(task_id: str, gateway: GatewayDep, key: str | None = None) -> Response:
    """Return the latest screenshot of a bot task, or the one at `key` (a key under bot/<task>/)."""
    keys, _ = await _artifacts(gateway, task_id)
    if key is None:
        if not keys:
            raise HTTPException(404, detail=f"Task {task_id!r} has no screenshot yet.")
        key = keys[-1]
    if not is_task_artifact(task_id, key):
        raise HTTPException(404, detail=f"{key[:100]!r} is not a screenshot of task {task_id!r}.")
    suffix = "." + key.rsplit(".", 1)[-1].lower() if "." in key else ""
    if suffix not in IMAGE_TYPES:
        raise HTTPException(404, detail=f"{key[:100]!r} is not an image; use a .png or .jpg key.")
    data = await gateway.side_files.read(gateway.settings.s3_private_bucket, key)
    if data is None:
        raise HTTPException(404, detail=f"Screenshot {key[:100]!r} is not in object storage.")
    return Response(
        data, media_type=IMAGE_TYPES[suffix], headers={"Cache-Control": "private, no-store"}
    )


@router.get("/tasks/{task_id}/trace")
async def trace(task_id: str, gateway: GatewayDep, key: str | None = None) -> Response:
    """Download the Playwright trace of the task's last failed attempt, or the one at `key`.

    Open it with `playwright show-trace FILE`.
    """
    _, traces = await _artifacts(gateway, task_id)
    if key is None:
        if not traces:
            raise HTTPException(404, detail=f"Task {task_id!r} kept no trace.")
        key = traces[-1]
    if key not in traces:
        raise HTTPException(404, detail=f"{key[:100]!r} is not a trace of task {task_id!r}.")
    data = await gateway.side_files.read(gateway.settings.s3_private_bucket, key)
    if data is None:
        raise HTTPException(404, detail=f"Trace {key[:100]!r} is not in object storage.")
    filename = key.rsplit("/", 1)[-1]
    return Response(
        data,
        media_type="application/zip",
        headers={
            "Cache-Control": "private, no-store",
            "Content-Disposition": f'attachment; filename="{filename}"',
        },
    )


async def _artifacts(gateway: GatewayDep, task_id: str) -> tuple[list[str], list[str]]:
    async with gateway.unit_of_work() as work:
        task = await work.tasks.get(task_id)
        steps = await work.tasks.steps(task_id) if task else []
    if task is None or task.job not in BOT_JOBS:
        raise HTTPException(404, detail=f"Task {task_id!r} is not a task of the browser bot.")
    texts = [task.message, *(step.message for step in steps)]
    screenshots = screenshot_keys(task_id, steps) + failure_screenshot_keys(task_id, texts)
    return screenshots, trace_keys(task_id, texts)
