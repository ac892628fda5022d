"""Context shared by the job forms: the warehouses, the values as entered and their errors."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from auction_gateway.context import Gateway
from auction_gateway.domain import FieldError


def form_context(
    gateway: Gateway, values: Mapping[str, Any], errors: list[FieldError]
) -> dict[str, Any]:
    """Return the template context of a form with a warehouse field.

    An unknown or missing warehouse shows as the first configured one.
    """
    warehouses = list(gateway.settings.warehouses)
    shown = dict(values)
    if shown.get("warehouse") not in warehouses:
        shown["warehouse"] = warehouses[0]
    return {
        "warehouses": warehouses,
        "values": shown,
        "errors": errors,
        "field_errors": {error.field: error.message for error in errors},
    }
