"""The gateway's Alembic migration against PostgreSQL: it builds exactly the tables the code uses."""

from __future__ import annotations

import asyncio
import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, create_engine

from auction_gateway.domain import new_task
from auction_gateway.handlers import record_status
from auction_gateway.readmodel import SqlTaskReadModel
from auction_gateway.records import AuctionEvent
from auction_gateway.repository import SqlEventCatalogue
from auction_gateway.tables import metadata
from auction_shared.db import make_engine, make_session_factory
from auction_shared.events import JobKind, TaskState, TaskStatus

from .conftest import GatewayEnv

pytestmark = pytest.mark.integration


def test_migration_matches_metadata(gateway_env: GatewayEnv) -> None:
    settings = gateway_env.settings
    engine = create_engine(
        settings.database_url,
        connect_args={"options": f"-c search_path={settings.database_schema}"},
    )

    def differences(connection: Connection) -> list[object]:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": True}
        )
        return list(compare_metadata(context, metadata))

    with engine.connect() as connection:
        assert differences(connection) == []
    engine.dispose()


async def test_purge_deletes_old_finished_tasks_and_steps(gateway_env: GatewayEnv) -> None:
    settings = gateway_env.settings
    engine = make_engine(settings.database_url, settings.database_schema)
    sessions = make_session_factory(engine)
    now = datetime.now(UTC)
    old = now - timedelta(hours=30)
    try:
        async with sessions() as session, session.begin():
            tasks = SqlTaskReadModel(session)
            for task_id, when in (("old", old), ("new", now)):
                await tasks.save(
                    new_task(
                        task_id=task_id,
                        job="format",
                        warehouse="maule",
                        event_id="4412",
                        requested_by="it",
                        now=when,
                    )
                )
                done = TaskStatus(
                    task_id=task_id,
                    job=JobKind.FORMAT,
                    state=TaskState.COMPLETED,
                    progress=100,
                    service="formatter",
                    sequence=5,
                )
                assert await record_status(tasks, done, when)
        async with sessions() as session, session.begin():
            purged = await SqlTaskReadModel(session).purge_finished(now - timedelta(hours=24))
        async with sessions() as session:
            tasks = SqlTaskReadModel(session)
            remaining = [task.task_id for task in await tasks.recent(old - timedelta(hours=1))]
            old_steps = await tasks.steps("old")
        assert purged == 1
        assert remaining == ["new"]
        assert old_steps == []
    finally:
        await engine.dispose()
        await asyncio.sleep(0)


async def test_catalogue_on_postgres(gateway_env: GatewayEnv) -> None:
    settings = gateway_env.settings
    engine = make_engine(settings.database_url, settings.database_schema)
    sessions = make_session_factory(engine)
    now = datetime.now(UTC)
    first = AuctionEvent("4412", "maule", "Weekly", now, now + timedelta(days=6))
    try:
        async with sessions() as session, session.begin():
            events = SqlEventCatalogue(session)
            assert await events.add(first)
            assert not await events.add(replace(first, title="Again"))
            await events.upsert(replace(first, event_id="5001", warehouse="sahara"))
            await events.upsert(replace(first, event_id="5001", warehouse="sahara", title="New"))
            changed = await events.set_active("4412", False)
            assert await events.set_active("missing", False) is None
        async with sessions() as session:
            events = SqlEventCatalogue(session)
            active = await events.find(active_only=True)
            maule = await events.find(warehouse="maule")
        assert changed is not None and changed.active is False
        assert [(event.event_id, event.title) for event in active] == [("5001", "New")]
        assert [event.title for event in maule] == ["Weekly"]
    finally:
        await engine.dispose()


async def test_concurrent_statuses_keep_newest(gateway_env: GatewayEnv) -> None:
    settings = gateway_env.settings
    engine = make_engine(settings.database_url, settings.database_schema, pool_size=10)
    sessions = make_session_factory(engine)
    sequences = list(range(1, 21))
    random.Random(7).shuffle(sequences)

    async def apply(sequence: int) -> None:
        final = sequence == max(sequences)
        status = TaskStatus(
            task_id="race",
            job=JobKind.FORMAT,
            state=TaskState.COMPLETED if final else TaskState.IN_PROGRESS,
            progress=sequence * 5,
            service="formatter",
            sequence=sequence,
        )
        async with sessions() as session, session.begin():
            await record_status(SqlTaskReadModel(session), status, datetime.now(UTC))

    try:
        # The task does not exist yet, so the first transactions race to insert it.
        await asyncio.gather(*(apply(sequence) for sequence in sequences))
        async with sessions() as session:
            tasks = SqlTaskReadModel(session)
            task = await tasks.get("race")
            steps = await tasks.steps("race")
        assert task is not None
        assert (task.sequence, task.state, task.progress) == (20, "COMPLETED", 100)
        assert [step.sequence for step in steps] == list(range(1, 21))
    finally:
        await engine.dispose()
