"""Convert one downloaded photo into the JPEG the auction site shows.

`process_photo` is pure and CPU-bound: run it in an executor (see `pool`), never on the event
loop. For JPEG input, libjpeg decodes at the smallest of 1/8, 1/4 or 1/2 scale (DCT scaling
through `Image.draft`) that is still at least the output size, and a Lanczos resize makes the
exact size. A photo less than twice the output width is decoded at full size.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import struct
import threading
import warnings
from collections.abc import Iterator
from typing import Final

from PIL import Image, ImageFile, UnidentifiedImageError

from auction_images.domain import (
    PhotoLimits,
    PhotoRejected,
    ProcessedPhoto,
    RejectionCode,
    check_byte_size,
    check_output_size,
    check_pixel_count,
    target_size,
)
from auction_images.domain.rules import DEFAULT_LIMITS

# Only these decoders are tried. The list leaves out formats that run external programs (EPS
# through Ghostscript) or that staff never attach (ICNS, PSD, FITS, ...). Pillow's JPEG
# decoder also opens MPO files (the multi-picture JPEGs of many phones) and reports "MPO".
ALLOWED_FORMATS: Final = ("JPEG", "PNG", "GIF", "WEBP", "TIFF", "BMP")

_JPEG_FORMATS: Final = frozenset({"JPEG", "MPO"})

# Exceptions Pillow raises for malformed files. Anything else is a bug and propagates.
_DECODE_ERRORS: Final = (OSError, SyntaxError, ValueError, EOFError, struct.error, IndexError)

_ORIENTATION_TAG: Final = 0x0112
_TRANSPOSE_BY_ORIENTATION: Final = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
# Orientations 5 to 8 swap width and height.
_SWAPPING_ORIENTATIONS: Final = frozenset({5, 6, 7, 8})

_ALPHA_MODES: Final = frozenset({"RGBA", "RGBa", "LA", "La", "PA"})
_WHITE: Final = (255, 255, 255)

_WARNINGS_LOCK: Final = threading.Lock()

# A reduce() step before the Lanczos filter when shrinking by 3x or more; Pillow documents
# a gap of 3.0 as indistinguishable from a plain resize in most cases.
_REDUCING_GAP: Final = 3.0


def process_photo(data: bytes, limits: PhotoLimits = DEFAULT_LIMITS) -> ProcessedPhoto:
    """Validate a photo and convert it to an upright RGB progressive JPEG.

    The output is at most `limits.max_width` wide and never enlarged. Raises PhotoRejected
    with a code and a message for every input that cannot be used.
    """
    check_byte_size(len(data), limits)
    source_sha256 = hashlib.sha256(data).hexdigest()

    image = _open(data, limits)
    source_format = image.format or "unknown"
    source_size = image.size
    try:
        result, icc_profile = _decode_and_resize(image, limits)
        jpeg = _encode_jpeg(result, limits.jpeg_quality, icc_profile)
    finally:
        image.close()

    return ProcessedPhoto(
        jpeg=jpeg,
        width=result.width,
        height=result.height,
        sha256=hashlib.sha256(jpeg).hexdigest(),
        source_sha256=source_sha256,
        source_format=source_format,
        source_width=source_size[0],
        source_height=source_size[1],
    )


@contextlib.contextmanager
def _pillow_warnings_as_errors() -> Iterator[None]:
    """Raise Pillow's DecompressionBombWarning as an error and silence other warnings.

    warnings.catch_warnings swaps process-wide state and is not thread-safe before Python
    3.14, so a lock makes threads take turns. Only header parsing runs under it (the pixel
    data is decoded outside), so the turns are short. Other warnings, such as Pillow's
    "Corrupt EXIF data", are dropped because the damaged metadata is ignored anyway.
    """
    with _WARNINGS_LOCK, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        yield


def _open(data: bytes, limits: PhotoLimits) -> ImageFile.ImageFile:
    """Read the header only, and reject unknown formats and oversized images.

    Pillow's own check (Image.MAX_IMAGE_PIXELS, left unchanged) runs inside Image.open; the
    explicit check against `limits.max_pixels` runs right after it, before any decoding.
    """
    try:
        with _pillow_warnings_as_errors():
            image = Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise PhotoRejected(
            RejectionCode.TOO_MANY_PIXELS,
            f"The photo is too large to decode safely. Pillow reports: {error} "
            f"This service accepts at most {limits.max_pixels:,} pixels; "
            "attach a smaller export.",
        ) from error
    except UnidentifiedImageError as error:
        raise _not_an_image(data) from error
    except _DECODE_ERRORS as error:
        raise PhotoRejected(
            RejectionCode.CORRUPT,
            f"The photo header is damaged ({error}). Attach the photo again from the camera.",
        ) from error

    if not isinstance(image, ImageFile.ImageFile):  # pragma: no cover - Pillow contract
        raise PhotoRejected(RejectionCode.NOT_AN_IMAGE, "The file is not a photo.")
    try:
        check_pixel_count(image.width, image.height, limits)
    except PhotoRejected:
        image.close()
        raise
    return image


_SIGNATURES: Final = (
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"BM", "BMP"),
)


def _not_an_image(data: bytes) -> PhotoRejected:
    """Build the rejection for a file that no allowed decoder can identify."""
    head = data[:12]
    for signature, format_name in _SIGNATURES:
        if head.startswith(signature):
            return PhotoRejected(
                RejectionCode.CORRUPT,
                f"The file starts like a {format_name} but its header is damaged. "
                "Attach the photo again from the camera.",
            )
    if head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftypavif"):
        return PhotoRejected(
            RejectionCode.UNSUPPORTED_FORMAT,
            f"The photo is HEIC or AVIF (it starts with {head!r}), which is not supported. "
            "Export it as JPEG (on an iPhone: Settings > Camera > Formats > Most Compatible).",
        )
    if head.lstrip().startswith((b"<", b"\xef\xbb\xbf<")):
        kind = "text or markup (HTML, XML or SVG)"
    else:
        kind = "not in a supported format"
    allowed = ", ".join(ALLOWED_FORMATS)
    return PhotoRejected(
        RejectionCode.NOT_AN_IMAGE,
        f"The file is {kind}; it starts with {head!r}. Attach a photo in one of: {allowed}.",
    )


def _decode_and_resize(
    image: ImageFile.ImageFile, limits: PhotoLimits
) -> tuple[Image.Image, bytes | None]:
    """Decode the first frame, convert it to RGB, shrink it and turn it upright."""
    is_jpeg = image.format in _JPEG_FORMATS
    box: tuple[float, float, float, float] | None = None
    source_size = image.size

    if is_jpeg:
        # JPEG keeps EXIF in a header segment, so the orientation is known before decoding,
        # and the draft size must be given in stored (not upright) orientation.
        orientation = _read_orientation(image)
        stored_target = _stored_target_size(source_size, orientation, limits)
        if stored_target != source_size:
            draft = image.draft("RGB", stored_target)
            if draft is not None:
                box = draft[1]
        _load(image)
    else:
        _load(image)
        orientation = _read_orientation(image)
        stored_target = _stored_target_size(source_size, orientation, limits)

    icc_profile = _rgb_icc_profile(image)
    rgb = _to_rgb(image)
    if rgb.size != stored_target or box is not None:
        rgb = rgb.resize(
            stored_target, Image.Resampling.LANCZOS, box=box, reducing_gap=_REDUCING_GAP
        )
    transpose = _TRANSPOSE_BY_ORIENTATION.get(orientation)
    if transpose is not None:
        rgb = rgb.transpose(transpose)
    return rgb, icc_profile


def _stored_target_size(
    stored_size: tuple[int, int], orientation: int, limits: PhotoLimits
) -> tuple[int, int]:
    """Return the output size in the stored orientation of the pixels."""
    swapped = orientation in _SWAPPING_ORIENTATIONS
    width, height = stored_size
    if swapped:
        width, height = height, width
    upright = target_size(width, height, limits.max_width)
    check_output_size(upright)
    if swapped:
        return upright[1], upright[0]
    return upright


def _read_orientation(image: Image.Image) -> int:
    """Return the EXIF orientation 1 to 8, or 1 when EXIF is missing, invalid or damaged."""
    try:
        with _pillow_warnings_as_errors():
            value = image.getexif().get(_ORIENTATION_TAG, 1)
    except _DECODE_ERRORS:
        return 1
    if isinstance(value, int) and 1 <= value <= 8:
        return value
    return 1


def _load(image: ImageFile.ImageFile) -> None:
    """Decode the pixel data; a short or damaged file is rejected, never padded with grey."""
    try:
        image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise PhotoRejected(
            RejectionCode.TOO_MANY_PIXELS,
            f"The photo is too large to decode safely. Pillow reports: {error} "
            "Attach a smaller export.",
        ) from error
    except _DECODE_ERRORS as error:
        text = str(error)
        if isinstance(error, EOFError) or "truncated" in text or "broken data stream" in text:
            raise PhotoRejected(
                RejectionCode.TRUNCATED,
                f"The {image.format} file ends before its pixel data is complete ({text}). "
                "The upload was probably cut off: attach the photo again.",
            ) from error
        raise PhotoRejected(
            RejectionCode.CORRUPT,
            f"The {image.format} pixel data cannot be decoded ({text}). "
            "Attach the photo again from the camera.",
        ) from error


def _to_rgb(image: Image.Image) -> Image.Image:
    """Convert any supported mode to RGB; transparent areas become white."""
    mode = image.mode
    if mode == "RGB":
        return image
    if mode.startswith("I"):
        return _sixteen_bit_to_rgb(image)
    if mode == "F":
        raise PhotoRejected(
            RejectionCode.UNSUPPORTED_MODE,
            "The photo stores floating-point pixels (mode F). Export it as an 8-bit JPEG or PNG.",
        )
    try:
        if mode in _ALPHA_MODES or "transparency" in image.info:
            rgba = image.convert("RGBA")
            background = Image.new("RGB", rgba.size, _WHITE)
            background.paste(rgba, mask=rgba.getchannel("A"))
            return background
        return image.convert("RGB")
    except ValueError as error:
        raise PhotoRejected(
            RejectionCode.UNSUPPORTED_MODE,
            f"The photo uses colour mode {mode}, which cannot be converted to RGB ({error}). "
            "Export it as an 8-bit RGB JPEG or PNG.",
        ) from error


def _sixteen_bit_to_rgb(image: Image.Image) -> Image.Image:
    """Scale 16- or 32-bit greyscale to 8 bits; Pillow's own conversion clips at 255.

    I;16 modes are divided by 256. Mode I does not record its bit depth, so it is divided by
    256 only when a value exceeds 255.
    """
    wide = image if image.mode == "I" else image.convert("I")
    _, high = wide.getextrema()
    if image.mode != "I" or (isinstance(high, (int, float)) and high > 255):
        wide = wide.point(lambda value: value * (1 / 256))
    return wide.convert("L").convert("RGB")


def _rgb_icc_profile(image: Image.Image) -> bytes | None:
    """Return the embedded ICC profile when it describes RGB pixels, else None.

    A Display P3 or Adobe RGB photo looks washed out without its profile. A CMYK or greyscale
    profile would be wrong once the pixels are RGB, so those are dropped.
    """
    profile = image.info.get("icc_profile")
    if image.mode != "RGB" or not isinstance(profile, bytes) or len(profile) < 20:
        return None
    # Bytes 16 to 19 of an ICC header name the colour space of the data.
    if profile[16:20] != b"RGB ":
        return None
    return profile


def _encode_jpeg(image: Image.Image, quality: int, icc_profile: bytes | None) -> bytes:
    buffer = io.BytesIO()
    image.save(
        buffer,
        format="JPEG",
        quality=quality,
        progressive=True,
        icc_profile=icc_profile,
    )
    return buffer.getvalue()
