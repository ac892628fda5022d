"""Loading of a column-map file: manifest header -> field name, in YAML or JSON."""

from __future__ import annotations

import json

import yaml

from .layouts import parse_field_name
from .model import ColumnMapError


def load_column_map(data: bytes, filename: str) -> dict[str, str | None]:
    """Parse a column-map file into manifest header -> field name (None ignores the column).

    The file is one JSON or YAML object whose keys are manifest headers and whose values are
    field names such as `Product Name` or `MSRP`. Raises ColumnMapError naming the problem.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ColumnMapError(f"{filename}: the column map is not UTF-8 text ({exc}).") from exc

    try:
        loaded: object = (
            json.loads(text) if filename.lower().endswith(".json") else yaml.safe_load(text)
        )
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise ColumnMapError(f"{filename}: the column map cannot be parsed: {exc}") from exc

    if not isinstance(loaded, dict) or not loaded:
        raise ColumnMapError(
            f"{filename}: the column map must be an object of manifest header -> field name, "
            'such as {"Title": "Product Name", "Retail": "MSRP"}.'
        )

    column_map: dict[str, str | None] = {}
    for header, field_name in loaded.items():
        if field_name is not None and not isinstance(field_name, str):
            raise ColumnMapError(
                f"{filename}: header {header!r} maps to {field_name!r}; "
                "give a field name, or null to ignore the column."
            )
        # YAML reads an unquoted numeric header such as 2024 as a number.
        column_map[str(header)] = None if field_name is None else parse_field_name(field_name).value
    return column_map
