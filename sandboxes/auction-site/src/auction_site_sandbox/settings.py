"""Sandbox settings: users, categories, image hosts and limits, read from a YAML or JSON file."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

# Leaf category ids of the house's site that the sandbox accepts by default. A deployment adds the
# rest of its category map under `categories` in the config file.
DEFAULT_LEAF_CATEGORIES: dict[int, str] = {
    2830472: "Appliances",
    339723: "Electronics / Computers & Accessories",
    162703: "Home & Kitchen",
    2830927: "Toys & Games",
    162733: "Misc",
}
# Parent categories: known to the site, but listings cannot be placed in them.
DEFAULT_PARENT_CATEGORIES: dict[int, str] = {9: "All Categories"}

# The 14 custom-field columns of the import CSV, in the order the house's file lists them.
DEFAULT_CUSTOM_FIELDS: tuple[str, ...] = (
    "Working Condition",
    "UPC",
    "Truck",
    "Source",
    "Size",
    "Photo Taker",
    "Packaging",
    "Other Notes",
    "MSRP",
    "Lot Number",
    "Location",
    "Item Condition",
    "ID",
    "Amazon ID",
)


class SettingsError(ValueError):
    """Invalid sandbox configuration file."""


@dataclass(frozen=True)
class SandboxSettings:
    """Behaviour of one sandbox instance. Everything but `data_dir` has a working default."""

    data_dir: Path
    users: dict[str, str] = field(default_factory=lambda: {"admin": "sandbox-password"})
    leaf_categories: dict[int, str] = field(default_factory=lambda: dict(DEFAULT_LEAF_CATEGORIES))
    parent_categories: dict[int, str] = field(
        default_factory=lambda: dict(DEFAULT_PARENT_CATEGORIES)
    )
    custom_fields: tuple[str, ...] = DEFAULT_CUSTOM_FIELDS
    # Hosts the CSV import may download Image_N URLs from. Never widen this beyond local hosts.
    image_hosts: frozenset[str] = frozenset({"127.0.0.1", "localhost"})
    image_fetch_timeout_seconds: float = 10.0
    max_csv_bytes: int = 10 * 1024 * 1024
    max_event_image_bytes: int = 5 * 1024 * 1024
    site_timezone: str = "America/Los_Angeles"
    report_page_size: int = 100
    session_cookie: str = ".ASPXAUTH"


def load_settings(data_dir: Path, config_file: Path | None = None) -> SandboxSettings:
    """Build settings from an optional YAML/JSON file, rejecting unknown keys."""
    if config_file is None:
        return SandboxSettings(data_dir=data_dir)
    raw = _read_mapping(config_file)

    known = {
        "users",
        "categories",
        "parent_categories",
        "custom_fields",
        "image_hosts",
        "image_fetch_timeout_seconds",
        "max_csv_bytes",
        "max_event_image_bytes",
        "site_timezone",
        "report_page_size",
    }
    unknown = sorted(set(raw) - known)
    if unknown:
        raise SettingsError(
            f"{config_file}: unknown setting(s) {', '.join(unknown)}; "
            f"allowed: {', '.join(sorted(known))}"
        )

    defaults = SandboxSettings(data_dir=data_dir)
    leaf = dict(defaults.leaf_categories)
    leaf.update(_id_name_map(raw.get("categories", {}), config_file, "categories"))
    parents = dict(defaults.parent_categories)
    parents.update(_id_name_map(raw.get("parent_categories", {}), config_file, "parent_categories"))
    users = raw.get("users", defaults.users)
    if not isinstance(users, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in users.items()
    ):
        raise SettingsError(f"{config_file}: users must map user names to passwords (strings)")

    return SandboxSettings(
        data_dir=data_dir,
        users=users,
        leaf_categories=leaf,
        parent_categories=parents,
        custom_fields=tuple(raw.get("custom_fields", defaults.custom_fields)),
        image_hosts=frozenset(raw.get("image_hosts", defaults.image_hosts)),
        image_fetch_timeout_seconds=float(
            raw.get("image_fetch_timeout_seconds", defaults.image_fetch_timeout_seconds)
        ),
        max_csv_bytes=int(raw.get("max_csv_bytes", defaults.max_csv_bytes)),
        max_event_image_bytes=int(raw.get("max_event_image_bytes", defaults.max_event_image_bytes)),
        site_timezone=str(raw.get("site_timezone", defaults.site_timezone)),
        report_page_size=int(raw.get("report_page_size", defaults.report_page_size)),
    )


def _read_mapping(path: Path) -> dict[str, Any]:
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SettingsError(f"cannot read config file {path}: {exc}") from exc
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise SettingsError(f"{path}: expected a mapping at the top level")
    return loaded


def _id_name_map(value: object, path: Path, key: str) -> dict[int, str]:
    if not isinstance(value, dict):
        raise SettingsError(f"{path}: {key} must map category ids to names")
    result: dict[int, str] = {}
    for category_id, name in value.items():
        try:
            result[int(category_id)] = str(name)
        except (TypeError, ValueError) as exc:
            raise SettingsError(f"{path}: {key} id {category_id!r} is not an integer") from exc
    return result
