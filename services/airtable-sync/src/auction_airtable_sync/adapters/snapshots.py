"""Inventory snapshots in the private bucket, under keys that stay the same on every retry."""

from __future__ import annotations

import asyncio
import hashlib
import json
from typing import Any

from minio import Minio
from minio.error import S3Error

from auction_shared.events.models import ObjectRef
from auction_shared.storage import ObjectStore

_MISSING_CODES = ("NoSuchKey", "NoSuchObject", "NotFound")


class SnapshotStore:
    """Writes snapshots as JSON and finds one an earlier attempt of the same task wrote."""

    def __init__(self, store: ObjectStore, client: Minio) -> None:
        self._store = store
        self._client = client
        self.bucket = store.private_bucket

    async def put(self, key: str, document: dict[str, Any]) -> ObjectRef:
        return await self._store.put_json(self.bucket, key, document)

    async def find(self, key: str) -> tuple[ObjectRef, int] | None:
        """Return the claim check and record count of a stored snapshot, or None when absent.

        A retry that finds the snapshot publishes it as it is, so the claim check of an event
        that another delivery already published keeps matching the object.
        """
        data = await asyncio.to_thread(self._read, key)
        if data is None:
            return None
        document = json.loads(data)
        ref = ObjectRef(
            bucket=self.bucket,
            key=key,
            sha256=hashlib.sha256(data).hexdigest(),
            size=len(data),
            content_type="application/json",
        )
        return ref, int(document.get("record_count", len(document.get("records", []))))

    def _read(self, key: str) -> bytes | None:
        try:
            response = self._client.get_object(self.bucket, key)
        except S3Error as error:
            if error.code in _MISSING_CODES:
                return None
            raise
        try:
            return bytes(response.read())
        finally:
            response.close()
            response.release_conn()
