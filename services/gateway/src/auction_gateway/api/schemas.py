"""Request and response bodies of the JSON API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import HTTPException
from pydantic import AliasChoices, BaseModel, ConfigDict, Field, computed_field, field_validator

from auction_gateway.domain import InvalidInput
from auction_gateway.records import AuctionEvent, CsvVersion, TaskRecord, TaskStep


class AirtableLocation(BaseModel):
    """The Airtable location of a warehouse's inventory (ids or names, as airtable-sync reads them)."""

    base_id: str
    inventory_table: str
    send_to_auction_view: str
    remove_dups_view: str
    cancels_table: str | None = None


class Warehouse(BaseModel):
    id: str
    name: str
    airtable: AirtableLocation | None = None


class EventIn(BaseModel):
    """A new catalogue event. Times without an offset are in the site's time zone."""

    model_config = ConfigDict(extra="forbid")

    event_id: str = Field(description="The site's event id: letters, digits, '-' or '_'.")
    warehouse: str
    title: str
    starts_at: datetime
    ends_at: datetime
    active: bool = True


class EventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    event_id: str
    warehouse: str
    title: str
    starts_at: datetime
    ends_at: datetime
    active: bool
    origin: str = Field(
        description="`gateway` when staff added it, `auction.created` from the site."
    )

    @classmethod
    def of(cls, event: AuctionEvent) -> EventOut:
        return cls.model_validate(event)


class EventChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    active: bool = Field(description="Inactive events are not offered on the Format page.")


class FormatIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    warehouse: str
    event_id: str
    starting_price: str | int | float | None = Field(
        default=None,
        description="Overrides every lot's starting bid: above 0, at most 2 decimals.",
    )

    @field_validator("starting_price", mode="before")
    @classmethod
    def _reject_boolean_price(cls, value: object) -> object:
        # Lax validation would turn JSON `true` into the integer 1, a $1.00 override.
        if isinstance(value, bool):
            raise ValueError(
                f"Starting price {value!r} is not an amount; enter a number like 5 or 2.50, "
                "or leave it out to use the pricing rules."
            )
        return value


class FormatStarted(BaseModel):
    task_id: str
    status_url: str
    stream_url: str
    page_url: str


class StepOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    sequence: int
    state: str
    progress: int
    stage: str
    substage: str
    message: str
    service: str
    recorded_at: datetime

    @classmethod
    def of(cls, step: TaskStep) -> StepOut:
        return cls.model_validate(step)


class TaskOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    task_id: str
    job: str
    state: str
    final: bool = Field(validation_alias=AliasChoices("final", "is_final"))
    progress: int
    stage: str
    substage: str
    message: str
    service: str
    warehouse: str | None
    event_id: str | None
    requested_by: str | None
    result: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None

    @computed_field(description="The result page of a finished format job.")  # type: ignore[prop-decorator]
    @property
    def result_page(self) -> str | None:
        if self.final and self.job == "format" and self.event_id:
            return f"/events/{self.event_id}/result"
        return None

    @classmethod
    def of(cls, task: TaskRecord) -> TaskOut:
        return cls.model_validate(task)


class TaskDetail(TaskOut):
    steps: list[StepOut] = Field(default_factory=list)

    @classmethod
    def with_steps(cls, task: TaskRecord, steps: list[TaskStep]) -> TaskDetail:
        detail = cls.model_validate(task)
        detail.steps = [StepOut.of(step) for step in steps]
        return detail


class CsvVersionOut(BaseModel):
    event_id: str
    version: int
    warehouse: str
    lot_count: int
    warning_count: int
    task_id: str
    created_at: datetime
    size: int
    sha256: str
    download_url: str = Field(description="API path that returns a presigned download link.")

    @classmethod
    def of(cls, version: CsvVersion) -> CsvVersionOut:
        return cls(
            event_id=version.event_id,
            version=version.version,
            warehouse=version.warehouse,
            lot_count=version.lot_count,
            warning_count=version.warning_count,
            task_id=version.task_id,
            created_at=version.created_at,
            size=version.csv.size,
            sha256=version.csv.sha256,
            download_url=f"/api/v1/events/{version.event_id}/csv/{version.version}/download",
        )


class DownloadLink(BaseModel):
    url: str
    expires_at: datetime
    filename: str


def unprocessable(error: InvalidInput, location: str = "body") -> HTTPException:
    """Turn rejected input into a 422 shaped like FastAPI's own validation errors."""
    return HTTPException(
        status_code=422,
        detail=[
            {
                "loc": [location, item.field],
                "msg": item.message,
                "type": "value_error",
                "input": item.value,
            }
            for item in error.errors
        ],
    )
