"""List records: query parameters, view and formula filtering, sorting, paging with offsets."""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from airtable_sandbox import cells, errors, ids
from airtable_sandbox.formula import CompiledFormula, FormulaError, RecordContext, compile_formula
from airtable_sandbox.schema import Field, Table
from airtable_sandbox.store import BaseState, StoredRecord

MAX_PAGE_SIZE = 100
_SORT_PARAM = re.compile(r"^sort\[(\d+)\]\[(field|direction)\]$")
_SCALAR_PARAMS = frozenset(
    {
        "pageSize",
        "offset",
        "view",
        "maxRecords",
        "filterByFormula",
        "cellFormat",
        "timeZone",
        "userLocale",
        "returnFieldsByFieldId",
    }
)


@dataclass
class ListQuery:
    page_size: int = MAX_PAGE_SIZE
    offset: str | None = None
    view: str | None = None
    fields: list[str] | None = None
    sort: list[tuple[str, str]] = field(default_factory=list)
    max_records: int | None = None
    formula: str | None = None
    cell_format: str = "json"
    time_zone: str | None = None
    user_locale: str | None = None
    fields_by_id: bool = False
    record_metadata: list[str] = field(default_factory=list)


def parse_query_params(items: Iterable[tuple[str, str]]) -> ListQuery:
    """Read GET parameters: `fields[]`, `sort[0][field]`, `recordMetadata[]` and the scalars."""
    query = ListQuery()
    scalars: dict[str, str] = {}
    sort: dict[int, dict[str, str]] = {}
    fields: list[str] = []
    for key, value in items:
        if key in ("fields[]", "fields"):
            fields.append(value)
        elif key in ("recordMetadata[]", "recordMetadata"):
            query.record_metadata.append(value)
        elif match := _SORT_PARAM.match(key):
            sort.setdefault(int(match.group(1)), {})[match.group(2)] = value
        elif key in _SCALAR_PARAMS:
            scalars[key] = value
        else:
            accepted = sorted(_SCALAR_PARAMS | {"fields[]", "sort[i][field]", "recordMetadata[]"})
            raise errors.invalid_request(f"unknown query parameter {key!r}; accepted: {accepted}")
    query.fields = fields or None
    query.sort = [_sort_entry(sort[index]) for index in sorted(sort)]
    _apply_scalars(query, scalars)
    return query


def parse_list_body(body: Any, params: Iterable[tuple[str, str]]) -> ListQuery:
    """Read the JSON body of `POST .../listRecords`; timeZone and userLocale stay in the URL."""
    if not isinstance(body, dict):
        raise errors.invalid_request("the listRecords body must be a JSON object")
    query = ListQuery()
    scalars: dict[str, Any] = {}
    for key, value in body.items():
        if key == "fields":
            if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
                raise errors.invalid_request("`fields` must be a list of field names or ids")
            query.fields = list(value) or None
        elif key == "sort":
            if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
                raise errors.invalid_request("`sort` must be a list of {field, direction} objects")
            query.sort = [_sort_entry(item) for item in value]
        elif key == "recordMetadata":
            query.record_metadata = [str(item) for item in value or []]
        elif key in _SCALAR_PARAMS - {"timeZone", "userLocale"}:
            scalars[key] = value
        else:
            raise errors.invalid_request(f"unknown listRecords body key {key!r}")
    for key, value in params:
        if key in ("timeZone", "userLocale"):
            scalars[key] = value
    _apply_scalars(query, scalars)
    return query


def _sort_entry(entry: dict[str, Any]) -> tuple[str, str]:
    name = entry.get("field")
    direction = entry.get("direction", "asc")
    if not isinstance(name, str) or direction not in ("asc", "desc"):
        raise errors.invalid_request(
            f"sort entry {entry!r} needs a field and direction asc or desc"
        )
    return name, str(direction)


def _apply_scalars(query: ListQuery, scalars: dict[str, Any]) -> None:
    if "pageSize" in scalars:
        query.page_size = _positive_int(scalars["pageSize"], "pageSize")
        if query.page_size > MAX_PAGE_SIZE:
            raise errors.invalid_request(
                f"pageSize {query.page_size} is above the maximum of {MAX_PAGE_SIZE}"
            )
    if "maxRecords" in scalars:
        query.max_records = _positive_int(scalars["maxRecords"], "maxRecords")
    for key, attribute in (("offset", "offset"), ("view", "view"), ("filterByFormula", "formula")):
        if key in scalars and scalars[key] not in (None, ""):
            setattr(query, attribute, str(scalars[key]))
    query.time_zone = scalars.get("timeZone")
    query.user_locale = scalars.get("userLocale")
    cell_format = scalars.get("cellFormat", "json")
    if cell_format not in ("json", "string"):
        raise errors.invalid_request(f"cellFormat {cell_format!r} must be json or string")
    if cell_format == "string" and not (query.time_zone and query.user_locale):
        raise errors.invalid_request(
            "cellFormat=string needs the timeZone and userLocale parameters"
        )
    query.cell_format = str(cell_format)
    query.fields_by_id = str(scalars.get("returnFieldsByFieldId", "")).lower() in ("1", "true")


def _positive_int(value: Any, name: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if number < 1:
        raise errors.invalid_request(f"{name} {value!r} must be a positive integer")
    return number


def resolve_fields(table: Table, names: Iterable[str]) -> list[Field]:
    resolved: list[Field] = []
    for name in names:
        field_ = table.field(name)
        if field_ is None:
            raise errors.unknown_field(name)
        resolved.append(field_)
    return resolved


def render_record(
    table: Table,
    record: StoredRecord,
    url_for: cells.UrlBuilder,
    *,
    fields_by_id: bool = False,
    only: list[Field] | None = None,
    cell_format: str = "json",
) -> dict[str, Any]:
    """Render a record as Airtable returns it, with empty cells left out."""
    rendered: dict[str, Any] = {}
    for field_ in only if only is not None else table.fields:
        stored = record.fields.get(field_.id)
        if cells.is_empty(stored):
            continue
        key = field_.id if fields_by_id else field_.name
        if cell_format == "string":
            rendered[key] = cells.render_string(field_, stored, url_for)
        else:
            rendered[key] = cells.render(field_, stored, url_for)
    return {"id": record.id, "createdTime": record.created_time, "fields": rendered}


def record_context(table: Table, record: StoredRecord, url_for: cells.UrlBuilder) -> RecordContext:
    values = {
        field_.name: cells.formula_value(field_, record.fields.get(field_.id), url_for)
        for field_ in table.fields
    }
    return RecordContext(record.id, values)


def compile_filter(table: Table, text: str) -> CompiledFormula:
    try:
        return compile_formula(text, [field_.name for field_ in table.fields])
    except FormulaError as error:
        raise errors.invalid_formula(str(error)) from error


@dataclass(frozen=True)
class _Iterator:
    table_id: str
    record_ids: list[str]
    created: float


class RecordLister:
    """Runs list queries and keeps the offsets of unfinished listings.

    An offset pins the matching record ids in order, as Airtable's iterators do, and expires
    after `ttl_seconds`. The same offset can be requested again, so a client may retry a page
    after a failed response.
    """

    def __init__(self, ttl_seconds: float = 300.0, max_iterators: int = 1000) -> None:
        self.ttl_seconds = ttl_seconds
        self.max_iterators = max_iterators
        self._iterators: OrderedDict[str, tuple[_Iterator, int]] = OrderedDict()
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self._iterators.clear()

    def list_page(
        self, state: BaseState, table: Table, query: ListQuery, url_for: cells.UrlBuilder
    ) -> dict[str, Any]:
        only = resolve_fields(table, query.fields) if query.fields else None
        if query.offset:
            iterator, position = self._find(query.offset, table)
        else:
            record_ids = self._matching_ids(state, table, query, url_for)
            iterator, position = _Iterator(table.id, record_ids, time.monotonic()), 0
        records = state.table_records(table)
        page: list[dict[str, Any]] = []
        while position < len(iterator.record_ids) and len(page) < query.page_size:
            record = records.get(iterator.record_ids[position])
            position += 1
            if record is None:  # deleted since the listing started
                continue
            rendered = render_record(
                table,
                record,
                url_for,
                fields_by_id=query.fields_by_id,
                only=only,
                cell_format=query.cell_format,
            )
            if "commentCount" in query.record_metadata:
                rendered["commentCount"] = 0
            page.append(rendered)
        response: dict[str, Any] = {"records": page}
        if position < len(iterator.record_ids):
            response["offset"] = self._keep(iterator, position)
        return response

    def _matching_ids(
        self, state: BaseState, table: Table, query: ListQuery, url_for: cells.UrlBuilder
    ) -> list[str]:
        filters: list[CompiledFormula] = []
        sort = query.sort
        if query.view:
            view = table.view(query.view)
            if view is None:
                raise errors.view_not_found(query.view)
            if view.formula:
                filters.append(compile_filter(table, view.formula))
            sort = sort or view.sort
        if query.formula:
            filters.append(compile_filter(table, query.formula))
        sort_fields = [(self._sort_field(table, name), direction) for name, direction in sort]
        candidates = list(state.table_records(table).values())
        if filters:
            candidates = [
                record
                for record in candidates
                if all(item.matches(record_context(table, record, url_for)) for item in filters)
            ]
        # Python's sort is stable, so sorting by the last key first gives a multi-key order.
        for field_, direction in reversed(sort_fields):
            candidates.sort(
                key=lambda record, f=field_: cells.sort_key(f, record.fields.get(f.id)),  # type: ignore[misc]
                reverse=direction == "desc",
            )
        if query.max_records is not None:
            candidates = candidates[: query.max_records]
        return [record.id for record in candidates]

    @staticmethod
    def _sort_field(table: Table, name: str) -> Field:
        field_ = table.field(name)
        if field_ is None:
            raise errors.unknown_field(name)
        return field_

    def _keep(self, iterator: _Iterator, position: int) -> str:
        token = ids.new_id("itr")
        with self._lock:
            self._iterators[token] = (iterator, position)
            while len(self._iterators) > self.max_iterators:
                self._iterators.popitem(last=False)
        return f"{token}/{iterator.record_ids[position - 1]}"

    def _find(self, offset: str, table: Table) -> tuple[_Iterator, int]:
        token = offset.split("/", 1)[0]
        with self._lock:
            entry = self._iterators.get(token)
        if entry is None:
            raise errors.iterator_not_available()
        iterator, position = entry
        if time.monotonic() - iterator.created > self.ttl_seconds or iterator.table_id != table.id:
            raise errors.iterator_not_available()
        return iterator, position
