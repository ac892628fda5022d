"""Task page additions for the jobs after format: the result view, the remove-duplicates plan
with its Apply form, the void export link, and the browser bot's screenshot and trace.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request

from auction_gateway import permissions
from auction_gateway.context import Gateway
from auction_gateway.permissions import Permission
from auction_gateway.records import TaskRecord, TaskStep
from auction_gateway.task_views import (
    BOT_JOBS,
    dedupe_plan_view,
    describe_result,
    failure_screenshot_keys,
    screenshot_keys,
    trace_keys,
    void_export,
)


async def task_extras(
    request: Request, gateway: Gateway, task: TaskRecord, steps: list[TaskStep]
) -> dict[str, Any]:
    """Return the task page's context for the result, plan, export and browser views."""
    granted = permissions.user_permissions(request)
    completion = await gateway.outcomes.get(task.task_id) if task.is_final else None
    extras: dict[str, Any] = {
        "outcome": describe_result(task.job, task.result, completion),
        "plan": None,
        "export_available": False,
        "browser": None,
    }
    if task.job == "dedupe" and task.is_final:
        extras["plan"] = dedupe_plan_view(task.result)
        extras["can_apply"] = Permission.CAN_DEDUPE in granted
    if task.job == "void" and Permission.CAN_VOID in granted:
        extras["export_available"] = void_export(task, completion) is not None
    if task.job in BOT_JOBS and Permission.CAN_USE_SHOW_BROWSER in granted:
        texts = [task.message, *(step.message for step in steps)]
        screenshots = screenshot_keys(task.task_id, steps)
        traces = []
        if task.state == "ERROR":
            screenshots += failure_screenshot_keys(task.task_id, texts)
            traces = trace_keys(task.task_id, texts)
        extras["browser"] = {
            "screenshot": screenshots[-1] if screenshots else None,
            "trace": traces[-1] if traces else None,
        }
    return extras
