"""The task read model: recent tasks, one task with its steps, and a live stream of its changes."""

from __future__ import annotations

from collections.abc import AsyncIterator

from fastapi import APIRouter, HTTPException
from sse_starlette import EventSourceResponse

from auction_gateway.api.deps import GatewayDep
from auction_gateway.api.schemas import TaskDetail, TaskOut
from auction_gateway.domain import retention_cutoff
from auction_gateway.live import follow_task

router = APIRouter(prefix="/tasks", tags=["tasks"])

STREAM_PING_SECONDS = 15


@router.get("")
async def list_tasks(gateway: GatewayDep) -> list[TaskOut]:
    """List tasks updated within the retention window (24 hours by default), newest first."""
    since = retention_cutoff(gateway.clock(), gateway.settings.task_retention_hours)
    async with gateway.unit_of_work() as work:
        tasks = await work.tasks.recent(since)
    return [TaskOut.of(task) for task in tasks]


@router.get("/{task_id}")
async def get_task(task_id: str, gateway: GatewayDep) -> TaskDetail:
    """Return one task with its steps in sequence order."""
    async with gateway.unit_of_work() as work:
        task = await work.tasks.get(task_id)
        steps = await work.tasks.steps(task_id) if task else []
    if task is None:
        raise HTTPException(status_code=404, detail=_not_found(task_id))
    return TaskDetail.with_steps(task, steps)


@router.get("/{task_id}/stream", response_class=EventSourceResponse)
async def stream_task(task_id: str, gateway: GatewayDep) -> EventSourceResponse:
    """Stream the task as server-sent events until it is final.

    Each `status` event carries the task (as in GET /tasks/{task_id}) with `steps` holding only the
    steps recorded since the previous event. An `end` event follows the final state. A stream
    closes after AUCTION_STREAM_MAX_SECONDS without `end`: reconnect to keep following.
    """
    async with gateway.unit_of_work() as work:
        task = await work.tasks.get(task_id)
    if task is None:
        raise HTTPException(status_code=404, detail=_not_found(task_id))

    async def events() -> AsyncIterator[dict[str, str]]:
        async for update in follow_task(
            gateway.unit_of_work,
            task_id,
            gateway.changes,
            poll_seconds=gateway.settings.stream_poll_seconds,
            max_seconds=gateway.settings.stream_max_seconds,
        ):
            body = TaskDetail.with_steps(update.task, update.new_steps)
            yield {"event": "status", "data": body.model_dump_json()}
        yield {"event": "end", "data": "{}"}

    return EventSourceResponse(events(), ping=STREAM_PING_SECONDS)


def _not_found(task_id: str) -> str:
    return (
        f"Task {task_id!r} is not known: it never existed here or finished more than the "
        "retention window ago."
    )
