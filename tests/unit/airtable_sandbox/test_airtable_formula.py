"""Table-driven tests of the sandbox's formula engine (parse, check, evaluate)."""

from __future__ import annotations

from typing import Any

import pytest

from airtable_sandbox.formula import FormulaError, RecordContext, compile_formula

FIELDS = ["Status", "Product Name", "MSRP", "Auctions", "Notes", "Lot Number", "Count", "Flag"]

RECORD = RecordContext(
    "recAAAAAAAAAAAAAA",
    {
        "Status": "Send to Auction",
        "Product Name": "  USB-C Charger 20W ",
        "MSRP": 19.99,
        "Auctions": ["1199", "1201"],
        "Notes": None,
        "Lot Number": 1003,
        "Count": 0,
        "Flag": True,
    },
)

EVALUATION_CASES: list[tuple[str, Any]] = [
    ("{Status} = 'Send to Auction'", True),
    ("{Status} = 'send to auction'", False),
    ("{Status} != 'Remove Dups'", True),
    ("{MSRP} > 10", True),
    ("{MSRP} < 10", False),
    ("{MSRP} >= 19.99", True),
    ("{MSRP} <= 19.98", False),
    ("{Lot Number} = 1003", True),
    ("{Lot Number} = '1003'", True),
    ("{Notes} = BLANK()", True),
    ("{Notes} = ''", True),
    ("{Status} = BLANK()", False),
    ("{Count} = BLANK()", True),
    ("BLANK()", None),
    ("AND({Status} = 'Send to Auction', {MSRP} > 5)", True),
    ("AND({Status} = 'Send to Auction', {MSRP} > 50)", False),
    ("OR({MSRP} > 50, {Lot Number} = 1003)", True),
    ("NOT({Flag})", False),
    ("XOR(TRUE(), FALSE())", True),
    ("FIND('Charger', {Product Name})", 9),
    ("FIND('charger', {Product Name})", 0),
    ("FIND('C', {Product Name}, 8)", 9),
    ("SEARCH('Charger', {Product Name})", 9),
    ("SEARCH('missing', {Product Name})", None),
    ("LOWER({Status})", "send to auction"),
    ("UPPER('abc')", "ABC"),
    ("TRIM({Product Name})", "USB-C Charger 20W"),
    ("LEN(TRIM({Product Name}))", 17),
    ("LEN({Notes})", 0),
    ("ARRAYJOIN({Auctions})", "1199, 1201"),
    ("ARRAYJOIN({Auctions}, ';')", "1199;1201"),
    ("{Auctions} = '1199, 1201'", True),
    ("FIND('1201', ARRAYJOIN({Auctions}, ','))", 6),
    ("RECORD_ID()", "recAAAAAAAAAAAAAA"),
    ("RECORD_ID() = 'recAAAAAAAAAAAAAA'", True),
    ("TRUE()", True),
    ("FALSE()", False),
    ("IF({MSRP} > 10, 'high', 'low')", "high"),
    ("IF({MSRP} > 100, 'high')", None),
    ("IF({MSRP} > 10, 'ok', 1 / 0)", "ok"),
    ("'Lot ' & {Lot Number}", "Lot 1003"),
    ("{Lot Number} & '-' & {MSRP}", "1003-19.99"),
    ("CONCATENATE('a', 1, 'b')", "a1b"),
    ("1 + 2 * 3", 7.0),
    ("(1 + 2) * 3", 9.0),
    ("-{Lot Number} + 3", -1000.0),
    ("ISERROR(1 / 0)", True),
    ("ISERROR(1 / 1)", False),
    ("SWITCH({Status}, 'New', 1, 'Send to Auction', 2, 0)", 2),
    ("SWITCH({Status}, 'New', 1, 0)", 0),
    ("LEFT('abcdef', 2)", "ab"),
    ("RIGHT('abcdef', 2)", "ef"),
    ("MID('abcdef', 2, 3)", "bcd"),
    ("SUBSTITUTE('a-b-c', '-', '+')", "a+b+c"),
    ("SUBSTITUTE('a-b-c', '-', '+', 2)", "a-b+c"),
    ("VALUE('$1,250.50')", 1250.5),
    ("ROUND(2.5)", 3.0),
    ("ROUND(19.987, 2)", 19.99),
    ("INT(19.99)", 19.0),
    ("ABS(-3)", 3.0),
    ("MAX(1, {MSRP}, 5)", 19.99),
    ("MIN(4, 2, 9)", 2.0),
    ("SUM(1, 2, 3)", 6.0),
    ('{Status} = "Send to Auction"', True),
    ("'It\\'s' = \"It's\"", True),
    ("and({Status} = 'Send to Auction', true())", True),
    ("Status = 'Send to Auction'", True),
]


@pytest.mark.parametrize(("formula", "expected"), EVALUATION_CASES)
def test_formula_evaluates(formula: str, expected: Any) -> None:
    compiled = compile_formula(formula, FIELDS)
    result = compiled.evaluate(RECORD)
    if isinstance(expected, float):
        assert result == pytest.approx(expected)
    else:
        assert result == expected


MATCH_CASES: list[tuple[str, bool]] = [
    ("{Status} = 'Send to Auction'", True),
    ("{Notes}", False),
    ("{Count}", False),
    ("{MSRP}", True),
    ("1 / 0", False),
    ("'x' + 1", False),
    ("SEARCH('zzz', {Product Name})", False),
    ("FIND('zzz', {Product Name})", False),
]


@pytest.mark.parametrize(("formula", "expected"), MATCH_CASES)
def test_formula_match_uses_airtable_truthiness(formula: str, expected: bool) -> None:
    assert compile_formula(formula, FIELDS).matches(RECORD) is expected


ERROR_CASES: list[tuple[str, str]] = [
    ("FOO({Status})", "Unknown function names: FOO"),
    ("REGEX_MATCH({Status}, 'a')", "Unknown function names: REGEX_MATCH"),
    ("{Missing} = 1", "Unknown field names: Missing"),
    ("{Status} = 'open", "no closing quote"),
    ("{Status = 'x'", "no closing brace"),
    ("AND(", "formula ends too early"),
    ("NOT(1, 2)", "NOT() takes 1 arguments, got 2"),
    ("IF(1)", "IF() takes 2 to 3 arguments, got 1"),
    ("1 +", "formula ends too early"),
    ("", "formula is empty"),
    ("1 2", "unexpected '2'"),
    ("{Status} # 1", "unexpected character '#'"),
    ("(" * 80 + "1" + ")" * 80, "nested deeper than"),
]


@pytest.mark.parametrize(("formula", "message"), ERROR_CASES)
def test_formula_rejects_invalid(formula: str, message: str) -> None:
    with pytest.raises(FormulaError) as caught:
        compile_formula(formula, FIELDS)
    assert message in str(caught.value)


def test_formula_never_runs_python() -> None:
    with pytest.raises(FormulaError) as caught:
        compile_formula("__import__('os')", FIELDS)
    assert "Unknown function names: __IMPORT__" in str(caught.value)
