"""Persistent state: one JSON file per base, written atomically, plus the attachment files.

Layout under the data directory: `bases/<baseId>.json` (schema and records) and
`attachments/<attachmentId>/` (see attachments.AttachmentStore).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import structlog

from airtable_sandbox import cells, errors, ids
from airtable_sandbox.attachments import AttachmentStore
from airtable_sandbox.schema import Base, Table
from airtable_sandbox.seed import Seed, SeedBase, SeedError

log = structlog.get_logger(__name__)


@dataclass
class StoredRecord:
    id: str
    created_time: str
    fields: dict[str, Any]  # field id -> stored value, never empty

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "createdTime": self.created_time, "fields": self.fields}


@dataclass
class BaseState:
    base: Base
    records: dict[str, dict[str, StoredRecord]] = field(default_factory=dict)  # by table id

    def table_records(self, table: Table) -> dict[str, StoredRecord]:
        return self.records.setdefault(table.id, {})

    def find_record(self, record_id: str) -> tuple[Table, StoredRecord] | None:
        for table in self.base.tables:
            record = self.records.get(table.id, {}).get(record_id)
            if record is not None:
                return table, record
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "base": self.base.to_dict(),
            "records": {
                table_id: [record.to_dict() for record in records.values()]
                for table_id, records in self.records.items()
            },
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BaseState:
        records = {
            table_id: {
                item["id"]: StoredRecord(item["id"], item["createdTime"], item["fields"])
                for item in items
            }
            for table_id, items in data["records"].items()
        }
        return cls(Base.from_dict(data["base"]), records)


def now_timestamp() -> str:
    return cells.format_timestamp(datetime.now(UTC))


class Store:
    """All bases in memory, saved to disk after every change.

    Callers hold `lock` while they read and change a base, then call `save`.
    """

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.bases_dir = data_dir / "bases"
        self.attachments = AttachmentStore(data_dir / "attachments")
        self.bases: dict[str, BaseState] = {}
        self.lock = threading.RLock()

    def load(self) -> None:
        """Read every saved base; a file that cannot be read stops the start with its path."""
        self.bases_dir.mkdir(parents=True, exist_ok=True)
        loaded: dict[str, BaseState] = {}
        for path in sorted(self.bases_dir.glob("*.json")):
            try:
                state = BaseState.from_dict(json.loads(path.read_text(encoding="utf-8")))
            except (OSError, ValueError, KeyError, TypeError) as error:
                raise RuntimeError(
                    f"cannot read saved base {path}: {error}; delete the file or start with"
                    " an empty data directory"
                ) from error
            loaded[state.base.id] = state
        with self.lock:
            self.bases = loaded
        log.info("store_loaded", data_dir=str(self.data_dir), bases=sorted(loaded))

    def save(self, base_id: str) -> None:
        """Write one base to `bases/<id>.json` through a temporary file and an atomic rename."""
        with self.lock:
            payload = json.dumps(self.bases[base_id].to_dict(), ensure_ascii=False)
        self.bases_dir.mkdir(parents=True, exist_ok=True)
        target = self.bases_dir / f"{base_id}.json"
        handle, temporary = tempfile.mkstemp(
            dir=self.bases_dir, prefix=f".{base_id}.", suffix=".tmp"
        )
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(payload)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def install_seed(self, seed: Seed, *, replace: bool) -> list[str]:
        """Create the seed's bases; keep bases already stored unless `replace` is set.

        Return the ids of the bases that were (re)created. Raise SeedError for a bad record.
        """
        installed: list[str] = []
        states = [
            self._build_state(seed_base, seed.directory)
            for seed_base in seed.bases
            if replace or seed_base.base.id not in self.bases
        ]
        with self.lock:
            for state in states:
                self.bases[state.base.id] = state
                self.save(state.base.id)
                installed.append(state.base.id)
        log.info("seed_installed", bases=installed, replace=replace)
        return installed

    def clear(self) -> None:
        """Delete every base and attachment, on disk too."""
        with self.lock:
            self.bases = {}
            shutil.rmtree(self.bases_dir, ignore_errors=True)
            self.attachments.clear()
            self.bases_dir.mkdir(parents=True, exist_ok=True)

    def _build_state(self, seed_base: SeedBase, directory: Path | None) -> BaseState:
        state = BaseState(seed_base.base)
        for table in seed_base.base.tables:
            records = state.table_records(table)
            for seed_record in seed_base.records.get(table.id, []):
                where = f"base {seed_base.base.id} table {table.name!r} record {seed_record.id}"
                fields = self._seed_fields(table, seed_record.fields, directory, where)
                created = seed_record.created_time or now_timestamp()
                records[seed_record.id] = StoredRecord(seed_record.id, created, fields)
        return state

    def _seed_fields(
        self, table: Table, values: dict[str, Any], directory: Path | None, where: str
    ) -> dict[str, Any]:
        stored: dict[str, Any] = {}
        for key, value in values.items():
            field = table.field(key)
            if field is None:
                raise SeedError(f"{where}: unknown field {key!r}")
            if field.type == "multipleAttachments":
                result: Any = [
                    self._seed_attachment(item, directory, f"{where} field {key!r}")
                    for item in value or []
                ]
            else:
                try:
                    result = cells.coerce(field, value, typecast=False, new_choices=[])
                except errors.AirtableError as error:
                    raise SeedError(f"{where}: {error.message}") from error
            if not cells.is_empty(result):
                stored[field.id] = result
        return stored

    def _seed_attachment(self, item: Any, directory: Path | None, where: str) -> dict[str, Any]:
        if not isinstance(item, dict) or not isinstance(item.get("path"), str):
            raise SeedError(
                f"{where}: an attachment needs `path` (a file relative to the seed file)"
            )
        # A seed posted over HTTP has no directory. Its file paths are rejected, so the admin
        # endpoint cannot publish local files as attachments.
        if directory is None:
            raise SeedError(f"{where}: attachment paths are only read from seed files")
        path = directory / item["path"]
        try:
            content = path.read_bytes()
        except OSError as error:
            raise SeedError(f"{where}: cannot read attachment {path}: {error}") from error
        filename = str(item.get("filename") or path.name)
        return self.attachments.add(content, filename, item.get("type"))


def new_record_id() -> str:
    return ids.new_id("rec")
