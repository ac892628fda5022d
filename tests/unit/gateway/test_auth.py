"""Demo login: credentials, session cookies, Basic headers and redirects after login."""

from __future__ import annotations

import base64

import pytest
from itsdangerous import URLSafeTimedSerializer

from auction_gateway.auth import DemoLogin, SessionCookies, basic_credentials, safe_next_path

from .fakes import CHEAP_HASHER, PASSWORD, USER


def basic(text: str) -> str:
    return "Basic " + base64.b64encode(text.encode()).decode()


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (basic("demo:secret"), ("demo", "secret")),
        (basic("demo:with:colon"), ("demo", "with:colon")),
        (basic("demo:"), ("demo", "")),
        ("basic " + base64.b64encode(b"a:b").decode(), ("a", "b")),
        (basic("no-colon"), None),
        ("Basic !!!not-base64", None),
        ("Bearer token", None),
        ("Basic", None),
        ("", None),
        (None, None),
    ],
)
def test_basic_credentials(header: str | None, expected: tuple[str, str] | None) -> None:
    assert basic_credentials(header) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("/tasks/1", "/tasks/1"),
        ("/format?warehouse=maule", "/format?warehouse=maule"),
        (None, "/"),
        ("", "/"),
        ("https://example.invalid/", "/"),
        ("//example.invalid/path", "/"),
        ("/\\example.invalid", "/"),
        ("tasks", "/"),
    ],
)
def test_safe_next_path(raw: str | None, expected: str) -> None:
    assert safe_next_path(raw) == expected


def test_demo_login_checks_user_and_password() -> None:
    login = DemoLogin(USER, PASSWORD, CHEAP_HASHER)
    assert login.verify(USER, PASSWORD)
    assert not login.verify(USER, PASSWORD + "x")
    assert not login.verify("other", PASSWORD)
    assert not login.verify("", "")


def test_session_cookie_round_trip() -> None:
    cookies = SessionCookies("s" * 40, 3600, secure=False)
    assert cookies.read(cookies.issue("demo")) == "demo"


@pytest.mark.parametrize("cookie", [None, "", "garbage", "eyJ1c2VyIjoiZGVtbyJ9.AAAA.BBBB"])
def test_session_cookie_invalid(cookie: str | None) -> None:
    assert SessionCookies("s" * 40, 3600, secure=False).read(cookie) is None


def test_session_cookie_from_other_secret_rejected() -> None:
    issued = SessionCookies("a" * 40, 3600, secure=False).issue("demo")
    assert SessionCookies("b" * 40, 3600, secure=False).read(issued) is None


def test_session_cookie_expired() -> None:
    cookies = SessionCookies("s" * 40, 60, secure=False)
    signer = URLSafeTimedSerializer("s" * 40, salt="auction-gateway-session")
    old = signer.dumps({"user": "demo"})
    assert cookies.read(old) == "demo"
    expired = SessionCookies("s" * 40, 60, secure=False)
    expired.max_age_seconds = -1
    assert expired.read(old) is None


async def test_check_remembers_accepted_credentials() -> None:
    now = [0.0]
    login = DemoLogin(USER, PASSWORD, CHEAP_HASHER, clock=lambda: now[0])
    calls: list[str] = []
    verify = login.verify

    def counting_verify(user: str, password: str) -> bool:
        calls.append(user)
        return verify(user, password)

    login.verify = counting_verify  # type: ignore[method-assign]
    assert await login.check(USER, PASSWORD)
    assert await login.check(USER, PASSWORD)
    assert len(calls) == 1
    assert not await login.check(USER, "wrong")
    assert not await login.check(USER, "wrong")
    assert len(calls) == 3
    now[0] += DemoLogin.CACHE_SECONDS + 1
    assert await login.check(USER, PASSWORD)
    assert len(calls) == 4
