"""Tests of process_photo on inputs generated with Pillow."""

from __future__ import annotations

import hashlib
import io

import numpy as np
import pytest
from PIL import Image, ImageCms
from skimage.metrics import structural_similarity

from auction_images.domain import PhotoLimits, PhotoRejected, RejectionCode
from auction_images.processing import process_photo
from auction_images.processing.reference import reference_process
from support.photos import (
    BLUE,
    ORIENTATION_TAG,
    RED,
    corrupt_exif_jpeg,
    decode,
    encode,
    gif_header_only,
    marked_upright,
    noise,
    photo_like,
    png_header_only,
    with_orientation,
)


def is_close(actual: tuple[int, ...], expected: tuple[int, int, int], tolerance: int = 40) -> bool:
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=True))


def corner_colours(image: Image.Image) -> dict[str, tuple[int, ...]]:
    """Sample each corner region 1/10 of the way in from its edges."""
    width, height = image.size
    dx, dy = width // 10, height // 10
    points = {
        "top_left": (dx, dy),
        "top_right": (width - 1 - dx, dy),
        "bottom_left": (dx, height - 1 - dy),
        "bottom_right": (width - 1 - dx, height - 1 - dy),
    }
    return {name: tuple(image.getpixel(point)) for name, point in points.items()}  # type: ignore[arg-type]


def ssim(first: bytes, second: bytes) -> float:
    a = np.asarray(decode(first).convert("RGB"))
    b = np.asarray(decode(second).convert("RGB"))
    score = structural_similarity(a, b, channel_axis=2, data_range=255)  # type: ignore[no-untyped-call]
    return float(score)


# (format, upright size, expected output size): the first case goes through JPEG draft
# decoding, the second is too small to shrink, the third takes the non-JPEG path.
ORIENTATION_CASES = [
    ("JPEG", (2400, 1600), (1024, 683)),
    ("JPEG", (600, 400), (600, 400)),
    ("PNG", (1600, 1200), (1024, 768)),
]


@pytest.mark.parametrize("orientation", range(1, 9))
@pytest.mark.parametrize(("format_name", "upright_size", "expected_size"), ORIENTATION_CASES)
def test_exif_orientation_turns_upright(
    orientation: int,
    format_name: str,
    upright_size: tuple[int, int],
    expected_size: tuple[int, int],
) -> None:
    data = with_orientation(marked_upright(upright_size), orientation, format_name)

    photo = process_photo(data)
    output = decode(photo.jpeg)
    corners = corner_colours(output)

    assert (photo.width, photo.height) == expected_size
    assert output.size == expected_size
    assert is_close(corners["top_left"], RED), corners
    assert is_close(corners["top_right"], BLUE), corners
    assert not is_close(corners["bottom_left"], RED), corners
    assert not is_close(corners["bottom_right"], BLUE), corners


@pytest.mark.parametrize("orientation", range(1, 9))
def test_orientation_matches_reference(orientation: int) -> None:
    data = with_orientation(photo_like((2000, 1500), seed=orientation), orientation, "JPEG")

    fast = process_photo(data).jpeg
    slow = reference_process(data)

    assert decode(fast).size == decode(slow).size
    assert ssim(fast, slow) >= 0.97


@pytest.mark.parametrize(
    ("size", "expected_size"),
    [
        ((4000, 3000), (1024, 768)),
        ((3000, 500), (1024, 171)),
        ((1200, 4000), (1024, 3413)),
        ((800, 3000), (800, 3000)),
        ((500, 400), (500, 400)),
        ((1024, 300), (1024, 300)),
    ],
)
def test_output_size_shrinks_never_enlarges(
    size: tuple[int, int], expected_size: tuple[int, int]
) -> None:
    data = encode(photo_like(size), "JPEG", quality=90)

    photo = process_photo(data)
    reference = reference_process(data)

    assert (photo.width, photo.height) == expected_size
    assert decode(reference).size == expected_size
    assert ssim(photo.jpeg, reference) >= 0.97


def test_output_is_progressive_rgb_jpeg_without_exif() -> None:
    data = with_orientation(photo_like((1500, 1000)), 6, "JPEG")

    output = decode(process_photo(data).jpeg)

    assert output.format == "JPEG"
    assert output.mode == "RGB"
    assert output.info.get("progressive") == 1
    assert ORIENTATION_TAG not in output.getexif()


def test_result_checksums_and_source_fields() -> None:
    data = encode(photo_like((2000, 1000)), "JPEG", quality=90)

    photo = process_photo(data)

    assert photo.source_sha256 == hashlib.sha256(data).hexdigest()
    assert photo.sha256 == hashlib.sha256(photo.jpeg).hexdigest()
    assert photo.source_format == "JPEG"
    assert (photo.source_width, photo.source_height) == (2000, 1000)


def test_same_input_gives_same_bytes() -> None:
    data = with_orientation(photo_like((2500, 1800)), 8, "JPEG")

    first = process_photo(data)
    second = process_photo(data)

    assert first.jpeg == second.jpeg
    assert first.sha256 == second.sha256


def test_cmyk_jpeg_becomes_rgb() -> None:
    cmyk = Image.new("CMYK", (1600, 1200), (0, 255, 255, 0))
    cmyk.paste(noise((400, 300), "CMYK"), (0, 0))
    data = encode(cmyk, "JPEG", quality=90)
    assert decode(data).mode == "CMYK"

    photo = process_photo(data)
    output = decode(photo.jpeg)

    assert output.mode == "RGB"
    assert output.size == (1024, 768)
    assert is_close(output.getpixel((900, 700)), (255, 0, 0))  # type: ignore[arg-type]


@pytest.mark.parametrize("mode", ["RGBA", "LA"])
def test_transparent_areas_become_white(mode: str) -> None:
    image = Image.new(mode, (1200, 900), 0)
    opaque = noise((600, 900), mode)
    opaque.putalpha(255)
    image.paste(opaque, (0, 0))
    data = encode(image, "PNG")

    output = decode(process_photo(data).jpeg)

    assert output.size == (1024, 768)
    assert is_close(output.getpixel((900, 400)), (255, 255, 255), 5)  # type: ignore[arg-type]


def test_palette_with_trns_becomes_white() -> None:
    image = noise((300, 200), "L").convert("P")
    image.paste(0, (150, 0, 300, 200))
    image.info["transparency"] = 0
    data = encode(image, "PNG", transparency=0)
    assert decode(data).mode == "P"

    output = decode(process_photo(data).jpeg)

    assert output.size == (300, 200)
    assert is_close(output.getpixel((250, 100)), (255, 255, 255), 5)  # type: ignore[arg-type]


def test_palette_without_transparency_keeps_colours() -> None:
    image = Image.new("P", (400, 300), 0)
    image.putpalette([*RED, *BLUE] + [0] * (256 * 3 - 6))
    image.paste(1, (200, 0, 400, 300))
    image.paste(noise((100, 100), "L").point(lambda v: v % 2).convert("P"), (0, 0))
    data = encode(image, "GIF")

    output = decode(process_photo(data, PhotoLimits(min_bytes=100)).jpeg)

    assert is_close(output.getpixel((150, 200)), RED)  # type: ignore[arg-type]
    assert is_close(output.getpixel((350, 200)), BLUE)  # type: ignore[arg-type]


def test_sixteen_bit_greyscale_is_scaled() -> None:
    image = Image.new("I;16", (1200, 800), 40_000)
    grain = noise((100, 100), "L").convert("I").point(lambda v: v * 200)
    image.paste(grain.convert("I;16"), (0, 0))
    data = encode(image, "PNG")
    assert decode(data).mode.startswith("I")

    output = decode(process_photo(data).jpeg)

    assert output.mode == "RGB"
    assert output.size == (1024, 683)
    assert is_close(output.getpixel((800, 500)), (156, 156, 156), 3)  # type: ignore[arg-type]


@pytest.mark.parametrize("mode", ["1", "L", "P", "CMYK", "LAB", "YCbCr", "LA", "PA", "I", "I;16"])
def test_tiff_mode_becomes_rgb(mode: str) -> None:
    source = (
        noise((1200, 300), "L").convert(mode) if mode != "LAB" else Image.new(mode, (1200, 300))
    )
    data = encode(source, "TIFF")
    assert decode(data).mode == mode

    photo = process_photo(data, PhotoLimits(min_bytes=100))
    output = decode(photo.jpeg)

    assert output.mode == "RGB"
    assert output.size == (1024, 256)


def test_greyscale_jpeg_becomes_rgb() -> None:
    data = encode(photo_like((2048, 1536)).convert("L"), "JPEG", quality=90)

    output = decode(process_photo(data).jpeg)

    assert output.mode == "RGB"
    assert output.size == (1024, 768)


def test_animated_gif_uses_first_frame() -> None:
    red = Image.new("RGB", (400, 300), RED)
    red.paste(noise((200, 100)), (0, 0))
    blue = Image.new("RGB", (400, 300), BLUE)
    data = encode(red, "GIF", save_all=True, append_images=[blue], duration=100, loop=0)
    assert getattr(Image.open(io.BytesIO(data)), "n_frames", 1) == 2

    output = decode(process_photo(data).jpeg)

    assert is_close(output.getpixel((300, 250)), RED)  # type: ignore[arg-type]


def test_rgb_icc_profile_is_kept() -> None:
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = encode(photo_like((1500, 1000)), "JPEG", icc_profile=profile)

    output = decode(process_photo(data).jpeg)

    assert output.info.get("icc_profile") == profile


def test_non_rgb_icc_profile_is_dropped() -> None:
    grey_profile = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    grey_profile[16:20] = b"GRAY"
    data = encode(photo_like((1500, 1000)).convert("L"), "JPEG", icc_profile=bytes(grey_profile))

    output = decode(process_photo(data).jpeg)

    assert output.info.get("icc_profile") is None


def test_corrupt_exif_is_ignored() -> None:
    data = corrupt_exif_jpeg((1600, 1200))

    photo = process_photo(data)

    assert (photo.width, photo.height) == (1024, 768)


@pytest.mark.parametrize("value", [0, 9, 65535])
def test_invalid_orientation_value_is_ignored(value: int) -> None:
    exif = Image.Exif()
    exif[ORIENTATION_TAG] = value
    data = encode(marked_upright((1600, 1200)), "JPEG", exif=exif.tobytes())

    output = decode(process_photo(data).jpeg)

    assert output.size == (1024, 768)
    assert is_close(corner_colours(output)["top_left"], RED)


def truncated_jpeg() -> bytes:
    data = encode(photo_like((1600, 1200)), "JPEG", quality=90)
    return data[: len(data) * 2 // 3]


def truncated_png() -> bytes:
    data = encode(noise((600, 400)), "PNG")
    return data[: len(data) // 2]


def html_page() -> bytes:
    return b"<!DOCTYPE html><html><body>" + b"Sign in to continue. " * 100 + b"</body></html>"


def random_bytes() -> bytes:
    return bytes(noise((50, 50), "L").tobytes())


def heic_header() -> bytes:
    return b"\x00\x00\x00\x18ftypheic" + b"\x00" * 2_000


def broken_png_header() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + b"\x00" * 2_000


def tiny_png() -> bytes:
    return encode(Image.new("RGB", (8, 8), RED), "PNG")


def float_tiff() -> bytes:
    return encode(noise((100, 100), "L").convert("F"), "TIFF")


def eps_file() -> bytes:
    return b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 100 100\n" + b"% pad\n" * 300


def one_pixel_wide_and_too_tall() -> bytes:
    return encode(noise((1, 70_000), "L"), "PNG")


REJECTED_INPUTS = [
    ("truncated JPEG", truncated_jpeg, RejectionCode.TRUNCATED),
    ("truncated PNG", truncated_png, RejectionCode.TRUNCATED),
    ("HTML page", html_page, RejectionCode.NOT_AN_IMAGE),
    ("random bytes", random_bytes, RejectionCode.NOT_AN_IMAGE),
    ("EPS file", eps_file, RejectionCode.NOT_AN_IMAGE),
    ("HEIC header", heic_header, RejectionCode.UNSUPPORTED_FORMAT),
    ("broken PNG header", broken_png_header, RejectionCode.CORRUPT),
    ("tiny PNG", tiny_png, RejectionCode.TOO_SMALL),
    ("empty file", lambda: b"", RejectionCode.TOO_SMALL),
    ("float TIFF", float_tiff, RejectionCode.UNSUPPORTED_MODE),
    (
        "PNG bomb 100000 px square",
        lambda: png_header_only(100_000, 100_000),
        RejectionCode.TOO_MANY_PIXELS,
    ),
    (
        "PNG above Pillow warning",
        lambda: png_header_only(10_000, 10_000),
        RejectionCode.TOO_MANY_PIXELS,
    ),
    ("PNG above own limit", lambda: png_header_only(9_000, 8_000), RejectionCode.TOO_MANY_PIXELS),
    ("GIF bomb", lambda: gif_header_only(65_535, 65_535), RejectionCode.TOO_MANY_PIXELS),
    ("output too tall", one_pixel_wide_and_too_tall, RejectionCode.BAD_DIMENSIONS),
]


@pytest.mark.parametrize(
    ("make_input", "code"),
    [pytest.param(make, code, id=name) for name, make, code in REJECTED_INPUTS],
)
def test_bad_input_rejected(make_input: object, code: RejectionCode) -> None:
    assert callable(make_input)
    data = make_input()

    with pytest.raises(PhotoRejected) as caught:
        process_photo(data)

    assert caught.value.code is code
    assert caught.value.message


def test_custom_pixel_limit_rejects_before_decoding() -> None:
    data = encode(noise((200, 200)), "PNG")

    with pytest.raises(PhotoRejected) as caught:
        process_photo(data, PhotoLimits(max_pixels=39_999))

    assert caught.value.code is RejectionCode.TOO_MANY_PIXELS
    assert "200 x 200" in caught.value.message


def test_custom_byte_limit_rejects_large_file() -> None:
    data = encode(noise((200, 200)), "PNG")

    with pytest.raises(PhotoRejected) as caught:
        process_photo(data, PhotoLimits(max_bytes=10_000))

    assert caught.value.code is RejectionCode.TOO_LARGE


def test_pillow_pixel_limit_left_unchanged() -> None:
    before = Image.MAX_IMAGE_PIXELS

    with pytest.raises(PhotoRejected):
        process_photo(png_header_only(9_000, 8_000), PhotoLimits(max_pixels=1_000))
    process_photo(encode(noise((100, 100)), "PNG"), PhotoLimits(max_pixels=1_000_000))

    assert before == Image.MAX_IMAGE_PIXELS
