"""Text and number helpers for Airtable values: cleaning, cutting, money and counts."""

import html
import math
import re
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")

# Characters that make a spreadsheet treat a cell as a formula (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

_HTML_TAG = re.compile(r"<\s*/?\s*[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?\s*>|<!--.*?-->", re.DOTALL)
_HTML_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"\s+")
_INNER_LINE_SPACES = re.compile(r"[^\S\n]+")
# Anything clean_text would change besides outer spaces: a control character, whitespace
# other than a plain space, or two whitespace characters in a row.
_UNCLEAN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|[^\S ]|\s\s")
_MONEY = re.compile(r"-?\$?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?|-?\$?\.[0-9]+")


def text_of(value: object) -> str:
    """Convert an Airtable cell value to text (lists joined with ", ", users by name)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if not math.isfinite(value):
            return ""
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, Mapping):
        # A collaborator or linked record has a name; an error cell ({"error": ...}) has none.
        name = value.get("name")
        return name if isinstance(name, str) else ""
    if isinstance(value, Sequence):
        parts = (text_of(item) for item in value)
        return ", ".join(part for part in parts if part)
    return str(value)


def contains_html(text: str) -> bool:
    """Tell whether text contains an HTML tag, comment or character entity."""
    if "<" in text and _HTML_TAG.search(text):
        return True
    return "&" in text and _HTML_ENTITY.search(text) is not None


def strip_html(text: str) -> str:
    """Replace HTML tags and comments by spaces and decode character entities."""
    return html.unescape(_HTML_TAG.sub(" ", text))


def clean_text(text: str) -> str:
    """Drop control characters and empty lines, unify line breaks, squeeze spaces in each line."""
    if _UNCLEAN.search(text) is None:
        return text.strip()
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = (_INNER_LINE_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def single_line(text: str) -> str:
    """Collapse every run of whitespace, line breaks included, into one space."""
    return _SPACES.sub(" ", text).strip()


def cut_at_word(text: str, max_length: int) -> str:
    """Cut text to max_length at the last space before the limit, or hard when there is none."""
    if len(text) <= max_length:
        return text
    head = text[: max_length + 1]
    space = head.rfind(" ")
    if space > 0:
        return head[:space].rstrip()
    return text[:max_length]


def looks_like_formula(text: str) -> bool:
    """Tell whether a spreadsheet would read this cell as a formula."""
    return text.startswith(FORMULA_PREFIXES)


def neutralise_formula(text: str) -> str:
    """Prefix a single quote to text that a spreadsheet would read as a formula."""
    return "'" + text if looks_like_formula(text) else text


def parse_money(value: object) -> Decimal | None:
    """Read an amount like 12.5, "12.50" or "$1,299.99", or return None for anything else.

    The result is rounded half up to cents.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            return None
        amount = Decimal(str(value))
    else:
        text = text_of(value).replace(" ", "")
        if not _MONEY.fullmatch(text):
            return None
        try:
            amount = Decimal(text.replace("$", "").replace(",", ""))
        except InvalidOperation:
            return None
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def parse_count(value: object) -> int | None:
    """Read a whole number like 2, 2.0 or "2", or return None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, list | tuple) and len(value) == 1:
        return parse_count(value[0])
    text = text_of(value).strip()
    if text.isascii() and text.lstrip("-").isdigit():
        return int(text)
    return None


def format_money(amount: Decimal) -> str:
    """Format an amount with two decimals and no thousands separator, like 1299.90."""
    return f"{amount.quantize(CENT, rounding=ROUND_HALF_UP):f}"
