"""The formula functions the sandbox implements, with their argument counts.

Conditional functions (IF, SWITCH, ISERROR, AND, OR) are evaluated by the evaluator itself
because they must not evaluate every argument first.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from airtable_sandbox.formula.values import (
    FormulaRuntimeError,
    Value,
    is_blank,
    is_truthy,
    parse_number,
    to_number,
    to_text,
)


@dataclass(frozen=True)
class Function:
    min_args: int
    max_args: int | None  # None: any number
    implementation: Callable[[Sequence[Value]], Value] | None  # None: evaluator special form


def _find(args: Sequence[Value]) -> Value:
    needle, haystack = to_text(args[0]), to_text(args[1])
    start = int(to_number(args[2])) - 1 if len(args) > 2 else 0
    return haystack.find(needle, max(start, 0)) + 1


def _search(args: Sequence[Value]) -> Value:
    # SEARCH is FIND that returns blank instead of 0 when nothing matches.
    # NOTE: both are case-sensitive here; Airtable's SEARCH has not been checked on this point.
    position = _find(args)
    return None if position == 0 else position


def _arrayjoin(args: Sequence[Value]) -> Value:
    separator = to_text(args[1]) if len(args) > 1 else ", "
    items = args[0]
    if isinstance(items, list):
        return separator.join(items)
    return to_text(items)


def _left(args: Sequence[Value]) -> Value:
    return to_text(args[0])[: max(int(to_number(args[1])), 0)]


def _right(args: Sequence[Value]) -> Value:
    count = max(int(to_number(args[1])), 0)
    text = to_text(args[0])
    return text[len(text) - count :] if count else ""


def _mid(args: Sequence[Value]) -> Value:
    start = max(int(to_number(args[1])), 1) - 1
    count = max(int(to_number(args[2])), 0)
    return to_text(args[0])[start : start + count]


def _substitute(args: Sequence[Value]) -> Value:
    text, old, new = to_text(args[0]), to_text(args[1]), to_text(args[2])
    if old == "":
        return text
    if len(args) < 4:
        return text.replace(old, new)
    occurrence = int(to_number(args[3]))
    position = -1
    for _ in range(occurrence):
        position = text.find(old, position + 1)
        if position < 0:
            return text
    return text[:position] + new + text[position + len(old) :]


def _value(args: Sequence[Value]) -> Value:
    text = to_text(args[0]).replace("$", "").replace(",", "")
    number = parse_number(text)
    if number is None:
        raise FormulaRuntimeError(f"VALUE() cannot read {to_text(args[0])!r} as a number")
    return number


def _round(args: Sequence[Value]) -> Value:
    digits = int(to_number(args[1])) if len(args) > 1 else 0
    factor = 10.0**digits
    number = to_number(args[0]) * factor
    # Round halves away from zero, as spreadsheets do, unlike Python's round().
    rounded = math.floor(abs(number) + 0.5) * (1 if number >= 0 else -1)
    return rounded / factor


def _numbers(args: Sequence[Value]) -> list[float]:
    numbers: list[float] = []
    for arg in args:
        if isinstance(arg, list):
            numbers.extend(to_number(item) for item in arg)
        elif not is_blank(arg):
            numbers.append(to_number(arg))
    return numbers


def _max(args: Sequence[Value]) -> Value:
    numbers = _numbers(args)
    return max(numbers) if numbers else 0


def _min(args: Sequence[Value]) -> Value:
    numbers = _numbers(args)
    return min(numbers) if numbers else 0


def _xor(args: Sequence[Value]) -> Value:
    return sum(1 for arg in args if is_truthy(arg)) % 2 == 1


FUNCTIONS: dict[str, Function] = {
    "AND": Function(1, None, None),
    "OR": Function(1, None, None),
    "IF": Function(2, 3, None),
    "SWITCH": Function(3, None, None),
    "ISERROR": Function(1, 1, None),
    "RECORD_ID": Function(0, 0, None),
    "XOR": Function(1, None, _xor),
    "NOT": Function(1, 1, lambda args: not is_truthy(args[0])),
    "TRUE": Function(0, 0, lambda args: True),
    "FALSE": Function(0, 0, lambda args: False),
    "BLANK": Function(0, 0, lambda args: None),
    "FIND": Function(2, 3, _find),
    "SEARCH": Function(2, 3, _search),
    "LOWER": Function(1, 1, lambda args: to_text(args[0]).lower()),
    "UPPER": Function(1, 1, lambda args: to_text(args[0]).upper()),
    "TRIM": Function(1, 1, lambda args: to_text(args[0]).strip()),
    "LEN": Function(1, 1, lambda args: len(to_text(args[0]))),
    "LEFT": Function(2, 2, _left),
    "RIGHT": Function(2, 2, _right),
    "MID": Function(3, 3, _mid),
    "SUBSTITUTE": Function(3, 4, _substitute),
    "CONCATENATE": Function(1, None, lambda args: "".join(to_text(arg) for arg in args)),
    "T": Function(1, 1, lambda args: args[0] if isinstance(args[0], str) else None),
    "VALUE": Function(1, 1, _value),
    "ARRAYJOIN": Function(1, 2, _arrayjoin),
    "ABS": Function(1, 1, lambda args: abs(to_number(args[0]))),
    "INT": Function(1, 1, lambda args: float(math.floor(to_number(args[0])))),
    "ROUND": Function(1, 2, _round),
    "MAX": Function(1, None, _max),
    "MIN": Function(1, None, _min),
    "SUM": Function(1, None, lambda args: sum(_numbers(args))),
}
