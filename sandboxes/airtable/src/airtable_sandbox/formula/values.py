"""Formula values and Airtable's conversions between them (text, number, truth)."""

from __future__ import annotations

import math
from typing import TypeAlias

# A formula value: text, number, boolean, blank (None), or the list value of a
# multiple select or attachment field.
Value: TypeAlias = str | int | float | bool | list[str] | None


class FormulaRuntimeError(ValueError):
    """A value that Airtable shows as #ERROR! (division by zero, text where a number belongs)."""


def is_number(value: Value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def is_blank(value: Value) -> bool:
    return value is None or value == "" or value == []


def to_text(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format_number(value)
    if isinstance(value, list):
        return ", ".join(value)
    return value


def format_number(number: float) -> str:
    if math.isfinite(number) and number == int(number) and abs(number) < 1e15:
        return str(int(number))
    return repr(number)


def parse_number(text: str) -> float | None:
    try:
        number = float(text.strip())
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def to_number(value: Value) -> float:
    if value is None:
        return 0.0
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        return float(value)
    text = to_text(value)
    if text.strip() == "":
        return 0.0
    number = parse_number(text)
    if number is None:
        raise FormulaRuntimeError(f"{text!r} is not a number")
    return number


def is_truthy(value: Value) -> bool:
    """Apply Airtable's filter rule: 0, false, blank, "" and empty lists are false."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0 and not math.isnan(value)
    return len(value) > 0


def _comparable_pair(left: Value, right: Value) -> tuple[float, float] | tuple[str, str]:
    """Convert two operands to numbers when both can be numbers, otherwise to text."""
    numeric_left = is_number(left) or isinstance(left, bool)
    numeric_right = is_number(right) or isinstance(right, bool)
    if numeric_left or numeric_right:
        left_number = _as_optional_number(left)
        right_number = _as_optional_number(right)
        if left_number is not None and right_number is not None:
            return left_number, right_number
    return to_text(left), to_text(right)


def _as_optional_number(value: Value) -> float | None:
    if value is None or isinstance(value, bool | int | float):
        return to_number(value)
    if isinstance(value, list):
        return None
    return 0.0 if value.strip() == "" else parse_number(value)


def equals(left: Value, right: Value) -> bool:
    """Compare as Airtable's `=` does: blank equals "" and 0; text comparison is case-sensitive."""
    if is_blank(left) and is_blank(right):
        return True
    first, second = _comparable_pair(left, right)
    return first == second


def compare(operator: str, left: Value, right: Value) -> bool:
    if operator == "=":
        return equals(left, right)
    if operator == "!=":
        return not equals(left, right)
    first, second = _comparable_pair(left, right)
    if isinstance(first, float) and isinstance(second, float):
        return _ordered(operator, first, second)
    return _ordered(operator, str(first), str(second))


def _ordered(operator: str, first: float | str, second: float | str) -> bool:
    order = (first > second) - (first < second)  # type: ignore[operator]
    return {"<": order < 0, ">": order > 0, "<=": order <= 0, ">=": order >= 0}[operator]
