"""Page loads and form submits that check where the browser landed.

Every navigation ends in one of: the expected page, a server error (retried), the log-on page
(the session expired: log on again and repeat the step) or another error page (final).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.async_api import Locator, Page, Response

from auction_hibid_bot.domain.retry import is_retryable_status

LOGON_PATH = "/Account/LogOn"
ERROR_MESSAGE = "#ErrorMessage, .alert-danger"


class SiteError(Exception):
    """Base of the site errors; `retryable` marks errors the step runner tries again."""

    retryable = False


class SiteServerError(SiteError):
    """The site responded with a 5xx (or 408 or 429) status, or a step failed in a way worth a retry."""

    retryable = True


class SessionExpired(SiteError):
    """The site sent the browser to the log-on page: the session ended."""

    retryable = True


class SitePageError(SiteError):
    """The site showed an error page (404, 409, …) that another try will not change."""


class SiteRejectedError(SiteError):
    """The site refused the request (validation errors, unknown event); the task ends in ERROR."""


class LogOnFailed(SiteError):
    """The site's log-on page refused the configured user name and password."""


def is_logon_url(url: str) -> bool:
    return urlsplit(url).path.lower().rstrip("/") == LOGON_PATH.lower()


async def error_text(page: Page) -> str:
    """Return the visible error message of the current page, or an empty string."""
    locator = page.locator(ERROR_MESSAGE)
    if await locator.count() == 0:
        return ""
    return " ".join((await locator.first.inner_text()).split())


async def check_landing(page: Page, response: Response | None, action: str) -> None:
    """Raise the SiteError that matches where the browser landed after `action`."""
    if is_logon_url(page.url):
        raise SessionExpired(f"{action}: the site sent the browser to the log-on page")
    if response is None:
        return
    status = response.status
    if is_retryable_status(status):
        raise SiteServerError(f"{action}: the site responded with HTTP {status}")
    if status >= 400:
        detail = await error_text(page)
        raise SitePageError(
            f"{action}: the site responded with HTTP {status}" + (f": {detail}" if detail else "")
        )


async def open_path(page: Page, base_url: str, path: str, action: str) -> None:
    """Load `base_url` + `path` and check the landing page."""
    response = await page.goto(base_url + path, wait_until="load")
    await check_landing(page, response, action)


async def submit(page: Page, button: Locator, action: str) -> None:
    """Click a submit button, wait for the page it leads to, and check the landing page."""
    async with page.expect_navigation(wait_until="load") as navigation:
        await button.click()
    await check_landing(page, await navigation.value, action)
