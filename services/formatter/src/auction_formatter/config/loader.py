"""Load and validate warehouses.yaml."""

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from auction_formatter.config.models import WarehouseConfig, WarehousesFile

DEFAULT_WAREHOUSES_PATH = Path(__file__).with_name("warehouses.yaml")

_MAX_SHOWN_VALUE = 80


class WarehouseConfigError(ValueError):
    """The warehouses file is missing, is not valid YAML, or breaks a rule of its model."""


class UnknownWarehouseError(KeyError):
    """A warehouse key that the warehouses file does not define."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else super().__str__()


@dataclass(frozen=True)
class Warehouses:
    """Every configured warehouse, ready for a formatting run, by key."""

    path: Path
    by_key: Mapping[str, WarehouseConfig]

    def get(self, key: str) -> WarehouseConfig:
        """Return the warehouse `key` or raise UnknownWarehouseError naming the known keys."""
        try:
            return self.by_key[key]
        except KeyError:
            known = ", ".join(sorted(self.by_key))
            raise UnknownWarehouseError(
                f"unknown warehouse {key!r} (known: {known}). Add it to {self.path}."
            ) from None

    @property
    def keys(self) -> tuple[str, ...]:
        """Warehouse keys in file order."""
        return tuple(self.by_key)


def load_warehouses(path: Path = DEFAULT_WAREHOUSES_PATH) -> Warehouses:
    """Read and validate a warehouses file.

    Raises WarehouseConfigError naming the file, the key and the bad value.
    """
    raw = _read_yaml(path)
    try:
        parsed = WarehousesFile.model_validate(raw)
    except ValidationError as error:
        raise WarehouseConfigError(_describe(path, error)) from None

    by_key = {
        key: WarehouseConfig(key=key, rules=parsed.defaults, **dict(entry))
        for key, entry in parsed.warehouses.items()
    }
    return Warehouses(path=path, by_key=by_key)


def _read_yaml(path: Path) -> object:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise WarehouseConfigError(
            f"cannot read warehouses file {path}: {error.strerror or error}"
        ) from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise WarehouseConfigError(f"warehouses file {path} is not valid YAML: {error}") from None


def _describe(path: Path, error: ValidationError) -> str:
    problems = []
    for detail in error.errors(include_url=False):
        key = ".".join(str(part) for part in detail["loc"]) or "(top level)"
        value = repr(detail.get("input"))
        if len(value) > _MAX_SHOWN_VALUE:
            value = value[: _MAX_SHOWN_VALUE - 3] + "..."
        problems.append(f"  {key}: {detail['msg']} (value: {value})")
    count = len(problems)
    noun = "problem" if count == 1 else "problems"
    return f"invalid warehouses file {path}, {count} {noun}:\n" + "\n".join(problems)
