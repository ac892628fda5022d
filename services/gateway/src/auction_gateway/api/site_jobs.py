"""Jobs on the auction site, which the hibid-bot runs: create an event, upload a CSV version,
void unpaid sales. Each start returns a task id to follow at /api/v1/tasks/{task_id}.
"""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, HTTPException

from auction_gateway import job_rules, job_starts
from auction_gateway.api.deps import GatewayDep, UserDep
from auction_gateway.api.job_schemas import AuctionIn, RecentEvent, UploadIn, VoidIn
from auction_gateway.api.job_support import needs, started
from auction_gateway.api.schemas import DownloadLink, FormatStarted, unprocessable
from auction_gateway.domain import FieldError, InvalidInput
from auction_gateway.permissions import Permission
from auction_gateway.task_views import void_export

router = APIRouter(tags=["jobs"])


@router.post("/auctions", status_code=202, dependencies=[needs(Permission.CAN_CREATE_AUCTION)])
async def create_auction(body: AuctionIn, gateway: GatewayDep, user: UserDep) -> FormatStarted:
    """Create a Draft event on the site; it joins the catalogue when the bot reports it created.

    The task's final `result` contains the new `event_id` and `ends_at`.
    """
    try:
        task_id = await job_starts.start_create_auction(
            gateway.unit_of_work,
            warehouse=body.warehouse.strip(),
            title=body.title,
            subtitle=body.subtitle,
            end_date=body.end_date,
            end_time=body.end_time,
            requested_by=user,
            known_warehouses=gateway.settings.warehouses,
            now=gateway.clock(),
            timezone=gateway.timezone,
        )
    except InvalidInput as error:
        raise unprocessable(error) from None
    return started(task_id)


@router.post(
    "/events/{event_id}/uploads",
    status_code=202,
    dependencies=[needs(Permission.CAN_UPLOAD)],
)
async def upload_csv(
    event_id: str, body: UploadIn, gateway: GatewayDep, user: UserDep
) -> FormatStarted:
    """Import a CSV version of the event on the site (or only validate it).

    The final `result` contains `rows_total`, `rows_succeeded` and `rows_failed`; the task page also
    lists the row errors of `upload.completed`.
    """
    version = job_rules.parse_version(body.version)
    try:
        if isinstance(version, FieldError):
            raise InvalidInput([version])
        task_id = await job_starts.start_upload(
            gateway.unit_of_work,
            event_id=event_id,
            version=version,
            validate_only=body.validate_only,
            requested_by=user,
            known_warehouses=gateway.settings.warehouses,
            now=gateway.clock(),
        )
    except InvalidInput as error:
        raise unprocessable(error) from None
    return started(task_id)


@router.get("/voids/events", dependencies=[needs(Permission.CAN_VOID)])
async def voidable_events(gateway: GatewayDep) -> list[RecentEvent]:
    """List catalogue events that ended in the last 10 days (site time), latest end first."""
    async with gateway.unit_of_work() as work:
        events = await work.events.find()
    recent = job_rules.recently_ended(events, gateway.clock(), gateway.timezone)
    return [
        RecentEvent(
            event_id=event.event_id,
            warehouse=event.warehouse,
            title=event.title,
            ends_at=event.ends_at,
        )
        for event in recent
    ]


@router.post("/events/{event_id}/voids", status_code=202, dependencies=[needs(Permission.CAN_VOID)])
async def void_unpaid(
    event_id: str, body: VoidIn, gateway: GatewayDep, user: UserDep
) -> FormatStarted:
    """Void every unpaid sale of an event that ended in the last 10 days. Cannot be undone.

    The final `result` contains `voided_count`; GET /tasks/{task_id}/export links the export.
    """
    try:
        if body.confirm_event_id.strip() != event_id:
            raise InvalidInput(
                [
                    FieldError(
                        "confirm_event_id",
                        body.confirm_event_id[:60],
                        f"Confirmation {body.confirm_event_id[:60]!r} does not match event "
                        f"{event_id!r}; send the event id again to confirm the void.",
                    )
                ]
            )
        task_id = await job_starts.start_void(
            gateway.unit_of_work,
            event_id=event_id,
            copy_to_cancels=body.copy_to_cancels,
            requested_by=user,
            now=gateway.clock(),
            timezone=gateway.timezone,
        )
    except InvalidInput as error:
        raise unprocessable(error) from None
    return started(task_id)


@router.get("/tasks/{task_id}/export", dependencies=[needs(Permission.CAN_VOID)])
async def void_export_link(task_id: str, gateway: GatewayDep) -> DownloadLink:
    """Return a presigned link to the voided-sales export of a void task (buyer data: private)."""
    async with gateway.unit_of_work() as work:
        task = await work.tasks.get(task_id)
    completion = await gateway.outcomes.get(task_id)
    export = void_export(task, completion)
    if export is None:
        raise HTTPException(
            status_code=404,
            detail=f"Task {task_id!r} has no voided-sales export: it is not a finished void, or "
            "it voided nothing.",
        )
    minutes = gateway.settings.download_link_minutes
    url = await gateway.downloads.presigned_get(export, timedelta(minutes=minutes))
    event = task.event_id if task is not None else None
    return DownloadLink(
        url=url,
        expires_at=gateway.clock() + timedelta(minutes=minutes),
        filename=f"voided-sales-{event or task_id}.csv",
    )
