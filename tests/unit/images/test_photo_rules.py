"""Table-driven tests of the pure photo rules."""

from __future__ import annotations

import pickle

import pytest

from auction_images.domain import (
    PhotoLimits,
    PhotoRejected,
    RejectionCode,
    check_byte_size,
    check_content_type,
    check_output_size,
    check_pixel_count,
    photo_object_name,
    target_size,
)


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        ((3264, 2448), (1024, 768)),
        ((2448, 3264), (1024, 1365)),
        ((1024, 500), (1024, 500)),
        ((1025, 500), (1024, 500)),
        ((600, 450), (600, 450)),
        ((1, 1), (1, 1)),
        ((4000, 1), (1024, 1)),
        ((100_000, 10), (1024, 1)),
        ((3000, 2001), (1024, 683)),
    ],
)
def test_target_size_table(size: tuple[int, int], expected: tuple[int, int]) -> None:
    assert target_size(size[0], size[1], 1024) == expected


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("image/jpeg", "image/jpeg"),
        ("IMAGE/PNG", "image/png"),
        ("image/webp; charset=binary", "image/webp"),
        ("  image/gif ", "image/gif"),
    ],
)
def test_content_type_accepted(header: str, expected: str) -> None:
    assert check_content_type(header) == expected


@pytest.mark.parametrize(
    "header", [None, "", "text/html", "application/octet-stream", "image/", "imagex/jpeg"]
)
def test_content_type_rejected(header: str | None) -> None:
    with pytest.raises(PhotoRejected) as caught:
        check_content_type(header)
    assert caught.value.code is RejectionCode.BAD_CONTENT_TYPE
    assert "image/*" in caught.value.message


@pytest.mark.parametrize(
    ("size", "code"),
    [
        (0, RejectionCode.TOO_SMALL),
        (999, RejectionCode.TOO_SMALL),
        (2_001, RejectionCode.TOO_LARGE),
    ],
)
def test_byte_size_rejected(size: int, code: RejectionCode) -> None:
    limits = PhotoLimits(min_bytes=1_000, max_bytes=2_000)
    with pytest.raises(PhotoRejected) as caught:
        check_byte_size(size, limits)
    assert caught.value.code is code
    assert f"{size:,}" in caught.value.message


@pytest.mark.parametrize("size", [1_000, 2_000])
def test_byte_size_accepted_at_bounds(size: int) -> None:
    check_byte_size(size, PhotoLimits(min_bytes=1_000, max_bytes=2_000))


def test_pixel_count_rejected_above_limit() -> None:
    with pytest.raises(PhotoRejected) as caught:
        check_pixel_count(101, 100, PhotoLimits(max_pixels=10_000))
    assert caught.value.code is RejectionCode.TOO_MANY_PIXELS
    assert "101 x 100" in caught.value.message


def test_pixel_count_accepted_at_limit() -> None:
    check_pixel_count(100, 100, PhotoLimits(max_pixels=10_000))


def test_output_size_too_tall_rejected() -> None:
    with pytest.raises(PhotoRejected) as caught:
        check_output_size((1, 70_000))
    assert caught.value.code is RejectionCode.BAD_DIMENSIONS


@pytest.mark.parametrize(
    ("record_id", "position", "expected"),
    [
        ("recA1b2C3d4E5f6G7", 1, "recA1b2C3d4E5f6G7_1.jpg"),
        ("rec_x-1", 10, "rec_x-1_10.jpg"),
    ],
)
def test_object_name_table(record_id: str, position: int, expected: str) -> None:
    assert photo_object_name(record_id, position) == expected


@pytest.mark.parametrize(
    ("record_id", "position"),
    [("", 1), ("../etc", 1), ("rec/1", 1), ("rec 1", 1), ("rec1", 0), ("rec1", 11)],
)
def test_object_name_rejects_unsafe(record_id: str, position: int) -> None:
    with pytest.raises(ValueError, match="must be"):
        photo_object_name(record_id, position)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"min_bytes": 0},
        {"min_bytes": 10, "max_bytes": 5},
        {"max_pixels": 0},
        {"max_width": 0},
        {"jpeg_quality": 0},
        {"jpeg_quality": 100},
    ],
)
def test_limits_reject_invalid_settings(kwargs: dict[str, int]) -> None:
    with pytest.raises(ValueError, match="must be"):
        PhotoLimits(**kwargs)


def test_rejection_survives_pickling() -> None:
    original = PhotoRejected(RejectionCode.TRUNCATED, "cut off")
    copy = pickle.loads(pickle.dumps(original))
    assert copy.code is RejectionCode.TRUNCATED
    assert copy.message == "cut off"
    assert str(copy) == "truncated: cut off"
