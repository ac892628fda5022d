"""inventory.fetched → images → formatter → auction.formatted, on the real stack."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from auction_formatter.entrypoint import FormatterSettings
from auction_formatter.entrypoint import create_app as create_formatter
from auction_images.entrypoint import ImagesSettings
from auction_images.entrypoint import create_app as create_images
from auction_shared.events import (
    AuctionFormatted,
    InventoryFetched,
    TaskState,
    TaskStatus,
    encode,
    make_envelope,
)
from auction_shared.settings import ServiceSettings
from auction_shared.storage import ObjectStore
from support.kafka import produce, read_all
from support.photos import corrupt_exif_jpeg, gif_header_only

from .conftest import ChainEnv, PhotoServer, make_photo

pytestmark = pytest.mark.integration


@asynccontextmanager
async def running(*apps: FastAPI) -> AsyncIterator[None]:
    async with AsyncExitStack() as stack:
        for app in apps:
            await stack.enter_async_context(app.router.lifespan_context(app))
        yield


def _record(record_id: str, lot: int, name: str, msrp: object, photos: list[str]) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "Lot Number": lot,
        "Product Name": name,
        "Category": "Home & Kitchen",
        "Condition": "Used - Good",
        "MSRP": msrp,
        "Auction Count": 1,
    }
    for position, url in enumerate(photos, start=1):
        fields[f"Image {position}"] = [
            {"id": f"att{position}", "url": url, "filename": url.rsplit("/", 1)[-1]}
        ]
    return {"id": record_id, "fields": fields}


async def test_chain_formats_csv_with_photos(
    chain_env: ChainEnv, photo_server: PhotoServer
) -> None:
    large = photo_server.add("/large.jpg", make_photo(2400, 1800))
    alpha = photo_server.add(
        "/alpha.png", make_photo(800, 600, fmt="PNG", mode="RGBA"), "image/png"
    )
    garbage = photo_server.add("/broken.jpg", b"\x00not an image" * 200)
    records = [
        _record("recAAAAAAAAAAAAA1", 101, "Stand mixer, 5 qt", "249.99", [large, alpha]),
        _record("recAAAAAAAAAAAAA2", 102, "Kettle <b>steel</b>", "19.99", [garbage, large]),
        _record("recAAAAAAAAAAAAA3", 103, '=HYPERLINK("x")', "abc", []),
    ]
    common = chain_env.common("images")
    bootstrap = chain_env.stack["AUCTION_KAFKA_BOOTSTRAP"]
    store = ObjectStore(ServiceSettings(**common))  # type: ignore[arg-type]
    snapshot = await store.put_json(
        store.private_bucket, f"snapshots/t-{chain_env.suffix}.json", {"records": records}
    )
    event_id = f"9{chain_env.suffix[:5].encode().hex()[:6]}"
    request = InventoryFetched(
        warehouse="maule", event_id=event_id, snapshot=snapshot, record_count=3
    )
    task_id = f"task-{chain_env.suffix}"

    images = create_images(ImagesSettings(**common, images_allowed_hosts="127.0.0.1"))  # type: ignore[arg-type]
    formatter = create_formatter(FormatterSettings(**chain_env.common("formatter")))  # type: ignore[arg-type]
    async with running(images, formatter):
        await produce(
            bootstrap,
            chain_env.prefix + InventoryFetched.topic,
            [encode(make_envelope(request, source="/test", task_id=task_id, subject=event_id))],
            key=event_id.encode(),
        )
        formatted_records = await read_all(
            bootstrap,
            chain_env.prefix + AuctionFormatted.topic,
            expected=1,
            timeout=60,  # type: ignore[arg-type]
        )

    assert len(formatted_records) == 1
    formatted = json.loads(formatted_records[0].value)
    assert formatted["taskid"] == task_id
    result = AuctionFormatted.model_validate(formatted["data"])
    assert result.lot_count == 3
    assert result.warning_count > 0

    csv_text = (await store.get_bytes(result.csv)).decode()
    rows = {row["LotNumber"]: row for row in csv.DictReader(io.StringIO(csv_text))}
    assert set(rows) == {"M101", "M102", "M103"}
    assert rows["M101"]["Image_1"].endswith("/recAAAAAAAAAAAAA1_1.jpg")
    assert rows["M101"]["Image_2"].endswith("/recAAAAAAAAAAAAA1_2.jpg")
    assert rows["M102"]["Image_1"].endswith("/recAAAAAAAAAAAAA2_1.jpg")
    assert rows["M102"]["Image_2"] == ""
    assert rows["M103"]["Image_1"] == ""

    async with httpx.AsyncClient() as client:
        photo = await client.get(rows["M101"]["Image_1"])
    assert photo.status_code == 200
    assert photo.headers["content-type"] == "image/jpeg"

    prefix = result.csv.key.rsplit("/", 1)[0]
    warnings_data = await store.read(result.csv.bucket, f"{prefix}/warnings.json")
    warning_fields = {(w["record_id"], w["field"]) for w in json.loads(warnings_data)}
    assert ("recAAAAAAAAAAAAA2", "Image 1") in warning_fields

    statuses = await read_all(
        bootstrap,
        chain_env.prefix + TaskStatus.topic,
        expected=100,
        timeout=3,  # type: ignore[arg-type]
    )
    final = [json.loads(record.value)["data"] for record in statuses]
    assert final[-1]["state"] == TaskState.WARNING
    assert final[-1]["progress"] == 100
    assert all(status["task_id"] == task_id for status in final)


async def test_bad_photos_become_warnings(chain_env: ChainEnv, photo_server: PhotoServer) -> None:
    """Every kind of bad photo is left out with a row warning; good ones stay; the job ends in WARNING."""
    good = make_photo(1200, 900)
    truncated = good[: len(good) // 2]
    photos = {
        "good": photo_server.add("/good.jpg", good),
        "truncated": photo_server.add("/truncated.jpg", truncated),
        "not_an_image": photo_server.add("/text.jpg", b"hello, this is not a photo\n" * 100),
        "tiny": photo_server.add("/tiny.png", make_photo(4, 4, fmt="PNG"), "image/png"),
        "bomb": photo_server.add("/bomb.gif", gif_header_only(60_000, 60_000), "image/gif"),
        "wrong_type": photo_server.add("/page.jpg", good, "text/html"),
        "cmyk": photo_server.add("/cmyk.jpg", make_photo(800, 600, mode="CMYK")),
        "alpha": photo_server.add(
            "/alpha.png", make_photo(640, 480, fmt="PNG", mode="RGBA"), "image/png"
        ),
        "bad_exif": photo_server.add("/exif.jpg", corrupt_exif_jpeg((900, 600))),
    }
    bad = ["truncated", "not_an_image", "tiny", "bomb", "wrong_type"]
    usable = ["good", "cmyk", "alpha", "bad_exif"]
    record = _record(
        "recBBBBBBBBBBBBB1", 201, "Photo torture test", "59.00", [photos[k] for k in bad + usable]
    )
    common = chain_env.common("images")
    bootstrap = chain_env.stack["AUCTION_KAFKA_BOOTSTRAP"]
    store = ObjectStore(ServiceSettings(**common))  # type: ignore[arg-type]
    snapshot = await store.put_json(
        store.private_bucket, f"snapshots/bad-{chain_env.suffix}.json", {"records": [record]}
    )
    event_id = f"8{chain_env.suffix[:5].encode().hex()[:6]}"
    request = InventoryFetched(
        warehouse="maule", event_id=event_id, snapshot=snapshot, record_count=1
    )
    images = create_images(ImagesSettings(**common, images_allowed_hosts="127.0.0.1"))  # type: ignore[arg-type]
    formatter = create_formatter(FormatterSettings(**chain_env.common("formatter")))  # type: ignore[arg-type]
    async with running(images, formatter):
        await produce(
            bootstrap,
            chain_env.prefix + InventoryFetched.topic,
            [
                encode(
                    make_envelope(request, source="/test", task_id="bad-photos", subject=event_id)
                )
            ],
            key=event_id.encode(),
        )
        formatted_records = await read_all(
            bootstrap, chain_env.prefix + AuctionFormatted.topic, expected=1, timeout=60
        )

    result = AuctionFormatted.model_validate(json.loads(formatted_records[0].value)["data"])
    rows = list(csv.DictReader(io.StringIO((await store.get_bytes(result.csv)).decode())))
    assert len(rows) == 1
    images_in_row = [rows[0][f"Image_{n}"] for n in range(1, 11) if rows[0][f"Image_{n}"]]
    assert len(images_in_row) == len(usable)
    prefix = result.csv.key.rsplit("/", 1)[0]
    warnings = json.loads(await store.read(result.csv.bucket, f"{prefix}/warnings.json"))
    photo_warnings = [w for w in warnings if w["field"].startswith("Image ")]
    assert len(photo_warnings) == len(bad)
    assert all(
        w["record_id"] == "recBBBBBBBBBBBBB1" and w["lot_number"] == "M201" for w in photo_warnings
    )
    statuses = await read_all(
        bootstrap, chain_env.prefix + TaskStatus.topic, expected=100, timeout=3
    )
    assert json.loads(statuses[-1].value)["data"]["state"] == TaskState.WARNING
