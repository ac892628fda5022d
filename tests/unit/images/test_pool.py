"""Tests of the executor helpers, with both a thread pool and a fork-server process pool."""

from __future__ import annotations

import asyncio
import time
import warnings
from collections.abc import Iterator
from concurrent.futures import Executor, ThreadPoolExecutor

import pytest

from auction_images.domain import PhotoLimits, PhotoRejected, RejectionCode
from auction_images.processing import (
    ExecutorKind,
    PhotoJob,
    make_executor,
    process_many,
    process_photo,
    run_in_pool,
)
from support.photos import encode, photo_like, png_header_only


@pytest.fixture(params=["thread", "process"], scope="module")
def executor(request: pytest.FixtureRequest) -> Iterator[Executor]:
    kind: ExecutorKind = request.param
    pool = make_executor(kind, workers=2)
    yield pool
    pool.shutdown(wait=True, cancel_futures=True)


def good_job(key: str, size: tuple[int, int] = (1600, 1200)) -> PhotoJob:
    return PhotoJob(key=key, data=encode(photo_like(size), "JPEG", quality=90))


async def test_process_many_yields_every_outcome(executor: Executor) -> None:
    jobs = [
        good_job("rec1_1.jpg"),
        PhotoJob(key="rec1_2.jpg", data=b"garbage" * 500),
        good_job("rec1_3.jpg", (800, 600)),
        PhotoJob(key="rec1_4.jpg", data=b"tiny"),
    ]

    outcomes = {outcome.key: outcome async for outcome in process_many(jobs, executor)}

    assert set(outcomes) == {job.key for job in jobs}
    first = outcomes["rec1_1.jpg"]
    assert first.photo is not None
    assert first.rejection is None
    assert (first.photo.width, first.photo.height) == (1024, 768)
    third = outcomes["rec1_3.jpg"].photo
    assert third is not None
    assert (third.width, third.height) == (800, 600)
    second = outcomes["rec1_2.jpg"]
    assert second.photo is None
    assert second.rejection is not None
    assert second.rejection.code is RejectionCode.NOT_AN_IMAGE
    fourth = outcomes["rec1_4.jpg"].rejection
    assert fourth is not None
    assert fourth.code is RejectionCode.TOO_SMALL


async def test_process_many_passes_limits(executor: Executor) -> None:
    jobs = [good_job("rec2_1.jpg")]

    outcomes = [
        outcome async for outcome in process_many(jobs, executor, PhotoLimits(max_pixels=1_000_000))
    ]

    assert len(outcomes) == 1
    assert outcomes[0].rejection is not None
    assert outcomes[0].rejection.code is RejectionCode.TOO_MANY_PIXELS


async def test_process_many_empty_input(executor: Executor) -> None:
    outcomes = [outcome async for outcome in process_many([], executor)]

    assert outcomes == []


async def test_run_in_pool_returns_result(executor: Executor) -> None:
    data = good_job("x").data

    photo = await run_in_pool(executor, process_photo, data)

    assert photo.width == 1024
    assert photo == process_photo(data)


async def test_event_loop_stays_responsive(executor: Executor) -> None:
    jobs = [good_job(f"rec3_{index}.jpg", (3000, 2000)) for index in range(4)]
    lags: list[float] = []
    stop = asyncio.Event()

    async def tick() -> None:
        while not stop.is_set():
            started = time.perf_counter()
            await asyncio.sleep(0.01)
            lags.append(time.perf_counter() - started - 0.01)

    ticker = asyncio.create_task(tick())
    outcomes = [outcome async for outcome in process_many(jobs, executor)]
    stop.set()
    await ticker

    assert all(outcome.photo is not None for outcome in outcomes)
    assert len(lags) >= 3
    # A blocked loop would show a lag as long as one conversion (about 0.1 s or more).
    assert max(lags) < 0.5


def convert_code(data: bytes) -> RejectionCode | None:
    try:
        process_photo(data)
    except PhotoRejected as rejection:
        return rejection.code
    return None


def test_threads_leave_warning_filters_unchanged() -> None:
    # Many short header parses in 8 threads: without the lock around catch_warnings, runs of
    # this size left extra filters behind in most attempts.
    filters_before = list(warnings.filters)
    bomb = png_header_only(10_000, 10_000)

    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = list(pool.map(convert_code, [bomb] * 2_000))

    assert set(codes) == {RejectionCode.TOO_MANY_PIXELS}
    assert warnings.filters == filters_before
