"""Tests of PhotoDownloader against an httpx MockTransport (no socket is opened)."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest

from auction_images.domain import PhotoLimits, PhotoRejected, RejectionCode
from auction_images.download import DownloadedPhoto, DownloadSettings, PhotoDownloader

PHOTO = b"\xff\xd8\xff" + b"p" * 5_000
JPEG_HEADERS = {"content-type": "image/jpeg"}

Handler = Callable[[httpx.Request], httpx.Response | Awaitable[httpx.Response]]


class FakeHost:
    """Route requests by URL to queued responses and record every request."""

    def __init__(self) -> None:
        self.routes: dict[str, list[Handler]] = {}
        self.requests: list[str] = []

    def add(self, url: str, *handlers: Handler) -> None:
        self.routes.setdefault(url, []).extend(handlers)

    async def handle(self, request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        self.requests.append(url)
        queue = self.routes.get(url)
        if not queue:
            return httpx.Response(404)
        handler = queue.pop(0) if len(queue) > 1 else queue[0]
        response = handler(request)
        if inspect.isawaitable(response):
            return await response
        return response


def ok(body: bytes = PHOTO, content_type: str = "image/jpeg") -> Handler:
    return lambda request: httpx.Response(200, content=body, headers={"content-type": content_type})


def status(code: int, **headers: str) -> Handler:
    return lambda request: httpx.Response(code, headers=headers)


def redirect(location: str, code: int = 302) -> Handler:
    return lambda request: httpx.Response(code, headers={"location": location})


def failing(error: type[httpx.TransportError]) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        raise error("simulated", request=request)

    return handler


class RecordingSleep:
    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


def make_downloader(host: FakeHost, **overrides: object) -> tuple[PhotoDownloader, RecordingSleep]:
    values: dict[str, object] = {
        "allowed_hosts": frozenset({"photos.example", "*.cdn.example"}),
        "allowed_schemes": frozenset({"https"}),
    }
    values.update(overrides)
    settings = DownloadSettings(**values)  # type: ignore[arg-type]
    client = httpx.AsyncClient(transport=httpx.MockTransport(host.handle))
    sleep = RecordingSleep()
    return PhotoDownloader(client, settings, sleep=sleep), sleep


async def test_download_returns_body_and_type() -> None:
    host = FakeHost()
    host.add("https://photos.example/a.jpg", ok())
    downloader, sleep = make_downloader(host)

    photo = await downloader.download("https://photos.example/a.jpg")

    assert photo == DownloadedPhoto(
        data=PHOTO, content_type="image/jpeg", url="https://photos.example/a.jpg", attempts=1
    )
    assert sleep.delays == []


@pytest.mark.parametrize(
    "url",
    [
        "https://photos.example.evil.test/a.jpg",
        "https://evil.test/a.jpg",
        "https://cdn.example/a.jpg",
        "https://photos.example@evil.test/a.jpg",
        "https://127.0.0.1/a.jpg",
        "https://169.254.169.254/latest/meta-data",
    ],
)
async def test_host_not_allowed_sends_nothing(url: str) -> None:
    host = FakeHost()
    downloader, _ = make_downloader(host)

    with pytest.raises(PhotoRejected) as caught:
        await downloader.download(url)

    assert caught.value.code is RejectionCode.HOST_NOT_ALLOWED
    assert "allow-list" in caught.value.message
    assert host.requests == []


@pytest.mark.parametrize(
    "url",
    [
        "https://PHOTOS.EXAMPLE/a.jpg",
        "https://photos.example./a.jpg",
        "https://v5.cdn.example/a.jpg",
        "https://a.b.cdn.example/a.jpg",
    ],
)
async def test_allowed_host_variants(url: str) -> None:
    host = FakeHost()
    host.add(str(httpx.URL(url)), ok())
    downloader, _ = make_downloader(host)

    photo = await downloader.download(url)

    assert photo.data == PHOTO


@pytest.mark.parametrize(
    "url", ["http://photos.example/a.jpg", "ftp://photos.example/a.jpg", "a.jpg", "https://"]
)
async def test_bad_scheme_or_url_rejected(url: str) -> None:
    host = FakeHost()
    downloader, _ = make_downloader(host)

    with pytest.raises(PhotoRejected) as caught:
        await downloader.download(url)

    assert caught.value.code in {RejectionCode.BAD_URL, RejectionCode.HOST_NOT_ALLOWED}
    assert host.requests == []


async def test_http_allowed_when_configured() -> None:
    host = FakeHost()
    host.add("http://127.0.0.1:8080/a.jpg", ok())
    downloader, _ = make_downloader(
        host, allowed_hosts=frozenset({"127.0.0.1"}), allowed_schemes=frozenset({"http"})
    )

    photo = await downloader.download("http://127.0.0.1:8080/a.jpg")

    assert photo.data == PHOTO


async def test_redirect_to_allowed_host_followed() -> None:
    host = FakeHost()
    host.add("https://photos.example/a.jpg", redirect("https://x.cdn.example/a.jpg"))
    host.add("https://x.cdn.example/a.jpg", redirect("/b.jpg", 307))
    host.add("https://x.cdn.example/b.jpg", ok())
    downloader, _ = make_downloader(host)

    photo = await downloader.download("https://photos.example/a.jpg")

    assert photo.url == "https://x.cdn.example/b.jpg"
    assert photo.attempts == 1
    assert len(host.requests) == 3


async def test_redirect_to_other_host_rejected_unsent() -> None:
    host = FakeHost()
    host.add("https://photos.example/a.jpg", redirect("https://evil.test/a.jpg"))
    downloader, _ = make_downloader(host)

    with pytest.raises(PhotoRejected) as caught:
        await downloader.download("https://photos.example/a.jpg")

    assert caught.value.code is RejectionCode.HOST_NOT_ALLOWED
    assert "evil.test" in caught.value.message
    assert host.requests == ["https://photos.example/a.jpg"]


async def test_redirect_to_http_rejected() -> None:
    host = FakeHost()
    host.add("https://photos.example/a.jpg", redirect("http://photos.example/a.jpg"))
    downloader, _ = make_downloader(host)

    with pytest.raises(PhotoRejected) as caught:
        await downloader.download("https://photos.example/a.jpg")

    assert caught.value.code is RejectionCode.BAD_URL
    assert len(host.requests) == 1


async def test_redirect_loop_rejected() -> None:
    host = FakeHost()
    host.add("https://photos.example/a.jpg", redirect("https://photos.example/a.jpg"))
    downloader, _ = make_downloader(host, max_redirects=3)

    with pytest.raises(PhotoRejected) as caught:
        await downloader.download("https://photos.example/a.jpg")

    assert caught.value.code is RejectionCode.TOO_MANY_REDIRECTS
    assert len(host.requests) == 4


@pytest.mark.parametrize("content_type", ["text/html; charset=utf-8", "application/pdf", ""])
async def test_wrong_content_type_rejected(content_type: str) -> None:
    host = FakeHost()
    host.add("https://photos.example/a.jpg", ok(content_type=content_type))
    downloader, sleep = make_downloader(host)

    with pytest.raises(PhotoRejected) as caught:
        await downloader.download("https://photos.example/a.jpg")

    assert caught.value.code is RejectionCode.BAD_CONTENT_TYPE
    assert len(host.requests) == 1
    assert sleep.delays == []


async def test_small_body_rejected() -> None:
    host = FakeHost()
    host.add("https://photos.example/a.jpg", ok(body=b"x" * 999))
    downloader, _ = make_downloader(host)

    with pytest.raises(PhotoRejected) as caught:
        await downloader.download("https://photos.example/a.jpg")

    assert caught.value.code is RejectionCode.TOO_SMALL
    assert "999" in caught.value.message


async def test_declared_length_over_cap_rejected() -> None:
    streamed: list[int] = []

    async def body() -> AsyncIterator[bytes]:
        for index in range(100):
            streamed.append(index)
            yield b"x" * 1_000

    host = FakeHost()
    host.add(
        "https://photos.example/a.jpg",
        lambda request: httpx.Response(
            200, content=body(), headers={**JPEG_HEADERS, "content-length": "100000"}
        ),
    )
    downloader, _ = make_downloader(host, limits=PhotoLimits(max_bytes=10_000))

    with pytest.raises(PhotoRejected) as caught:
        await downloader.download("https://photos.example/a.jpg")

    assert caught.value.code is RejectionCode.TOO_LARGE
    assert "100,000" in caught.value.message
    assert streamed == []


async def test_streamed_body_over_cap_stops_early() -> None:
    streamed: list[int] = []

    async def endless() -> AsyncIterator[bytes]:
        index = 0
        while True:
            streamed.append(index)
            index += 1
            yield b"x" * 1_000

    host = FakeHost()
    host.add(
        "https://photos.example/a.jpg",
        lambda request: httpx.Response(200, content=endless(), headers=JPEG_HEADERS),
    )
    downloader, sleep = make_downloader(host, limits=PhotoLimits(max_bytes=10_000))

    with pytest.raises(PhotoRejected) as caught:
        await downloader.download("https://photos.example/a.jpg")

    assert caught.value.code is RejectionCode.TOO_LARGE
    assert len(streamed) == 11
    assert sleep.delays == []


@pytest.mark.parametrize(
    "first_failure",
    [
        status(503),
        status(429),
        status(500),
        failing(httpx.ConnectError),
        failing(httpx.ReadTimeout),
    ],
)
async def test_retry_then_success(first_failure: Handler) -> None:
    host = FakeHost()
    host.add("https://photos.example/a.jpg", first_failure, first_failure, ok())
    downloader, sleep = make_downloader(host)

    photo = await downloader.download("https://photos.example/a.jpg")

    assert photo.attempts == 3
    assert sleep.delays == [1.0, 2.0]
    assert len(host.requests) == 3


async def test_retries_exhausted_rejected() -> None:
    host = FakeHost()
    host.add("https://photos.example/a.jpg", status(502))
    downloader, sleep = make_downloader(host)

    with pytest.raises(PhotoRejected) as caught:
        await downloader.download("https://photos.example/a.jpg")

    assert caught.value.code is RejectionCode.DOWNLOAD_FAILED
    assert "HTTP 502" in caught.value.message
    assert "3 times" in caught.value.message
    assert len(host.requests) == 3
    assert sleep.delays == [1.0, 2.0]


async def test_retry_after_header_respected() -> None:
    host = FakeHost()
    host.add("https://photos.example/a.jpg", status(429, **{"retry-after": "7"}), ok())
    downloader, sleep = make_downloader(host)

    await downloader.download("https://photos.example/a.jpg")

    assert sleep.delays == [7.0]


async def test_retry_after_capped() -> None:
    host = FakeHost()
    host.add("https://photos.example/a.jpg", status(503, **{"retry-after": "3600"}), ok())
    downloader, sleep = make_downloader(host, max_backoff_seconds=10.0)

    await downloader.download("https://photos.example/a.jpg")

    assert sleep.delays == [10.0]


@pytest.mark.parametrize("code", [403, 404, 410, 401])
async def test_client_error_not_retried(code: int) -> None:
    host = FakeHost()
    host.add("https://photos.example/a.jpg", status(code))
    downloader, sleep = make_downloader(host)

    with pytest.raises(PhotoRejected) as caught:
        await downloader.download("https://photos.example/a.jpg")

    assert caught.value.code is RejectionCode.DOWNLOAD_FAILED
    assert f"HTTP {code}" in caught.value.message
    assert len(host.requests) == 1
    assert sleep.delays == []


async def test_slow_response_times_out_and_retries() -> None:
    calls: list[int] = []

    async def slow(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        if len(calls) == 1:
            await asyncio.sleep(5)
        return httpx.Response(200, content=PHOTO, headers=JPEG_HEADERS)

    host = FakeHost()
    host.add("https://photos.example/a.jpg", slow)
    downloader, sleep = make_downloader(host, timeout_seconds=0.05)

    photo = await downloader.download("https://photos.example/a.jpg")

    assert photo.attempts == 2
    assert sleep.delays == [1.0]


async def test_concurrency_bounded_by_semaphore() -> None:
    active = 0
    peak = 0

    async def tracked(request: httpx.Request) -> httpx.Response:
        nonlocal active, peak
        active += 1
        peak = max(peak, active)
        await asyncio.sleep(0.01)
        active -= 1
        return httpx.Response(200, content=PHOTO, headers=JPEG_HEADERS)

    host = FakeHost()
    urls = [f"https://photos.example/{index}.jpg" for index in range(12)]
    for url in urls:
        host.add(url, tracked)
    downloader, _ = make_downloader(host, max_concurrency=3)

    results = await downloader.download_all(urls)

    assert all(isinstance(result, DownloadedPhoto) for result in results)
    assert peak == 3


async def test_download_all_keeps_order_and_rejections() -> None:
    host = FakeHost()
    host.add("https://photos.example/a.jpg", ok(body=PHOTO + b"a"))
    host.add("https://photos.example/c.jpg", ok(body=PHOTO + b"c"))
    downloader, _ = make_downloader(host)

    results = await downloader.download_all(
        [
            "https://photos.example/a.jpg",
            "https://evil.test/b.jpg",
            "https://photos.example/c.jpg",
        ]
    )

    assert isinstance(results[0], DownloadedPhoto)
    assert results[0].data.endswith(b"a")
    assert isinstance(results[1], PhotoRejected)
    assert results[1].code is RejectionCode.HOST_NOT_ALLOWED
    assert isinstance(results[2], DownloadedPhoto)
    assert results[2].data.endswith(b"c")


@pytest.mark.parametrize(
    "overrides",
    [{"max_concurrency": 0}, {"attempts": 0}, {"timeout_seconds": 0}, {"max_redirects": -1}],
)
def test_settings_reject_invalid_values(overrides: dict[str, int]) -> None:
    with pytest.raises(ValueError, match="must be"):
        DownloadSettings(allowed_hosts=frozenset({"photos.example"}), **overrides)  # type: ignore[arg-type]
