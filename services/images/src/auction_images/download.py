"""Download photo attachments over HTTP, only from allowed hosts and within size limits.

Every URL, including each redirect target, must use an allowed scheme and host before any
request is sent to it. A download is tried up to `attempts` times on network errors and on
the HTTP statuses in RETRYABLE_STATUSES; anything else fails at once with a PhotoRejected.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Final

import httpx

from auction_images.domain import (
    DEFAULT_LIMITS,
    PhotoLimits,
    PhotoRejected,
    RejectionCode,
    check_byte_size,
    check_content_type,
)
from auction_shared.logging import get_logger

log = get_logger(__name__)

RETRYABLE_STATUSES: Final = frozenset({408, 425, 429, 500, 502, 503, 504})

DEFAULT_CONCURRENCY: Final = 8
DEFAULT_ATTEMPTS: Final = 3
DEFAULT_TIMEOUT_SECONDS: Final = 20.0

Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class DownloadSettings:
    """Allowed sources, limits and retry policy of photo downloads.

    `allowed_hosts` contains exact host names (`dl.airtable.com`) or `*.` patterns that match
    every subdomain but not the domain itself (`*.airtableusercontent.com`). It has no
    default on purpose: an empty set rejects every URL. `timeout_seconds` bounds one whole
    attempt, redirects and body included. Byte limits come from `limits`.
    """

    allowed_hosts: frozenset[str]
    allowed_schemes: frozenset[str] = frozenset({"https"})
    max_concurrency: int = DEFAULT_CONCURRENCY
    attempts: int = DEFAULT_ATTEMPTS
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS
    first_backoff_seconds: float = 1.0
    max_backoff_seconds: float = 10.0
    max_redirects: int = 5
    limits: PhotoLimits = DEFAULT_LIMITS
    normalized_hosts: frozenset[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.max_concurrency < 1:
            raise ValueError(f"max_concurrency must be at least 1, got {self.max_concurrency}")
        if self.attempts < 1:
            raise ValueError(f"attempts must be at least 1, got {self.attempts}")
        if self.timeout_seconds <= 0:
            raise ValueError(f"timeout_seconds must be above 0, got {self.timeout_seconds}")
        if self.max_redirects < 0:
            raise ValueError(f"max_redirects must be 0 or more, got {self.max_redirects}")
        hosts = frozenset(_normalize_host(host) for host in self.allowed_hosts)
        object.__setattr__(self, "normalized_hosts", hosts)
        object.__setattr__(
            self, "allowed_schemes", frozenset(s.lower() for s in self.allowed_schemes)
        )


@dataclass(frozen=True, slots=True)
class DownloadedPhoto:
    """The body of a successful download, with the URL it finally came from."""

    data: bytes
    content_type: str
    url: str
    attempts: int


class _RetryableError(Exception):
    """A failure worth another attempt: a network error, a timeout or a retryable status."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


class PhotoDownloader:
    """Download photos with bounded concurrency, retries and an allow-list of hosts.

    The client's own redirect setting is ignored: redirects are followed here so each target
    is checked against the allow-list first. Create the client with `make_client`.
    """

    def __init__(
        self, client: httpx.AsyncClient, settings: DownloadSettings, *, sleep: Sleep = asyncio.sleep
    ) -> None:
        self._client = client
        self._settings = settings
        self._sleep = sleep
        self._semaphore = asyncio.Semaphore(settings.max_concurrency)

    async def download(self, url: str) -> DownloadedPhoto:
        """Return the photo at `url`, or raise PhotoRejected with the reason."""
        parsed = self._check_url(url)
        settings = self._settings
        last_reason = ""
        for attempt in range(1, settings.attempts + 1):
            try:
                async with self._semaphore:
                    data, content_type, final_url = await self._attempt(parsed)
            except _RetryableError as error:
                last_reason = error.reason
                if attempt == settings.attempts:
                    break
                delay = self._backoff(attempt, error.retry_after)
                log.warning(
                    "photo_download_retry",
                    host=parsed.host,
                    attempt=attempt,
                    max_attempts=settings.attempts,
                    delay_seconds=delay,
                    error=error.reason,
                )
                await self._sleep(delay)
                continue
            return DownloadedPhoto(
                data=data, content_type=content_type, url=str(final_url), attempts=attempt
            )

        raise PhotoRejected(
            RejectionCode.DOWNLOAD_FAILED,
            f"Downloading the photo from {parsed.host} failed {settings.attempts} times; the "
            f"last error was: {last_reason}. Check that the attachment still opens in "
            "Airtable, then run the job again.",
        )

    async def download_all(self, urls: Sequence[str]) -> list[DownloadedPhoto | PhotoRejected]:
        """Download every URL concurrently; return a photo or a rejection per URL, in order."""

        async def one(url: str) -> DownloadedPhoto | PhotoRejected:
            try:
                return await self.download(url)
            except PhotoRejected as rejection:
                log.warning(
                    "photo_download_rejected",
                    host=_host_for_log(url),
                    code=str(rejection.code),
                    error=rejection.message,
                )
                return rejection

        return list(await asyncio.gather(*(one(url) for url in urls)))

    def _check_url(self, url: str) -> httpx.URL:
        try:
            parsed = httpx.URL(url)
        except httpx.InvalidURL as error:
            raise PhotoRejected(
                RejectionCode.BAD_URL,
                f"The photo URL is invalid ({error}). Attach the photo again in Airtable.",
            ) from error
        self._check_allowed(parsed)
        return parsed

    def _check_allowed(self, url: httpx.URL) -> None:
        settings = self._settings
        if url.scheme not in settings.allowed_schemes:
            allowed = ", ".join(sorted(settings.allowed_schemes))
            raise PhotoRejected(
                RejectionCode.BAD_URL,
                f"The photo URL uses scheme {url.scheme!r}; only {allowed} is allowed.",
            )
        host = _normalize_host(url.raw_host.decode("ascii"))
        if not host or not _host_allowed(host, settings.normalized_hosts):
            raise PhotoRejected(
                RejectionCode.HOST_NOT_ALLOWED,
                f"The photo URL points to host {host!r}, which is not in the allowed hosts. "
                "Attach the photo in Airtable, or add the host to the allow-list setting.",
            )

    async def _attempt(self, url: httpx.URL) -> tuple[bytes, str, httpx.URL]:
        """Run one attempt, redirects included, within the attempt timeout."""
        settings = self._settings
        try:
            async with asyncio.timeout(settings.timeout_seconds):
                for _ in range(settings.max_redirects + 1):
                    result = await self._request(url)
                    if isinstance(result, httpx.URL):
                        self._check_allowed(result)
                        url = result
                        continue
                    data, content_type = result
                    return data, content_type, url
        except TimeoutError as error:
            raise _RetryableError(
                f"no complete response within {settings.timeout_seconds:g} s"
            ) from error
        except httpx.TransportError as error:
            raise _RetryableError(f"{type(error).__name__}: {error}") from error
        except httpx.DecodingError as error:
            raise PhotoRejected(
                RejectionCode.DOWNLOAD_FAILED,
                f"The photo host {url.host} sent a body that cannot be decoded ({error}). "
                "Attach the photo again in Airtable.",
            ) from error

        raise PhotoRejected(
            RejectionCode.TOO_MANY_REDIRECTS,
            f"The photo URL redirected more than {settings.max_redirects} times; the last "
            f"target was on host {url.host!r}. Attach the photo again in Airtable.",
        )

    async def _request(self, url: httpx.URL) -> tuple[bytes, str] | httpx.URL:
        """Return the body and media type, or the next URL when the response is a redirect."""
        async with self._client.stream("GET", url, follow_redirects=False) as response:
            if response.is_redirect:
                location = response.headers.get("location")
                if location:
                    return response.url.join(location)
            status = response.status_code
            if status in RETRYABLE_STATUSES:
                raise _RetryableError(
                    f"HTTP {status} from {url.host}", _retry_after(response.headers)
                )
            if status != 200:
                raise PhotoRejected(
                    RejectionCode.DOWNLOAD_FAILED,
                    f"The photo host {url.host} returned HTTP {status}. An expired or "
                    "deleted attachment gives 403 or 404: refresh the record from Airtable "
                    "and run the job again.",
                )
            content_type = check_content_type(response.headers.get("content-type"))
            data = await self._read_capped(response)
        check_byte_size(len(data), self._settings.limits)
        return data, content_type

    async def _read_capped(self, response: httpx.Response) -> bytes:
        """Read the body, stopping as soon as it exceeds the byte limit."""
        max_bytes = self._settings.limits.max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            check_byte_size(int(declared), self._settings.limits)

        chunks: list[bytes] = []
        received = 0
        async for chunk in response.aiter_bytes():
            received += len(chunk)
            if received > max_bytes:
                raise PhotoRejected(
                    RejectionCode.TOO_LARGE,
                    f"The photo is larger than the maximum of {max_bytes:,} bytes (stopped "
                    f"reading after {received:,}). Attach a smaller export of the photo.",
                )
            chunks.append(chunk)
        return b"".join(chunks)

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        settings = self._settings
        delay = settings.first_backoff_seconds * 2.0 ** (attempt - 1)
        if retry_after is not None:
            delay = max(delay, retry_after)
        return min(delay, settings.max_backoff_seconds)


def make_client(settings: DownloadSettings) -> httpx.AsyncClient:
    """Create the HTTP client for a PhotoDownloader.

    Proxy variables from the environment are ignored (`trust_env=False`), so no request goes
    to a host outside the allow-list.
    """
    return httpx.AsyncClient(
        timeout=httpx.Timeout(settings.timeout_seconds),
        limits=httpx.Limits(max_connections=settings.max_concurrency),
        follow_redirects=False,
        trust_env=False,
        headers={"user-agent": "auction-images/0.1"},
    )


def _host_for_log(url: str) -> str:
    # Only the host is logged: attachment URLs carry signed query strings.
    try:
        return httpx.URL(url).host
    except httpx.InvalidURL:
        return "invalid URL"


def _normalize_host(host: str) -> str:
    return host.strip().rstrip(".").lower()


def _host_allowed(host: str, allowed: frozenset[str]) -> bool:
    if host in allowed:
        return True
    labels = host.split(".")
    return any("*." + ".".join(labels[index:]) in allowed for index in range(1, len(labels)))


def _retry_after(headers: httpx.Headers) -> float | None:
    """Return a Retry-After given in seconds; the HTTP-date form is ignored."""
    value = headers.get("retry-after", "").strip()
    return float(value) if value.isdigit() else None
