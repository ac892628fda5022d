"""Fixtures for the format chain: isolated schemas and topics, and a local photo server."""

from __future__ import annotations

import asyncio
import io
import threading
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from auction_shared.db import run_migrations
from support.kafka import isolated_topics


@dataclass(frozen=True)
class ChainEnv:
    stack: dict[str, str]
    prefix: str
    suffix: str

    def schema(self, service: str) -> str:
        return f"t{self.suffix}_{service}"

    def common(self, service: str) -> dict[str, object]:
        return {
            "service_name": f"{service}-{self.suffix}",
            "kafka_bootstrap": self.stack["AUCTION_KAFKA_BOOTSTRAP"],
            "database_url": self.stack["AUCTION_ADMIN_DATABASE_URL"],
            "database_schema": self.schema(service),
            "s3_endpoint": self.stack["AUCTION_S3_ENDPOINT"],
            "s3_access_key": self.stack["AUCTION_S3_ACCESS_KEY"],
            "s3_secret_key": self.stack["AUCTION_S3_SECRET_KEY"],
            "topic_prefix": self.prefix,
            "consumer_retry_backoff_seconds": 0.05,
            "shutdown_timeout_seconds": 5,
        }


SERVICE_MIGRATIONS = {
    "images": Path("services/images/src/auction_images/migrations"),
    "formatter": Path("services/formatter/src/auction_formatter/migrations"),
}


@pytest.fixture
async def chain_env(stack_env: dict[str, str]) -> AsyncIterator[ChainEnv]:
    suffix = uuid.uuid4().hex[:8]
    env = ChainEnv(stack_env, f"chain-{suffix}.", suffix)
    root = Path(__file__).resolve().parents[3]
    for service, migrations in SERVICE_MIGRATIONS.items():
        await asyncio.to_thread(
            run_migrations,
            root / migrations,
            stack_env["AUCTION_ADMIN_DATABASE_URL"],
            env.schema(service),
        )
    async with isolated_topics(stack_env["AUCTION_KAFKA_BOOTSTRAP"], env.prefix):
        yield env
    engine = create_async_engine(stack_env["AUCTION_ADMIN_DATABASE_URL"])
    async with engine.begin() as connection:
        for service in SERVICE_MIGRATIONS:
            await connection.execute(text(f'DROP SCHEMA IF EXISTS "{env.schema(service)}" CASCADE'))
    await engine.dispose()


def make_photo(width: int, height: int, *, fmt: str = "JPEG", mode: str = "RGB") -> bytes:
    """Draw a photo-like gradient (compressible but not flat) in the given format."""
    image = Image.linear_gradient("L").resize((width, height)).convert(mode)
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, quality=90) if fmt == "JPEG" else image.save(buffer, format=fmt)
    return buffer.getvalue()


class _PhotoHandler(BaseHTTPRequestHandler):
    def __init__(self, photos: dict[str, tuple[bytes, str]], *args: object) -> None:
        self.photos = photos
        super().__init__(*args)  # type: ignore[arg-type]

    def do_GET(self) -> None:
        found = self.photos.get(self.path)
        if found is None:
            self.send_error(404)
            return
        body, content_type = found
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return


@dataclass
class PhotoServer:
    base_url: str
    photos: dict[str, tuple[bytes, str]]

    def add(self, path: str, body: bytes, content_type: str = "image/jpeg") -> str:
        self.photos[path] = (body, content_type)
        return self.base_url + path


@pytest.fixture
def photo_server() -> Iterator[PhotoServer]:
    photos: dict[str, tuple[bytes, str]] = {}
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_PhotoHandler, photos))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield PhotoServer(f"http://127.0.0.1:{server.server_address[1]}", photos)
    server.shutdown()
    server.server_close()
