"""Seed files: YAML that declares bases, tables, fields, views, records, settings and faults.

Missing ids are derived from names (see ids.stable_id), so reloading a seed gives the same ids.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from airtable_sandbox import ids
from airtable_sandbox.formula import FormulaError, compile_formula
from airtable_sandbox.schema import FIELD_TYPES, SELECT_TYPES, Base, Choice, Field, Table, View

DEFAULT_VIEW_NAME = "Grid view"
TOP_LEVEL_KEYS = frozenset({"settings", "faults", "bases"})


class SeedError(ValueError):
    """The seed document is invalid; the message names the offending entry."""


@dataclass
class SeedRecord:
    id: str
    fields: dict[str, Any]
    created_time: str | None = None


@dataclass
class SeedBase:
    base: Base
    records: dict[str, list[SeedRecord]]  # table id -> records


@dataclass
class Seed:
    bases: list[SeedBase] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)
    faults: list[dict[str, Any]] = field(default_factory=list)
    # Directory against which relative attachment `path` entries are resolved.
    directory: Path | None = None


def load_seed_file(path: Path) -> Seed:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise SeedError(f"cannot read seed file {path}: {error}") from error
    return parse_seed(document, path.resolve().parent)


def parse_seed(document: Any, directory: Path | None = None) -> Seed:
    """Validate a seed document (the YAML already loaded) and build the schema objects."""
    if document is None:
        return Seed(directory=directory)
    _require(isinstance(document, dict), "seed", "must be a mapping")
    # Keys starting with "x-" are free, e.g. to hold YAML anchors shared by several bases.
    unknown = sorted(key for key in set(document) - TOP_LEVEL_KEYS if not str(key).startswith("x-"))
    _require(
        not unknown,
        "seed",
        f"has unknown keys {unknown}; allowed: {sorted(TOP_LEVEL_KEYS)} and x-* keys",
    )
    settings = document.get("settings") or {}
    _require(isinstance(settings, dict), "settings", "must be a mapping")
    faults = document.get("faults") or []
    _require(isinstance(faults, list), "faults", "must be a list")
    bases_doc = document.get("bases") or []
    _require(isinstance(bases_doc, list), "bases", "must be a list")
    bases = [_parse_base(item, f"bases[{index}]") for index, item in enumerate(bases_doc)]
    _require_unique([seed_base.base.id for seed_base in bases], "bases", "base id")
    return Seed(bases, settings, faults, directory)


def _parse_base(doc: Any, where: str) -> SeedBase:
    _require(isinstance(doc, dict), where, "must be a mapping")
    name = _text(doc, "name", where)
    base_id = _optional_id(doc, "app", where) or ids.stable_id("app", name)
    tables_doc = doc.get("tables")
    _require(
        isinstance(tables_doc, list) and len(tables_doc) > 0,
        where,
        "needs a non-empty `tables` list",
    )
    tables: list[Table] = []
    records: dict[str, list[SeedRecord]] = {}
    for index, table_doc in enumerate(tables_doc):
        table_where = f"{where}.tables[{index}]"
        table = _parse_table(table_doc, base_id, table_where)
        tables.append(table)
        records[table.id] = _parse_records(table_doc.get("records"), base_id, table, table_where)
    _require_unique([table.name for table in tables], where, "table name")
    _require_unique([table.id for table in tables], where, "table id")
    return SeedBase(Base(base_id, name, tables), records)


def _parse_table(doc: Any, base_id: str, where: str) -> Table:
    _require(isinstance(doc, dict), where, "must be a mapping")
    name = _text(doc, "name", where)
    table_id = _optional_id(doc, "tbl", where) or ids.stable_id("tbl", base_id, name)

    fields_doc = doc.get("fields")
    _require(
        isinstance(fields_doc, list) and len(fields_doc) > 0,
        where,
        "needs a non-empty `fields` list",
    )
    fields = [
        _parse_field(item, table_id, f"{where}.fields[{index}]")
        for index, item in enumerate(fields_doc)
    ]
    _require_unique([item.name for item in fields], where, "field name")
    _require_unique([item.id for item in fields], where, "field id")

    primary_name = doc.get("primary_field", fields[0].name)
    primary = next((item for item in fields if primary_name in (item.name, item.id)), None)
    _require(primary is not None, where, f"primary_field {primary_name!r} is not one of its fields")
    assert primary is not None
    table = Table(table_id, name, fields, [], primary.id)

    views_doc = doc.get("views") or []
    _require(isinstance(views_doc, list), where, "`views` must be a list")
    table.views = [
        _parse_view(item, table, f"{where}.views[{index}]") for index, item in enumerate(views_doc)
    ]
    if table.view(DEFAULT_VIEW_NAME) is None:
        table.views.insert(
            0, View(ids.stable_id("viw", table_id, DEFAULT_VIEW_NAME), DEFAULT_VIEW_NAME)
        )
    _require_unique([view.name for view in table.views], where, "view name")
    _require_unique([view.id for view in table.views], where, "view id")
    return table


def _parse_field(doc: Any, table_id: str, where: str) -> Field:
    _require(isinstance(doc, dict), where, "must be a mapping")
    name = _text(doc, "name", where)
    kind = _text(doc, "type", where)
    _require(
        kind in FIELD_TYPES,
        where,
        f"type {kind!r} is not supported; use one of {sorted(FIELD_TYPES)}",
    )
    field_id = _optional_id(doc, "fld", where) or ids.stable_id("fld", table_id, name)
    options = dict(doc.get("options") or {})
    choices: list[Choice] = []
    if kind in SELECT_TYPES:
        for index, choice in enumerate(options.pop("choices", None) or doc.get("choices") or []):
            choice_where = f"{where}.choices[{index}]"
            choice_doc = choice if isinstance(choice, dict) else {"name": choice}
            choice_name = str(choice_doc.get("name", ""))
            _require(choice_name != "", choice_where, "needs a name")
            choice_id = str(choice_doc.get("id") or ids.stable_id("sel", field_id, choice_name))
            color = str(choice_doc.get("color", "blueLight2"))
            choices.append(Choice(choice_id, choice_name, color))
        _require_unique([choice.name for choice in choices], where, "choice name")
    return Field(field_id, name, kind, options, choices)


def _parse_view(doc: Any, table: Table, where: str) -> View:
    _require(isinstance(doc, dict), where, "must be a mapping")
    name = _text(doc, "name", where)
    view_id = _optional_id(doc, "viw", where) or ids.stable_id("viw", table.id, name)
    formula = doc.get("formula")
    if formula is not None:
        _require(isinstance(formula, str), where, "`formula` must be text")
        try:
            compile_formula(formula, [item.name for item in table.fields])
        except FormulaError as error:
            raise SeedError(f"{where}: formula {formula!r} is invalid: {error}") from error
    sort: list[tuple[str, str]] = []
    for index, item in enumerate(doc.get("sort") or []):
        sort_where = f"{where}.sort[{index}]"
        _require(
            isinstance(item, dict), sort_where, "must be a mapping with `field` and `direction`"
        )
        field_name = _text(item, "field", sort_where)
        _require(
            table.field(field_name) is not None,
            sort_where,
            f"field {field_name!r} is not in the table",
        )
        direction = str(item.get("direction", "asc"))
        _require(
            direction in ("asc", "desc"), sort_where, f"direction {direction!r} must be asc or desc"
        )
        sort.append((field_name, direction))
    return View(view_id, name, formula, sort)


def _parse_records(doc: Any, base_id: str, table: Table, where: str) -> list[SeedRecord]:
    if doc is None:
        return []
    _require(isinstance(doc, list), where, "`records` must be a list")
    records: list[SeedRecord] = []
    for index, item in enumerate(doc):
        record_where = f"{where}.records[{index}]"
        _require(
            isinstance(item, dict) and isinstance(item.get("fields"), dict),
            record_where,
            "needs a `fields` mapping",
        )
        record_id = _optional_id(item, "rec", record_where) or ids.stable_id(
            "rec", base_id, table.id, str(index)
        )
        created = item.get("createdTime")
        records.append(
            SeedRecord(record_id, dict(item["fields"]), str(created) if created else None)
        )
    _require_unique([record.id for record in records], where, "record id")
    return records


def _text(doc: dict[str, Any], key: str, where: str) -> str:
    value = doc.get(key)
    _require(
        isinstance(value, str) and value.strip() != "", where, f"needs `{key}` as non-empty text"
    )
    assert isinstance(value, str)
    return value


def _optional_id(doc: dict[str, Any], prefix: str, where: str) -> str | None:
    value = doc.get("id")
    if value is None:
        return None
    _require(
        isinstance(value, str) and ids.looks_like_id(value, prefix),
        where,
        f"id {value!r} must be {prefix!r} followed by {ids.ID_BODY_LENGTH} letters or digits",
    )
    return str(value)


def _require(condition: bool, where: str, message: str) -> None:
    if not condition:
        raise SeedError(f"{where}: {message}")


def _require_unique(values: list[str], where: str, label: str) -> None:
    seen: set[str] = set()
    for value in values:
        _require(value not in seen, where, f"duplicate {label} {value!r}")
        seen.add(value)


def demo_seed_path() -> Path:
    """Locate seeds/demo.yaml: inside the installed wheel, else in the source tree."""
    packaged = Path(__file__).resolve().parent / "seeds" / "demo.yaml"
    if packaged.is_file():
        return packaged
    return Path(__file__).resolve().parents[2] / "seeds" / "demo.yaml"
