"""Attachment files: stored under the data directory, served by the sandbox, fetched by URL."""

from __future__ import annotations

import io
import json
import mimetypes
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import httpx
import structlog
from PIL import Image, UnidentifiedImageError

from airtable_sandbox import ids

log = structlog.get_logger(__name__)

_UNSAFE_FILENAME_CHARACTERS = re.compile(r"[\x00-\x1f/\\]")
MAX_FILENAME_LENGTH = 200


class AttachmentFetchError(ValueError):
    """A URL attachment could not be fetched; the message names the URL and the reason."""


@dataclass(frozen=True)
class FetchSettings:
    allowed_hosts: tuple[str, ...]
    max_bytes: int
    timeout_seconds: float


def safe_filename(name: str) -> str:
    cleaned = _UNSAFE_FILENAME_CHARACTERS.sub("_", os.path.basename(name.strip()))
    cleaned = cleaned.lstrip(".") or "file"
    return cleaned[:MAX_FILENAME_LENGTH]


def describe_content(content: bytes, filename: str, content_type: str | None) -> dict[str, Any]:
    """Build attachment metadata: size, MIME type, and width and height for images."""
    meta: dict[str, Any] = {"filename": filename, "size": len(content)}
    image_format: str | None = None
    try:
        with Image.open(io.BytesIO(content)) as image:
            meta["width"], meta["height"] = image.size
            image_format = image.format
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        pass
    detected = Image.MIME.get(image_format) if image_format else None
    guessed = mimetypes.guess_type(filename)[0]
    meta["type"] = content_type or detected or guessed or "application/octet-stream"
    return meta


class AttachmentStore:
    """Files at `<root>/<attachment id>/<filename>` with the metadata beside them in meta.json."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def add(self, content: bytes, filename: str, content_type: str | None) -> dict[str, Any]:
        attachment_id = ids.new_id("att")
        name = safe_filename(filename)
        meta = {"id": attachment_id, **describe_content(content, name, content_type)}
        folder = self.root / attachment_id
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(content)
        (folder / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
        return meta

    def meta(self, attachment_id: str) -> dict[str, Any] | None:
        if not ids.looks_like_id(attachment_id, "att"):
            return None
        meta_path = self.root / attachment_id / "meta.json"
        if not meta_path.is_file():
            return None
        meta: dict[str, Any] = json.loads(meta_path.read_text(encoding="utf-8"))
        return meta

    def file_path(self, attachment_id: str) -> Path | None:
        meta = self.meta(attachment_id)
        if meta is None:
            return None
        path = self.root / attachment_id / str(meta["filename"])
        return path if path.is_file() else None

    def clear(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


async def fetch_url(url: str, settings: FetchSettings) -> tuple[bytes, str | None, str]:
    """Download an attachment URL: only http(s), only allowed hosts, no redirects, size-capped.

    Return the content, the response's content type and a filename taken from the URL path.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise AttachmentFetchError(f"{url}: only http and https URLs can be fetched")
    host = (parts.hostname or "").lower()
    if host not in settings.allowed_hosts:
        raise AttachmentFetchError(
            f"{url}: host {host!r} is not in the sandbox's allowed hosts"
            f" {list(settings.allowed_hosts)}; add it to settings.attachments.allowed_hosts"
        )
    chunks: list[bytes] = []
    received = 0
    try:
        async with (
            httpx.AsyncClient(timeout=settings.timeout_seconds, follow_redirects=False) as client,
            client.stream("GET", url) as response,
        ):
            if response.status_code != 200:
                raise AttachmentFetchError(
                    f"{url}: the server returned HTTP {response.status_code}"
                )
            async for chunk in response.aiter_bytes():
                received += len(chunk)
                if received > settings.max_bytes:
                    raise AttachmentFetchError(
                        f"{url}: the file is larger than the limit of {settings.max_bytes} bytes"
                    )
                chunks.append(chunk)
            content_type = response.headers.get("content-type", "").split(";")[0].strip() or None
    except httpx.TimeoutException as error:
        raise AttachmentFetchError(
            f"{url}: timed out after {settings.timeout_seconds} s"
        ) from error
    except httpx.HTTPError as error:
        raise AttachmentFetchError(f"{url}: the download failed: {error}") from error
    filename = safe_filename(unquote(Path(parts.path).name) or "file")
    return b"".join(chunks), content_type, filename
