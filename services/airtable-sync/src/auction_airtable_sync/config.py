"""Per-warehouse Airtable locations: base, inventory table, views and cancels table.

The packaged `warehouses.yaml` points at the sandbox's demo bases. Production mounts its own file
(a ConfigMap) and names it in `AUCTION_AIRTABLE_WAREHOUSES_FILE`.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

PACKAGED_WAREHOUSES_FILE = Path(__file__).with_name("warehouses.yaml")


class WarehouseConfigError(ValueError):
    """The warehouses file cannot be read or is invalid; the message names the file and the key."""


class AirtableWarehouse(BaseModel):
    """Where one warehouse's inventory lives in Airtable. Tables and views go by name or id."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    base_id: str = Field(pattern=r"^app[A-Za-z0-9]{14}$")
    inventory_table: str = Field(min_length=1)
    send_to_auction_view: str = Field(min_length=1)
    remove_dups_view: str = Field(min_length=1)
    cancels_table: str = Field(min_length=1)


class WarehousesFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    warehouses: dict[str, AirtableWarehouse] = Field(min_length=1)


class Warehouses:
    """The configured warehouses by id (`maule`, `sahara`)."""

    def __init__(self, warehouses: dict[str, AirtableWarehouse]) -> None:
        self._warehouses = dict(warehouses)

    def __contains__(self, warehouse_id: object) -> bool:
        return warehouse_id in self._warehouses

    def __getitem__(self, warehouse_id: str) -> AirtableWarehouse:
        return self._warehouses[warehouse_id]

    @property
    def ids(self) -> list[str]:
        return sorted(self._warehouses)

    def get(self, warehouse_id: str) -> AirtableWarehouse | None:
        return self._warehouses.get(warehouse_id)


def load_warehouses(path: Path | None = None) -> Warehouses:
    """Read and validate a warehouses file (the packaged one when `path` is None)."""
    path = path or PACKAGED_WAREHOUSES_FILE
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise WarehouseConfigError(f"cannot read the warehouses file {path}: {error}") from error
    try:
        parsed = WarehousesFile.model_validate(document)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in item['loc'])}: {item['msg']}"
            for item in error.errors()[:10]
        )
        raise WarehouseConfigError(f"invalid warehouses file {path}: {problems}") from error
    return Warehouses(parsed.warehouses)
