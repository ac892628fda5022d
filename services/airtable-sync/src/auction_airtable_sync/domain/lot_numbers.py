"""Allocation of lot numbers to newly imported inventory records."""

from __future__ import annotations

from collections.abc import Iterable


def assign_lot_numbers(existing: Iterable[int], count: int, start: int = 1) -> list[int]:
    """Return `count` consecutive lot numbers above every existing one, and at least `start`.

    Gaps left by sold or deleted items are not reused: the house prints lot stickers in
    sequence, so new items continue after the current maximum of the warehouse. Raises
    ValueError for a negative count, a start below 1, or an existing value that is not an int.
    """
    if count < 0:
        raise ValueError(f"count must be 0 or more, got {count}")
    if start < 1:
        raise ValueError(f"start must be 1 or more, got {start}")

    highest = start - 1
    for number in existing:
        if isinstance(number, bool) or not isinstance(number, int):
            raise ValueError(
                f"existing lot number {number!r} is not an integer; convert or drop it first"
            )
        highest = max(highest, number)
    first = highest + 1
    return list(range(first, first + count))
