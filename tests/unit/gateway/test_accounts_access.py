"""Access control over every route: login required, permissions per role, CSRF, hidden UI, escaping.

The route lists come from the app itself, so a route added later is checked without editing this file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.routing import APIRoute, RouteContext, iter_route_contexts
from fastapi.testclient import TestClient
from starlette.routing import Mount

from auction_gateway.accounts.roles import ROLE_PERMISSIONS, Role
from auction_gateway.permissions import Permission, route_permissions

from .account_fakes import browser_login
from .fakes import PASSWORD, USER, Harness, event, make_harness

# Paths anyone may call; everything else needs a session, a token or Basic credentials.
PUBLIC_PATHS = {"/login", "/healthz", "/readyz", "/metrics"}
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


@pytest.fixture
def harness() -> Harness:
    harness = make_harness()
    for role in Role:
        harness.add_user(role.value, role)
    return harness


def all_routes(harness: Harness) -> list[RouteContext]:
    """List the app's routes with included routers expanded (FastAPI wraps those lazily)."""
    return list(iter_route_contexts(harness.app.routes))


def api_routes(harness: Harness) -> list[RouteContext]:
    return [route for route in all_routes(harness) if isinstance(route.original_route, APIRoute)]


def concrete_path(route: RouteContext) -> str:
    """Fill every path parameter with a value that parses as text and as a number."""
    return re.sub(r"\{[^}]+\}", "1", route.path or "")


def route_methods(route: RouteContext) -> set[str]:
    return set(route.methods or {"GET"}) - {"HEAD"}


def test_every_route_needs_login(harness: Harness) -> None:
    anonymous = TestClient(harness.app)
    checked = 0
    for route in all_routes(harness):
        if isinstance(route.original_route, Mount) or route.path in PUBLIC_PATHS:
            continue
        path = concrete_path(route)
        for method in route_methods(route):
            response = anonymous.request(method, path, follow_redirects=False)
            label = f"{method} {path}"
            if path.startswith(("/api/", "/openapi.json")):
                assert response.status_code == 401, label
            else:
                assert response.status_code == 303, label
                assert response.headers["location"].startswith("/login?next="), label
            checked += 1
    assert checked > 20


def test_static_and_login_are_public(harness: Harness) -> None:
    anonymous = TestClient(harness.app)
    assert anonymous.get("/login").status_code == 200
    assert anonymous.get("/static/csrf.js").status_code == 200


@pytest.mark.parametrize("role", list(Role))
def test_permissions_enforced_on_every_route(harness: Harness, role: Role) -> None:
    client = TestClient(harness.app)
    client.auth = (role.value, PASSWORD)
    held = ROLE_PERMISSIONS[role]
    guarded = [route for route in api_routes(harness) if route_permissions(route)]
    assert guarded, "no route declares a permission"
    for route in guarded:
        needed = route_permissions(route)
        for method in route_methods(route):
            response = client.request(method, concrete_path(route), follow_redirects=False)
            label = f"{role.value}: {method} {route.path} needs {sorted(needed)}"
            if needed <= held:
                assert response.status_code != 403, label
            else:
                assert response.status_code == 403, label


def test_job_routes_declare_permissions(harness: Harness) -> None:
    declared = {
        (method, route.path): route_permissions(route)
        for route in api_routes(harness)
        for method in route_methods(route)
    }
    assert declared[("POST", "/api/v1/format")] == {Permission.CAN_FORMAT}
    assert declared[("POST", "/api/v1/events")] == {Permission.CAN_CREATE_AUCTION}
    assert declared[("PATCH", "/api/v1/events/{event_id}")] == {Permission.CAN_CREATE_AUCTION}
    assert declared[("POST", "/format")] == {Permission.CAN_FORMAT}
    assert declared[("GET", "/admin/users")] == {Permission.CAN_MANAGE_USERS}
    assert declared[("GET", "/api/v1/audit")] == {Permission.CAN_MANAGE_USERS}


def test_viewer_cannot_void(harness: Harness) -> None:
    void_routes = [
        route for route in api_routes(harness) if Permission.CAN_VOID in route_permissions(route)
    ]
    if not void_routes:
        pytest.skip("no route requires can_void yet")
    viewer = TestClient(harness.app)
    viewer.auth = ("viewer", PASSWORD)
    manager = TestClient(harness.app)
    manager.auth = ("manager", PASSWORD)
    for route in void_routes:
        for method in route_methods(route):
            path = concrete_path(route)
            assert viewer.request(method, path).status_code == 403, f"{method} {path}"
            assert manager.request(method, path).status_code != 403, f"{method} {path}"


def test_unsafe_requests_without_csrf_rejected(harness: Harness) -> None:
    with TestClient(harness.app) as client:
        response = client.post(
            "/login", data={"username": USER, "password": PASSWORD}, follow_redirects=False
        )
        assert response.status_code == 303
        checked = 0
        for route in api_routes(harness):
            if route.path == "/login":
                continue
            for method in route_methods(route) & UNSAFE_METHODS:
                path = concrete_path(route)
                for data in (None, {"csrf_token": "forged"}):
                    response = client.request(method, path, data=data, follow_redirects=False)
                    assert response.status_code == 403, f"{method} {path} {data}"
                    assert "CSRF" in response.text, f"{method} {path}"
                checked += 1
        assert checked > 10
        # The session is still logged in: the rejections changed nothing.
        assert client.get("/account").status_code == 200


def test_csrf_token_in_form_or_header_accepted(harness: Harness) -> None:
    harness.database.state.events["4412"] = event("4412")
    with TestClient(harness.app) as client:
        token = browser_login(client, USER, PASSWORD)
        del client.headers["X-CSRF-Token"]
        form = client.post(
            "/events/4412/active",
            data={"active": "false", "csrf_token": token},
            follow_redirects=False,
        )
        assert form.status_code == 303
        header = client.patch(
            "/api/v1/events/4412", json={"active": True}, headers={"X-CSRF-Token": token}
        )
        assert header.status_code == 200


def test_csrf_token_tied_to_session(harness: Harness) -> None:
    harness.database.state.events["4412"] = event("4412")
    with TestClient(harness.app) as first, TestClient(harness.app) as second:
        first_token = browser_login(first, USER, PASSWORD)
        browser_login(second, USER, PASSWORD)
        response = second.post(
            "/events/4412/active",
            data={"active": "false"},
            headers={"X-CSRF-Token": first_token},
            follow_redirects=False,
        )
        assert response.status_code == 403


def test_token_and_basic_requests_skip_csrf(harness: Harness) -> None:
    harness.database.state.events["4412"] = event("4412")
    basic = TestClient(harness.app)
    basic.auth = (USER, PASSWORD)
    assert basic.patch("/api/v1/events/4412", json={"active": False}).status_code == 200
    created = basic.post(
        "/api/v1/tokens", json={"name": "ci", "permissions": ["can_create_auction"]}
    )
    bearer = TestClient(harness.app)
    bearer.headers["Authorization"] = f"Bearer {created.json()['token']}"
    assert bearer.patch("/api/v1/events/4412", json={"active": True}).status_code == 200


@pytest.fixture
def viewer_browser(harness: Harness) -> Iterator[TestClient]:
    with TestClient(harness.app) as client:
        browser_login(client, "viewer", PASSWORD)
        yield client


def test_viewer_sees_no_job_controls(harness: Harness, viewer_browser: TestClient) -> None:
    harness.database.state.events["4412"] = event("4412")
    tasks_page = viewer_browser.get("/tasks").text
    for hidden in ('id="nav-format"', 'id="nav-import"', 'id="nav-users"', 'id="nav-audit"'):
        assert hidden not in tasks_page
    assert 'id="nav-tasks"' in tasks_page
    events_page = viewer_browser.get("/events").text
    assert 'data-event-id="4412"' in events_page
    assert 'id="add-event-form"' not in events_page
    assert 'data-toggle-event="4412"' not in events_page
    assert viewer_browser.get("/format").status_code == 403
    home = viewer_browser.get("/", follow_redirects=False)
    assert home.headers["location"] == "/tasks"


def test_staff_sees_jobs_but_not_admin(harness: Harness) -> None:
    with TestClient(harness.app) as client:
        browser_login(client, "staff", PASSWORD)
        page = client.get("/tasks").text
        assert 'id="nav-format"' in page
        assert 'id="nav-users"' not in page
        assert client.get("/admin/users").status_code == 403
        assert client.get("/admin/audit.csv").status_code == 403


SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def test_pages_escape_airtable_and_site_text(harness: Harness) -> None:
    harness.database.state.events["4412"] = event("4412", title=SCRIPT)
    with TestClient(harness.app) as client:
        browser_login(client, USER, PASSWORD)
        for path in ("/events", "/format", "/events/4412/result"):
            page = client.get(path).text
            assert SCRIPT not in page, path
        assert ESCAPED in client.get("/events").text


def test_audit_and_account_pages_escape_text(harness: Harness) -> None:
    with TestClient(harness.app) as client:
        browser_login(client, USER, PASSWORD)
        client.post(
            "/api/v1/events",
            json={
                "event_id": "bad<id>",
                "warehouse": "maule",
                "title": SCRIPT,
                "starts_at": "2026-12-04T10:00:00Z",
                "ends_at": "2026-12-10T10:00:00Z",
            },
        )
        client.post("/account/tokens", data={"name": SCRIPT})
        audit = client.get("/admin/audit").text
        assert "<script>alert" not in audit
        assert "bad<id>" not in audit
        account = client.get("/account").text
        assert SCRIPT not in account
        assert ESCAPED in account
