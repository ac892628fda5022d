"""Time the site bot's three jobs against the auction-site sandbox, and how much of each is the
site's own work.

Flows, each from the request on Kafka to the task's final `task.status`:

- create: `auction.create.requested` to a Draft event with its banner;
- import: `upload.requested` of a 2,000-lot CSV (no photos) into a Draft event, until the bot
  has read the site's import report;
- void: `void.requested` on a closed event with 200 unpaid sales (and 100 paid ones), without
  "copy to cancels".

hibid-bot runs in this process with its production defaults (a report check every 3 s, retry
pauses from 1 s) on the local stack (`make up`), with its own schema and topic prefix. The
sandbox runs in a thread with no faults and `import_row_delay_seconds` 0. A wrapper around the
sandbox's app records when each request began and ended, including the background CSV import.
"Site busy" is the time during which at least one request was in progress. The rest is the
bot's own time: Chromium rendering, tracing and screenshots, S3 uploads, Kafka, and pauses
between report checks. The bench wraps the bot's screenshot and upload methods to time those.

Run: uv run python bench/site_flows.py [--runs 3] [--lots 2000] [--voids 200]
     [--output bench/out/site_flows.json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import socket
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import uvicorn
from aiokafka import AIOKafkaConsumer
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from auction_hibid_bot.adapters.session import Artifacts, SiteSession
from auction_hibid_bot.entrypoint import MIGRATIONS, create_app
from auction_hibid_bot.settings import HibidBotSettings
from auction_shared import topics
from auction_shared.db import run_migrations
from auction_shared.events import (
    AuctionCreateRequested,
    Payload,
    Requester,
    UploadRequested,
    VoidRequested,
    encode,
    make_envelope,
)
from auction_shared.settings import ServiceSettings
from auction_shared.storage import ObjectStore
from auction_site_sandbox.faults import FaultState
from auction_site_sandbox.settings import SandboxSettings
from auction_site_sandbox.testing import create_draft_event, import_csv_bytes, log_on, lot_row
from auction_site_sandbox.web.app import create_app as create_site

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from support.kafka import isolated_topics, produce

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "bench" / "out"
SITE_USER, SITE_PASSWORD = "admin", "sandbox-password"
FINAL = {"COMPLETED", "WARNING", "ERROR"}
REQUESTER = Requester(name="bench site flows")
ASGIApp = Callable[..., Awaitable[None]]


class BusyRecorder:
    """ASGI wrapper that records each HTTP request's start and end (its background work too)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.spans: list[tuple[float, float]] = []
        self._lock = threading.Lock()

    async def __call__(self, scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/_sandbox"):
            await self.app(scope, receive, send)
            return
        started = time.monotonic()
        try:
            await self.app(scope, receive, send)
        finally:
            with self._lock:
                self.spans.append((started, time.monotonic()))

    def busy(self, start: float, end: float) -> tuple[float, int]:
        """Return the seconds within [start, end] with a request in progress, and the count."""
        with self._lock:
            spans = sorted((max(a, start), min(b, end)) for a, b in self.spans if b > start)
        spans = [(a, b) for a, b in spans if a < end]
        total, reach = 0.0, start
        for a, b in spans:
            if b > reach:
                total += b - max(a, reach)
                reach = b
        return total, len(spans)


@dataclass
class BotClock:
    """Seconds the bot spent on step screenshots (capture and upload) and on S3 uploads."""

    screenshot_s: float = 0.0
    upload_s: float = 0.0
    screenshots: int = 0
    screenshot_bytes: int = 0

    def snapshot(self) -> dict[str, float]:
        return dict(self.__dict__)


CLOCK = BotClock()


def instrument_bot() -> None:
    """Wrap the bot's screenshot and upload methods with timers, leaving what they do unchanged."""
    screenshot = SiteSession.screenshot
    put = Artifacts.put

    async def timed_screenshot(self: SiteSession, *args: Any, **kwargs: Any) -> str:
        started = time.perf_counter()
        try:
            return await screenshot(self, *args, **kwargs)
        finally:
            CLOCK.screenshot_s += time.perf_counter() - started
            CLOCK.screenshots += 1

    async def timed_put(self: Artifacts, key: str, data: bytes, content_type: str) -> str:
        started = time.perf_counter()
        try:
            return await put(self, key, data, content_type)
        finally:
            CLOCK.upload_s += time.perf_counter() - started
            if content_type == "image/jpeg":
                CLOCK.screenshot_bytes += len(data)

    setattr(SiteSession, "screenshot", timed_screenshot)  # noqa: B010
    setattr(Artifacts, "put", timed_put)  # noqa: B010


@dataclass
class Site:
    base_url: str
    recorder: BusyRecorder
    server: uvicorn.Server
    thread: threading.Thread


def start_site(data_dir: Path) -> Site:
    settings = SandboxSettings(data_dir=data_dir)
    recorder = BusyRecorder(create_site(settings, FaultState(None)))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(recorder, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    return Site(f"http://127.0.0.1:{port}", recorder, server, thread)


@dataclass
class Result:
    flow: str
    run: int
    total_s: float
    site_busy_s: float
    requests: int
    state: str
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def share(self) -> float:
        return self.site_busy_s / self.total_s if self.total_s else 0.0


class Bench:
    def __init__(self, env: dict[str, str], prefix: str, site: Site, store: ObjectStore) -> None:
        self.bootstrap = env["AUCTION_KAFKA_BOOTSTRAP"]
        self.prefix = prefix
        self.site = site
        self.store = store
        self.http = httpx.Client(base_url=site.base_url, timeout=60)
        self.consumer: AIOKafkaConsumer | None = None

    async def start(self) -> None:
        self.consumer = AIOKafkaConsumer(
            self.prefix + topics.TASK_STATUS,
            bootstrap_servers=self.bootstrap,
            auto_offset_reset="earliest",
            enable_auto_commit=False,
        )
        await self.consumer.start()

    async def run(self, flow: str, run: int, payload: Payload, subject: str) -> Result:
        """Send the request and wait for the task's final status; time it against the site."""
        assert self.consumer is not None
        task_id = f"bench-{flow}-{uuid.uuid4().hex[:8]}"
        envelope = make_envelope(payload, source="/bench", task_id=task_id, subject=subject)
        before = CLOCK.snapshot()
        started = time.monotonic()
        await produce(
            self.bootstrap, self.prefix + payload.topic, [encode(envelope)], key=subject.encode()
        )
        while True:
            batch = await self.consumer.getmany(timeout_ms=500)
            finals = [
                json.loads(record.value)["data"]
                for records in batch.values()
                for record in records
                if json.loads(record.value)["taskid"] == task_id
            ]
            finals = [data for data in finals if data["state"] in FINAL]
            if finals:
                break
            if time.monotonic() - started > 1800:
                raise TimeoutError(f"{flow} task {task_id} did not finish within 30 minutes")
        ended = time.monotonic()
        busy, requests = self.site.recorder.busy(started, ended)
        final = finals[-1]
        after = CLOCK.snapshot()
        bot = {name: round(after[name] - before[name], 3) for name in after}
        return Result(flow, run, ended - started, busy, requests, final["state"], {"bot": bot})

    def draft_event(self, title: str) -> int:
        log_on(self.http, SITE_USER, SITE_PASSWORD)
        return create_draft_event(self.http, title)


async def create_flow(bench: Bench, run: int) -> Result:
    end = datetime.now(ZoneInfo("America/Los_Angeles")).date() + timedelta(days=5)
    request = AuctionCreateRequested(
        warehouse="maule",
        title=f"Bench auction {uuid.uuid4().hex[:6]}",
        subtitle="Customer returns and overstock",
        end_date=end,
        requested_by=REQUESTER,
    )
    return await bench.run("create", run, request, "maule")


async def import_flow(bench: Bench, run: int, lots: int) -> Result:
    event_id = bench.draft_event(f"Bench import {uuid.uuid4().hex[:6]}")
    rows = [lot_row(event_id, f"M{10000 + n}", f"Bench lot {n} stand mixer") for n in range(lots)]
    data = import_csv_bytes(rows)
    key = f"bench/site-flows/{event_id}-{uuid.uuid4().hex[:6]}/lots.csv"
    csv_ref = await bench.store.put_bytes(bench.store.private_bucket, key, data, "text/csv")
    request = UploadRequested(
        warehouse="maule",
        event_id=str(event_id),
        version=1,
        csv=csv_ref,
        validate_only=False,
        requested_by=REQUESTER,
    )
    result = await bench.run("import", run, request, str(event_id))
    result.detail["csv_bytes"] = len(data)
    return result


async def void_flow(bench: Bench, run: int, voids: int) -> Result:
    # The seed cycles paid, unpaid with an invoice, unpaid without one: 3 lots give 2 unpaid.
    lots = voids * 3 // 2
    seeded = bench.http.post("/_sandbox/seed-closed-event", json={"lots": lots, "seed": run})
    seeded.raise_for_status()
    sales = seeded.json()["sales"]
    event_id = str(seeded.json()["event_id"])
    request = VoidRequested(warehouse="maule", event_id=event_id, requested_by=REQUESTER)
    result = await bench.run("void", run, request, event_id)
    result.detail["unpaid"] = sales["unpaid_with_invoice"] + sales["unpaid_without_invoice"]
    return result


def read_env(path: Path) -> dict[str, str]:
    pairs = (
        line.split("=", 1)
        for line in path.read_text().splitlines()
        if "=" in line and not line.startswith("#")
    )
    return {key.strip(): value.strip() for key, value in pairs}


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--lots", type=int, default=2000)
    parser.add_argument("--voids", type=int, default=200)
    parser.add_argument("--flows", default="create,import,void")
    parser.add_argument("--output", type=Path, default=OUT / "site_flows.json")
    args = parser.parse_args()
    env = read_env(REPO / ".state" / "stack.env")
    suffix = uuid.uuid4().hex[:8]
    prefix, schema = f"bench-{suffix}.", f"bench{suffix}_hibid_bot"
    database_url = env["AUCTION_ADMIN_DATABASE_URL"]
    await asyncio.to_thread(run_migrations, Path(MIGRATIONS), database_url, schema)
    common: dict[str, Any] = {
        "service_name": "hibid-bot",
        "kafka_bootstrap": env["AUCTION_KAFKA_BOOTSTRAP"],
        "database_url": database_url,
        "database_schema": schema,
        "s3_endpoint": env["AUCTION_S3_ENDPOINT"],
        "s3_access_key": env["AUCTION_S3_ACCESS_KEY"],
        "s3_secret_key": env["AUCTION_S3_SECRET_KEY"],
        "topic_prefix": prefix,
        "shutdown_timeout_seconds": 5,
    }
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="bench-site-") as data_dir:
        site = start_site(Path(data_dir))
        account = {"username": SITE_USER, "password": SITE_PASSWORD}
        settings = HibidBotSettings.model_validate(
            {
                **common,
                "site_base_url": site.base_url,
                "site_accounts": {"maule": account},
                "site_report_email": "reports@example.test",
            }
        )
        instrument_bot()
        app = create_app(settings)
        store = ObjectStore(ServiceSettings.model_validate(common))
        bench = Bench(env, prefix, site, store)
        try:
            async with isolated_topics(bench.bootstrap, prefix), AsyncExitStack() as exits:
                await exits.enter_async_context(app.router.lifespan_context(app))
                await bench.start()
                flows = args.flows.split(",")
                for run in range(1, args.runs + 1):
                    if "create" in flows:
                        results.append(await create_flow(bench, run))
                    if "import" in flows:
                        results.append(await import_flow(bench, run, args.lots))
                    if "void" in flows:
                        results.append(await void_flow(bench, run, args.voids))
                    for result in results[-len(flows) :]:
                        print(
                            f"run {run} {result.flow}: {result.total_s:.1f} s, site busy "
                            f"{result.site_busy_s:.1f} s ({result.share:.0%}), "
                            f"{result.requests} requests, {result.state}, "
                            f"screenshots {result.detail['bot']['screenshot_s']:.1f} s",
                            flush=True,
                        )
                assert bench.consumer is not None
                await bench.consumer.stop()
        finally:
            bench.http.close()
            site.server.should_exit = True
            site.thread.join(timeout=10)
            engine = create_async_engine(database_url)
            async with engine.begin() as connection:
                await connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            await engine.dispose()

    summary = summarise(results)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(
        json.dumps(
            {
                "machine": machine(),
                "arguments": vars(args) | {"output": str(args.output)},
                "runs": [result.__dict__ | {"share": result.share} for result in results],
                "medians": summary,
            },
            indent=2,
            default=str,
        )
    )
    print(json.dumps(summary, indent=2))


def summarise(results: list[Result]) -> dict[str, dict[str, float]]:
    summary: dict[str, dict[str, float]] = {}
    for flow in dict.fromkeys(result.flow for result in results):
        runs = [result for result in results if result.flow == flow]
        summary[flow] = {
            "runs": len(runs),
            "total_s": round(statistics.median(r.total_s for r in runs), 2),
            "site_busy_s": round(statistics.median(r.site_busy_s for r in runs), 2),
            "site_share": round(statistics.median(r.share for r in runs), 3),
            "requests": statistics.median(r.requests for r in runs),
            "screenshot_s": round(
                statistics.median(r.detail["bot"]["screenshot_s"] for r in runs), 2
            ),
            "upload_s": round(statistics.median(r.detail["bot"]["upload_s"] for r in runs), 2),
            "screenshots": statistics.median(r.detail["bot"]["screenshots"] for r in runs),
        }
    return summary


def machine() -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "load_average": [round(value, 2) for value in os.getloadavg()],
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


if __name__ == "__main__":
    asyncio.run(main())
