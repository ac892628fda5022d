"""Load the Create Event templates (templates.yaml) and check them at start-up."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from auction_hibid_bot.domain.templates import TEXT_NAMES, WarehouseTexts, check_template

DEFAULT_TEMPLATES_PATH = Path(__file__).with_name("templates.yaml")


class TemplatesFileError(ValueError):
    """templates.yaml is missing, unreadable or invalid."""


class UnknownWarehouseError(LookupError):
    """The request names a warehouse that templates.yaml does not list."""


@dataclass(frozen=True)
class SiteTemplates:
    house_name: str
    warehouses: dict[str, WarehouseTexts]

    def get(self, warehouse_id: str) -> WarehouseTexts:
        found = self.warehouses.get(warehouse_id.lower())
        if found is None:
            raise UnknownWarehouseError(
                f"warehouse {warehouse_id!r} has no Create Event templates; "
                f"known warehouses: {', '.join(sorted(self.warehouses))}"
            )
        return found


def load_templates(path: Path = DEFAULT_TEMPLATES_PATH) -> SiteTemplates:
    """Read and check the templates file; every error names the file and the entry."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise TemplatesFileError(f"cannot read templates file {path}: {error}") from error
    if not isinstance(raw, dict):
        raise TemplatesFileError(f"{path}: expected a mapping at the top level")

    house_name = _text(raw, "house_name", str(path))
    defaults = raw.get("defaults") or {}
    warehouses_raw = raw.get("warehouses")
    if not isinstance(defaults, dict) or not isinstance(warehouses_raw, dict) or not warehouses_raw:
        raise TemplatesFileError(
            f"{path}: 'defaults' must be a mapping and 'warehouses' a non-empty mapping"
        )

    warehouses: dict[str, WarehouseTexts] = {}
    for warehouse_id, entry in warehouses_raw.items():
        where = f"{path}: warehouses.{warehouse_id}"
        if not isinstance(entry, dict):
            raise TemplatesFileError(f"{where} must be a mapping")
        texts: dict[str, str] = {}
        for name in TEXT_NAMES:
            value = entry.get(name, defaults.get(name))
            if not isinstance(value, str) or not value.strip():
                raise TemplatesFileError(f"{where}: no '{name}' template and no default one")
            check_template(value, f"{where}.{name}")
            texts[name] = value
        warehouses[str(warehouse_id).lower()] = WarehouseTexts(
            warehouse_id=str(warehouse_id).lower(),
            name=_text(entry, "name", where),
            address=_text(entry, "address", where),
            **texts,
        )
    return SiteTemplates(house_name=house_name, warehouses=warehouses)


def _text(mapping: dict[str, Any], key: str, where: str) -> str:
    value = mapping.get(key)
    if not isinstance(value, str) or not value.strip():
        raise TemplatesFileError(f"{where}: '{key}' must be a non-empty string")
    return value.strip()
