"""The plain conversion recipe, kept as the oracle for tests and the benchmark.

It decodes at full size, applies `ImageOps.exif_transpose`, converts to RGB and resizes with
Lanczos. `process_photo` must match its output size and stay visually equal to it.
"""

from __future__ import annotations

import io

from PIL import Image, ImageOps

from auction_images.domain.rules import JPEG_QUALITY, MAX_OUTPUT_WIDTH, target_size


def reference_process(
    data: bytes, max_width: int = MAX_OUTPUT_WIDTH, quality: int = JPEG_QUALITY
) -> bytes:
    """Convert a photo the slow, obvious way and return progressive JPEG bytes.

    No validation: use it only on inputs that `process_photo` accepts.
    """
    with Image.open(io.BytesIO(data)) as source:
        upright = ImageOps.exif_transpose(source)
    rgb = upright.convert("RGB")
    size = target_size(rgb.width, rgb.height, max_width)
    if size != rgb.size:
        rgb = rgb.resize(size, Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    rgb.save(buffer, format="JPEG", quality=quality, progressive=True)
    return buffer.getvalue()
