"""Bases, tables, fields and views: the model that the seed declares and the store persists."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from airtable_sandbox import ids

TEXT_TYPES = frozenset(
    {"singleLineText", "multilineText", "richText", "email", "url", "phoneNumber"}
)
NUMBER_TYPES = frozenset({"number", "currency", "percent", "rating", "duration"})
SELECT_TYPES = frozenset({"singleSelect", "multipleSelects"})
OTHER_TYPES = frozenset({"checkbox", "multipleAttachments", "date", "dateTime"})
FIELD_TYPES = TEXT_TYPES | NUMBER_TYPES | SELECT_TYPES | OTHER_TYPES

# Airtable's palette names; the sandbox assigns them round-robin to new select choices.
CHOICE_COLORS = ("blueLight2", "cyanLight2", "tealLight2", "greenLight2", "yellowLight2")

# Options that Airtable's metadata API returns for each type, and that pyairtable 3.5 requires
# when it parses a table schema. Seed options override these defaults key by key.
DEFAULT_OPTIONS: dict[str, dict[str, Any]] = {
    "number": {"precision": 0},
    "currency": {"precision": 2, "symbol": "$"},
    "percent": {"precision": 0},
    "rating": {"color": "yellowBright", "icon": "star", "max": 5},
    "duration": {"durationFormat": "h:mm"},
    "checkbox": {"color": "greenBright", "icon": "check"},
    "multipleAttachments": {"isReversed": False},
    "date": {"dateFormat": {"format": "YYYY-MM-DD", "name": "iso"}},
    "dateTime": {
        "dateFormat": {"format": "YYYY-MM-DD", "name": "iso"},
        "timeFormat": {"format": "HH:mm", "name": "24hour"},
        "timeZone": "utc",
    },
}


@dataclass
class Choice:
    id: str
    name: str
    color: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "color": self.color}


@dataclass
class Field:
    id: str
    name: str
    type: str
    options: dict[str, Any] = field(default_factory=dict)
    choices: list[Choice] = field(default_factory=list)

    def choice_names(self) -> list[str]:
        return [choice.name for choice in self.choices]

    def add_choice(self, name: str) -> None:
        color = CHOICE_COLORS[len(self.choices) % len(CHOICE_COLORS)]
        self.choices.append(Choice(ids.new_id("sel"), name, color))

    def to_dict(self) -> dict[str, Any]:
        """Serialise in the metadata API's field model (also the persisted form)."""
        data: dict[str, Any] = {"id": self.id, "name": self.name, "type": self.type}
        options = {**DEFAULT_OPTIONS.get(self.type, {}), **self.options}
        if self.type in SELECT_TYPES:
            options["choices"] = [choice.to_dict() for choice in self.choices]
        if options:
            data["options"] = options
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Field:
        options = dict(data.get("options") or {})
        choices = [
            Choice(str(item["id"]), str(item["name"]), str(item.get("color", CHOICE_COLORS[0])))
            for item in options.pop("choices", [])
        ]
        return cls(str(data["id"]), str(data["name"]), str(data["type"]), options, choices)


@dataclass
class View:
    """A view: the records for which `formula` is true, in `sort` order.

    `formula` is an Airtable formula (None means every record); `sort` contains
    (field name, "asc" or "desc") pairs.
    """

    id: str
    name: str
    formula: str | None = None
    sort: list[tuple[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "formula": self.formula,
            "sort": [{"field": name, "direction": direction} for name, direction in self.sort],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> View:
        sort = [(str(item["field"]), str(item["direction"])) for item in data.get("sort") or []]
        return cls(str(data["id"]), str(data["name"]), data.get("formula"), sort)


@dataclass
class Table:
    id: str
    name: str
    fields: list[Field]
    views: list[View]
    primary_field_id: str

    def field(self, name_or_id: str) -> Field | None:
        for candidate in self.fields:
            if name_or_id in (candidate.id, candidate.name):
                return candidate
        return None

    def view(self, name_or_id: str) -> View | None:
        for candidate in self.views:
            if name_or_id in (candidate.id, candidate.name):
                return candidate
        return None

    def metadata(self) -> dict[str, Any]:
        """Serialise in the shape of `GET /v0/meta/bases/{baseId}/tables`."""
        return {
            "id": self.id,
            "name": self.name,
            "primaryFieldId": self.primary_field_id,
            "fields": [item.to_dict() for item in self.fields],
            "views": [{"id": view.id, "name": view.name, "type": "grid"} for view in self.views],
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "primaryFieldId": self.primary_field_id,
            "fields": [item.to_dict() for item in self.fields],
            "views": [view.to_dict() for view in self.views],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Table:
        return cls(
            str(data["id"]),
            str(data["name"]),
            [Field.from_dict(item) for item in data["fields"]],
            [View.from_dict(item) for item in data["views"]],
            str(data["primaryFieldId"]),
        )


@dataclass
class Base:
    id: str
    name: str
    tables: list[Table]

    def table(self, name_or_id: str) -> Table | None:
        for candidate in self.tables:
            if name_or_id in (candidate.id, candidate.name):
                return candidate
        return None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "tables": [t.to_dict() for t in self.tables]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Base:
        tables = [Table.from_dict(item) for item in data["tables"]]
        return cls(str(data["id"]), str(data["name"]), tables)
