"""Starting the jobs after format: each records a NOT_STARTED task and publishes its request
through the outbox in one transaction, like `jobs.start_format`.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Protocol
from zoneinfo import ZoneInfo

from auction_gateway import job_rules
from auction_gateway.domain import FieldError, InvalidInput, check_warehouse, new_task
from auction_gateway.repository import UnitOfWork, UnitOfWorkFactory
from auction_shared.events import (
    AuctionCreateRequested,
    DedupeMode,
    DedupeRequested,
    InventoryImportRequested,
    JobKind,
    ObjectRef,
    Payload,
    Requester,
    UploadRequested,
    VoidRequested,
)
from auction_shared.logging import get_logger

log = get_logger(__name__)


class ObjectWriter(Protocol):
    async def put_bytes(
        self, bucket: str, key: str, data: bytes, content_type: str = ...
    ) -> ObjectRef:
        """Store the bytes and return their claim check."""
        ...


class MissingObjectWriter:
    """Stands in until the entry point wires the object store; every write fails."""

    async def put_bytes(
        self, bucket: str, key: str, data: bytes, content_type: str = "application/octet-stream"
    ) -> ObjectRef:
        raise RuntimeError("The gateway has no object store configured; cannot store uploads.")


async def _record_and_publish(
    work: UnitOfWork,
    *,
    task_id: str,
    job: JobKind,
    payload: Payload,
    key: str,
    warehouse: str | None,
    event_id: str | None,
    requested_by: str,
    now: datetime,
) -> None:
    await work.tasks.save(
        new_task(
            task_id=task_id,
            job=job.value,
            warehouse=warehouse,
            event_id=event_id,
            requested_by=requested_by,
            now=now,
        )
    )
    await work.publish(payload, task_id=task_id, key=key, subject=event_id)


# --- inventory import ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ManifestUpload:
    """An uploaded manifest and the import options as the form or API received them."""

    warehouse: str
    filename: str
    data: bytes
    status: str | None = None
    column_map_filename: str | None = None
    column_map_data: bytes | None = None
    skip_bad_rows: bool = False


async def start_inventory_import(
    unit_of_work: UnitOfWorkFactory,
    objects: ObjectWriter,
    upload: ManifestUpload,
    *,
    bucket: str,
    requested_by: str,
    known_warehouses: Sequence[str],
    now: datetime,
) -> str:
    """Store the manifest, record a NOT_STARTED task and publish `inventory.import.requested`.

    Every field is checked before anything is stored; raises InvalidInput naming each rejected
    one. The manifest goes to `manifests/<task id>/<safe file name>` in `bucket`.
    """
    filename = job_rules.display_filename(upload.filename)
    errors: list[FieldError] = []
    warehouse_error = check_warehouse(upload.warehouse, known_warehouses)
    if warehouse_error is not None:
        errors.append(warehouse_error)
    errors.extend(job_rules.check_manifest(filename, len(upload.data)))
    status = job_rules.parse_status(upload.status)
    if isinstance(status, FieldError):
        errors.append(status)
    column_map: dict[str, str] | None = None
    if upload.column_map_data is not None:
        map_name = job_rules.display_filename(upload.column_map_filename or "column map")
        parsed = job_rules.parse_column_map(upload.column_map_data, map_name)
        if isinstance(parsed, FieldError):
            errors.append(parsed)
        else:
            column_map = parsed
    if errors:
        raise InvalidInput(errors)
    assert not isinstance(status, FieldError)

    task_id = str(uuid.uuid4())
    # NOTE: the object is stored before the transaction. When the transaction fails, the manifest
    # stays in the bucket without a task until the bucket's lifecycle rules remove it.
    manifest = await objects.put_bytes(
        bucket,
        job_rules.manifest_key(task_id, filename),
        upload.data,
        _manifest_content_type(filename),
    )
    request = InventoryImportRequested(
        warehouse=upload.warehouse,
        manifest=manifest,
        filename=filename,
        column_map=column_map,
        skip_bad_rows=upload.skip_bad_rows,
        status=status,
        requested_by=Requester(kind="user", name=requested_by),
    )
    async with unit_of_work() as work:
        await _record_and_publish(
            work,
            task_id=task_id,
            job=JobKind.INVENTORY_IMPORT,
            payload=request,
            key=upload.warehouse,
            warehouse=upload.warehouse,
            event_id=None,
            requested_by=requested_by,
            now=now,
        )
    log.info(
        "inventory_import_requested",
        task_id=task_id,
        warehouse=upload.warehouse,
        manifest_key=manifest.key,
        size=manifest.size,
        column_map=column_map is not None,
        skip_bad_rows=upload.skip_bad_rows,
    )
    return task_id


def _manifest_content_type(filename: str) -> str:
    lowered = filename.lower()
    if lowered.endswith(".xlsx"):
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    if lowered.endswith((".csv", ".txt", ".tsv")):
        return "text/csv"
    return "application/octet-stream"


# --- creating an auction on the site -------------------------------------------------------------


async def start_create_auction(
    unit_of_work: UnitOfWorkFactory,
    *,
    warehouse: str,
    title: str,
    subtitle: str,
    end_date: str,
    end_time: str,
    requested_by: str,
    known_warehouses: Sequence[str],
    now: datetime,
    timezone: ZoneInfo,
) -> str:
    """Record a NOT_STARTED task and publish `auction.create.requested` (the hibid-bot creates it).

    The new event reaches the catalogue through `auction.created`. Raises InvalidInput.
    """
    warehouse, title, subtitle, ends_on, ends_at = job_rules.build_auction_request(
        warehouse=warehouse,
        title=title,
        subtitle=subtitle,
        end_date=end_date,
        end_time=end_time,
        known_warehouses=known_warehouses,
        today=now.astimezone(timezone).date(),
    )
    task_id = str(uuid.uuid4())
    request = AuctionCreateRequested(
        warehouse=warehouse,
        title=title,
        subtitle=subtitle,
        end_date=ends_on,
        end_time=ends_at,
        requested_by=Requester(kind="user", name=requested_by),
    )
    async with unit_of_work() as work:
        await _record_and_publish(
            work,
            task_id=task_id,
            job=JobKind.CREATE_AUCTION,
            payload=request,
            key=warehouse,
            warehouse=warehouse,
            event_id=None,
            requested_by=requested_by,
            now=now,
        )
    log.info("auction_create_requested", task_id=task_id, warehouse=warehouse, end_date=ends_on)
    return task_id


# --- uploading a CSV version ---------------------------------------------------------------------


async def start_upload(
    unit_of_work: UnitOfWorkFactory,
    *,
    event_id: str,
    version: int | None,
    validate_only: bool,
    requested_by: str,
    known_warehouses: Sequence[str],
    now: datetime,
) -> str:
    """Record a NOT_STARTED task and publish `upload.requested` for one CSV version.

    `version` None means the newest. Raises InvalidInput when the event or version is unknown.
    """
    task_id = str(uuid.uuid4())
    async with unit_of_work() as work:
        event = await work.events.get(event_id)
        errors = job_rules.check_upload_event(event_id, event, known_warehouses)
        if errors:
            raise InvalidInput(errors)
        csv_version = await work.versions.get(event_id, version)
        if csv_version is None:
            wanted = "any CSV version" if version is None else f"CSV version {version}"
            raise InvalidInput(
                [
                    FieldError(
                        "version",
                        "" if version is None else str(version),
                        f"Event {event_id!r} has no {wanted}; format the event first, or pick "
                        "a version from its result page.",
                    )
                ]
            )
        request = UploadRequested(
            warehouse=csv_version.warehouse,
            event_id=event_id,
            version=csv_version.version,
            csv=csv_version.csv,
            validate_only=validate_only,
            requested_by=Requester(kind="user", name=requested_by),
        )
        await _record_and_publish(
            work,
            task_id=task_id,
            job=JobKind.UPLOAD,
            payload=request,
            key=event_id,
            warehouse=csv_version.warehouse,
            event_id=event_id,
            requested_by=requested_by,
            now=now,
        )
    log.info(
        "upload_requested",
        task_id=task_id,
        event_id=event_id,
        version=csv_version.version,
        validate_only=validate_only,
    )
    return task_id


# --- voiding unpaid invoices ---------------------------------------------------------------------


async def start_void(
    unit_of_work: UnitOfWorkFactory,
    *,
    event_id: str,
    copy_to_cancels: bool,
    requested_by: str,
    now: datetime,
    timezone: ZoneInfo,
) -> str:
    """Record a NOT_STARTED task and publish `void.requested` for an event that ended recently.

    Raises InvalidInput when the event is unknown or did not end within the last 10 days.
    """
    task_id = str(uuid.uuid4())
    async with unit_of_work() as work:
        event = await work.events.get(event_id)
        errors = job_rules.check_void_event(event_id, event, now, timezone)
        if errors:
            raise InvalidInput(errors)
        assert event is not None
        request = VoidRequested(
            warehouse=event.warehouse,
            event_id=event_id,
            copy_to_cancels=copy_to_cancels,
            requested_by=Requester(kind="user", name=requested_by),
        )
        await _record_and_publish(
            work,
            task_id=task_id,
            job=JobKind.VOID,
            payload=request,
            key=event_id,
            warehouse=event.warehouse,
            event_id=event_id,
            requested_by=requested_by,
            now=now,
        )
    log.info("void_requested", task_id=task_id, event_id=event_id, copy_to_cancels=copy_to_cancels)
    return task_id


# --- removing duplicates -------------------------------------------------------------------------


async def start_dedupe(
    unit_of_work: UnitOfWorkFactory,
    *,
    warehouse: str,
    auction_number: str,
    target_msrp: Decimal | FieldError,
    plan_id: str | None,
    requested_by: str,
    known_warehouses: Sequence[str],
    now: datetime,
) -> str:
    """Record a NOT_STARTED task and publish `dedupe.requested`.

    Without `plan_id` the job plans (and stores the plan under the new task's id); with it, the
    job applies that stored plan. `target_msrp` comes parsed, or as the error that rejected it.
    Raises InvalidInput naming every rejected field, the auction among them when it is not an
    event of the warehouse in the catalogue.
    """
    task_id = str(uuid.uuid4())
    async with unit_of_work() as work:
        event = await work.events.get(auction_number)
        errors = job_rules.check_dedupe_auction(warehouse, auction_number, event, known_warehouses)
        if isinstance(target_msrp, FieldError):
            errors.append(target_msrp)
        if plan_id is not None:
            plan_error = job_rules.check_plan_id(plan_id)
            if plan_error is not None:
                errors.append(plan_error)
        if errors:
            raise InvalidInput(errors)
        assert not isinstance(target_msrp, FieldError)
        mode = DedupeMode.PLAN if plan_id is None else DedupeMode.APPLY
        request = DedupeRequested(
            warehouse=warehouse,
            auction_number=auction_number,
            target_msrp=target_msrp,
            mode=mode,
            plan_id=plan_id,
            requested_by=Requester(kind="user", name=requested_by),
        )
        await _record_and_publish(
            work,
            task_id=task_id,
            job=JobKind.DEDUPE,
            payload=request,
            key=warehouse,
            warehouse=warehouse,
            event_id=auction_number,
            requested_by=requested_by,
            now=now,
        )
    log.info(
        "dedupe_requested",
        task_id=task_id,
        warehouse=warehouse,
        auction_number=auction_number,
        mode=mode.value,
    )
    return task_id
