"""Job requests that other systems publish straight to Kafka, recorded in the audit log.

The gateway reads every request topic in its own consumer group. Requests it published itself
(envelope `source` is the gateway's) were audited by the HTTP request that started them and are
skipped. Any other request gets an audit entry naming its `requested_by`, and a NOT_STARTED task
row when the task is unknown, so the job shows on the Tasks page before its first status.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from auction_gateway.accounts.audit import redact
from auction_gateway.accounts.records import AuditEntry
from auction_gateway.accounts.store import insert_audit
from auction_gateway.domain import new_task, retention_cutoff
from auction_gateway.readmodel import SqlTaskReadModel
from auction_shared.events import (
    AuctionCreateRequested,
    DedupeRequested,
    Envelope,
    FormatRequested,
    InventoryImportRequested,
    JobKind,
    Payload,
    Requester,
    UploadRequested,
    VoidRequested,
)
from auction_shared.events.envelope import utc_now
from auction_shared.messaging import HandlerContext, ServiceRuntime

REQUEST_JOBS: dict[type[Payload], JobKind] = {
    FormatRequested: JobKind.FORMAT,
    InventoryImportRequested: JobKind.INVENTORY_IMPORT,
    AuctionCreateRequested: JobKind.CREATE_AUCTION,
    UploadRequested: JobKind.UPLOAD,
    VoidRequested: JobKind.VOID,
    DedupeRequested: JobKind.DEDUPE,
}


def requester_of(payload: Payload) -> Requester:
    requester = getattr(payload, "requested_by", None)
    if isinstance(requester, Requester):
        return requester
    return Requester(kind="system", name="unknown")


def request_audit_entry(envelope: Envelope[Payload]) -> AuditEntry:
    """Describe a request event as an audit entry (its parameters without `requested_by`)."""
    payload = envelope.data
    requester = requester_of(payload)
    parameters: dict[str, Any] = payload.model_dump(mode="json", exclude={"requested_by"})
    return AuditEntry(
        occurred_at=envelope.time,
        actor=requester.name,
        actor_kind=requester.kind,
        via="kafka",
        action=f"KAFKA {payload.topic}",
        parameters=redact(parameters),
        outcome="recorded",
        task_id=envelope.taskid,
        client=envelope.source[:100],
    )


class RequestRecorder:
    """Subscribes to the request topics and records requests other systems published."""

    def __init__(
        self,
        own_source: str,
        retention_hours: float,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._own_source = own_source
        self._retention_hours = retention_hours
        self._clock = clock

    def subscribe(self, runtime: ServiceRuntime) -> None:
        for model in REQUEST_JOBS:
            runtime.subscribe(model, self.on_request)

    async def on_request(self, envelope: Envelope[Payload], ctx: HandlerContext) -> None:
        if envelope.source == self._own_source:
            ctx.log.debug("own_request_skipped", task_id=envelope.taskid)
            return
        payload = envelope.data
        entry = request_audit_entry(envelope)
        job = REQUEST_JOBS.get(type(payload), JobKind.FORMAT)
        # Old requests read on the first start of this consumer group get audited, but no task
        # row: their tasks finished long ago and would otherwise show as NOT_STARTED.
        recent = envelope.time >= retention_cutoff(self._clock(), self._retention_hours)
        async with ctx.transaction() as tx:
            await insert_audit(tx.session, entry)
            tasks = SqlTaskReadModel(tx.session)
            if recent and await tasks.get(envelope.taskid) is None:
                await tasks.save(
                    new_task(
                        task_id=envelope.taskid,
                        job=job.value,
                        warehouse=getattr(payload, "warehouse", None),
                        event_id=getattr(payload, "event_id", None),
                        requested_by=entry.actor,
                        now=envelope.time,
                    )
                )
        ctx.log.info(
            "external_request_recorded",
            task_id=envelope.taskid,
            job=job.value,
            requester=entry.actor,
            requester_kind=entry.actor_kind,
        )
