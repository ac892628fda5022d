"""Check a parsed formula against a table's fields, then evaluate it for each record."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from airtable_sandbox.formula.functions import FUNCTIONS
from airtable_sandbox.formula.syntax import (
    COMPARISON_OPERATORS,
    Binary,
    Call,
    FieldRef,
    FormulaSyntaxError,
    Literal,
    Node,
    Unary,
    parse,
)
from airtable_sandbox.formula.values import (
    FormulaRuntimeError,
    Value,
    compare,
    is_truthy,
    to_number,
    to_text,
)


class FormulaError(ValueError):
    """The formula cannot be used: bad syntax, unknown functions or fields, wrong arguments."""


@dataclass(frozen=True)
class RecordContext:
    """One record as formulas read it: its id and its field values by field name."""

    record_id: str
    values: Mapping[str, Value]


@dataclass(frozen=True)
class CompiledFormula:
    text: str
    tree: Node

    def evaluate(self, record: RecordContext) -> Value:
        """Evaluate for one record; raise FormulaRuntimeError where Airtable shows #ERROR!."""
        return _evaluate(self.tree, record)

    def matches(self, record: RecordContext) -> bool:
        """Apply filterByFormula's rule: keep the record when the result is truthy, not an error."""
        try:
            return is_truthy(self.evaluate(record))
        except FormulaRuntimeError:
            return False


def compile_formula(text: str, field_names: Collection[str]) -> CompiledFormula:
    """Parse `text` and check its function names, argument counts and field names."""
    try:
        tree = parse(text)
    except FormulaSyntaxError as error:
        raise FormulaError(str(error)) from error
    unknown_functions: list[str] = []
    unknown_fields: list[str] = []
    _check(tree, set(field_names), unknown_functions, unknown_fields)
    if unknown_functions:
        raise FormulaError("Unknown function names: " + ", ".join(unknown_functions))
    if unknown_fields:
        raise FormulaError("Unknown field names: " + ", ".join(unknown_fields))
    return CompiledFormula(text, tree)


def _check(
    node: Node,
    field_names: set[str],
    unknown_functions: list[str],
    unknown_fields: list[str],
) -> None:
    if isinstance(node, FieldRef):
        if node.name not in field_names and node.name not in unknown_fields:
            unknown_fields.append(node.name)
    elif isinstance(node, Unary):
        _check(node.operand, field_names, unknown_functions, unknown_fields)
    elif isinstance(node, Binary):
        _check(node.left, field_names, unknown_functions, unknown_fields)
        _check(node.right, field_names, unknown_functions, unknown_fields)
    elif isinstance(node, Call):
        function = FUNCTIONS.get(node.name)
        if function is None:
            if node.name not in unknown_functions:
                unknown_functions.append(node.name)
        else:
            count = len(node.args)
            too_many = function.max_args is not None and count > function.max_args
            if count < function.min_args or too_many:
                raise FormulaError(
                    f"{node.name}() takes {_arity(function.min_args, function.max_args)},"
                    f" got {count}"
                )
        for arg in node.args:
            _check(arg, field_names, unknown_functions, unknown_fields)


def _arity(minimum: int, maximum: int | None) -> str:
    if maximum is None:
        return f"at least {minimum} arguments"
    if minimum == maximum:
        return f"{minimum} arguments"
    return f"{minimum} to {maximum} arguments"


def _evaluate(node: Node, record: RecordContext) -> Value:
    if isinstance(node, Literal):
        return node.value
    if isinstance(node, FieldRef):
        return record.values.get(node.name)
    if isinstance(node, Unary):
        number = to_number(_evaluate(node.operand, record))
        return -number if node.operator == "-" else number
    if isinstance(node, Binary):
        return _evaluate_binary(node, record)
    return _evaluate_call(node, record)


def _evaluate_binary(node: Binary, record: RecordContext) -> Value:
    left = _evaluate(node.left, record)
    right = _evaluate(node.right, record)
    if node.operator in COMPARISON_OPERATORS:
        return compare(node.operator, left, right)
    if node.operator == "&":
        return to_text(left) + to_text(right)
    first, second = to_number(left), to_number(right)
    if node.operator == "+":
        return first + second
    if node.operator == "-":
        return first - second
    if node.operator == "*":
        return first * second
    if second == 0:
        raise FormulaRuntimeError("division by zero")
    return first / second


def _evaluate_call(node: Call, record: RecordContext) -> Value:
    name, args = node.name, node.args
    if name == "IF":
        if is_truthy(_evaluate(args[0], record)):
            return _evaluate(args[1], record)
        return _evaluate(args[2], record) if len(args) > 2 else None
    if name == "AND":
        return all(is_truthy(_evaluate(arg, record)) for arg in args)
    if name == "OR":
        return any(is_truthy(_evaluate(arg, record)) for arg in args)
    if name == "ISERROR":
        try:
            _evaluate(args[0], record)
        except FormulaRuntimeError:
            return True
        return False
    if name == "SWITCH":
        return _evaluate_switch(args, record)
    if name == "RECORD_ID":
        return record.record_id
    implementation = FUNCTIONS[name].implementation
    assert implementation is not None, f"{name} is a special form without an evaluator branch"
    return implementation([_evaluate(arg, record) for arg in args])


def _evaluate_switch(args: tuple[Node, ...], record: RecordContext) -> Value:
    subject = _evaluate(args[0], record)
    pairs = args[1:]
    for index in range(0, len(pairs) - 1, 2):
        if compare("=", subject, _evaluate(pairs[index], record)):
            return _evaluate(pairs[index + 1], record)
    return _evaluate(pairs[-1], record) if len(pairs) % 2 == 1 else None
