"""Session cookies, Basic headers and redirects after login (accounts: test_accounts_*.py)."""

from __future__ import annotations

import base64

import pytest
from itsdangerous import URLSafeTimedSerializer

from auction_gateway.auth import SessionCookies, basic_credentials, safe_next_path


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


def test_session_cookie_round_trip() -> None:
    cookies = SessionCookies("s" * 40, 3600, secure=False)
    assert cookies.read(cookies.issue("session-id")) == "session-id"


@pytest.mark.parametrize("cookie", [None, "", "garbage", "eyJ1c2VyIjoiZGVtbyJ9.AAAA.BBBB"])
def test_session_cookie_invalid(cookie: str | None) -> None:
    assert SessionCookies("s" * 40, 3600, secure=False).read(cookie) is None


def test_session_cookie_from_other_secret_rejected() -> None:
    issued = SessionCookies("a" * 40, 3600, secure=False).issue("demo")
    assert SessionCookies("b" * 40, 3600, secure=False).read(issued) is None


def test_session_cookie_expired() -> None:
    cookies = SessionCookies("s" * 40, 60, secure=False)
    signer = URLSafeTimedSerializer("s" * 40, salt="auction-gateway-session")
    old = signer.dumps({"sid": "session-id"})
    assert cookies.read(old) == "session-id"
    expired = SessionCookies("s" * 40, 60, secure=False)
    expired.max_age_seconds = -1
    assert expired.read(old) is None
