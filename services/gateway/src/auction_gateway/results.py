"""A CSV version's side files: row warnings and the lots preview the formatter writes beside the CSV.

For `formatted/<event>/v<n>/lots.csv` the formatter writes `warnings.json` (a list of row warnings)
and `preview.json` (a list of `{lot_number, title, subtitle, price, msrp, image_url}`, the last three
optional) under the same prefix in the
private bucket. Either may be missing or malformed, and the result page then shows a note
instead of failing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Protocol
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError, field_validator

from auction_shared.events import ObjectRef
from auction_shared.logging import get_logger
from auction_shared.storage import ObjectNotFound, ObjectStore

log = get_logger(__name__)

# The result page shows at most this many lots of the preview.
PREVIEW_LIMIT = 500


class SideFiles(Protocol):
    async def read(self, bucket: str, key: str) -> bytes | None:
        """Return the object's bytes, or None when it does not exist."""
        ...


class DownloadLinks(Protocol):
    async def presigned_get(self, ref: ObjectRef, expires: timedelta = ...) -> str:
        """Return a time-limited download URL of the object."""
        ...


class StoreSideFiles:
    """Reads side files through the object store, without a claim check (none is published)."""

    def __init__(self, store: ObjectStore) -> None:
        self._store = store

    async def read(self, bucket: str, key: str) -> bytes | None:
        try:
            return await self._store.read(bucket, key)
        except ObjectNotFound:
            return None


class RowWarningView(BaseModel):
    """One row warning as the formatter reports it; unknown keys are ignored."""

    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True)

    severity: str = "WARNING"
    lot_number: str = ""
    record_id: str = ""
    field: str = ""
    value: str = ""
    message: str = ""


class PreviewLot(BaseModel):
    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True)

    lot_number: str = ""
    title: str = ""
    subtitle: str = ""
    price: str = ""
    msrp: str = ""
    image_url: str | None = None

    @field_validator("image_url")
    @classmethod
    def _web_urls_only(cls, value: str | None) -> str | None:
        """Keep only http(s) URLs, so a bad preview cannot put another scheme into an img tag."""
        if value and urlsplit(value).scheme in ("http", "https"):
            return value
        return None


@dataclass
class SideFile:
    """A parsed side file, or why it could not be shown."""

    items: list[Any] = field(default_factory=list)
    problem: str | None = None
    total: int = 0


@dataclass
class ResultDetails:
    warnings: SideFile
    preview: SideFile


def side_file_keys(csv_key: str) -> tuple[str, str]:
    """Return the warnings and preview keys beside a CSV key."""
    prefix = csv_key.rsplit("/", 1)[0] + "/" if "/" in csv_key else ""
    return prefix + "warnings.json", prefix + "preview.json"


def parse_warnings(data: bytes | None, name: str) -> SideFile:
    return _parse_list(data, name, TypeAdapter(list[RowWarningView]), "warnings", limit=None)


def parse_preview(data: bytes | None, name: str) -> SideFile:
    return _parse_list(data, name, TypeAdapter(list[PreviewLot]), "lots", limit=PREVIEW_LIMIT)


def _parse_list(
    data: bytes | None, name: str, adapter: TypeAdapter[Any], wrapper_key: str, limit: int | None
) -> SideFile:
    if data is None:
        return SideFile(problem=f"{name} is not there (the formatter did not write it).")
    try:
        document = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return SideFile(problem=f"{name} is not valid JSON.")
    if isinstance(document, dict) and isinstance(document.get(wrapper_key), list):
        document = document[wrapper_key]
    try:
        items = adapter.validate_python(document)
    except ValidationError as error:
        return SideFile(
            problem=f"{name} is not in the expected format ({error.error_count()} errors)."
        )
    kept = items if limit is None else items[:limit]
    return SideFile(items=kept, total=len(items))


async def load_details(files: SideFiles, csv: ObjectRef) -> ResultDetails:
    """Read and parse the side files of one CSV version."""
    warnings_key, preview_key = side_file_keys(csv.key)
    return ResultDetails(
        warnings=await _load(files, csv.bucket, warnings_key, parse_warnings),
        preview=await _load(files, csv.bucket, preview_key, parse_preview),
    )


async def _load(files: SideFiles, bucket: str, key: str, parse: Any) -> SideFile:
    name = key.rsplit("/", 1)[-1]
    try:
        data = await files.read(bucket, key)
    except Exception as error:
        log.warning("side_file_unreadable", bucket=bucket, key=key, error=str(error)[:300])
        return SideFile(problem=f"{name} could not be read from object storage; try again later.")
    result: SideFile = parse(data, name)
    return result
