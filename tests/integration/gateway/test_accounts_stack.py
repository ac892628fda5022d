"""Accounts on PostgreSQL and Kafka: the account store, tokens and audit rows written by the running
gateway, requests other systems publish on Kafka, and `auction-gateway create-admin`."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction_gateway.accounts.bootstrap import create_admin_command
from auction_gateway.accounts.records import Account, ApiToken, AuditEntry, AuditQuery, LoginSession
from auction_gateway.accounts.roles import Role
from auction_gateway.accounts.store import SqlAccountStore
from auction_gateway.entrypoint import create_app
from auction_gateway.permissions import Permission
from auction_gateway.readmodel import SqlTaskReadModel
from auction_shared.db import make_engine, make_session_factory
from auction_shared.events import FormatRequested, Requester, encode, make_envelope
from support.kafka import eventually, produce

from .conftest import PASSWORD, USER, GatewayEnv

pytestmark = pytest.mark.integration

NOW = datetime(2026, 12, 4, 20, 0, tzinfo=UTC)


@pytest.fixture
async def sessions(gateway_env: GatewayEnv) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = make_engine(gateway_env.settings.database_url, gateway_env.settings.database_schema)
    yield make_session_factory(engine)
    await engine.dispose()


async def test_store_accounts_and_sessions(sessions: async_sessionmaker[AsyncSession]) -> None:
    store = SqlAccountStore(sessions)
    account = Account("ana", Role.ADMIN, "hash-1", True, NOW, NOW)
    assert await store.add_account(account)
    assert not await store.add_account(account)
    assert await store.get_account("ana") == account
    assert await store.count_admins() == 1
    changed = await store.update_account("ana", now=NOW, role=Role.STAFF, password_hash="hash-2")
    assert changed is not None
    assert changed.role is Role.STAFF
    assert changed.password_hash == "hash-2"
    assert await store.count_admins() == 0
    assert await store.update_account("nobody", now=NOW, active=False) is None

    for name, expires in (
        ("s1", NOW + timedelta(hours=1)),
        ("s2", NOW + timedelta(hours=1)),
        ("old", NOW - timedelta(hours=1)),
    ):
        await store.add_session(LoginSession(name, "ana", NOW, expires))
    assert (await store.get_session("s1")) is not None
    assert await store.delete_expired_sessions(NOW) == 1
    assert await store.delete_sessions("ana", keep="s1") == 1
    assert await store.get_session("s2") is None
    await store.delete_session("s1")
    assert await store.get_session("s1") is None


async def test_store_tokens_and_audit(sessions: async_sessionmaker[AsyncSession]) -> None:
    store = SqlAccountStore(sessions)
    await store.add_account(Account("bot", Role.STAFF, "hash", True, NOW, NOW))
    token = ApiToken("t1", "bot", "sync", "f" * 64, frozenset({Permission.CAN_FORMAT}), NOW)
    await store.add_token(token)
    assert await store.find_token("f" * 64) == token
    await store.touch_token("t1", NOW)
    await store.touch_token("t1", NOW + timedelta(seconds=10))
    found = await store.find_token("f" * 64)
    assert found is not None
    assert found.last_used_at == NOW
    assert await store.revoke_token("someone-else", "t1", NOW) is False
    assert await store.revoke_token("bot", "t1", NOW) is True
    assert await store.revoke_token("bot", "t1", NOW) is False
    listed = await store.list_tokens("bot")
    assert [item.revoked_at for item in listed] == [NOW]

    for hour, actor, action in (
        (1, "bot", "POST /api/v1/format"),
        (2, "ana", "POST /format"),
        (30, "bot", "POST /format"),
    ):
        await store.add_audit(
            AuditEntry(
                occurred_at=NOW + timedelta(hours=hour),
                actor=actor,
                actor_kind="user",
                via="token",
                action=action,
                parameters={"event_id": "4412"},
                task_id=f"t-{hour}",
            )
        )
    by_bot = await store.search_audit(AuditQuery(actor="bot"))
    assert [entry.task_id for entry in by_bot] == ["t-30", "t-1"]
    first_day = await store.search_audit(AuditQuery(until=NOW + timedelta(hours=24)))
    assert [entry.task_id for entry in first_day] == ["t-2", "t-1"]
    assert await store.audit_actions() == ["POST /api/v1/format", "POST /format"]
    assert by_bot[0].parameters == {"event_id": "4412"}


async def test_running_gateway_tokens_and_audit(
    gateway_env: GatewayEnv, sessions: async_sessionmaker[AsyncSession]
) -> None:
    app = create_app(gateway_env.settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as client:
            created = await client.post(
                "/api/v1/tokens", json={"name": "ci", "permissions": []}, auth=(USER, PASSWORD)
            )
            assert created.status_code == 201
            token = created.json()
            bearer = {"Authorization": f"Bearer {token['token']}"}
            me = await client.get("/api/v1/me", headers=bearer)
            assert me.json()["username"] == USER
            revoked = await client.delete(
                f"/api/v1/tokens/{token['token_id']}", auth=(USER, PASSWORD)
            )
            assert revoked.status_code == 204
            assert (await client.get("/api/v1/me", headers=bearer)).status_code == 401
    store = SqlAccountStore(sessions)
    demo = await store.get_account(USER)
    assert demo is not None
    assert demo.role is Role.ADMIN
    actions = [entry.action for entry in await store.search_audit(AuditQuery(actor=USER))]
    assert "POST /api/v1/tokens" in actions
    assert "DELETE /api/v1/tokens/{token_id}" in actions


async def test_requests_from_other_systems_are_audited(
    gateway_env: GatewayEnv, sessions: async_sessionmaker[AsyncSession]
) -> None:
    env = gateway_env
    task_id = f"ext-{env.suffix}"
    request = FormatRequested(
        warehouse="maule",
        event_id="4412",
        requested_by=Requester(kind="system", name="scheduler"),
    )
    value = encode(make_envelope(request, source="/scheduler", task_id=task_id, subject="4412"))
    store = SqlAccountStore(sessions)
    app = create_app(env.settings)
    async with app.router.lifespan_context(app):
        await produce(env.bootstrap, env.topic(request.topic), [value], key=b"4412")

        async def audited() -> bool:
            return bool(await store.search_audit(AuditQuery(actor="scheduler")))

        await eventually(audited, timeout=30, what="the audit entry of the scheduler's request")
    entries = await store.search_audit(AuditQuery(actor="scheduler"))
    assert entries[0].action == "KAFKA format.requested"
    assert entries[0].actor_kind == "system"
    assert entries[0].task_id == task_id
    assert entries[0].parameters["event_id"] == "4412"
    async with sessions() as session:
        task = await SqlTaskReadModel(session).get(task_id)
    assert task is not None
    assert task.requested_by == "scheduler"
    assert task.state == "NOT_STARTED"


async def test_create_admin_command(
    gateway_env: GatewayEnv,
    sessions: async_sessionmaker[AsyncSession],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AUCTION_ADMIN_PASSWORD", "a long admin passphrase")
    arguments = ["--username", "Root"]
    assert await asyncio.to_thread(create_admin_command, gateway_env.settings, arguments) == 0
    assert await asyncio.to_thread(create_admin_command, gateway_env.settings, arguments) == 2
    account = await SqlAccountStore(sessions).get_account("root")
    assert account is not None
    assert account.role is Role.ADMIN
    monkeypatch.setenv("AUCTION_ADMIN_PASSWORD", "short")
    weak = ["--username", "other"]
    assert await asyncio.to_thread(create_admin_command, gateway_env.settings, weak) == 2
