"""Cell value checks and typecast of the Airtable sandbox."""

from __future__ import annotations

from typing import Any

import pytest

from airtable_sandbox import cells
from airtable_sandbox.errors import AirtableError
from airtable_sandbox.schema import Choice, Field

TEXT = Field("fldText0000000001", "Notes", "singleLineText")
NUMBER = Field("fldNumber00000001", "MSRP", "currency")
CHECKBOX = Field("fldCheck000000001", "Paid", "checkbox")
DATE = Field("fldDate0000000001", "Day", "date")
MOMENT = Field("fldMoment00000001", "When", "dateTime")
STATUS = Field(
    "fldStatus00000001", "Status", "singleSelect", choices=[Choice("selA", "New", "blueLight2")]
)
AUCTIONS = Field(
    "fldAuctions000001",
    "Auctions",
    "multipleSelects",
    choices=[Choice("selB", "1201", "blueLight2")],
)

ACCEPTED: list[tuple[Field, Any, bool, Any]] = [
    (TEXT, "hello", False, "hello"),
    (TEXT, 12, True, "12"),
    (TEXT, 1.5, True, "1.5"),
    (NUMBER, 19.99, False, 19.99),
    (NUMBER, 5, False, 5),
    (NUMBER, "$1,250.50", True, 1250.5),
    (NUMBER, "12", True, 12),
    (CHECKBOX, True, False, True),
    (CHECKBOX, "yes", True, True),
    (CHECKBOX, "0", True, False),
    (DATE, "2026-12-04", False, "2026-12-04"),
    (DATE, "2026-12-04T10:00:00", True, "2026-12-04"),
    (MOMENT, "2026-12-04T10:00:00Z", False, "2026-12-04T10:00:00.000Z"),
    (MOMENT, "2026-12-04T10:00:00-08:00", False, "2026-12-04T18:00:00.000Z"),
    (STATUS, "New", False, "New"),
    (AUCTIONS, ["1201"], False, ["1201"]),
    (AUCTIONS, ["1201", "1201"], False, ["1201"]),
    (AUCTIONS, "1201, 1202", True, ["1201", "1202"]),
    (TEXT, None, False, None),
]


@pytest.mark.parametrize(("field", "value", "typecast", "expected"), ACCEPTED)
def test_coerce_accepts(field: Field, value: Any, typecast: bool, expected: Any) -> None:
    assert cells.coerce(field, value, typecast, []) == expected


REJECTED: list[tuple[Field, Any, bool, str]] = [
    (TEXT, 12, False, "INVALID_VALUE_FOR_COLUMN"),
    (NUMBER, "12", False, "INVALID_VALUE_FOR_COLUMN"),
    (NUMBER, "twelve", True, "INVALID_VALUE_FOR_COLUMN"),
    (NUMBER, True, False, "INVALID_VALUE_FOR_COLUMN"),
    (CHECKBOX, "maybe", True, "INVALID_VALUE_FOR_COLUMN"),
    (DATE, "12/04/2026", False, "INVALID_VALUE_FOR_COLUMN"),
    (MOMENT, "yesterday", False, "INVALID_VALUE_FOR_COLUMN"),
    (STATUS, "Archived", False, "INVALID_MULTIPLE_CHOICE_OPTIONS"),
    (AUCTIONS, ["1201", "1300"], False, "INVALID_MULTIPLE_CHOICE_OPTIONS"),
    (AUCTIONS, "1201", False, "INVALID_VALUE_FOR_COLUMN"),
]


@pytest.mark.parametrize(("field", "value", "typecast", "error_type"), REJECTED)
def test_coerce_rejects(field: Field, value: Any, typecast: bool, error_type: str) -> None:
    with pytest.raises(AirtableError) as caught:
        cells.coerce(field, value, typecast, [])
    assert caught.value.status == 422
    assert caught.value.error_type == error_type
    assert field.name in (caught.value.message or "")


def test_coerce_typecast_collects_new_choices() -> None:
    new_choices: list[str] = []
    assert cells.coerce(AUCTIONS, ["1201", "1300"], True, new_choices) == ["1201", "1300"]
    assert new_choices == ["1300"]


SORT_ORDER = [None, "", "apple", "Banana", "cherry"]


def test_sort_key_puts_blanks_first_and_ignores_case() -> None:
    ordered = sorted(reversed(SORT_ORDER), key=lambda value: cells.sort_key(TEXT, value))
    assert ordered[2:] == ["apple", "Banana", "cherry"]
    assert all(cells.is_empty(value) for value in ordered[:2])


def test_sort_key_orders_numbers_by_value() -> None:
    values = [100, 9.5, 20]
    assert sorted(values, key=lambda value: cells.sort_key(NUMBER, value)) == [9.5, 20, 100]
