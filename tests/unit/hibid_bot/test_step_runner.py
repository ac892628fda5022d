"""The site session's step runner on fakes: retries, re-log-on, traces and screenshots."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from auction_hibid_bot.adapters.navigation import (
    SessionExpired,
    SitePageError,
    SiteRejectedError,
    SiteServerError,
)
from auction_hibid_bot.adapters.pages import Account
from auction_hibid_bot.adapters.session import Artifacts, SiteSession, StepFailed
from auction_hibid_bot.domain.retry import RetryPolicy


class FakeStore:
    private_bucket = "private"

    def __init__(self) -> None:
        self.objects: dict[str, bytes] = {}

    async def put_bytes(self, bucket: str, key: str, data: bytes, content_type: str) -> None:
        self.objects[key] = data


class FakeTracing:
    def __init__(self) -> None:
        self.open_chunks = 0
        self.saved: list[Path] = []

    async def start_chunk(self, title: str | None = None) -> None:
        self.open_chunks += 1

    async def stop_chunk(self, path: Path | None = None) -> None:
        self.open_chunks -= 1
        if path is not None:
            Path(path).write_bytes(b"trace")
            self.saved.append(Path(path))


class FakeContext:
    def __init__(self) -> None:
        self.tracing = FakeTracing()


class FakePage:
    async def screenshot(self, **options: Any) -> bytes:
        return b"jpeg"


class CountingSession(SiteSession):
    """A session whose log-on only counts, so no page is needed."""

    log_ons = 0

    async def log_on(self) -> None:
        self.log_ons += 1
        self._logged_on = True


@pytest.fixture
def store() -> FakeStore:
    return FakeStore()


@pytest.fixture
def steps() -> list[tuple[int, str, str]]:
    return []


@pytest.fixture
def session(store: FakeStore, steps: list[tuple[int, str, str]], tmp_path: Path) -> CountingSession:
    async def on_step(progress: int, name: str, key: str) -> None:
        steps.append((progress, name, key))

    return CountingSession(
        FakeContext(),  # type: ignore[arg-type]
        FakePage(),  # type: ignore[arg-type]
        base_url="http://127.0.0.1:1",
        account=Account("user", "secret"),
        artifacts=Artifacts(store, "task-1"),  # type: ignore[arg-type]
        policy=RetryPolicy(max_attempts=3, base_delay_seconds=0.0),
        on_step=on_step,
        work_dir=tmp_path,
    )


def _failing(errors: list[Exception], result: str = "done") -> Any:
    calls: list[int] = []

    async def action(page: Any) -> str:
        calls.append(1)
        if errors:
            raise errors.pop(0)
        return result

    action.calls = calls  # type: ignore[attr-defined]
    return action


async def test_step_succeeds_with_screenshot(
    session: CountingSession, store: FakeStore, steps: list[tuple[int, str, str]]
) -> None:
    result = await session.step("open form", 40, _failing([]))

    assert result == "done"
    assert session.log_ons == 1
    assert steps == [(40, "open form", "bot/task-1/01-open-form.jpg")]
    assert "bot/task-1/01-open-form.jpg" in store.objects
    assert session.context.tracing.open_chunks == 0  # type: ignore[attr-defined]


async def test_step_retries_server_error(session: CountingSession, store: FakeStore) -> None:
    action = _failing([SiteServerError("HTTP 500"), SiteServerError("HTTP 503")])

    assert await session.step("submit", 70, action) == "done"

    assert len(action.calls) == 3
    assert "bot/task-1/01-submit-attempt1-trace.zip" in store.objects
    assert "bot/task-1/01-submit-attempt2-trace.zip" in store.objects
    assert "bot/task-1/01-submit-attempt2-failed.jpg" in store.objects


async def test_step_logs_on_again_after_expiry(session: CountingSession) -> None:
    action = _failing([SessionExpired("log-on page"), SessionExpired("log-on page")])

    assert await session.step("void sale 1", 30, action) == "done"

    assert session.log_ons == 3
    assert len(action.calls) == 3


async def test_step_stops_after_repeated_expiry(session: CountingSession) -> None:
    action = _failing([SessionExpired("log-on page")] * 5)

    with pytest.raises(StepFailed, match="expired 3 times"):
        await session.step("void sale 1", 30, action)


async def test_step_does_not_retry_rejection(session: CountingSession, store: FakeStore) -> None:
    action = _failing([SiteRejectedError("Title is required")])

    with pytest.raises(SiteRejectedError, match="Title is required") as raised:
        await session.step("create event", 75, action)

    assert len(action.calls) == 1
    assert "bot/task-1/01-create-event-attempt1-trace.zip" in str(raised.value)


async def test_step_gives_up_after_max_attempts(session: CountingSession) -> None:
    action = _failing([SiteServerError("HTTP 500")] * 3)

    with pytest.raises(StepFailed, match="failed on attempt 3: SiteServerError: HTTP 500"):
        await session.step("submit", 70, action)

    assert len(action.calls) == 3


async def test_step_error_page_is_final(session: CountingSession) -> None:
    action = _failing([SitePageError("HTTP 404")])

    with pytest.raises(StepFailed, match="HTTP 404"):
        await session.step("event page", 15, action)

    assert len(action.calls) == 1
