"""Kafka handlers: task statuses into the read model, created events into the catalogue, and
formatted CSV versions into the version list.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from prometheus_client import Counter

from auction_gateway.domain import FieldError, event_from_created, merge_status, step_of
from auction_gateway.live import ChangeSignal
from auction_gateway.readmodel import SqlTaskReadModel, TaskReadModel
from auction_gateway.records import CsvVersion
from auction_gateway.repository import (
    CsvVersions,
    EventCatalogue,
    SqlCsvVersions,
    SqlEventCatalogue,
)
from auction_shared.events import (
    AuctionCreated,
    AuctionFormatted,
    Envelope,
    Payload,
    TaskStatus,
    payload_as,
)
from auction_shared.events.envelope import utc_now
from auction_shared.logging import get_logger
from auction_shared.messaging import HandlerContext, ServiceRuntime

log = get_logger(__name__)

TASK_STATES = Counter(
    "auction_task_states_total",
    "Task states recorded by the gateway, by job and state; final states count finished tasks.",
    ["job", "state"],
)


async def record_status(tasks: TaskReadModel, status: TaskStatus, now: datetime) -> bool:
    """Add the status to the task's history; return True when it became the task's state."""
    current = await tasks.get(status.task_id, lock=True)
    merged = merge_status(current, status, now)
    if merged is not None:
        await tasks.save(merged)
    await tasks.add_step(status.task_id, step_of(status, now))
    return merged is not None


async def record_created_event(events: EventCatalogue, payload: AuctionCreated) -> bool:
    """Add or refresh the site's new event in the catalogue; return False when it is unusable."""
    event = event_from_created(payload)
    if isinstance(event, FieldError):
        log.warning(
            "created_event_skipped",
            event_id=event.value,
            warehouse=payload.warehouse,
            reason=event.message,
        )
        return False
    await events.upsert(event)
    return True


async def record_csv_version(
    versions: CsvVersions, payload: AuctionFormatted, task_id: str, created_at: datetime
) -> None:
    await versions.record(
        CsvVersion(
            event_id=payload.event_id,
            version=payload.version,
            warehouse=payload.warehouse,
            csv=payload.csv,
            lot_count=payload.lot_count,
            warning_count=payload.warning_count,
            task_id=task_id,
            created_at=created_at,
        )
    )


class GatewayHandlers:
    """The gateway's subscriptions; each handler writes in the consumer's one transaction."""

    def __init__(self, changes: ChangeSignal, clock: Callable[[], datetime] = utc_now) -> None:
        self._changes = changes
        self._clock = clock

    def subscribe(self, runtime: ServiceRuntime) -> None:
        runtime.subscribe(TaskStatus, self.on_task_status)
        runtime.subscribe(AuctionCreated, self.on_auction_created)
        runtime.subscribe(AuctionFormatted, self.on_auction_formatted)

    async def on_task_status(self, envelope: Envelope[Payload], ctx: HandlerContext) -> None:
        status = payload_as(envelope, TaskStatus)
        async with ctx.transaction() as tx:
            applied = await record_status(SqlTaskReadModel(tx.session), status, self._clock())
        self._changes.notify()
        if applied:
            TASK_STATES.labels(job=status.job.value, state=status.state.value).inc()
        ctx.log.debug(
            "task_status_recorded",
            task_id=status.task_id,
            state=status.state.value,
            sequence=status.sequence,
            applied=applied,
        )

    async def on_auction_created(self, envelope: Envelope[Payload], ctx: HandlerContext) -> None:
        payload = payload_as(envelope, AuctionCreated)
        async with ctx.transaction() as tx:
            added = await record_created_event(SqlEventCatalogue(tx.session), payload)
        if added:
            ctx.log.info(
                "catalogue_event_recorded", event_id=payload.event_id, warehouse=payload.warehouse
            )

    async def on_auction_formatted(self, envelope: Envelope[Payload], ctx: HandlerContext) -> None:
        payload = payload_as(envelope, AuctionFormatted)
        async with ctx.transaction() as tx:
            await record_csv_version(
                SqlCsvVersions(tx.session), payload, envelope.taskid, envelope.time
            )
        ctx.log.info(
            "csv_version_recorded",
            event_id=payload.event_id,
            version=payload.version,
            lot_count=payload.lot_count,
            warning_count=payload.warning_count,
        )
