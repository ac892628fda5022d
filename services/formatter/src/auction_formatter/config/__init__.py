"""Warehouses and the lot import rules, loaded from warehouses.yaml."""

from auction_formatter.config.loader import (
    DEFAULT_WAREHOUSES_PATH,
    UnknownWarehouseError,
    WarehouseConfigError,
    Warehouses,
    load_warehouses,
)
from auction_formatter.config.models import (
    Address,
    AirtableLocation,
    CategoryRules,
    FormattingRules,
    LotOrderRules,
    PriceTier,
    PricingRules,
    WarehouseConfig,
    normalise_category_name,
)

__all__ = [
    "DEFAULT_WAREHOUSES_PATH",
    "Address",
    "AirtableLocation",
    "CategoryRules",
    "FormattingRules",
    "LotOrderRules",
    "PriceTier",
    "PricingRules",
    "UnknownWarehouseError",
    "WarehouseConfig",
    "WarehouseConfigError",
    "Warehouses",
    "load_warehouses",
    "normalise_category_name",
]
