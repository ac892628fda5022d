"""Run photo conversions off the event loop, so a Kafka consumer keeps sending heartbeats.

A thread pool is the default, because Pillow releases the GIL while it decodes, resizes and
encodes. In bench/photos.py on 2 cores, two threads finished batches about as fast as two
processes. They used 8 to 11% less CPU, since no photo is copied between processes, and one
process's memory. The event loop still runs between those steps: its longest delay was
31 to 460 ms with threads and 7 to 160 ms with processes on a loaded machine, far below a
Kafka session timeout. A process pool isolates crashes and memory growth in workers that
are replaced every `tasks_per_worker` photos.
"""

from __future__ import annotations

import asyncio
import functools
import multiprocessing
import os
from collections.abc import AsyncIterator, Callable, Iterable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Literal, ParamSpec, TypeVar

from auction_images.domain import DEFAULT_LIMITS, PhotoLimits, PhotoRejected, ProcessedPhoto
from auction_images.processing.convert import process_photo
from auction_shared.logging import get_logger

log = get_logger(__name__)

P = ParamSpec("P")
T = TypeVar("T")

ExecutorKind = Literal["process", "thread"]

# A worker process is replaced after this many photos, so memory that the C allocator keeps
# after large decodes goes back to the system. Only process pools use it.
DEFAULT_TASKS_PER_WORKER = 100


@dataclass(frozen=True, slots=True)
class PhotoJob:
    """One photo to convert; `key` is the caller's id for it, such as the object name."""

    key: str
    data: bytes


@dataclass(frozen=True, slots=True)
class PhotoOutcome:
    """The result of one PhotoJob: exactly one of `photo` and `rejection` is set."""

    key: str
    photo: ProcessedPhoto | None = None
    rejection: PhotoRejected | None = None


def default_worker_count() -> int:
    """Return the number of CPUs this process may run on."""
    return len(os.sched_getaffinity(0))


def make_executor(
    kind: ExecutorKind = "thread",
    workers: int | None = None,
    *,
    tasks_per_worker: int = DEFAULT_TASKS_PER_WORKER,
) -> Executor:
    """Create the executor for photo conversions; the caller shuts it down.

    `workers` defaults to the CPUs this process may use. Worker processes start through a
    fork server, because forking the running service would copy its event loop and Kafka
    client threads into the child. A fork server re-imports the `__main__` module, so a
    script that creates a process pool needs an `if __name__ == "__main__":` guard.
    """
    count = workers or default_worker_count()
    if kind == "thread":
        return ThreadPoolExecutor(max_workers=count, thread_name_prefix="photo")
    return ProcessPoolExecutor(
        max_workers=count,
        mp_context=multiprocessing.get_context("forkserver"),
        max_tasks_per_child=tasks_per_worker,
    )


async def run_in_pool(
    executor: Executor, function: Callable[P, T], *args: P.args, **kwargs: P.kwargs
) -> T:
    """Run `function` in `executor` and await its result without blocking the event loop.

    With a process pool, `function` and its arguments must pickle.
    """
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(executor, functools.partial(function, *args, **kwargs))


async def process_many(
    jobs: Iterable[PhotoJob], executor: Executor, limits: PhotoLimits = DEFAULT_LIMITS
) -> AsyncIterator[PhotoOutcome]:
    """Convert photos in `executor` and yield each outcome as soon as it is ready.

    A PhotoRejected becomes an outcome with `rejection` set. Any other exception (a bug, or
    BrokenProcessPool when a worker dies) propagates, and the jobs not yet started are
    cancelled. Closing the generator early cancels them too.
    """
    loop = asyncio.get_running_loop()
    keys: dict[asyncio.Future[ProcessedPhoto], str] = {}
    for job in jobs:
        future = loop.run_in_executor(executor, process_photo, job.data, limits)
        keys[future] = job.key

    pending: set[asyncio.Future[ProcessedPhoto]] = set(keys)
    try:
        while pending:
            done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            for future in done:
                yield _outcome(keys[future], future)
    finally:
        for future in pending:
            future.cancel()


def _outcome(key: str, future: asyncio.Future[ProcessedPhoto]) -> PhotoOutcome:
    try:
        return PhotoOutcome(key=key, photo=future.result())
    except PhotoRejected as rejection:
        log.warning(
            "photo_rejected", photo_key=key, code=str(rejection.code), error=rejection.message
        )
        return PhotoOutcome(key=key, rejection=rejection)
