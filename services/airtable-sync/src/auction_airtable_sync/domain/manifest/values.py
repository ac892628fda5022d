"""Parsers for single manifest cells: text, money, quantities and UPCs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CellValue = str | int | float | bool | datetime | date | time | None
"""Value of one cell: always `str` from a CSV, any of these from an XLSX sheet."""

CENT = Decimal("0.01")
UPC_A_DIGITS = 12

_WHITESPACE = re.compile(r"\s+")
_MONEY = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?$|^\.\d+$")
_EXCEL_SCIENTIFIC = re.compile(r"^\d(?:\.\d+)?E\+\d+$", re.IGNORECASE)
_EXCEL_TEXT_FORMULA = re.compile(r'^="(.*)"$')
_GROUPED_WHOLE_NUMBER = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.0*)?$")


class CellValueError(ValueError):
    """A cell value cannot be read as the type its column needs."""


def cell_text(value: CellValue) -> str:
    """Return the cell as one line of text, with runs of whitespace collapsed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        text = "TRUE" if value else "FALSE"
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    elif isinstance(value, datetime | date | time):
        text = value.isoformat()
    else:
        text = str(value)
    return _WHITESPACE.sub(" ", text).strip()


def parse_money(value: CellValue) -> Decimal:
    """Parse a retail price such as `1234.5`, `$1,234.50`, `USD 12` or an XLSX number, in cents.

    Raises CellValueError for blank, non-numeric or negative values.
    """
    if isinstance(value, bool):
        raise CellValueError("is not a number")
    if isinstance(value, int | float):
        amount = _decimal_from_number(value)
    else:
        text = cell_text(value).replace(" ", "")
        if not text:
            raise CellValueError("is blank")
        if text.upper().startswith("USD"):
            text = text[3:]
        elif text.upper().endswith("USD"):
            text = text[:-3]
        negative = text.startswith("-") or (text.startswith("(") and text.endswith(")"))
        text = text.strip("()").removeprefix("-").removeprefix("$").removeprefix("-")
        if not _MONEY.match(text):
            raise CellValueError("is not a number")
        amount = Decimal(text.replace(",", ""))
        if negative:
            amount = -amount
    if amount < 0:
        raise CellValueError("is negative")
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def _decimal_from_number(value: int | float) -> Decimal:
    # str() of a float is its shortest round-trip form, so 202.99 stays 202.99.
    try:
        amount = Decimal(str(value))
    except InvalidOperation as exc:  # pragma: no cover - str() of a number always parses
        raise CellValueError("is not a number") from exc
    if not amount.is_finite():
        raise CellValueError("is not a finite number")
    return amount


def parse_quantity(value: CellValue) -> int:
    """Parse a unit count: a whole number above zero (`3`, `3.0`, `1,200`).

    Raises CellValueError for blank, fractional, zero or negative values.
    """
    if isinstance(value, bool):
        raise CellValueError("is not a whole number")
    if isinstance(value, int | float):
        amount = _decimal_from_number(value)
    else:
        text = cell_text(value)
        if not text:
            raise CellValueError("is blank")
        if "," in text and not _GROUPED_WHOLE_NUMBER.match(text):
            raise CellValueError("is not a whole number")
        try:
            amount = Decimal(text.replace(",", ""))
        except InvalidOperation as exc:
            raise CellValueError("is not a whole number") from exc
        if not amount.is_finite():
            raise CellValueError("is not a whole number")
    if amount != amount.to_integral_value():
        raise CellValueError("is not a whole number")
    if amount <= 0:
        raise CellValueError("is not above zero")
    return int(amount)


@dataclass(frozen=True)
class UpcReading:
    """UPC text read from a cell, with a warning when the cell lost or changed digits."""

    text: str
    warning: str | None = None


def read_upc(value: CellValue) -> UpcReading:
    """Read a UPC or EAN as text, keeping its leading zeros.

    An XLSX number lost its leading zeros, so numbers shorter than a 12-digit UPC-A are
    padded with zeros and reported. A CSV value in Excel's scientific notation
    (`3.86753E+11`) lost digits for good, so it is dropped and reported. Excel's text
    markers (`'0123` and `="0123"`) are removed.
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _upc_from_number(value)
    text = cell_text(value)
    formula = _EXCEL_TEXT_FORMULA.match(text)
    if formula:
        text = formula.group(1).strip()
    text = text.removeprefix("'")
    if _EXCEL_SCIENTIFIC.match(text):
        return UpcReading(
            "",
            f"UPC {text!r} is in scientific notation, so its digits are lost; "
            "left blank: export the manifest again with the UPC column as text",
        )
    return UpcReading(text)


def _upc_from_number(value: int | float) -> UpcReading:
    if isinstance(value, float) and not value.is_integer():
        return UpcReading("", f"UPC {value!r} is not a whole number; left blank")
    digits = str(int(value))
    if len(digits) >= UPC_A_DIGITS:
        return UpcReading(digits)
    padded = digits.zfill(UPC_A_DIGITS)
    return UpcReading(
        padded,
        f"UPC {digits} was stored as a number and lost its leading zeros; read as {padded}",
    )
