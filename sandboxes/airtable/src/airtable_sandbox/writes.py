"""Create, update (PATCH merges, PUT replaces), upsert and delete records, ten at most per request.

A write runs in three steps so that nothing is half-written: `plan_*` validates the whole
request, `fetch_attachments` downloads URL attachments, and `apply_plan` changes the base
only when every record is valid.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import structlog

from airtable_sandbox import cells, errors
from airtable_sandbox.attachments import (
    AttachmentFetchError,
    AttachmentStore,
    FetchSettings,
    fetch_url,
)
from airtable_sandbox.query import render_record
from airtable_sandbox.schema import Field, Table
from airtable_sandbox.store import BaseState, StoredRecord, new_record_id, now_timestamp

log = structlog.get_logger(__name__)

MAX_RECORDS_PER_REQUEST = 10
MAX_MERGE_FIELDS = 3
_WRITE_BODY_KEYS = frozenset(
    {"records", "fields", "typecast", "returnFieldsByFieldId", "performUpsert"}
)


@dataclass
class PendingUrl:
    """An attachment given as `{"url": ...}`, to be fetched before the write is applied."""

    field_name: str
    url: str
    filename: str | None


@dataclass
class PreparedRecord:
    record_id: str | None  # the record to update; None creates, or matches on upsert
    values: dict[str, Any]  # field id -> value to store; attachment lists may hold PendingUrl


@dataclass
class WritePlan:
    table: Table
    mode: Literal["create", "update"]
    records: list[PreparedRecord]
    single: bool
    replace: bool = False
    fields_by_id: bool = False
    merge_on: list[Field] | None = None
    new_choices: dict[str, list[str]] = field(default_factory=dict)  # field id -> option names


def plan_create(table: Table, body: Any, attachments: AttachmentStore) -> WritePlan:
    options = _read_body(body)
    if "performUpsert" in options:
        raise errors.invalid_request("performUpsert is only accepted with PATCH or PUT")
    raw_records = _raw_records(options, allow_id=False, require_id=False)
    plan = WritePlan(table, "create", [], single="fields" in options)
    plan.fields_by_id = bool(options.get("returnFieldsByFieldId"))
    typecast = bool(options.get("typecast"))
    for raw in raw_records:
        values = _prepare_values(plan, raw["fields"], typecast, attachments)
        plan.records.append(PreparedRecord(None, values))
    return plan


def plan_update(
    table: Table,
    body: Any,
    attachments: AttachmentStore,
    *,
    replace: bool,
    record_id: str | None = None,
) -> WritePlan:
    """Plan a PATCH or PUT: one record (`record_id` from the URL) or a batch, maybe an upsert."""
    options = _read_body(body)
    upsert = options.get("performUpsert")
    raw_records: list[dict[str, Any]]
    if record_id is not None:
        if "records" in options or upsert is not None:
            raise errors.invalid_request("a single-record update takes `fields`, not `records`")
        raw_records = [{"id": record_id, "fields": _fields_of(options)}]
    else:
        raw_records = _raw_records(options, allow_id=True, require_id=upsert is None)
    plan = WritePlan(table, "update", [], single=record_id is not None, replace=replace)
    plan.fields_by_id = bool(options.get("returnFieldsByFieldId"))
    if upsert is not None:
        plan.merge_on = _merge_fields(table, upsert)
    typecast = bool(options.get("typecast"))
    for raw in raw_records:
        values = _prepare_values(plan, raw["fields"], typecast, attachments)
        if plan.merge_on and "id" not in raw:
            missing = [item.name for item in plan.merge_on if cells.is_empty(values.get(item.id))]
            if missing:
                raise errors.invalid_request(
                    f"a record without id lacks the fieldsToMergeOn values {missing}"
                )
        plan.records.append(PreparedRecord(raw.get("id"), values))
    return plan


def _read_body(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise errors.invalid_request("the request body must be a JSON object")
    unknown = sorted(set(body) - _WRITE_BODY_KEYS)
    if unknown:
        raise errors.invalid_request(f"unknown body keys {unknown}")
    return body


def _fields_of(container: dict[str, Any]) -> dict[str, Any]:
    fields = container.get("fields")
    if not isinstance(fields, dict):
        raise errors.invalid_request("each record needs `fields` as a JSON object")
    return fields


def _raw_records(
    options: dict[str, Any], *, allow_id: bool, require_id: bool
) -> list[dict[str, Any]]:
    if "fields" in options and "records" not in options and not require_id:
        return [{"fields": _fields_of(options)}]
    records = options.get("records")
    if not isinstance(records, list) or not records:
        raise errors.invalid_request("the body needs `records`: a list of 1 to 10 record objects")
    if len(records) > MAX_RECORDS_PER_REQUEST:
        raise errors.invalid_records(MAX_RECORDS_PER_REQUEST)
    checked: list[dict[str, Any]] = []
    for index, record in enumerate(records):
        if not isinstance(record, dict) or set(record) - {"id", "fields"}:
            raise errors.invalid_request(
                f"records[{index}] must be an object with `fields` and maybe `id`"
            )
        fields = _fields_of(record)
        if "id" in record and not allow_id:
            raise errors.invalid_request(
                f"records[{index}] has an `id`, which a create does not accept"
            )
        if require_id and not isinstance(record.get("id"), str):
            raise errors.invalid_request(f"records[{index}] needs the `id` of the record to update")
        entry: dict[str, Any] = {"fields": fields}
        if "id" in record:
            entry["id"] = str(record["id"])
        checked.append(entry)
    return checked


def _merge_fields(table: Table, upsert: Any) -> list[Field]:
    names = upsert.get("fieldsToMergeOn") if isinstance(upsert, dict) else None
    if not isinstance(names, list) or not 1 <= len(names) <= MAX_MERGE_FIELDS:
        raise errors.invalid_request(
            f"performUpsert.fieldsToMergeOn must list 1 to {MAX_MERGE_FIELDS} field names"
        )
    fields: list[Field] = []
    for name in names:
        merge_field = table.field(str(name))
        if merge_field is None:
            raise errors.unknown_field(str(name))
        if merge_field.type == "multipleAttachments":
            raise errors.invalid_request(
                f"attachment field {merge_field.name!r} cannot be merged on"
            )
        fields.append(merge_field)
    return fields


def _prepare_values(
    plan: WritePlan, raw: dict[str, Any], typecast: bool, attachments: AttachmentStore
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, value in raw.items():
        target = plan.table.field(key)
        if target is None:
            raise errors.unknown_field(key)
        if target.type == "multipleAttachments":
            values[target.id] = _prepare_attachments(target, value, attachments)
        else:
            new_choices = plan.new_choices.setdefault(target.id, [])
            values[target.id] = cells.coerce(target, value, typecast, new_choices)
    return values


def _prepare_attachments(target: Field, value: Any, attachments: AttachmentStore) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise errors.invalid_attachment(target.name, "expected a list of attachment objects")
    prepared: list[Any] = []
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            raise errors.invalid_attachment(target.name, f"item {index} is not an object")
        if isinstance(item.get("id"), str):
            meta = attachments.meta(item["id"])
            if meta is None:
                raise errors.invalid_attachment(
                    target.name, f"attachment {item['id']} does not exist"
                )
            prepared.append(meta)
        elif isinstance(item.get("url"), str):
            filename = item.get("filename")
            prepared.append(
                PendingUrl(target.name, item["url"], str(filename) if filename else None)
            )
        else:
            raise errors.invalid_attachment(
                target.name, f"item {index} needs a `url` or an existing `id`"
            )
    return prepared


async def fetch_attachments(
    plan: WritePlan, attachments: AttachmentStore, settings: FetchSettings
) -> None:
    """Download every URL attachment of the plan, then store them all; any failure stores none."""
    pending = [
        (values, field_id, index, item)
        for record in plan.records
        for field_id, values in (
            (key, value) for key, value in record.values.items() if isinstance(value, list)
        )
        for index, item in enumerate(values)
        if isinstance(item, PendingUrl)
    ]
    downloads: list[tuple[bytes, str | None, str]] = []
    for _, _, _, item in pending:
        try:
            downloads.append(await fetch_url(item.url, settings))
        except AttachmentFetchError as error:
            log.warning("attachment_fetch_failed", field=item.field_name, error=str(error))
            raise errors.invalid_attachment(item.field_name, str(error)) from error
    for (values, _, index, item), (content, content_type, url_name) in zip(
        pending, downloads, strict=True
    ):
        values[index] = attachments.add(content, item.filename or url_name, content_type)


def apply_plan(state: BaseState, plan: WritePlan, url_for: cells.UrlBuilder) -> dict[str, Any]:
    """Apply a validated plan to the base and build the response body. Call under the store lock."""
    records = state.table_records(plan.table)
    operations = _resolve_targets(plan, records)

    for field_id, names in plan.new_choices.items():
        target = plan.table.field(field_id)
        assert target is not None
        for name in names:
            if name not in target.choice_names():
                target.add_choice(name)

    created: list[str] = []
    updated: list[str] = []
    written: list[StoredRecord] = []
    for prepared, target_id in operations:
        if target_id is None or target_id not in records:
            record = StoredRecord(target_id or new_record_id(), now_timestamp(), {})
            records[record.id] = record
            created.append(record.id)
        else:
            record = records[target_id]
            updated.append(record.id)
            if plan.replace:
                record.fields = {}
        for field_id, value in prepared.values.items():
            if cells.is_empty(value):
                record.fields.pop(field_id, None)
            else:
                record.fields[field_id] = value
        written.append(record)

    rendered = [
        render_record(plan.table, record, url_for, fields_by_id=plan.fields_by_id)
        for record in written
    ]
    if plan.single:
        return rendered[0]
    response: dict[str, Any] = {"records": rendered}
    if plan.merge_on is not None:
        response["createdRecords"] = created
        response["updatedRecords"] = updated
    return response


def _resolve_targets(
    plan: WritePlan, records: dict[str, StoredRecord]
) -> list[tuple[PreparedRecord, str | None]]:
    """Pick the record each prepared record writes to; raise before anything changes."""
    operations: list[tuple[PreparedRecord, str | None]] = []
    pending_keys: dict[tuple[Any, ...], str] = {}
    for prepared in plan.records:
        if plan.mode == "create":
            operations.append((prepared, None))
        elif prepared.record_id is not None:
            if prepared.record_id not in records:
                raise errors.row_does_not_exist(prepared.record_id)
            operations.append((prepared, prepared.record_id))
        else:
            assert plan.merge_on is not None
            key = _merge_key(prepared.values, plan.merge_on)
            matches = [
                record.id
                for record in records.values()
                if _merge_key(record.fields, plan.merge_on) == key
            ]
            if len(matches) > 1:
                names = [item.name for item in plan.merge_on]
                raise errors.invalid_request(
                    f"{len(matches)} records match the fieldsToMergeOn values of {names}; an upsert"
                    " needs at most one match"
                )
            if matches:
                operations.append((prepared, matches[0]))
            else:
                # Two new records with the same key in one request: the second updates the first.
                target = pending_keys.setdefault(key, new_record_id())
                operations.append((prepared, target))
    return operations


def _merge_key(values: dict[str, Any], merge_on: list[Field]) -> tuple[Any, ...]:
    """Build a comparable key: numbers compare by value (1001 equals 1001.0), blanks all alike."""
    key: list[Any] = []
    for merge_field in merge_on:
        value = values.get(merge_field.id)
        if cells.is_empty(value):
            key.append(None)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            key.append(float(value))
        elif isinstance(value, list):
            key.append(tuple(str(item) for item in value))
        else:
            key.append(str(value))
    return tuple(key)


def delete_records(state: BaseState, table: Table, record_ids: list[str]) -> list[dict[str, Any]]:
    if not record_ids:
        raise errors.invalid_request("give the records to delete as records[]=<id> parameters")
    if len(record_ids) > MAX_RECORDS_PER_REQUEST:
        raise errors.invalid_records(MAX_RECORDS_PER_REQUEST)
    records = state.table_records(table)
    for record_id in record_ids:
        if record_id not in records:
            raise errors.row_does_not_exist(record_id)
    for record_id in record_ids:
        records.pop(record_id, None)
    return [{"id": record_id, "deleted": True} for record_id in record_ids]
