"""In-memory fakes of the gateway's storage, object store and clock, and an app built on them."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from fastapi import FastAPI

from auction_gateway.accounts.passwords import Passwords
from auction_gateway.accounts.records import Account
from auction_gateway.accounts.roles import Role
from auction_gateway.accounts.service import AccountService
from auction_gateway.accounts.throttle import LoginThrottle
from auction_gateway.app import ROUTERS, configure_app
from auction_gateway.auth import SessionCookies
from auction_gateway.context import Gateway
from auction_gateway.readmodel import RECENT_TASKS_LIMIT, TaskReadModel
from auction_gateway.records import FINAL_STATES, AuctionEvent, CsvVersion, TaskRecord, TaskStep
from auction_gateway.repository import (
    CsvVersions,
    EventCatalogue,
    UnitOfWork,
    UnitOfWorkFactory,
)
from auction_gateway.settings import GatewaySettings
from auction_shared.events import ObjectRef, Payload

from .account_fakes import FakeAccountStore

USER = "demo"
PASSWORD = "correct horse battery staple"
NOW = datetime(2026, 12, 4, 20, 0, tzinfo=UTC)
# Argon2 at its cheapest, so tests that log in many times stay fast.
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@dataclass
class Published:
    payload: Payload
    task_id: str
    key: str | None
    subject: str | None


@dataclass
class FakeState:
    events: dict[str, AuctionEvent] = field(default_factory=dict)
    tasks: dict[str, TaskRecord] = field(default_factory=dict)
    steps: dict[str, list[TaskStep]] = field(default_factory=dict)
    versions: dict[tuple[str, int], CsvVersion] = field(default_factory=dict)
    published: list[Published] = field(default_factory=list)


class FakeEventCatalogue:
    def __init__(self, state: FakeState) -> None:
        self._state = state

    async def find(
        self, *, warehouse: str | None = None, active_only: bool = False
    ) -> list[AuctionEvent]:
        events = [
            event
            for event in self._state.events.values()
            if (warehouse is None or event.warehouse == warehouse)
            and (event.active or not active_only)
        ]
        return sorted(events, key=lambda event: event.starts_at, reverse=True)

    async def get(self, event_id: str) -> AuctionEvent | None:
        return self._state.events.get(event_id)

    async def add(self, event: AuctionEvent) -> bool:
        if event.event_id in self._state.events:
            return False
        self._state.events[event.event_id] = event
        return True

    async def upsert(self, event: AuctionEvent) -> None:
        self._state.events[event.event_id] = event

    async def set_active(self, event_id: str, active: bool) -> AuctionEvent | None:
        if event_id not in self._state.events:
            return None
        changed = replace(self._state.events[event_id], active=active)
        self._state.events[event_id] = changed
        return changed


class FakeTaskReadModel:
    def __init__(self, state: FakeState) -> None:
        self._state = state

    async def get(self, task_id: str, *, lock: bool = False) -> TaskRecord | None:
        return self._state.tasks.get(task_id)

    async def save(self, task: TaskRecord) -> None:
        current = self._state.tasks.get(task.task_id)
        if current is None or current.sequence < task.sequence:
            self._state.tasks[task.task_id] = task

    async def add_step(self, task_id: str, step: TaskStep) -> None:
        assert task_id in self._state.tasks, "a step needs its task row first"
        self._state.steps.setdefault(task_id, []).append(step)

    async def steps(self, task_id: str, *, after_sequence: int = -1) -> list[TaskStep]:
        steps = self._state.steps.get(task_id, [])
        return sorted(
            (step for step in steps if step.sequence > after_sequence),
            key=lambda step: step.sequence,
        )

    async def recent(self, since: datetime, *, limit: int = RECENT_TASKS_LIMIT) -> list[TaskRecord]:
        tasks = [task for task in self._state.tasks.values() if task.updated_at >= since]
        return sorted(tasks, key=lambda task: task.created_at, reverse=True)[:limit]

    async def purge_finished(self, before: datetime) -> int:
        doomed = [
            task.task_id
            for task in self._state.tasks.values()
            if task.state in FINAL_STATES and task.finished_at and task.finished_at < before
        ]
        for task_id in doomed:
            del self._state.tasks[task_id]
            self._state.steps.pop(task_id, None)
        return len(doomed)


class FakeCsvVersions:
    def __init__(self, state: FakeState) -> None:
        self._state = state

    async def record(self, version: CsvVersion) -> None:
        self._state.versions[(version.event_id, version.version)] = version

    async def history(self, event_id: str) -> list[CsvVersion]:
        found = [v for (event, _), v in self._state.versions.items() if event == event_id]
        return sorted(found, key=lambda version: version.version, reverse=True)

    async def get(self, event_id: str, version: int | None = None) -> CsvVersion | None:
        history = await self.history(event_id)
        if version is None:
            return history[0] if history else None
        return self._state.versions.get((event_id, version))


class FakeUnitOfWork:
    def __init__(self, state: FakeState) -> None:
        self.events: EventCatalogue = FakeEventCatalogue(state)
        self.tasks: TaskReadModel = FakeTaskReadModel(state)
        self.versions: CsvVersions = FakeCsvVersions(state)
        self._state = state

    async def publish(
        self, payload: Payload, *, task_id: str, key: str | None, subject: str | None
    ) -> str:
        self._state.published.append(Published(payload, task_id, key, subject))
        return f"event-{len(self._state.published)}"


class FakeDatabase:
    """Holds the state; a unit of work that raises leaves it as it was (like a rollback)."""

    def __init__(self) -> None:
        self.state = FakeState()
        self.commits = 0

    def unit_of_work(self) -> UnitOfWorkFactory:
        @asynccontextmanager
        async def begin() -> AsyncIterator[UnitOfWork]:
            snapshot = copy.deepcopy(self.state)
            try:
                yield FakeUnitOfWork(self.state)
            except BaseException:
                self.state.__dict__.update(snapshot.__dict__)
                raise
            self.commits += 1

        return begin


class FakeDownloads:
    async def presigned_get(
        self, ref: ObjectRef, expires: timedelta = timedelta(minutes=15)
    ) -> str:
        return f"http://s3.test/{ref.bucket}/{ref.key}?expires={int(expires.total_seconds())}"


class FakeSideFiles:
    def __init__(self) -> None:
        self.objects: dict[tuple[str, str], bytes] = {}

    async def read(self, bucket: str, key: str) -> bytes | None:
        return self.objects.get((bucket, key))


class Clock:
    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Harness:
    app: FastAPI
    gateway: Gateway
    database: FakeDatabase
    side_files: FakeSideFiles
    clock: Clock
    accounts: FakeAccountStore = field(default_factory=FakeAccountStore)

    def add_user(self, username: str, role: Role, password: str = PASSWORD) -> Account:
        """Add an active account directly to the store (hashed with the cheap hasher)."""
        account = Account(username, role, CHEAP_HASHER.hash(password), True, NOW, NOW)
        self.accounts.accounts[username] = account
        return account


def make_harness(**settings: Any) -> Harness:
    # Explicit values, so AUCTION_* variables of the shell running the tests change nothing.
    values: dict[str, Any] = {
        "environment": "test",
        "warehouses": ("maule", "sahara"),
        "site_timezone": "America/Los_Angeles",
        "task_retention_hours": 24,
        "download_link_minutes": 15,
        "demo_user": USER,
        "demo_password": PASSWORD,
        "session_secret": "x" * 40,
        "stream_poll_seconds": 0.01,
        **settings,
    }
    config = GatewaySettings(**values)
    database = FakeDatabase()
    side_files = FakeSideFiles()
    clock = Clock()
    accounts = FakeAccountStore()
    gateway = Gateway(
        settings=config,
        unit_of_work=database.unit_of_work(),
        downloads=FakeDownloads(),
        side_files=side_files,
        accounts=AccountService(
            accounts,
            Passwords(CHEAP_HASHER),
            LoginThrottle(),
            session_max_age_seconds=3600,
            clock=clock,
        ),
        cookies=SessionCookies("x" * 40, 3600, secure=False),
        clock=clock,
    )
    app = FastAPI()
    for router in ROUTERS:
        app.include_router(router)
    configure_app(app, gateway, purge=False)
    harness = Harness(app, gateway, database, side_files, clock, accounts)
    # The demo account as the start-up bootstrap creates it in development and test.
    harness.add_user(USER, Role.ADMIN)
    return harness


def event(
    event_id: str = "E100", warehouse: str = "maule", *, active: bool = True, title: str = "Weekly"
) -> AuctionEvent:
    return AuctionEvent(
        event_id=event_id,
        warehouse=warehouse,
        title=title,
        starts_at=NOW,
        ends_at=NOW + timedelta(days=6),
        active=active,
    )


def task(task_id: str = "t-1", **changes: Any) -> TaskRecord:
    base = TaskRecord(
        task_id=task_id,
        job="format",
        state="NOT_STARTED",
        progress=0,
        stage="queued",
        substage="",
        message="",
        service="gateway",
        sequence=0,
        warehouse="maule",
        event_id="E100",
        requested_by=USER,
        result={},
        created_at=NOW,
        updated_at=NOW,
    )
    return replace(base, **changes)


def csv_ref(event_id: str = "E100", version: int = 1) -> ObjectRef:
    return ObjectRef(
        bucket="auction-private",
        key=f"formatted/{event_id}/v{version}/lots.csv",
        sha256="a" * 64,
        size=1234,
        content_type="text/csv",
    )


def csv_version(event_id: str = "E100", version: int = 1, **changes: Any) -> CsvVersion:
    base = CsvVersion(
        event_id=event_id,
        version=version,
        warehouse="maule",
        csv=csv_ref(event_id, version),
        lot_count=42,
        warning_count=2,
        task_id="t-1",
        created_at=NOW,
    )
    return replace(base, **changes)
