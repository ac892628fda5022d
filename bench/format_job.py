"""Time one format job of 1,000 lots with 3 photos each, from `format.requested` to
`auction.formatted`, and show where the time goes.

The Airtable sandbox (rate limit on: 5 requests per second per base) contains 1,000 records in the
"Send to Auction" view, each with 3 distinct 1600x1200 JPEG photos. airtable-sync, images and
formatter run in this process on the local stack (`make up`), each with its own schema and topic
prefix. The stages come from the task's `task.status` events: fetch (airtable-sync), photos
(images) and CSV (formatter).

NOTE: the three services share one process and its two cores here; in production each runs in
its own pod, so the photo stage would not compete with the others for CPU.

Run: uv run python bench/format_job.py [--lots 1000] [--photos 3] [--output bench/out/format_job.json]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import random
import sys
import time
import uuid
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import yaml
from PIL import Image, ImageDraw

from airtable_sandbox.testing import run_sandbox
from auction_airtable_sync.entrypoint import build as build_airtable_sync
from auction_airtable_sync.settings import AirtableSyncSettings
from auction_formatter.entrypoint import FormatterSettings
from auction_formatter.entrypoint import create_app as create_formatter
from auction_images.entrypoint import ImagesSettings
from auction_images.entrypoint import create_app as create_images
from auction_shared.db import run_migrations
from auction_shared.events import FormatRequested, Requester, encode, make_envelope
from auction_shared.settings import ServiceSettings

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from support.kafka import isolated_topics, produce, read_all

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "bench" / "out"
MIGRATIONS = {
    "airtable_sync": REPO / "services/airtable-sync/src/auction_airtable_sync/migrations",
    "images": REPO / "services/images/src/auction_images/migrations",
    "formatter": REPO / "services/formatter/src/auction_formatter/migrations",
}
BASE_ID = "app8P7o3PcNfZduiu"  # the Maule base id in airtable-sync's packaged warehouses.yaml
TABLE_ID = "tblg6d2IRW2fw6L44"
VIEW_ID = "viwGbosLZA3IIT4yg"
FINAL = {"COMPLETED", "WARNING", "ERROR"}


def read_env(path: Path) -> dict[str, str]:
    pairs = (
        line.split("=", 1)
        for line in path.read_text().splitlines()
        if "=" in line and not line.startswith("#")
    )
    return {key.strip(): value.strip() for key, value in pairs}


def make_photos(folder: Path, lots: int, photos: int) -> list[list[str]]:
    """Write distinct camera-sized JPEGs once (cached between runs); return names per lot."""
    folder.mkdir(parents=True, exist_ok=True)
    noise = Image.effect_noise((1600, 1200), 40).convert("RGB")
    names: list[list[str]] = []
    for lot in range(lots):
        per_lot = []
        for photo in range(1, photos + 1):
            name = f"lot{lot:05d}_{photo}.jpg"
            path = folder / name
            if not path.exists():
                tint = random.Random(f"{lot}-{photo}").randrange(256)
                image = Image.blend(
                    noise, Image.new("RGB", noise.size, (tint, 120, 255 - tint)), 0.6
                )
                ImageDraw.Draw(image).text((40, 40), f"lot {lot} photo {photo}", fill=(0, 0, 0))
                buffer = io.BytesIO()
                image.save(buffer, format="JPEG", quality=88)
                path.write_bytes(buffer.getvalue())
            per_lot.append(name)
        names.append(per_lot)
    return names


def write_seed(folder: Path, photo_names: list[list[str]]) -> Path:
    text_fields = ["Product Name", "Category", "Condition", "Working Condition", "UPC", "Notes"]
    text_fields += ["Description", "Location", "Size", "Shipment", "Clerk", "B00 ASIN", "Status"]
    fields = [
        {"name": "Lot Number", "type": "number"},
        {"name": "MSRP", "type": "number"},
        {"name": "Auction Count", "type": "number"},
        {"name": "Auctions", "type": "multipleSelects", "choices": ["8001"]},
        *({"name": name, "type": "singleLineText"} for name in text_fields),
        *({"name": f"Image {n}", "type": "multipleAttachments"} for n in range(1, 11)),
    ]
    records = []
    for lot, names in enumerate(photo_names):
        record: dict[str, Any] = {
            "Lot Number": 10_000 + lot,
            "Product Name": f"Benchmark item {lot} with a reasonably long product name",
            "Category": "Home & Kitchen",
            "Condition": "Used - Good",
            "MSRP": 10 + lot % 300,
            "Auction Count": 1 + lot % 4,
            "Status": "Send to Auction",
        }
        for position, name in enumerate(names, start=1):
            record[f"Image {position}"] = [{"path": name}]
        records.append({"fields": record})
    seed = {
        "bases": [
            {
                "id": BASE_ID,
                "name": "Maule Inventory",
                "tables": [
                    {
                        "id": TABLE_ID,
                        "name": "Inventory",
                        "fields": fields,
                        "views": [
                            {
                                "id": VIEW_ID,
                                "name": "Send to Auction",
                                "formula": "{Status} = 'Send to Auction'",
                            }
                        ],
                        "records": records,
                    }
                ],
            }
        ]
    }
    path = folder / "seed.yaml"
    path.write_text(yaml.safe_dump(seed, sort_keys=False))
    return path


async def run(lots: int, photos: int) -> dict[str, Any]:
    stack = read_env(REPO / ".state" / "stack.env")
    photo_dir = OUT / f"photos-{lots}x{photos}"
    seed_path = write_seed(photo_dir, make_photos(photo_dir, lots, photos))
    suffix = uuid.uuid4().hex[:8]
    prefix = f"bench-{suffix}."
    admin_url = stack["AUCTION_ADMIN_DATABASE_URL"]
    schemas = {service: f"bench{suffix}_{service}" for service in MIGRATIONS}
    for service, folder in MIGRATIONS.items():
        await asyncio.to_thread(run_migrations, folder, admin_url, schemas[service])

    def common(service: str) -> dict[str, Any]:
        return {
            "service_name": service.replace("_", "-"),
            "kafka_bootstrap": stack["AUCTION_KAFKA_BOOTSTRAP"],
            "database_url": admin_url,
            "database_schema": schemas[service],
            "s3_endpoint": stack["AUCTION_S3_ENDPOINT"],
            "s3_access_key": stack["AUCTION_S3_ACCESS_KEY"],
            "s3_secret_key": stack["AUCTION_S3_SECRET_KEY"],
            "topic_prefix": prefix,
        }

    with run_sandbox(seed_path) as sandbox:
        apps = [
            build_airtable_sync(
                AirtableSyncSettings(
                    **common("airtable_sync"),
                    airtable_url=sandbox.url,
                    airtable_token=sandbox.token,
                )
            ),
            create_images(ImagesSettings(**common("images"), images_allowed_hosts="127.0.0.1")),
            create_formatter(FormatterSettings(**common("formatter"))),
        ]
        bootstrap = stack["AUCTION_KAFKA_BOOTSTRAP"]
        async with isolated_topics(bootstrap, prefix), AsyncExitStack() as exits:
            for app in apps:
                await exits.enter_async_context(app.router.lifespan_context(app))
            task_id = f"bench-{suffix}"
            request = FormatRequested(
                warehouse="maule",
                event_id="8001",
                requested_by=Requester(kind="system", name="bench"),
            )
            envelope = make_envelope(request, source="/bench", task_id=task_id, subject="8001")
            started = time.monotonic()
            started_ns = time.time_ns()
            await produce(
                bootstrap, prefix + FormatRequested.topic, [encode(envelope)], key=b"8001"
            )
            formatted = await read_all(
                bootstrap, prefix + "auction.formatted", expected=1, timeout=1800
            )
            total = time.monotonic() - started
            statuses = await read_all(bootstrap, prefix + "task.status", expected=10**6, timeout=3)
    steps = [json.loads(record.value)["data"] for record in statuses]
    stages: dict[str, dict[str, float]] = {}
    for step in steps:
        seconds = (step["sequence"] - started_ns) / 1e9
        stage = stages.setdefault(step["service"], {"first": seconds, "last": seconds})
        stage["first"] = min(stage["first"], seconds)
        stage["last"] = max(stage["last"], seconds)
    result = json.loads(formatted[0].value)["data"] if formatted else {}
    return {
        "lots": lots,
        "photos_per_lot": photos,
        "total_seconds": round(total, 2),
        "final_state": steps[-1]["state"] if steps else None,
        "final_message": steps[-1]["message"] if steps else None,
        "lot_count": result.get("lot_count"),
        "warning_count": result.get("warning_count"),
        "stages": {
            name: {k: round(v, 2) for k, v in times.items()} for name, times in stages.items()
        },
    }


async def wait_for_final(bootstrap: str, topic: str, limit_seconds: float = 1800) -> list[Any]:
    """Collect task.status records until one has a final state (COMPLETED, WARNING or ERROR)."""
    deadline = time.monotonic() + limit_seconds
    seen: list[Any] = []
    while time.monotonic() < deadline:
        seen = await read_all(bootstrap, topic, expected=len(seen) + 1, timeout=2)
        if any(json.loads(record.value)["data"]["state"] in FINAL for record in seen):
            return seen
    raise TimeoutError(f"the task did not finish within {limit_seconds} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lots", type=int, default=1000)
    parser.add_argument("--photos", type=int, default=3)
    parser.add_argument("--output", type=Path, default=OUT / "format_job.json")
    args = parser.parse_args()
    ServiceSettings()  # fail early on a broken environment
    report = asyncio.run(run(args.lots, args.photos))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
