"""Photo inputs made with Pillow at test time; no third-party image is committed."""

from __future__ import annotations

import io
import random
import struct
import zlib
from typing import Any

from PIL import Image

RED = (220, 30, 30)
BLUE = (30, 30, 220)
GREY = (128, 128, 128)

ORIENTATION_TAG = 0x0112

# The transpose that turns an upright image into the stored pixels of each EXIF orientation:
# the inverse of what a viewer applies. Orientations 6 and 8 are each other's inverse.
STORE_FOR_ORIENTATION: dict[int, Image.Transpose | None] = {
    1: None,
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}


def noise(size: tuple[int, int], mode: str = "RGB", seed: int = 1) -> Image.Image:
    """Return an image of seeded random pixels, which compresses poorly (so files exceed 1 kB)."""
    bands = len(Image.new(mode, (1, 1)).getbands())
    data = random.Random(seed).randbytes(size[0] * size[1] * bands)
    return Image.frombytes(mode, size, data)


def photo_like(size: tuple[int, int], seed: int = 1) -> Image.Image:
    """Return a smooth colour gradient with mild noise, closer to a photo than pure noise."""
    gradient = Image.linear_gradient("L").resize(size)
    red = gradient
    green = gradient.transpose(Image.Transpose.ROTATE_90).resize(size)
    blue = Image.radial_gradient("L").resize(size)
    base = Image.merge("RGB", (red, green, blue))
    grain = noise(size, seed=seed)
    return Image.blend(base, grain, 0.08)


def marked_upright(size: tuple[int, int]) -> Image.Image:
    """Return an upright test image: grey, with a red top-left and a blue top-right corner."""
    image = photo_like(size).convert("L").convert("RGB")
    image = Image.blend(image, Image.new("RGB", size, GREY), 0.7)
    corner = (size[0] // 4, size[1] // 4)
    image.paste(RED, (0, 0, corner[0], corner[1]))
    image.paste(BLUE, (size[0] - corner[0], 0, size[0], corner[1]))
    return image


def encode(image: Image.Image, format_name: str = "JPEG", **params: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=format_name, **params)
    return buffer.getvalue()


def with_orientation(upright: Image.Image, orientation: int, format_name: str) -> bytes:
    """Store an upright image as a file whose EXIF orientation turns it back upright."""
    transpose = STORE_FOR_ORIENTATION[orientation]
    stored = upright if transpose is None else upright.transpose(transpose)
    exif = Image.Exif()
    exif[ORIENTATION_TAG] = orientation
    params: dict[str, Any] = {"exif": exif.tobytes()}
    if format_name == "JPEG":
        params["quality"] = 95
    return encode(stored, format_name, **params)


def decode(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def png_chunk(kind: bytes, payload: bytes) -> bytes:
    crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)


def png_header_only(width: int, height: int, padding: int = 2_000) -> bytes:
    """Return a PNG whose header claims width x height but carries almost no pixel data.

    A tEXt chunk pads the file above the 1,000-byte minimum, so only the pixel check can
    reject it.
    """
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    text = b"Comment\x00" + b"x" * padding
    pixels = zlib.compress(b"\x00" * 64)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"tEXt", text)
        + png_chunk(b"IDAT", pixels)
        + png_chunk(b"IEND", b"")
    )


def gif_header_only(width: int, height: int, padding: int = 2_000) -> bytes:
    """Return a GIF whose screen and first frame claim width x height, padded with a comment."""
    screen = b"GIF89a" + struct.pack("<HHBBB", width, height, 0, 0, 0)
    comment = b"\x21\xfe"
    remaining = padding
    while remaining > 0:
        block = min(255, remaining)
        comment += bytes([block]) + b"c" * block
        remaining -= block
    comment += b"\x00"
    frame = b"\x2c" + struct.pack("<HHHHB", 0, 0, width, height, 0)
    pixels = b"\x02\x02\x4c\x01\x00"
    return screen + comment + frame + pixels + b"\x3b"


def corrupt_exif_jpeg(size: tuple[int, int]) -> bytes:
    """Return a JPEG whose EXIF segment claims more IFD entries than it contains."""
    broken_exif = b"Exif\x00\x00" + b"MM\x00\x2a\x00\x00\x00\x08" + b"\x00\x40" + b"\x01\x12"
    return encode(photo_like(size), "JPEG", quality=90, exif=broken_exif)
