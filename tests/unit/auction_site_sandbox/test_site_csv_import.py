"""Import CSV parsing and the per-row checks."""

from __future__ import annotations

import csv
import io

import pytest

from auction_site_sandbox.models import EventStatus
from auction_site_sandbox.rules.csv_import import (
    STANDARD_COLUMNS,
    ParsedFile,
    ParsedRow,
    ParseFailure,
    RowContext,
    check_image_url,
    check_row,
    parse_import_file,
)
from auction_site_sandbox.settings import DEFAULT_CUSTOM_FIELDS

HEADERS = [*STANDARD_COLUMNS, *DEFAULT_CUSTOM_FIELDS]
HOSTS = frozenset({"127.0.0.1", "localhost"})
CONTEXT = RowContext(
    leaf_categories={162703: "Home & Kitchen"},
    parent_categories={9: "All"},
    event_statuses={1001: EventStatus.DRAFT, 1002: EventStatus.CLOSED},
    selected_event_id=None,
    custom_fields=DEFAULT_CUSTOM_FIELDS,
    image_hosts=HOSTS,
)


def make_csv(rows: list[dict[str, str]], headers: list[str] = HEADERS) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=headers, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


def good_row(**changes: str) -> dict[str, str]:
    row = {
        "EventID": "1001",
        "LotNumber": "M100",
        "Category": "162703",
        "ListingType": "Auction",
        "Currency": "USD",
        "Title": "Electric Kettle",
        "Subtitle": "MSRP: $34.99 -",
        "Description": "<b>Description</b>: Electric Kettle<br>",
        "Price": "5.00",
        "Quantity": "1",
        "IsTaxable": "true",
        "Image_1": "http://127.0.0.1:9000/auction-images/rec1_1.jpg",
        "Bold": "false",
        "GoodTilCanceled": "false",
        "MSRP": "34.99",
        "UPC": "012345678905",
    }
    row.update(changes)
    return row


def test_full_file_parses() -> None:
    parsed = parse_import_file(
        make_csv([good_row(), good_row(LotNumber="M101")]), DEFAULT_CUSTOM_FIELDS, False
    )

    assert isinstance(parsed, ParsedFile)
    assert len(parsed.headers) == 49
    assert [row.line for row in parsed.rows] == [2, 3]
    assert parsed.rows[1].values["LotNumber"] == "M101"


def test_multiline_field_counts_as_one_line() -> None:
    data = make_csv([good_row(Description="line one\nline two"), good_row(LotNumber="M2")])

    parsed = parse_import_file(data, DEFAULT_CUSTOM_FIELDS, False)

    assert isinstance(parsed, ParsedFile)
    assert [row.line for row in parsed.rows] == [2, 3]


@pytest.mark.parametrize(
    ("data", "line", "fragment"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00", 1, "binary data"),
        (b"Title,Price\n\xff\xfe bad", 1, "not UTF-8"),
        (b"", 1, "empty"),
        (b"EventID,Title,Price,Category\n", 2, "no data lines"),
        (b"Title,Category\nA,1\n", 1, "Missing required column(s): Price, EventID"),
        (b"EventID,Title,Price,Category,Colour\n1,A,1,1,red\n", 1, "Unknown column(s) 'Colour'"),
        (b"EventID,Title,Title,Price,Category\n1,A,B,1,1\n", 1, "more than once"),
        (b"EventID,Title,Price,Category\n1,A,1\n", 2, "has 3 fields; the header has 4"),
        (b'EventID,Title,Price,Category\n1,"A,1,1\n', 2, "not valid CSV"),
        (b"EventID,UPC,Title,Price,Category,GoodTilCanceled\n1,1,A,1,1,false\n", 1, "must follow"),
        (b"EventID,Title,Price,Category,UPC\n1,A,1,1,2\n", 1, "GoodTilCanceled column before"),
    ],
)
def test_unusable_file_fails(data: bytes, line: int, fragment: str) -> None:
    parsed = parse_import_file(data, DEFAULT_CUSTOM_FIELDS, False)

    assert isinstance(parsed, ParseFailure)
    assert any(status.line == line for status in parsed.statuses), parsed.statuses
    assert any(fragment in status.message for status in parsed.statuses), parsed.statuses


def test_bad_lines_each_get_a_status() -> None:
    data = b"EventID,Title,Price,Category\n1,A,1\n1,B,1,1\n1,C\n"

    parsed = parse_import_file(data, DEFAULT_CUSTOM_FIELDS, False)

    assert isinstance(parsed, ParseFailure)
    assert [status.line for status in parsed.statuses] == [2, 4]


def test_selected_event_makes_event_column_optional() -> None:
    parsed = parse_import_file(b"Title,Price,Category\nA,1,162703\n", DEFAULT_CUSTOM_FIELDS, True)

    assert isinstance(parsed, ParsedFile)


def test_good_row_passes_checks() -> None:
    checked = check_row(ParsedRow(2, good_row()), CONTEXT)

    assert checked.errors == []
    assert checked.event_id == 1001
    assert checked.price_cents == 500
    assert checked.category_id == 162703
    assert checked.image_urls == ["http://127.0.0.1:9000/auction-images/rec1_1.jpg"]
    assert checked.custom_fields == {"MSRP": "34.99", "UPC": "012345678905"}


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"Title": ""}, "Title is required"),
        ({"Title": "t" * 81}, "longer than 80 characters (81)"),
        ({"Subtitle": "s" * 81}, "Subtitle is longer than 80"),
        ({"Category": "999"}, "Category 999 was not found"),
        ({"Category": "9"}, "not a leaf category"),
        ({"Category": "Home"}, "category id number"),
        ({"Price": "0"}, "greater than 0"),
        ({"Price": "-1"}, "greater than 0"),
        ({"Price": "free"}, "must be a number"),
        ({"Price": "NaN"}, "greater than 0"),
        ({"Quantity": "0"}, "Quantity must be"),
        ({"EventID": "abc"}, "EventID must be a number"),
        ({"EventID": "4242"}, "Event 4242 was not found"),
        ({"EventID": "1002"}, "Event 1002 is Closed"),
        ({"EventID": ""}, "EventID is required"),
        ({"ListingType": "FixedPrice"}, "ListingType 'FixedPrice' is not supported"),
        ({"Currency": "EUR"}, "Currency 'EUR'"),
        ({"Bold": "yes"}, "Bold must be true or false"),
        (
            {"Image_2": "https://cdn.example.com/a.jpg"},
            "host 'cdn.example.com' is not an allowed image host",
        ),
        ({"Image_3": "ftp://127.0.0.1/a.jpg"}, "not an http(s) URL"),
    ],
)
def test_bad_value_is_reported(changes: dict[str, str], fragment: str) -> None:
    checked = check_row(ParsedRow(5, good_row(**changes)), CONTEXT)

    assert any(fragment in error for error in checked.errors), checked.errors


def test_selected_event_fills_and_checks_event() -> None:
    context = RowContext(**{**CONTEXT.__dict__, "selected_event_id": 1001})

    assert check_row(ParsedRow(2, good_row(EventID="")), context).event_id == 1001
    mismatch = check_row(ParsedRow(2, good_row(EventID="1002")), context)
    assert any("does not match the event selected" in error for error in mismatch.errors)


def test_price_rounds_to_cents() -> None:
    assert check_row(ParsedRow(2, good_row(Price="2.505")), CONTEXT).price_cents == 251


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("http://127.0.0.1:9000/bucket/a.jpg", True),
        ("https://localhost/a.jpg", True),
        ("http://169.254.169.254/latest/meta-data", False),
        ("http://127.0.0.1.example.com/a.jpg", False),
        ("file:///etc/passwd", False),
    ],
)
def test_image_host_allow_list(url: str, allowed: bool) -> None:
    assert (check_image_url(url, HOSTS) is None) is allowed
