"""Account flows on fakes: throttled logins, sessions, password change, API tokens, admin pages,
the audit trail, start-up accounts, `auctionctl` with a token, and secrets kept out of logs."""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterator
from dataclasses import replace

import httpx
import pytest
from fastapi import FastAPI, Request, UploadFile
from fastapi.testclient import TestClient
from pydantic import SecretStr
from typer.testing import CliRunner

from auction_gateway.accounts.audit import AuditMiddleware
from auction_gateway.accounts.bootstrap import bootstrap_accounts
from auction_gateway.accounts.records import AuditEntry
from auction_gateway.accounts.roles import Role
from auction_gateway.accounts.throttle import LoginThrottle
from auction_gateway.auth import SESSION_COOKIE
from auction_gateway.cli import client as client_module
from auction_gateway.cli.client import Connection
from auction_gateway.cli.main import app as auctionctl
from auction_gateway.settings import GatewaySettings
from auction_shared.logging import configure_logging

from .account_fakes import browser_login
from .fakes import PASSWORD, USER, Harness, event, make_harness

NEW_PASSWORD = "a brand new passphrase 42"


@pytest.fixture
def harness() -> Harness:
    harness = make_harness()
    harness.database.state.events["4412"] = event("4412", "maule")
    for role in Role:
        harness.add_user(role.value, role)
    return harness


@pytest.fixture
def clock(harness: Harness) -> list[float]:
    """A controllable clock for the login throttle."""
    now = [1000.0]
    harness.gateway.accounts.throttle = LoginThrottle(clock=lambda: now[0])
    return now


def login(client: TestClient, username: str, password: str) -> httpx.Response:
    response: httpx.Response = client.post(
        "/login", data={"username": username, "password": password}, follow_redirects=False
    )
    return response


def role_of(harness: Harness, username: str) -> Role:
    return harness.accounts.accounts[username].role


# --- login throttling -------------------------------------------------------------------------


def test_login_locks_username_after_failures(harness: Harness, clock: list[float]) -> None:
    client = TestClient(harness.app)
    for _ in range(5):
        assert login(client, "staff", "wrong password!").status_code == 401
    locked = login(client, "staff", PASSWORD)
    assert locked.status_code == 429
    assert locked.headers["retry-after"] == "30"
    assert "try again in 30 seconds" in locked.text
    assert "set-cookie" not in locked.headers
    clock[0] += 31
    assert login(client, "staff", PASSWORD).status_code == 303


def test_login_lockout_doubles(harness: Harness, clock: list[float]) -> None:
    client = TestClient(harness.app)
    for _ in range(5):
        login(client, "staff", "wrong password!")
    clock[0] += 31
    assert login(client, "staff", "wrong password!").status_code == 401
    assert "try again in 60 seconds" in login(client, "staff", PASSWORD).text


def test_login_locks_client_address(harness: Harness, clock: list[float]) -> None:
    client = TestClient(harness.app)
    for number in range(20):
        login(client, f"guess{number}", "wrong password!")
    assert login(client, "viewer", PASSWORD).status_code == 429


def test_basic_auth_is_throttled_too(harness: Harness, clock: list[float]) -> None:
    client = TestClient(harness.app)
    for _ in range(5):
        assert client.get("/api/v1/events", auth=("staff", "wrong password!")).status_code == 401
    response = client.get("/api/v1/events", auth=("staff", PASSWORD))
    assert response.status_code == 429
    assert "try again in" in response.json()["detail"]


def test_login_rejects_inactive_account(harness: Harness) -> None:
    harness.accounts.accounts["staff"] = replace(harness.accounts.accounts["staff"], active=False)
    assert login(TestClient(harness.app), "staff", PASSWORD).status_code == 401


def test_login_username_is_case_insensitive(harness: Harness) -> None:
    assert login(TestClient(harness.app), " Staff ", PASSWORD).status_code == 303


# --- sessions and passwords ---------------------------------------------------------------------


def test_cookie_flags(harness: Harness) -> None:
    response = login(TestClient(harness.app), "staff", PASSWORD)
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    https = TestClient(harness.app, base_url="https://testserver")
    assert "Secure" in login(https, "staff", PASSWORD).headers["set-cookie"]


def test_logout_ends_session_on_server(harness: Harness) -> None:
    with TestClient(harness.app) as client:
        browser_login(client, "staff", PASSWORD)
        stolen = client.cookies[SESSION_COOKIE]
        assert client.post("/logout", follow_redirects=False).status_code == 303
    replay = TestClient(harness.app, cookies={SESSION_COOKIE: stolen})
    assert replay.get("/tasks", follow_redirects=False).status_code == 303
    assert harness.accounts.sessions == {}


def test_password_change_ends_other_sessions(harness: Harness) -> None:
    with TestClient(harness.app) as first, TestClient(harness.app) as second:
        browser_login(first, "staff", PASSWORD)
        browser_login(second, "staff", PASSWORD)
        wrong = first.post(
            "/account/password",
            data={
                "current_password": "not it at all",
                "new_password": NEW_PASSWORD,
                "confirm_password": NEW_PASSWORD,
            },
        )
        assert wrong.status_code == 422
        assert "current password is wrong" in wrong.text
        changed = first.post(
            "/account/password",
            data={
                "current_password": PASSWORD,
                "new_password": NEW_PASSWORD,
                "confirm_password": NEW_PASSWORD,
            },
        )
        assert changed.status_code == 200
        assert 'id="password-changed"' in changed.text
        assert first.get("/account").status_code == 200
        assert second.get("/account", follow_redirects=False).status_code == 303
    client = TestClient(harness.app)
    assert login(client, "staff", PASSWORD).status_code == 401
    assert login(client, "staff", NEW_PASSWORD).status_code == 303


def test_password_change_rejects_weak_password(harness: Harness) -> None:
    with TestClient(harness.app) as client:
        browser_login(client, "staff", PASSWORD)
        response = client.post(
            "/account/password",
            data={
                "current_password": PASSWORD,
                "new_password": "short",
                "confirm_password": "short",
            },
        )
        assert response.status_code == 422
        assert "at least 12 characters" in response.text


# --- API tokens --------------------------------------------------------------------------------


def bearer(harness: Harness, token: str) -> TestClient:
    client = TestClient(harness.app)
    client.headers["Authorization"] = f"Bearer {token}"
    return client


def test_token_scope_limits_requests(harness: Harness) -> None:
    owner = TestClient(harness.app)
    owner.auth = ("staff", PASSWORD)
    created = owner.post(
        "/api/v1/tokens", json={"name": "scheduler", "permissions": ["can_format"]}
    )
    assert created.status_code == 201
    body = created.json()
    assert body["token"].startswith("agw_")
    system = bearer(harness, body["token"])
    me = system.get("/api/v1/me").json()
    assert me == {
        "username": "staff",
        "role": "staff",
        "permissions": ["can_format"],
        "authenticated_by": "token",
    }
    started = system.post("/api/v1/format", json={"warehouse": "maule", "event_id": "4412"})
    assert started.status_code == 202
    denied = system.patch("/api/v1/events/4412", json={"active": False})
    assert denied.status_code == 403
    stored = harness.accounts.tokens[body["token_id"]]
    assert stored.token_hash != body["token"]
    assert body["token"] not in repr(harness.accounts.tokens)
    assert stored.last_used_at is not None


def test_token_cannot_exceed_owner(harness: Harness) -> None:
    owner = TestClient(harness.app)
    owner.auth = ("staff", PASSWORD)
    response = owner.post("/api/v1/tokens", json={"name": "x", "permissions": ["can_void"]})
    assert response.status_code == 422
    assert "can_void" in response.text
    unknown = owner.post("/api/v1/tokens", json={"name": "x", "permissions": ["can_fly"]})
    assert unknown.status_code == 422


def test_revoked_token_stops_at_once(harness: Harness) -> None:
    owner = TestClient(harness.app)
    owner.auth = ("staff", PASSWORD)
    body = owner.post("/api/v1/tokens", json={"name": "ci", "permissions": []}).json()
    system = bearer(harness, body["token"])
    assert system.get("/api/v1/events").status_code == 200
    assert owner.delete(f"/api/v1/tokens/{body['token_id']}").status_code == 204
    assert system.get("/api/v1/events").status_code == 401
    assert owner.delete(f"/api/v1/tokens/{body['token_id']}").status_code == 404
    listed = owner.get("/api/v1/tokens").json()
    assert listed[0]["revoked_at"] is not None


def test_token_of_other_user_cannot_be_revoked(harness: Harness) -> None:
    owner = TestClient(harness.app)
    owner.auth = ("staff", PASSWORD)
    body = owner.post("/api/v1/tokens", json={"name": "ci"}).json()
    other = TestClient(harness.app)
    other.auth = ("manager", PASSWORD)
    assert other.delete(f"/api/v1/tokens/{body['token_id']}").status_code == 404
    assert bearer(harness, body["token"]).get("/api/v1/events").status_code == 200


def test_token_follows_owner_role_and_status(harness: Harness) -> None:
    owner = TestClient(harness.app)
    owner.auth = ("manager", PASSWORD)
    body = owner.post(
        "/api/v1/tokens", json={"name": "ops", "permissions": ["can_void", "can_format"]}
    ).json()
    admin = TestClient(harness.app)
    admin.auth = (USER, PASSWORD)
    assert admin.patch("/api/v1/users/manager", json={"role": "staff"}).status_code == 200
    assert bearer(harness, body["token"]).get("/api/v1/me").json()["permissions"] == ["can_format"]
    assert admin.patch("/api/v1/users/manager", json={"active": False}).status_code == 200
    assert bearer(harness, body["token"]).get("/api/v1/me").status_code == 401


def test_account_page_shows_new_token_once(harness: Harness) -> None:
    with TestClient(harness.app) as client:
        browser_login(client, "staff", PASSWORD)
        created = client.post(
            "/account/tokens", data={"name": "sheet", "permissions": ["can_upload"]}
        )
        assert created.status_code == 200
        token = created.text.split('id="new-token-value">')[1].split("<")[0]
        assert token.startswith("agw_")
        assert token not in client.get("/account").text
        token_id = next(iter(harness.accounts.tokens))
        revoked = client.post(f"/account/tokens/{token_id}/revoke", follow_redirects=False)
        assert revoked.status_code == 303
    assert bearer(harness, token).get("/api/v1/me").status_code == 401


# --- administration ----------------------------------------------------------------------------


@pytest.fixture
def admin_browser(harness: Harness) -> Iterator[TestClient]:
    with TestClient(harness.app) as client:
        browser_login(client, USER, PASSWORD)
        yield client


def test_admin_creates_user_and_changes_role(harness: Harness, admin_browser: TestClient) -> None:
    created = admin_browser.post(
        "/admin/users",
        data={
            "username": "ana",
            "role": "staff",
            "password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
        follow_redirects=False,
    )
    assert created.status_code == 303
    assert role_of(harness, "ana") is Role.STAFF
    again = admin_browser.post(
        "/admin/users",
        data={
            "username": "ana",
            "role": "staff",
            "password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
    )
    assert again.status_code == 409
    promoted = admin_browser.post(
        "/admin/users/ana/role", data={"role": "manager"}, follow_redirects=False
    )
    assert promoted.status_code == 303
    assert role_of(harness, "ana") is Role.MANAGER
    page = admin_browser.get("/admin/users").text
    assert 'data-username="ana"' in page


def test_admin_rejects_bad_user_input(admin_browser: TestClient) -> None:
    response = admin_browser.post(
        "/admin/users",
        data={"username": "Bad Name", "role": "owner", "password": "x", "confirm_password": "y"},
    )
    assert response.status_code == 422
    assert "Role &#39;owner&#39; is unknown" in response.text


def test_last_admin_cannot_be_demoted(harness: Harness, admin_browser: TestClient) -> None:
    admin_browser.post("/admin/users/admin/active", data={"active": "false"})
    response = admin_browser.post("/admin/users/demo/role", data={"role": "viewer"})
    assert response.status_code == 409
    assert "last active admin" in response.text
    assert harness.accounts.accounts[USER].role is Role.ADMIN


def test_deactivated_user_loses_session(harness: Harness, admin_browser: TestClient) -> None:
    with TestClient(harness.app) as staff:
        browser_login(staff, "staff", PASSWORD)
        admin_browser.post("/admin/users/staff/active", data={"active": "false"})
        assert staff.get("/tasks", follow_redirects=False).status_code == 303


def test_admin_resets_password(harness: Harness, admin_browser: TestClient) -> None:
    response = admin_browser.post(
        "/admin/users/staff/password",
        data={"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert login(TestClient(harness.app), "staff", NEW_PASSWORD).status_code == 303


def test_users_api_for_admins(harness: Harness) -> None:
    admin = TestClient(harness.app)
    admin.auth = (USER, PASSWORD)
    created = admin.post(
        "/api/v1/users", json={"username": "bot.sync", "password": NEW_PASSWORD, "role": "viewer"}
    )
    assert created.status_code == 201
    assert created.json()["permissions"] == []
    names = [user["username"] for user in admin.get("/api/v1/users").json()]
    assert "bot.sync" in names
    assert admin.patch("/api/v1/users/nobody", json={"active": False}).status_code == 404


# --- audit trail -------------------------------------------------------------------------------


def test_audit_records_job_start(harness: Harness) -> None:
    with TestClient(harness.app) as client:
        browser_login(client, "staff", PASSWORD)
        response = client.post(
            "/format",
            data={"warehouse": "maule", "event": "4412", "price": "2.50"},
            follow_redirects=False,
        )
        assert response.status_code == 303
    task_id = response.headers["location"].rsplit("/", 1)[1]
    entry = next(entry for entry in harness.accounts.audit if entry.action == "POST /format")
    assert entry.actor == "staff"
    assert entry.via == "session"
    assert entry.outcome == "ok"
    assert entry.task_id == task_id
    assert entry.parameters["event"] == "4412"
    assert entry.parameters["price"] == "2.50"
    assert entry.parameters.get("csrf_token") in (None, "[redacted]")


def test_audit_records_api_rejections_and_templates(harness: Harness) -> None:
    client = TestClient(harness.app)
    client.auth = ("viewer", PASSWORD)
    assert client.patch("/api/v1/events/4412", json={"active": False}).status_code == 403
    entry = harness.accounts.audit[-1]
    assert entry.action == "PATCH /api/v1/events/{event_id}"
    assert entry.parameters == {"event_id": "4412", "active": False}
    assert entry.outcome == "rejected"
    assert entry.status_code == 403
    assert entry.via == "basic"


def test_audit_records_logins_without_rejected_usernames(harness: Harness) -> None:
    client = TestClient(harness.app)
    login(client, "my secret password", "x")
    login(client, "staff", PASSWORD)
    failed, accepted = harness.accounts.audit[-2:]
    assert failed.actor == "anonymous"
    assert failed.outcome == "rejected"
    assert "my secret password" not in repr(failed)
    assert accepted.actor == "staff"
    assert accepted.outcome == "ok"


def test_audit_filter_and_csv(harness: Harness, admin_browser: TestClient) -> None:
    staff = TestClient(harness.app)
    staff.auth = ("staff", PASSWORD)
    staff.post("/api/v1/format", json={"warehouse": "maule", "event_id": "4412"})
    page = admin_browser.get("/admin/audit", params={"user": "staff"})
    assert page.status_code == 200
    assert "POST /api/v1/format" in page.text
    exported = admin_browser.get(
        "/admin/audit.csv", params={"user": "staff", "action": "POST /api/v1/format"}
    )
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert len(rows) == 1
    assert rows[0]["actor"] == "staff"
    assert rows[0]["task_id"]
    api = TestClient(harness.app)
    api.auth = (USER, PASSWORD)
    found = api.get("/api/v1/audit", params={"action": "POST /api/v1/format"}).json()
    assert [entry["actor"] for entry in found] == ["staff"]
    assert api.get("/api/v1/audit", params={"since": "yesterday"}).status_code == 422
    assert api.get("/api/v1/audit.csv").status_code == 200
    bad = admin_browser.get("/admin/audit", params={"since": "2026-13-01"})
    assert bad.status_code == 422
    assert 'id="audit-error"' in bad.text


# --- start-up accounts ---------------------------------------------------------------------------


async def test_bootstrap_creates_demo_only_in_development_and_test() -> None:
    for environment, expected in (("development", True), ("test", True), ("production", False)):
        harness = make_harness()
        harness.accounts.accounts.clear()
        settings = GatewaySettings(
            environment=environment,  # type: ignore[arg-type]
            demo_user="demo",
            demo_password="auction-demo-dev-password",  # type: ignore[arg-type]
            session_secret="s" * 40,  # type: ignore[arg-type]
            database_url="postgresql+psycopg://gateway:secret@db.internal/auction",
            s3_access_key="key",  # type: ignore[arg-type]
            s3_secret_key="a-long-enough-s3-secret",  # type: ignore[arg-type]
        )
        await bootstrap_accounts(harness.gateway.accounts, settings)
        assert ("demo" in harness.accounts.accounts) is expected, environment


async def test_bootstrap_admin_from_environment() -> None:
    harness = make_harness()
    settings = harness.gateway.settings.model_copy(
        update={
            "bootstrap_admin_user": "Root.Admin",
            "bootstrap_admin_password": SecretStr(NEW_PASSWORD),
        }
    )
    await bootstrap_accounts(harness.gateway.accounts, settings)
    assert harness.accounts.accounts["root.admin"].role is Role.ADMIN
    before = harness.accounts.accounts["root.admin"]
    await bootstrap_accounts(harness.gateway.accounts, settings)
    assert harness.accounts.accounts["root.admin"] == before


def test_bootstrap_admin_needs_password() -> None:
    with pytest.raises(ValueError, match="AUCTION_BOOTSTRAP_ADMIN_PASSWORD"):
        GatewaySettings(environment="test", bootstrap_admin_user="root")  # type: ignore[arg-type]


# --- auctionctl ----------------------------------------------------------------------------------


def test_auctionctl_uses_api_token(harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    owner = TestClient(harness.app)
    owner.auth = ("staff", PASSWORD)
    token = owner.post(
        "/api/v1/tokens", json={"name": "cli", "permissions": ["can_format"]}
    ).json()["token"]
    seen: list[Connection] = []

    def in_process(connection: Connection) -> httpx.Client:
        seen.append(connection)
        client = TestClient(harness.app)
        client.headers["Authorization"] = f"Bearer {connection.token}"
        return client

    monkeypatch.setattr(client_module, "make_http_client", in_process)
    monkeypatch.setenv("AUCTION_API_TOKEN", token)
    result = CliRunner().invoke(auctionctl, ["format", "--warehouse", "maule", "--event", "4412"])
    assert result.exit_code == 0, result.output
    assert seen[0].token == token
    monkeypatch.setenv("AUCTION_API_TOKEN", "agw_revoked-or-wrong")
    rejected = CliRunner().invoke(auctionctl, ["warehouses"])
    assert rejected.exit_code == 2
    assert "AUCTION_API_TOKEN" in rejected.output


def test_real_http_client_sends_bearer() -> None:
    connection = Connection("http://127.0.0.1:1", "demo", "pw", token="agw_x")
    client = client_module.make_http_client(connection)
    assert client.headers["Authorization"] == "Bearer agw_x"
    assert client.auth is None
    basic = client_module.make_http_client(Connection("http://127.0.0.1:1", "demo", "pw"))
    assert "Authorization" not in basic.headers


# --- secrets in logs -----------------------------------------------------------------------------


def test_no_secrets_in_logs(
    harness: Harness, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("gateway", "DEBUG", json=True)
    caplog.set_level(logging.DEBUG)
    secrets: list[str] = [PASSWORD, NEW_PASSWORD, "wrong-but-secret-guess"]
    with TestClient(harness.app) as client:
        login(client, "staff", "wrong-but-secret-guess")
        login(client, "wrong-but-secret-guess", PASSWORD)
        csrf = browser_login(client, "staff", PASSWORD)
        secrets += [csrf, client.cookies[SESSION_COOKIE]]
        created = client.post("/api/v1/tokens", json={"name": "ci", "permissions": ["can_format"]})
        token = created.json()["token"]
        secrets.append(token)
        client.post(
            "/account/password",
            data={
                "current_password": PASSWORD,
                "new_password": NEW_PASSWORD,
                "confirm_password": NEW_PASSWORD,
            },
        )
    system = bearer(harness, token)
    system.post("/api/v1/format", json={"warehouse": "maule", "event_id": "4412"})
    bearer(harness, token + "x").get("/api/v1/events")
    basic = TestClient(harness.app)
    basic.get("/api/v1/events", auth=("staff", NEW_PASSWORD))
    basic.get("/api/v1/events", auth=("staff", "wrong-but-secret-guess"))

    captured = capsys.readouterr()
    logged = "\n".join(
        [captured.out, captured.err, caplog.text, *(repr(record.msg) for record in caplog.records)]
    )
    assert "login_accepted" in logged
    assert "api_token_created" in logged
    for secret in secrets:
        assert secret not in logged
    audited = repr(harness.accounts.audit)
    for secret in secrets:
        assert secret not in audited


def test_routes_add_to_their_audit_entry() -> None:
    recorded: list[AuditEntry] = []

    class Recorder:
        async def record(self, entry: AuditEntry) -> None:
            recorded.append(entry)

    app = FastAPI()

    @app.post("/upload/{warehouse}")
    async def upload(warehouse: str, request: Request, file: UploadFile) -> dict[str, str]:
        request.state.audit_parameters = {"filename": "manifest.xlsx"}
        request.state.audit_task_id = "t-upload"
        return {"ok": warehouse}

    app.add_middleware(AuditMiddleware, accounts=Recorder())
    response = TestClient(app).post("/upload/maule?dry_run=1", files={"file": ("m.xlsx", b"bytes")})
    assert response.status_code == 200
    entry = recorded[0]
    assert entry.action == "POST /upload/{warehouse}"
    assert entry.actor == "anonymous"
    assert entry.task_id == "t-upload"
    assert entry.parameters["warehouse"] == "maule"
    assert entry.parameters["dry_run"] == "1"
    assert entry.parameters["filename"] == "manifest.xlsx"
    assert entry.parameters["body"] == "multipart/form-data, not recorded"
