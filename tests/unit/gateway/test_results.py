"""Side files of a CSV version: where they are, and how missing or malformed ones are shown."""

from __future__ import annotations

import json

import pytest

from auction_gateway.results import (
    PREVIEW_LIMIT,
    load_details,
    parse_preview,
    parse_warnings,
    side_file_keys,
)

from .fakes import FakeSideFiles, csv_ref


def test_side_file_keys_beside_csv() -> None:
    assert side_file_keys("formatted/4412/v3/lots.csv") == (
        "formatted/4412/v3/warnings.json",
        "formatted/4412/v3/preview.json",
    )
    assert side_file_keys("lots.csv") == ("warnings.json", "preview.json")


WARNING = {
    "severity": "WARNING",
    "record_id": "rec1",
    "lot_number": "1001",
    "field": "Category",
    "value": "Gadgets",
    "message": "Unknown category; misc is used.",
}


@pytest.mark.parametrize(
    ("data", "count", "problem"),
    [
        (json.dumps([WARNING]).encode(), 1, None),
        (json.dumps({"warnings": [WARNING, WARNING]}).encode(), 2, None),
        (json.dumps([{**WARNING, "extra": 1, "lot_number": 1001}]).encode(), 1, None),
        (b"[]", 0, None),
        (None, 0, "is not there"),
        (b"{not json", 0, "not valid JSON"),
        (b"\xff\xfe", 0, "not valid JSON"),
        (json.dumps({"other": 1}).encode(), 0, "not in the expected format"),
        (json.dumps([1, 2]).encode(), 0, "not in the expected format"),
    ],
)
def test_parse_warnings(data: bytes | None, count: int, problem: str | None) -> None:
    parsed = parse_warnings(data, "warnings.json")
    assert len(parsed.items) == count
    if problem is None:
        assert parsed.problem is None
    else:
        assert parsed.problem is not None and problem in parsed.problem


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("http://127.0.0.1:9000/auction-images/rec1_1.jpg", True),
        ("https://cdn.example.invalid/a.jpg", True),
        ("javascript:alert(1)", False),
        ("data:image/png;base64,AAAA", False),
        ("", False),
        (None, False),
    ],
)
def test_preview_keeps_only_web_image_urls(url: str | None, shown: bool) -> None:
    lot = {"lot_number": "M1001", "title": "Lamp", "price": "5.00", "image_url": url}
    [parsed] = parse_preview(json.dumps([lot]).encode(), "preview.json").items
    assert (parsed.image_url is not None) is shown


def test_preview_is_capped() -> None:
    lots = [{"lot_number": str(n), "title": "t", "price": 1} for n in range(PREVIEW_LIMIT + 5)]
    parsed = parse_preview(json.dumps(lots).encode(), "preview.json")
    assert len(parsed.items) == PREVIEW_LIMIT
    assert parsed.total == PREVIEW_LIMIT + 5
    assert parsed.items[0].price == "1"


async def test_load_details_reads_both_files() -> None:
    files = FakeSideFiles()
    ref = csv_ref("4412", 2)
    files.objects[(ref.bucket, "formatted/4412/v2/warnings.json")] = json.dumps([WARNING]).encode()
    details = await load_details(files, ref)
    assert len(details.warnings.items) == 1
    assert details.preview.problem is not None
    assert "preview.json" in details.preview.problem


async def test_load_details_survives_storage_errors() -> None:
    class BrokenFiles:
        async def read(self, bucket: str, key: str) -> bytes | None:
            raise ConnectionError("S3 down")

    details = await load_details(BrokenFiles(), csv_ref())
    assert details.warnings.problem is not None
    assert "could not be read" in details.warnings.problem
