"""Business rules for lot photos: limits, output size, content type and object names."""

from __future__ import annotations

import re
from dataclasses import dataclass

from auction_images.domain.rejections import PhotoRejected, RejectionCode

MIN_PHOTO_BYTES = 1_000
MAX_PHOTO_BYTES = 25 * 1024 * 1024
MAX_OUTPUT_WIDTH = 1_024
JPEG_QUALITY = 85
MAX_PHOTOS_PER_RECORD = 10

# Pillow warns about images above Image.MAX_IMAGE_PIXELS (89,478,485 in Pillow 13) and
# raises above twice that. The default here is lower, so a photo this service accepts never
# triggers Pillow's own check: 64 MP covers a 48 MP phone camera (8000 x 6000) with margin.
DEFAULT_MAX_PIXELS = 64_000_000

# libjpeg-turbo (as bundled with Pillow 13) rejects a JPEG side above 65,500 px:
# "Maximum supported image dimension is 65500 pixels".
MAX_JPEG_SIDE = 65_500

_RECORD_ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")


@dataclass(frozen=True, slots=True)
class PhotoLimits:
    """Limits and output settings for one photo conversion.

    Passed explicitly to every call, so no Pillow global is changed. The instance pickles, so
    it can be sent to a worker process. Pillow's own limit (Image.MAX_IMAGE_PIXELS) still
    applies, so a `max_pixels` above it has no effect beyond it.
    """

    min_bytes: int = MIN_PHOTO_BYTES
    max_bytes: int = MAX_PHOTO_BYTES
    max_pixels: int = DEFAULT_MAX_PIXELS
    max_width: int = MAX_OUTPUT_WIDTH
    jpeg_quality: int = JPEG_QUALITY

    def __post_init__(self) -> None:
        if not 0 < self.min_bytes <= self.max_bytes:
            raise ValueError(
                f"min_bytes ({self.min_bytes}) must be above 0 and at most "
                f"max_bytes ({self.max_bytes})"
            )
        if self.max_pixels < 1:
            raise ValueError(f"max_pixels must be at least 1, got {self.max_pixels}")
        if not 1 <= self.max_width <= MAX_JPEG_SIDE:
            raise ValueError(f"max_width must be 1 to {MAX_JPEG_SIDE}, got {self.max_width}")
        if not 1 <= self.jpeg_quality <= 95:
            raise ValueError(f"jpeg_quality must be 1 to 95, got {self.jpeg_quality}")


DEFAULT_LIMITS = PhotoLimits()


def check_byte_size(size: int, limits: PhotoLimits) -> None:
    """Reject a photo whose byte size is outside the limits."""
    if size < limits.min_bytes:
        raise PhotoRejected(
            RejectionCode.TOO_SMALL,
            f"The photo is {size:,} bytes, below the minimum of {limits.min_bytes:,} bytes; "
            "it is probably a placeholder or a broken upload. Attach the original photo.",
        )
    if size > limits.max_bytes:
        raise PhotoRejected(
            RejectionCode.TOO_LARGE,
            f"The photo is {size:,} bytes, above the maximum of {limits.max_bytes:,} bytes. "
            "Attach a smaller export of the photo.",
        )


def check_pixel_count(width: int, height: int, limits: PhotoLimits) -> None:
    """Reject a photo with more pixels than the limit, before any pixel data is decoded."""
    pixels = width * height
    if pixels > limits.max_pixels:
        raise PhotoRejected(
            RejectionCode.TOO_MANY_PIXELS,
            f"The photo is {width} x {height} px ({pixels:,} pixels), above the limit of "
            f"{limits.max_pixels:,} pixels. Attach a smaller export of the photo.",
        )


def target_size(width: int, height: int, max_width: int) -> tuple[int, int]:
    """Return the output size: at most `max_width` wide, same aspect ratio, never enlarged.

    The height is rounded to the nearest pixel and is at least 1.
    """
    if width <= max_width:
        return width, height
    return max_width, max(1, round(height * max_width / width))


def check_output_size(size: tuple[int, int]) -> None:
    """Reject an output taller than the JPEG encoder allows; `max_width` already caps the width."""
    width, height = size
    if height > MAX_JPEG_SIDE:
        raise PhotoRejected(
            RejectionCode.BAD_DIMENSIONS,
            f"The photo would be {width} x {height} px after shrinking, taller than the "
            f"JPEG maximum of {MAX_JPEG_SIDE:,} px. Crop the photo.",
        )


def check_content_type(header_value: str | None) -> str:
    """Return the media type of a Content-Type header, rejecting anything but `image/*`."""
    media_type = (header_value or "").split(";", 1)[0].strip().lower()
    if not media_type.startswith("image/") or media_type == "image/":
        received = header_value if header_value else "no Content-Type"
        raise PhotoRejected(
            RejectionCode.BAD_CONTENT_TYPE,
            f"The attachment has content type {received!r}, expected image/*. "
            "Attach a photo (JPEG or PNG), not a document or a web page.",
        )
    return media_type


def photo_object_name(record_id: str, position: int) -> str:
    """Return the object name `<record id>_<n>.jpg` of the n-th photo of a record.

    Position 1 is the primary photo. Raises ValueError for a record id that is not a safe
    object-name part or a position outside 1 to MAX_PHOTOS_PER_RECORD.
    """
    if not _RECORD_ID_PATTERN.fullmatch(record_id):
        raise ValueError(f"record id {record_id!r} must be 1 to 64 letters, digits, '_' or '-'")
    if not 1 <= position <= MAX_PHOTOS_PER_RECORD:
        raise ValueError(f"photo position {position} must be 1 to {MAX_PHOTOS_PER_RECORD}")
    return f"{record_id}_{position}.jpg"
