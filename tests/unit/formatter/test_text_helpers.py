"""Tests of the text and number helpers used on Airtable values."""

from decimal import Decimal

import pytest

from auction_formatter.domain.text import (
    clean_text,
    contains_html,
    cut_at_word,
    format_money,
    neutralise_formula,
    parse_count,
    parse_money,
    single_line,
    strip_html,
    text_of,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (12.5, Decimal("12.50")),
        (12, Decimal("12.00")),
        ("12.50", Decimal("12.50")),
        ("$12.50", Decimal("12.50")),
        (" $ 1,299.99 ", Decimal("1299.99")),
        ("1299", Decimal("1299.00")),
        ("0", Decimal("0.00")),
        (".5", Decimal("0.50")),
        ("-3", Decimal("-3.00")),
        ("2.675", Decimal("2.68")),
        (0.1 + 0.2, Decimal("0.30")),
        (["$7"], Decimal("7.00")),
        ("abc", None),
        ("12,50", None),
        ("1,2345", None),
        ("12.5.1", None),
        ("NaN", None),
        ("Infinity", None),
        ("1e5", None),
        (float("nan"), None),
        (float("inf"), None),
        (True, None),
        (None, None),
        ("", None),
        ({"error": "#ERROR!"}, None),
    ],
)
def test_parse_money_table(value: object, expected: Decimal | None) -> None:
    assert parse_money(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1, 1),
        (3.0, 3),
        ("2", 2),
        (" 4 ", 4),
        ([5], 5),
        ("-1", -1),
        (2.5, None),
        ("two", None),
        ("٣", None),
        (True, None),
        (None, None),
        ("", None),
    ],
)
def test_parse_count_table(value: object, expected: int | None) -> None:
    assert parse_count(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        ("text", "text"),
        (12, "12"),
        (12.0, "12"),
        (12345678905.0, "12345678905"),
        (2.5, "2.5"),
        (float("nan"), ""),
        (True, "true"),
        (["a", "", "b"], "a, b"),
        ({"id": "usr1", "name": "Dana"}, "Dana"),
        ({"error": "#ERROR!"}, ""),
    ],
)
def test_text_of_table(value: object, expected: str) -> None:
    assert text_of(value) == expected


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("short", 80, "short"),
        ("a" * 80, 80, "a" * 80),
        ("a" * 81, 80, "a" * 80),
        ("word " * 20, 80, ("word " * 16).strip()),
        ("abc def", 7, "abc def"),
        ("abc defg", 7, "abc"),
        ("abcdefg hij", 7, "abcdefg"),
        ("abcdefgh ij", 7, "abcdefg"),
        (" abcdefgh", 7, " abcdef"),
    ],
)
def test_cut_at_word_table(text: str, limit: int, expected: str) -> None:
    cut = cut_at_word(text, limit)

    assert cut == expected
    assert len(cut) <= limit


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+1 555", "'+1 555"),
        ("-5", "'-5"),
        ("@user", "'@user"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("a=b", "a=b"),
        ("Size - large", "Size - large"),
        ("", ""),
    ],
)
def test_neutralise_formula_table(text: str, expected: str) -> None:
    assert neutralise_formula(text) == expected


@pytest.mark.parametrize(
    ("text", "has_html", "stripped"),
    [
        ("<b>bold</b> text", True, " bold  text"),
        ("line<br/>next", True, "line next"),
        ('<a href="x">link</a>', True, " link "),
        ("AT&amp;T", True, "AT&T"),
        ("caf&#233;", True, "café"),
        ("<!-- note -->x", True, " x"),
        ("Size <5 in", False, "Size <5 in"),
        ("3 < 4 > 2", False, "3 < 4 > 2"),
        ("AT&T", False, "AT&T"),
        ("plain", False, "plain"),
    ],
)
def test_html_detection_table(text: str, has_html: bool, stripped: str) -> None:
    assert contains_html(text) is has_html
    if has_html:
        assert strip_html(text) == stripped


def test_clean_text_keeps_lines_and_drops_controls() -> None:
    raw = "  first\x00 line \r\n\r\n\tsecond\x07  line\rthird\u00a0 "

    assert clean_text(raw) == "first line\nsecond line\nthird"


def test_single_line_collapses_breaks() -> None:
    assert single_line(" a\n b\t\tc\u00a0d ") == "a b c d"


@pytest.mark.parametrize(
    ("amount", "expected"),
    [(Decimal("5"), "5.00"), (Decimal("1299.9"), "1299.90"), (Decimal("1E+3"), "1000.00")],
)
def test_format_money_table(amount: Decimal, expected: str) -> None:
    assert format_money(amount) == expected
