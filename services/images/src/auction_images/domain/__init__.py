"""Pure rules for lot photos: limits, sizes, names and rejection reasons."""

from auction_images.domain.photo import ProcessedPhoto
from auction_images.domain.rejections import PhotoRejected, RejectionCode
from auction_images.domain.rules import (
    DEFAULT_LIMITS,
    MAX_PHOTOS_PER_RECORD,
    PhotoLimits,
    check_byte_size,
    check_content_type,
    check_output_size,
    check_pixel_count,
    photo_object_name,
    target_size,
)

__all__ = [
    "DEFAULT_LIMITS",
    "MAX_PHOTOS_PER_RECORD",
    "PhotoLimits",
    "PhotoRejected",
    "ProcessedPhoto",
    "RejectionCode",
    "check_byte_size",
    "check_content_type",
    "check_output_size",
    "check_pixel_count",
    "photo_object_name",
    "target_size",
]
