"""The browser: one Chromium per process, one context per task, and steps with retries.

A step is one unit of page work (open a form, fill and submit it, void one sale). The session
runs each step with:

- a log-on first when the session has none, outside any trace, so the password never lands in
  a trace file;
- a fresh Playwright trace chunk, kept (stored in S3) only when the step fails;
- retries with exponential backoff on timeouts, browser errors and 5xx responses;
- a new log-on and a repeat of the step when the site sends the browser to the log-on page;
- a screenshot after the step, stored in S3 and reported through `on_step`.
"""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from playwright.async_api import Browser, BrowserContext, Page, Playwright, async_playwright
from playwright.async_api import Error as PlaywrightError
from prometheus_client import Histogram

from auction_hibid_bot.adapters.navigation import (
    LogOnFailed,
    SessionExpired,
    SiteError,
    SiteRejectedError,
    SiteServerError,
)
from auction_hibid_bot.adapters.pages import Account, LogOnPage
from auction_hibid_bot.domain.retry import RetryPolicy, safe_key_part
from auction_shared.logging import get_logger
from auction_shared.storage import ObjectStore

log = get_logger(__name__)

STEP_SECONDS = Histogram(
    "auction_bot_step_duration_seconds",
    "Time of one browser step on the auction site, retries and re-logins included.",
    ["step", "outcome"],
    buckets=(0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 900),
)

T = TypeVar("T")
StepCallback = Callable[[int, str, str], Awaitable[None]]

# Keep Chromium from calling Google services (updates, sync, field trials) from this host.
CHROMIUM_ARGS = ("--disable-background-networking", "--disable-component-update", "--disable-sync")


class StepFailed(Exception):
    """A step still failed after its last attempt; the message names its screenshot and trace."""


@dataclass(frozen=True)
class BrowserOptions:
    executable_path: str = "/usr/bin/chromium"
    headless: bool = True
    action_timeout_seconds: float = 30.0
    navigation_timeout_seconds: float = 60.0


class BrowserPool:
    """Starts Chromium on first use and again after it crashed; `close` stops it."""

    def __init__(self, options: BrowserOptions) -> None:
        self.options = options
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None
        self._lock = asyncio.Lock()

    async def browser(self) -> Browser:
        async with self._lock:
            if self._browser is not None and self._browser.is_connected():
                return self._browser
            if self._playwright is None:
                self._playwright = await async_playwright().start()
            self._browser = await self._playwright.chromium.launch(
                executable_path=self.options.executable_path,
                headless=self.options.headless,
                args=list(CHROMIUM_ARGS),
            )
            log.info("browser_started", executable=self.options.executable_path)
            return self._browser

    async def close(self) -> None:
        async with self._lock:
            if self._browser is not None:
                with contextlib.suppress(PlaywrightError):
                    await self._browser.close()
                self._browser = None
            if self._playwright is not None:
                await self._playwright.stop()
                self._playwright = None


class Artifacts:
    """Screenshots and traces of one task, under `bot/<task id>/` in the private bucket."""

    def __init__(self, store: ObjectStore, task_id: str) -> None:
        self.store = store
        self.prefix = f"bot/{safe_key_part(task_id, 120)}/"

    def key(self, number: int, name: str, suffix: str) -> str:
        return f"{self.prefix}{number:02d}-{safe_key_part(name)}{suffix}"

    async def put(self, key: str, data: bytes, content_type: str) -> str:
        await self.store.put_bytes(self.store.private_bucket, key, data, content_type)
        return key


class SiteSession:
    """One task's browser context on the site, signed in as the warehouse's account."""

    def __init__(
        self,
        context: BrowserContext,
        page: Page,
        *,
        base_url: str,
        account: Account,
        artifacts: Artifacts,
        policy: RetryPolicy,
        on_step: StepCallback,
        work_dir: Path,
    ) -> None:
        self.context = context
        self.page = page
        self.base_url = base_url
        self._account = account
        self.artifacts = artifacts
        self.policy = policy
        self._on_step = on_step
        self.work_dir = work_dir
        self._logged_on = False
        self._step_number = 0
        self.last_screenshot: str | None = None

    @classmethod
    @contextlib.asynccontextmanager
    async def open(
        cls,
        pool: BrowserPool,
        *,
        base_url: str,
        account: Account,
        artifacts: Artifacts,
        policy: RetryPolicy,
        on_step: StepCallback,
    ) -> AsyncIterator[SiteSession]:
        """Open a new browser context for one task; the `finally` block closes it on every exit."""
        browser = await pool.browser()
        context = await browser.new_context(
            accept_downloads=True, viewport={"width": 1280, "height": 900}
        )
        try:
            context.set_default_timeout(pool.options.action_timeout_seconds * 1000)
            context.set_default_navigation_timeout(pool.options.navigation_timeout_seconds * 1000)
            await context.tracing.start(screenshots=True, snapshots=True)
            # Tracing starts with a chunk open; drop it so each step records its own chunk.
            await context.tracing.stop_chunk()
            page = await context.new_page()
            with tempfile.TemporaryDirectory(prefix="hibid-bot-") as work_dir:
                yield cls(
                    context,
                    page,
                    base_url=base_url.rstrip("/"),
                    account=account,
                    artifacts=artifacts,
                    policy=policy,
                    on_step=on_step,
                    work_dir=Path(work_dir),
                )
        finally:
            with contextlib.suppress(PlaywrightError):
                await context.tracing.stop()
            with contextlib.suppress(PlaywrightError):
                await context.close()

    async def log_on(self) -> None:
        """Sign in, retrying server errors and timeouts; LogOnFailed is final."""
        for attempt in range(1, self.policy.max_attempts + 1):
            try:
                await LogOnPage(self.page, self.base_url).log_on(self._account)
            except LogOnFailed:
                raise
            except (SiteServerError, PlaywrightError) as error:
                if attempt == self.policy.max_attempts:
                    raise StepFailed(
                        f"log-on failed after {attempt} attempts: {_short(error)}"
                    ) from error
                log.warning("site_logon_retry", attempt=attempt, error=_short(error))
                await asyncio.sleep(self.policy.delay(attempt))
                continue
            # Leave the page the form redirected to, so no later trace snapshot contains log-on state.
            await self.page.goto("about:blank")
            self._logged_on = True
            log.info("site_logged_on", username=self._account.username)
            return

    async def step(self, name: str, progress: int, action: Callable[[Page], Awaitable[T]]) -> T:
        """Run `action` as one step; see the module docstring for retries and artifacts."""
        started = time.perf_counter()
        outcome = "failed"
        try:
            result = await self._run_step(name, progress, action)
            outcome = "completed"
            return result
        finally:
            STEP_SECONDS.labels(step=name, outcome=outcome).observe(time.perf_counter() - started)

    async def _run_step(
        self, name: str, progress: int, action: Callable[[Page], Awaitable[T]]
    ) -> T:
        self._step_number += 1
        number = self._step_number
        attempt = 0
        relogins = 0
        while True:
            if not self._logged_on:
                await self.log_on()
            attempt += 1
            await self.context.tracing.start_chunk(title=name)
            try:
                result = await action(self.page)
            except SessionExpired as error:
                await self._discard_trace()
                self._logged_on = False
                relogins += 1
                attempt -= 1
                log.info("site_session_expired", step=name, relogins=relogins)
                if relogins > self.policy.max_relogins:
                    raise StepFailed(
                        f"step {name!r}: the session expired {relogins} times in a row ({error})"
                    ) from error
                continue
            except (SiteError, PlaywrightError) as error:
                screenshot, trace = await self._keep_failure(number, name, attempt)
                retryable = not isinstance(error, SiteError) or error.retryable
                if retryable and attempt < self.policy.max_attempts:
                    delay = self.policy.delay(attempt)
                    log.warning(
                        "site_step_retry",
                        step=name,
                        attempt=attempt,
                        retry_in_seconds=delay,
                        error=_short(error),
                        trace_key=trace,
                    )
                    await asyncio.sleep(delay)
                    continue
                message = (
                    f"step {name!r} failed on attempt {attempt}: {_short(error)} "
                    f"(screenshot {screenshot}, trace {trace})"
                )
                if isinstance(error, SiteRejectedError | LogOnFailed):
                    raise type(error)(message) from error
                raise StepFailed(message) from error
            except BaseException:
                await self._discard_trace()
                raise
            await self._discard_trace()
            key = await self.screenshot(number, name)
            await self._on_step(progress, name, key)
            return result

    async def checkpoint(self, label: str, progress: int) -> str:
        """Store a screenshot in the middle of the current step and report it as progress."""
        key = await self.screenshot(self._step_number, label)
        await self._on_step(progress, label, key)
        return key

    async def screenshot(self, number: int, name: str, suffix: str = ".jpg") -> str:
        data = await self.page.screenshot(full_page=True, type="jpeg", quality=70)
        key = await self.artifacts.put(self.artifacts.key(number, name, suffix), data, "image/jpeg")
        self.last_screenshot = key
        return key

    async def _discard_trace(self) -> None:
        with contextlib.suppress(PlaywrightError):
            await self.context.tracing.stop_chunk()

    async def _keep_failure(self, number: int, name: str, attempt: int) -> tuple[str, str]:
        """Store the failed attempt's screenshot and trace; return their keys."""
        trace_path = self.work_dir / f"trace-{number}-{attempt}.zip"
        trace_key = self.artifacts.key(number, name, f"-attempt{attempt}-trace.zip")
        screenshot_key = ""
        try:
            await self.context.tracing.stop_chunk(path=trace_path)
            await self.artifacts.put(trace_key, trace_path.read_bytes(), "application/zip")
        except (PlaywrightError, OSError) as error:
            log.warning("site_trace_not_saved", step=name, error=str(error))
            trace_key = "not saved"
        finally:
            trace_path.unlink(missing_ok=True)
        try:
            screenshot_key = await self.screenshot(number, name, f"-attempt{attempt}-failed.jpg")
        except PlaywrightError as error:
            log.warning("site_screenshot_not_saved", step=name, error=str(error))
            screenshot_key = "not saved"
        return screenshot_key, trace_key


def _short(error: BaseException) -> str:
    """Return the first line of an error: Playwright appends long call logs after it."""
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0] if text else ''}"
