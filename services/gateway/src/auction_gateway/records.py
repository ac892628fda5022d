"""Records the gateway stores and shows: catalogue events, tasks, task steps and CSV versions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from auction_shared.events import ObjectRef, TaskState

FINAL_STATES = frozenset(state.value for state in TaskState if state.is_final)


@dataclass(frozen=True)
class AuctionEvent:
    """One auction event of the site, as the catalogue lists it."""

    event_id: str
    warehouse: str
    title: str
    starts_at: datetime
    ends_at: datetime
    active: bool = True
    origin: str = "gateway"


@dataclass(frozen=True)
class TaskRecord:
    """The latest known state of one job."""

    task_id: str
    job: str
    state: str
    progress: int
    stage: str
    substage: str
    message: str
    service: str
    sequence: int
    warehouse: str | None
    event_id: str | None
    requested_by: str | None
    result: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None = None

    @property
    def is_final(self) -> bool:
        return self.state in FINAL_STATES


@dataclass(frozen=True)
class TaskStep:
    """One `task.status` event of a task, kept as its history."""

    sequence: int
    state: str
    progress: int
    stage: str
    substage: str
    message: str
    service: str
    recorded_at: datetime


@dataclass(frozen=True)
class CsvVersion:
    """One version of an event's import CSV, as announced by `auction.formatted`."""

    event_id: str
    version: int
    warehouse: str
    csv: ObjectRef
    lot_count: int
    warning_count: int
    task_id: str
    created_at: datetime


@dataclass(frozen=True)
class TaskWithSteps:
    task: TaskRecord
    steps: list[TaskStep] = field(default_factory=list)
