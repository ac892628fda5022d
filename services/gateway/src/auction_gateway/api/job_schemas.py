"""Request bodies of the job routes after format: create, upload, void and remove duplicates."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class AuctionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    warehouse: str
    title: str = Field(description="The event's title on the site: 1 to 80 characters.")
    subtitle: str = Field(default="", description="At most 80 characters.")
    end_date: str = Field(description="Last day of the auction, YYYY-MM-DD (site time zone).")
    end_time: str = Field(default="18:30", description="Closing time, 24-hour HH:MM.")


class UploadIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int | str | None = Field(
        default=None, description="CSV version to upload; the newest when left out."
    )
    validate_only: bool = Field(
        default=False, description="Let the site check the CSV without importing it."
    )


class VoidIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    confirm_event_id: str = Field(
        description="The event id again: voiding cannot be undone, so it must be named twice."
    )
    copy_to_cancels: bool = Field(
        default=False, description="Also copy the voided sales to the warehouse's Cancels table."
    )


class DedupeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    warehouse: str
    auction_number: str = Field(description="The site's event id of an auction of the warehouse.")
    target_msrp: str | int | float = Field(description="MSRP total to reach: above 0.")
    plan_id: str | None = Field(
        default=None, description="Apply this stored plan; leave it out to make a plan."
    )


class RecentEvent(BaseModel):
    event_id: str
    warehouse: str
    title: str
    ends_at: datetime
