"""The event envelope: CloudEvents 1.0 attributes plus the task id and W3C trace context.

Messages are CloudEvents in structured mode: the Kafka value is one JSON object whose `data` member
holds the event's payload. `type` carries the payload's schema version, e.g.
`auction.format.requested.v1`.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

TYPE_PREFIX = "auction."

PayloadT = TypeVar("PayloadT", bound=BaseModel)


def utc_now() -> datetime:
    return datetime.now(UTC)


def new_event_id() -> str:
    return str(uuid.uuid4())


class Envelope(BaseModel, Generic[PayloadT]):
    """One CloudEvents 1.0 event with the platform's extension attributes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    specversion: Literal["1.0"] = "1.0"
    id: str = Field(default_factory=new_event_id, min_length=1, max_length=200)
    type: str = Field(min_length=1, max_length=200)
    source: str = Field(
        min_length=1, max_length=200, description="The publishing service, e.g. /gateway."
    )
    time: datetime = Field(default_factory=utc_now)
    subject: str | None = Field(
        default=None,
        max_length=200,
        description="The site's auction event id, when the event has one.",
    )
    datacontenttype: Literal["application/json"] = "application/json"
    taskid: str = Field(min_length=1, max_length=200, description="The job this event belongs to.")
    traceparent: str | None = Field(default=None, max_length=55, description="W3C trace context.")
    tracestate: str | None = Field(default=None, max_length=512)
    data: PayloadT


class RawEnvelope(BaseModel):
    """An envelope whose payload is not parsed yet, for routing by `type` before validation."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    specversion: Literal["1.0"]
    id: str = Field(min_length=1, max_length=200)
    type: str = Field(min_length=1, max_length=200)
    source: str = Field(min_length=1, max_length=200)
    time: datetime
    subject: str | None = Field(default=None, max_length=200)
    datacontenttype: Literal["application/json"] = "application/json"
    taskid: str = Field(min_length=1, max_length=200)
    traceparent: str | None = Field(default=None, max_length=55)
    tracestate: str | None = Field(default=None, max_length=512)
    data: dict[str, Any]
