"""Wiring of the images service: settings, the downloader, the worker pool and the subscription."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from fastapi import FastAPI

from auction_images.domain import PhotoLimits
from auction_images.download import DownloadSettings, PhotoDownloader, make_client
from auction_images.handlers import make_inventory_fetched_handler
from auction_images.pipeline import PhotoPipeline
from auction_images.repository import messaging
from auction_shared.events import InventoryFetched
from auction_shared.messaging import ServiceRuntime
from auction_shared.service import build_app, run_cli
from auction_shared.settings import ServiceSettings, load_settings

MIGRATIONS = Path(__file__).with_name("migrations")

# A photo job of 1,000 lots can run for many minutes, and the consumer must stay in its group
# meanwhile. The conversion runs in worker threads, so heartbeats keep flowing.
MAX_POLL_INTERVAL_MS = 60 * 60 * 1000


class ImagesSettings(ServiceSettings):
    # Hosts photos may be downloaded from. Real Airtable serves attachments from
    # dl.airtable.com and *.airtableusercontent.com; the local sandbox from 127.0.0.1.
    images_allowed_hosts: str = "127.0.0.1,localhost"
    images_allowed_schemes: str = "http,https"
    images_download_concurrency: int = 8
    images_workers: int = 2
    images_max_pixels: int = 64_000_000


def create_app(settings: ImagesSettings) -> FastAPI:
    runtime = ServiceRuntime(settings, messaging)
    download_settings = DownloadSettings(
        allowed_hosts=_split(settings.images_allowed_hosts),
        allowed_schemes=_split(settings.images_allowed_schemes),
        max_concurrency=settings.images_download_concurrency,
    )
    client = make_client(download_settings)
    executor = ThreadPoolExecutor(settings.images_workers, thread_name_prefix="photo")
    pipeline = PhotoPipeline(
        downloader=PhotoDownloader(client, download_settings),
        store=runtime.store,
        sessions=runtime.sessions,
        executor=executor,
        limits=PhotoLimits(max_pixels=settings.images_max_pixels),
        concurrency=settings.images_download_concurrency,
    )
    runtime.subscribe(
        InventoryFetched,
        make_inventory_fetched_handler(runtime.store, pipeline),
        max_poll_interval_ms=MAX_POLL_INTERVAL_MS,
    )

    async def close_pools() -> None:
        await client.aclose()
        executor.shutdown(wait=False, cancel_futures=True)

    return build_app(runtime, title="images", on_shutdown=[close_pools])


def _split(value: str) -> frozenset[str]:
    return frozenset(part.strip() for part in value.split(",") if part.strip())


def main() -> None:
    settings = load_settings(
        "images", schema="images", http_port=8012, settings_class=ImagesSettings
    )
    run_cli(settings, migrations_dir=MIGRATIONS, make_app=lambda: create_app(settings))


if __name__ == "__main__":
    main()
