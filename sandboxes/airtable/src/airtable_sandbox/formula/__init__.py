"""A safe Airtable formula engine for filterByFormula and view formulas: it parses, never evals."""

from airtable_sandbox.formula.evaluator import (
    CompiledFormula,
    FormulaError,
    RecordContext,
    compile_formula,
)
from airtable_sandbox.formula.values import FormulaRuntimeError, Value

__all__ = [
    "CompiledFormula",
    "FormulaError",
    "FormulaRuntimeError",
    "RecordContext",
    "Value",
    "compile_formula",
]
