"""Object storage through the S3 API with the `minio` client: claim checks and download links.

The minio client is synchronous, so every call runs in a worker thread.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
from datetime import timedelta
from typing import Any
from urllib.parse import quote

from minio import Minio
from minio.commonconfig import CopySource
from minio.error import S3Error

from auction_shared.events.models import ObjectRef
from auction_shared.settings import ServiceSettings


class ChecksumMismatch(Exception):
    """The stored object's SHA-256 differs from the claim check's."""


class ObjectNotFound(Exception):
    """The claim check points at an object that does not exist."""


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class ObjectStore:
    """Put and get payloads by claim check in the platform's public and private buckets."""

    def __init__(self, settings: ServiceSettings, client: Minio | None = None) -> None:
        self._settings = settings
        self._client = client or Minio(
            settings.s3_host,
            access_key=settings.s3_access_key.get_secret_value(),
            secret_key=settings.s3_secret_key.get_secret_value(),
            secure=settings.s3_tls,
            region=settings.s3_region,
        )
        self.public_bucket = settings.s3_public_bucket
        self.private_bucket = settings.s3_private_bucket

    async def put_bytes(
        self, bucket: str, key: str, data: bytes, content_type: str = "application/octet-stream"
    ) -> ObjectRef:
        digest = sha256_hex(data)
        await asyncio.to_thread(
            self._client.put_object,
            bucket,
            key,
            io.BytesIO(data),
            len(data),
            content_type=content_type,
            metadata={"sha256": digest},
        )
        return ObjectRef(
            bucket=bucket, key=key, sha256=digest, size=len(data), content_type=content_type
        )

    async def get_bytes(self, ref: ObjectRef) -> bytes:
        """Read the object and check it against the claim check's SHA-256."""
        data = await asyncio.to_thread(self._read, ref.bucket, ref.key)
        actual = sha256_hex(data)
        if actual != ref.sha256:
            raise ChecksumMismatch(
                f"s3://{ref.bucket}/{ref.key} has SHA-256 {actual}, the event expects {ref.sha256}; "
                "the object was overwritten after the event was published"
            )
        return data

    async def read(self, bucket: str, key: str) -> bytes:
        """Read an object by key, without a claim check (for files found by naming convention)."""
        return await asyncio.to_thread(self._read, bucket, key)

    async def put_json(self, bucket: str, key: str, document: Any) -> ObjectRef:
        data = json.dumps(document, sort_keys=True, separators=(",", ":"), default=str).encode()
        return await self.put_bytes(bucket, key, data, "application/json")

    async def get_json(self, ref: ObjectRef) -> Any:
        return json.loads(await self.get_bytes(ref))

    async def exists(self, bucket: str, key: str) -> bool:
        try:
            await asyncio.to_thread(self._client.stat_object, bucket, key)
        except S3Error as error:
            if error.code in ("NoSuchKey", "NoSuchObject", "NotFound"):
                return False
            raise
        return True

    async def copy(self, bucket: str, source_key: str, target_key: str) -> None:
        """Copy an object inside a bucket on the server, without downloading it."""
        await asyncio.to_thread(
            self._client.copy_object, bucket, target_key, CopySource(bucket, source_key)
        )

    async def presigned_get(
        self, ref: ObjectRef, expires: timedelta = timedelta(minutes=15)
    ) -> str:
        url: str = await asyncio.to_thread(
            self._client.presigned_get_object, ref.bucket, ref.key, expires=expires
        )
        return url

    def public_url(self, key: str) -> str:
        """Return the anonymous URL of an object in the public bucket (the site fetches photos by it)."""
        return f"{self._settings.public_base_url}/{self.public_bucket}/{quote(key)}"

    async def ping(self) -> None:
        await asyncio.to_thread(self._client.bucket_exists, self.private_bucket)

    def _read(self, bucket: str, key: str) -> bytes:
        try:
            response = self._client.get_object(bucket, key)
        except S3Error as error:
            if error.code in ("NoSuchKey", "NoSuchObject", "NotFound"):
                raise ObjectNotFound(f"s3://{bucket}/{key} does not exist") from error
            raise
        try:
            return response.read()
        finally:
            response.close()
            response.release_conn()
