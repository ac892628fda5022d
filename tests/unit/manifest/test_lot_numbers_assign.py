"""Lot numbers for new inventory: consecutive numbers above the warehouse's maximum."""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from auction_airtable_sync.domain.lot_numbers import assign_lot_numbers


@pytest.mark.parametrize(
    ("existing", "count", "start", "expected"),
    [
        ([], 3, 1, [1, 2, 3]),
        ([], 2, 1000, [1000, 1001]),
        ([1, 2, 3], 2, 1, [4, 5]),
        ([7, 3, 5], 1, 1, [8]),
        ([1, 2, 10], 2, 1, [11, 12]),
        ([12, 40], 2, 100, [100, 101]),
        ([150, 40], 2, 100, [151, 152]),
        ([-4, 0], 1, 1, [1]),
        ([5], 0, 1, []),
        (iter([2, 9]), 1, 1, [10]),
    ],
)
def test_assign_lot_numbers(
    existing: Iterable[int], count: int, start: int, expected: list[int]
) -> None:
    assert assign_lot_numbers(existing, count, start) == expected


def test_assign_lot_numbers_leaves_gaps() -> None:
    numbers = assign_lot_numbers([1, 2, 5], 2)

    assert 3 not in numbers
    assert numbers == [6, 7]


@pytest.mark.parametrize(
    ("existing", "count", "start", "message"),
    [
        ([], -1, 1, "count must be 0 or more"),
        ([], 1, 0, "start must be 1 or more"),
        ([1, "7"], 1, 1, "existing lot number '7' is not an integer"),
        ([1, 2.0], 1, 1, "existing lot number 2.0 is not an integer"),
        ([True], 1, 1, "existing lot number True is not an integer"),
    ],
)
def test_assign_lot_numbers_rejects(
    existing: list[object], count: int, start: int, message: str
) -> None:
    with pytest.raises(ValueError) as caught:
        assign_lot_numbers(existing, count, start)  # type: ignore[arg-type]

    assert message in str(caught.value)
