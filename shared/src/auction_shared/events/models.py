"""Payload models of the event catalogue, one per event type.

Each model names its topic and schema version. Amounts of money are decimal strings in JSON.
Large payloads travel by claim check: the event carries an `ObjectRef` to object storage.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from auction_shared import topics

WarehouseId = str
Money = Decimal
# A starting-bid override: every event that carries one repeats the check, because the format
# job's later events can be published by any producer, not only by the service before it.
StartingPrice = Annotated[Decimal, Field(gt=0, max_digits=9, decimal_places=2)]


class Payload(BaseModel):
    """Base of every event payload: strict about unknown fields, immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    topic: ClassVar[str]
    schema_version: ClassVar[int] = 1

    @classmethod
    def event_type(cls) -> str:
        return f"auction.{cls.topic}.v{cls.schema_version}"


class ObjectRef(BaseModel):
    """A claim check: where a large payload lives in object storage and its SHA-256."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    bucket: str = Field(min_length=3, max_length=63)
    key: str = Field(min_length=1, max_length=1024)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    size: int = Field(ge=0)
    content_type: str = "application/octet-stream"


class Requester(BaseModel):
    """The requester of a job: a staff user of the gateway or another system."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["user", "system"] = "user"
    name: str = Field(min_length=1, max_length=100)


class TaskState(StrEnum):
    NOT_STARTED = "NOT_STARTED"
    IN_PROGRESS = "IN_PROGRESS"
    COMPLETED = "COMPLETED"
    ERROR = "ERROR"
    WARNING = "WARNING"

    @property
    def is_final(self) -> bool:
        return self in (TaskState.COMPLETED, TaskState.ERROR, TaskState.WARNING)


class JobKind(StrEnum):
    FORMAT = "format"
    INVENTORY_IMPORT = "inventory_import"
    CREATE_AUCTION = "create_auction"
    UPLOAD = "upload"
    VOID = "void"
    DEDUPE = "dedupe"


# --- the main job: format an auction -------------------------------------------------------------


class FormatRequested(Payload):
    """A request to format an auction event's lots into the import CSV, from staff or a system."""

    topic: ClassVar[str] = topics.FORMAT_REQUESTED

    warehouse: WarehouseId = Field(min_length=1, max_length=40)
    event_id: str = Field(min_length=1, max_length=40, pattern=r"^[0-9A-Za-z_-]+$")
    starting_price: StartingPrice | None = Field(
        default=None, description="Overrides every lot's starting bid."
    )
    requested_by: Requester


class InventoryFetched(Payload):
    """airtable-sync stored a snapshot of the warehouse's "send to auction" view."""

    topic: ClassVar[str] = topics.INVENTORY_FETCHED

    warehouse: WarehouseId
    event_id: str
    starting_price: StartingPrice | None = None
    snapshot: ObjectRef
    record_count: int = Field(ge=0)


class ImagesReady(Payload):
    """images processed the snapshot's photos; the manifest maps record ids to public photo URLs."""

    topic: ClassVar[str] = topics.IMAGES_READY

    warehouse: WarehouseId
    event_id: str
    starting_price: StartingPrice | None = None
    snapshot: ObjectRef
    manifest: ObjectRef
    photos_processed: int = Field(ge=0)
    photos_rejected: int = Field(ge=0)


class AuctionFormatted(Payload):
    """formatter stored a new version of the event's import CSV."""

    topic: ClassVar[str] = topics.AUCTION_FORMATTED

    warehouse: WarehouseId
    event_id: str
    version: int = Field(ge=1)
    csv: ObjectRef
    lot_count: int = Field(ge=0)
    warning_count: int = Field(ge=0)


# --- inventory import ------------------------------------------------------------------------------


class InventoryImportRequested(Payload):
    """Import a liquidation manifest (stored in object storage) into a warehouse's inventory."""

    topic: ClassVar[str] = topics.INVENTORY_IMPORT_REQUESTED

    warehouse: WarehouseId = Field(min_length=1, max_length=40)
    manifest: ObjectRef
    filename: str = Field(min_length=1, max_length=255)
    column_map: dict[str, str] | None = None
    skip_bad_rows: bool = False
    status: str | None = Field(
        default=None, max_length=60, description="Status to give the new records."
    )
    requested_by: Requester


class InventoryImported(Payload):
    topic: ClassVar[str] = topics.INVENTORY_IMPORTED

    warehouse: WarehouseId
    records_created: int = Field(ge=0)
    first_lot_number: int | None = None
    last_lot_number: int | None = None
    rows_skipped: int = Field(ge=0)


# --- the auction site ------------------------------------------------------------------------------


class AuctionCreateRequested(Payload):
    """Create an event on the auction site, ending on `end_date` at `end_time` (site time zone)."""

    topic: ClassVar[str] = topics.AUCTION_CREATE_REQUESTED

    warehouse: WarehouseId = Field(min_length=1, max_length=40)
    title: str = Field(min_length=1, max_length=80)
    subtitle: str = Field(default="", max_length=80)
    end_date: date
    end_time: time = time(18, 30)
    requested_by: Requester


class AuctionCreated(Payload):
    topic: ClassVar[str] = topics.AUCTION_CREATED

    warehouse: WarehouseId
    event_id: str
    title: str
    starts_at: datetime
    ends_at: datetime


class UploadRequested(Payload):
    """Import a formatted CSV version into its event through the site's Import CSV page."""

    topic: ClassVar[str] = topics.UPLOAD_REQUESTED

    warehouse: WarehouseId = Field(min_length=1, max_length=40)
    event_id: str = Field(min_length=1, max_length=40, pattern=r"^[0-9A-Za-z_-]+$")
    version: int = Field(ge=1)
    csv: ObjectRef
    validate_only: bool = False
    requested_by: Requester


class RowError(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    line: int = Field(ge=1)
    title: str = ""
    message: str


class UploadCompleted(Payload):
    topic: ClassVar[str] = topics.UPLOAD_COMPLETED

    warehouse: WarehouseId
    event_id: str
    version: int
    validate_only: bool
    rows_total: int = Field(ge=0)
    rows_imported: int = Field(ge=0)
    row_errors: list[RowError] = Field(default_factory=list, max_length=1000)


class VoidRequested(Payload):
    """Void every unpaid sale of an ended event; optionally copy the voided rows to Airtable."""

    topic: ClassVar[str] = topics.VOID_REQUESTED

    warehouse: WarehouseId = Field(min_length=1, max_length=40)
    event_id: str = Field(min_length=1, max_length=40, pattern=r"^[0-9A-Za-z_-]+$")
    copy_to_cancels: bool = False
    requested_by: Requester


class VoidCompleted(Payload):
    topic: ClassVar[str] = topics.VOID_COMPLETED

    warehouse: WarehouseId
    event_id: str
    voided_count: int = Field(ge=0)
    export: ObjectRef | None = Field(default=None, description="Private CSV of the voided rows.")
    copy_to_cancels: bool = False


class DedupeMode(StrEnum):
    PLAN = "plan"
    APPLY = "apply"


class DedupeRequested(Payload):
    topic: ClassVar[str] = topics.DEDUPE_REQUESTED

    warehouse: WarehouseId = Field(min_length=1, max_length=40)
    auction_number: str = Field(min_length=1, max_length=40)
    target_msrp: Money = Field(gt=0, max_digits=12, decimal_places=2)
    mode: DedupeMode = DedupeMode.PLAN
    plan_id: str | None = Field(default=None, max_length=100)
    requested_by: Requester


class DedupeCompleted(Payload):
    topic: ClassVar[str] = topics.DEDUPE_COMPLETED

    warehouse: WarehouseId
    auction_number: str
    mode: DedupeMode
    plan_id: str
    records_tagged: int = Field(ge=0)
    msrp_total: Money
    groups_touched: int = Field(ge=0)


# --- live status -----------------------------------------------------------------------------------


class TaskStatus(Payload):
    """One step of a job: the gateway keeps the latest per task (by `sequence`)."""

    topic: ClassVar[str] = topics.TASK_STATUS

    task_id: str = Field(min_length=1, max_length=200)
    job: JobKind
    state: TaskState
    progress: int = Field(ge=0, le=100)
    stage: str = Field(default="", max_length=100)
    substage: str = Field(default="", max_length=200)
    message: str = Field(default="", max_length=2000)
    service: str = Field(min_length=1, max_length=60)
    sequence: int = Field(ge=0, description="Nanoseconds since the epoch when the status was made.")
    warehouse: WarehouseId | None = None
    event_id: str | None = None
    result: dict[str, Any] = Field(default_factory=dict)


CATALOGUE: tuple[type[Payload], ...] = (
    FormatRequested,
    InventoryFetched,
    ImagesReady,
    AuctionFormatted,
    InventoryImportRequested,
    InventoryImported,
    AuctionCreateRequested,
    AuctionCreated,
    UploadRequested,
    UploadCompleted,
    VoidRequested,
    VoidCompleted,
    DedupeRequested,
    DedupeCompleted,
    TaskStatus,
)

JOB_BY_TOPIC: dict[str, JobKind] = {
    topics.FORMAT_REQUESTED: JobKind.FORMAT,
    topics.INVENTORY_FETCHED: JobKind.FORMAT,
    topics.IMAGES_READY: JobKind.FORMAT,
    topics.AUCTION_FORMATTED: JobKind.FORMAT,
    topics.INVENTORY_IMPORT_REQUESTED: JobKind.INVENTORY_IMPORT,
    topics.INVENTORY_IMPORTED: JobKind.INVENTORY_IMPORT,
    topics.AUCTION_CREATE_REQUESTED: JobKind.CREATE_AUCTION,
    topics.AUCTION_CREATED: JobKind.CREATE_AUCTION,
    topics.UPLOAD_REQUESTED: JobKind.UPLOAD,
    topics.UPLOAD_COMPLETED: JobKind.UPLOAD,
    topics.VOID_REQUESTED: JobKind.VOID,
    topics.VOID_COMPLETED: JobKind.VOID,
    topics.DEDUPE_REQUESTED: JobKind.DEDUPE,
    topics.DEDUPE_COMPLETED: JobKind.DEDUPE,
}
BY_TYPE: dict[str, type[Payload]] = {model.event_type(): model for model in CATALOGUE}
BY_TOPIC: dict[str, type[Payload]] = {model.topic: model for model in CATALOGUE}


__all__ = [
    "BY_TOPIC",
    "BY_TYPE",
    "CATALOGUE",
    "JOB_BY_TOPIC",
    "AuctionCreateRequested",
    "AuctionCreated",
    "AuctionFormatted",
    "DedupeCompleted",
    "DedupeMode",
    "DedupeRequested",
    "FormatRequested",
    "ImagesReady",
    "InventoryFetched",
    "InventoryImportRequested",
    "InventoryImported",
    "JobKind",
    "Money",
    "ObjectRef",
    "Payload",
    "Requester",
    "RowError",
    "TaskState",
    "TaskStatus",
    "UploadCompleted",
    "UploadRequested",
    "VoidCompleted",
    "VoidRequested",
    "WarehouseId",
]
