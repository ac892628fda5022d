"""Turn one inventory snapshot into processed lot photos in the public bucket.

Per record: the attachments of `Image 1` … `Image 10` in order are downloaded and converted
concurrently (bounded), then the good ones are stored as `<record id>_<n>.jpg` with n counted
over the good photos only, so `_1` (the primary photo) exists whenever any photo is usable.
A photo whose source bytes were converted before (same SHA-256) is copied, not converted again.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any

from prometheus_client import Counter
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction_images import repository
from auction_images.domain import (
    MAX_PHOTOS_PER_RECORD,
    PhotoLimits,
    PhotoRejected,
    ProcessedPhoto,
    photo_object_name,
)
from auction_images.download import PhotoDownloader
from auction_images.processing import process_photo
from auction_shared.logging import get_logger
from auction_shared.storage import ObjectStore, sha256_hex

log = get_logger(__name__)

PHOTOS = Counter(
    "auction_photos_total",
    "Lot photos handled, by outcome (converted, reused, rejected) and rejection code.",
    ["outcome", "code"],
)

IMAGE_FIELDS = tuple(f"Image {n}" for n in range(1, MAX_PHOTOS_PER_RECORD + 1))

Progress = Callable[[int, int], Awaitable[None]]


@dataclass(frozen=True)
class PhotoSource:
    field: str
    url: str
    filename: str


def photo_sources(fields: Mapping[str, Any]) -> list[PhotoSource]:
    """List a record's attachments in photo order, at most 10; anything else is ignored."""
    sources: list[PhotoSource] = []
    for name in IMAGE_FIELDS:
        attachments = fields.get(name)
        if not isinstance(attachments, list):
            continue
        for attachment in attachments:
            if isinstance(attachment, dict) and isinstance(attachment.get("url"), str):
                filename = str(attachment.get("filename") or attachment["url"].rsplit("/", 1)[-1])
                sources.append(PhotoSource(name, attachment["url"], filename[:200]))
    return sources[:MAX_PHOTOS_PER_RECORD]


@dataclass
class RecordPhotos:
    record_id: str
    urls: list[str] = field(default_factory=list)
    warnings: list[dict[str, str]] = field(default_factory=list)
    stored: list[tuple[int, str, str, str]] = field(
        default_factory=list
    )  # position, key, source sha, field

    def as_manifest(self) -> dict[str, Any]:
        return {"urls": self.urls, "warnings": self.warnings}


@dataclass
class _Converted:
    """A usable photo: new JPEG bytes, or an earlier conversion of the same source bytes."""

    source_sha256: str
    photo: ProcessedPhoto | None
    known: repository.KnownPhoto | None


class PhotoPipeline:
    """Downloads, converts and stores the photos of many records with bounded concurrency."""

    def __init__(
        self,
        *,
        downloader: PhotoDownloader,
        store: ObjectStore,
        sessions: async_sessionmaker[AsyncSession],
        executor: Executor,
        limits: PhotoLimits,
        concurrency: int = 8,
    ) -> None:
        self._downloader = downloader
        self._store = store
        self._sessions = sessions
        self._executor = executor
        self._limits = limits
        self._slots = asyncio.Semaphore(concurrency)

    async def run(
        self, records: Sequence[Mapping[str, Any]], progress: Progress
    ) -> list[RecordPhotos]:
        total = sum(len(photo_sources(record.get("fields", {}))) for record in records)
        done = 0
        last_report = 0.0

        async def count(result: RecordPhotos, photos: int) -> RecordPhotos:
            nonlocal done, last_report
            done += photos
            if time.monotonic() - last_report > 1.0 or done == total:
                last_report = time.monotonic()
                await progress(done, total)
            return result

        async def one(record: Mapping[str, Any]) -> RecordPhotos:
            sources = photo_sources(record.get("fields", {}))
            return await count(await self._record(str(record["id"]), sources), len(sources))

        return list(await asyncio.gather(*(one(record) for record in records)))

    async def _record(self, record_id: str, sources: list[PhotoSource]) -> RecordPhotos:
        result = RecordPhotos(record_id)
        outcomes = await asyncio.gather(*(self._convert(source) for source in sources))
        position = 0
        for source, outcome in zip(sources, outcomes, strict=True):
            if isinstance(outcome, PhotoRejected):
                PHOTOS.labels(outcome="rejected", code=outcome.code.value).inc()
                result.warnings.append(
                    {
                        "field": source.field,
                        "value": source.filename,
                        "code": outcome.code.value,
                        "message": f"{source.field} ({source.filename}) was left out: {outcome.message}",
                    }
                )
                continue
            PHOTOS.labels(outcome="converted" if outcome.photo else "reused", code="").inc()
            position += 1
            key = photo_object_name(record_id, position)
            await self._store_photo(key, outcome)
            result.urls.append(self._store.public_url(key))
            result.stored.append((position, key, outcome.source_sha256, source.field))
        return result

    async def _convert(self, source: PhotoSource) -> _Converted | PhotoRejected:
        async with self._slots:
            try:
                downloaded = await self._downloader.download(source.url)
            except PhotoRejected as rejection:
                return rejection
            source_sha256 = sha256_hex(downloaded.data)
            async with self._sessions() as session:
                known = await repository.find_processed(session, source_sha256)
            if known is not None:
                return _Converted(source_sha256, None, known)
            loop = asyncio.get_running_loop()
            try:
                photo = await loop.run_in_executor(
                    self._executor, process_photo, downloaded.data, self._limits
                )
            except PhotoRejected as rejection:
                return rejection
            return _Converted(source_sha256, photo, None)

    async def _store_photo(self, key: str, converted: _Converted) -> None:
        bucket = self._store.public_bucket
        if converted.photo is None:
            if converted.known is not None and converted.known.key != key:
                await self._store.copy(bucket, converted.known.key, key)
            return
        photo = converted.photo
        ref = await self._store.put_bytes(bucket, key, photo.jpeg, "image/jpeg")
        async with self._sessions() as session, session.begin():
            await repository.record_processed(
                session,
                converted.source_sha256,
                repository.KnownPhoto(key, ref.sha256, photo.width, photo.height, ref.size),
            )
