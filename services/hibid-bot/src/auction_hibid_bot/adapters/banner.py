"""Draw the event banner with Pillow: the house name, "Ending <Month> <day>" and the warehouse.

Fonts come from Debian's `fonts-dejavu-core` package when it is installed; otherwise Pillow's
built-in font is used, so a container without fonts still gets a readable banner.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from auction_shared.logging import get_logger

log = get_logger(__name__)

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
BOLD_FONT = "DejaVuSans-Bold.ttf"
REGULAR_FONT = "DejaVuSans.ttf"

WIDTH, HEIGHT = 1200, 400
BACKGROUND = (20, 33, 61)
ACCENT = (252, 163, 17)
TEXT = (255, 255, 255)
MUTED = (200, 208, 222)

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@dataclass(frozen=True)
class BannerText:
    headline: str
    house_name: str
    footer: str


def load_font(name: str, size: int, font_dir: Path = FONT_DIR) -> Font:
    """Return the DejaVu font `name` at `size`, or Pillow's default font when it is missing."""
    path = font_dir / name
    if path.is_file():
        try:
            return ImageFont.truetype(str(path), size)
        except OSError as error:
            log.warning("banner_font_unreadable", font=str(path), error=str(error))
    try:
        return ImageFont.load_default(size=size)
    except (ImportError, OSError):
        # Pillow without FreeType only has its small bitmap font, which ignores the size.
        return ImageFont.load_default()


def _fitted_font(
    draw: ImageDraw.ImageDraw, text: str, name: str, size: int, max_width: int, font_dir: Path
) -> Font:
    """Return the largest font at most `size` points whose rendering of `text` fits the width."""
    while True:
        font = load_font(name, size, font_dir)
        left, _, right, _ = draw.textbbox((0, 0), text, font=font)
        if right - left <= max_width or size <= 12:
            return font
        size -= 4


def _draw_centered(
    draw: ImageDraw.ImageDraw, middle_y: int, text: str, font: Font, fill: tuple[int, int, int]
) -> None:
    # Centre by the bounding box rather than with `anchor`, which bitmap fonts do not support.
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    x = (WIDTH - (right - left)) // 2 - left
    y = middle_y - (bottom - top) // 2 - top
    draw.text((x, y), text, font=font, fill=fill)


def draw_banner(text: BannerText, font_dir: Path = FONT_DIR) -> bytes:
    """Return the banner as PNG bytes."""
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    margin = 60
    usable = WIDTH - 2 * margin

    draw.rectangle((0, 0, WIDTH, 14), fill=ACCENT)
    draw.rectangle((0, HEIGHT - 14, WIDTH, HEIGHT), fill=ACCENT)

    house_font = _fitted_font(draw, text.house_name.upper(), BOLD_FONT, 44, usable, font_dir)
    _draw_centered(draw, 80, text.house_name.upper(), house_font, ACCENT)

    headline_font = _fitted_font(draw, text.headline, BOLD_FONT, 96, usable, font_dir)
    _draw_centered(draw, 205, text.headline, headline_font, TEXT)

    footer_font = _fitted_font(draw, text.footer, REGULAR_FONT, 30, usable, font_dir)
    _draw_centered(draw, 320, text.footer, footer_font, MUTED)

    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
