"""Translation of the sellers' condition codes into the house's `Condition` values."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Keys are condition codes after `condition_key`: casefolded, with runs of spaces, dashes,
# underscores and slashes turned into one underscore. The house's own values are keys too, so
# a manifest that already uses them reads unchanged.
CONDITIONS: dict[str, str] = {
    "new": "New",
    "brand_new": "New",
    "new_other": "New - Open Box",
    "new_open_box": "New - Open Box",
    "open_box": "New - Open Box",
    "like_new": "Used - Like New",
    "used_like_new": "Used - Like New",
    "used_very_good": "Used - Very Good",
    "used_good": "Used - Good",
    "used_fair": "Used - Fair",
    "used_acceptable": "Used - Acceptable",
    "used_poor": "Used - Poor",
    "used": "Used",
    "refurbished": "Refurbished",
    "certified_refurbished": "Refurbished",
    "renewed": "Refurbished",
    "untested": "Untested",
    "customer_return": "Customer Return",
    "returns": "Customer Return",
    "damaged": "Damaged",
    "salvage": "For Parts",
    "for_parts": "For Parts",
    "parts_only": "For Parts",
    "for_parts_not_working": "For Parts",
}

_SEPARATORS = re.compile(r"[\s\-_/]+")


def condition_key(text: str) -> str:
    """Return the lookup key of a condition code (`Used - Good` and `USED_GOOD` -> `used_good`)."""
    return _SEPARATORS.sub("_", text.casefold()).strip("_")


@dataclass(frozen=True)
class ConditionReading:
    """House condition for a manifest value, with a warning when the value is not in the table."""

    text: str
    warning: str | None = None


def normalise_condition(text: str) -> ConditionReading:
    """Translate a seller's condition code; keep an unknown code as written, with a warning."""
    if not text:
        return ConditionReading("")
    house_value = CONDITIONS.get(condition_key(text))
    if house_value is not None:
        return ConditionReading(house_value)
    return ConditionReading(
        text,
        f"Condition {text!r} is not in the condition table; kept as written: "
        "correct it in Airtable or add it to the table",
    )
