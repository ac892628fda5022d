"""Made-up demo inventory: a liquidation manifest in the B-Stock Amazon layout, and product photos.

Everything here is generated, so the demo ships no third-party data.
"""

from __future__ import annotations

import csv
import io
import random

from PIL import Image, ImageDraw, ImageFont

MANIFEST_HEADER = [
    "Category",
    "Subcategory",
    "ASIN",
    "Item Description",
    "Qty",
    "Unit Retail",
    "Ext. Retail",
    "Product Class",
    "GL Description",
    "Seller Category",
    "EAN",
    "LPN",
    "UPC",
    "Brand",
    "Condition",
    "Pallet ID",
    "Lot ID",
]

# (description, seller category, brand, unit retail, quantity)
PRODUCTS = [
    (
        "Stainless Steel Electric Kettle, 1.7 L, Auto Shut-Off",
        "Home & Kitchen",
        "Brewline",
        "34.99",
        2,
    ),
    (
        'Robot Vacuum with Self-Empty Base, 2700Pa Suction, 26"" Reach',
        "Home & Kitchen",
        "Dustora",
        "279.00",
        1,
    ),
    (
        "Wireless Noise Cancelling Over-Ear Headphones, 40 h Battery",
        "Electronics",
        "Sonnet",
        "89.99",
        3,
    ),
    ("4K Action Camera, Waterproof 40 m, with Mounts", "Electronics", "Trailcam", "119.95", 1),
    (
        "Cordless Drill Driver Kit, 20 V, 2 Batteries, Charger and Case",
        "Tools & Home Improvement",
        "Forgeline",
        "99.00",
        2,
    ),
    ("LED Desk Lamp with USB-C Charging Port, Dimmable", "Office Products", "Luma", "29.99", 2),
    ("Kids' Building Blocks Set, 520 Pieces, Ages 6+", "Toys & Games", "Brixo", "39.99", 1),
    ("Air Fryer Oven, 10 qt, 8 Presets, Rotisserie", "Appliances", "Crispa", "129.99", 1),
    ("Café Espresso Machine with Milk Frother, 15 bar", "Appliances", "Baristo", "189.00", 1),
    ("Yoga Mat, Extra Thick 15 mm, Non-Slip, with Strap", "Sports & Outdoors", "Flexa", "24.99", 3),
    ("Smart Plug 4-Pack, Works with Voice Assistants", "Electronics", "Hausio", "19.99", 2),
    ("Memory Foam Pillow, Queen, Cooling Gel", "Home & Kitchen", "Dreamy", "45.00", 1),
    ("Bluetooth Bookshelf Speakers, Pair, 50 W", "Electronics", "Sonnet", "149.99", 1),
    ("Cast Iron Dutch Oven, 6 qt, Enamelled, Red", "Home & Kitchen", "Hearthware", "79.99", 1),
    ("Mountain Bike Helmet, Adjustable, Size M", "Sports & Outdoors", "Ridgeback", "54.95", 2),
    ("Pet Hair Remover Roller, Reusable", "Pet Supplies", "Furgo", "12.99", 2),
]
CONDITIONS = ["USED_GOOD", "USED_LIKE_NEW", "NEW", "USED_ACCEPTABLE"]


def demo_manifest(seed: int = 7) -> bytes:
    """Return a CSV manifest of the products above, one row per SKU, as B-Stock publishes them."""
    chooser = random.Random(seed)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(MANIFEST_HEADER)
    for number, (description, category, brand, retail, quantity) in enumerate(PRODUCTS, start=1):
        upc = f"{chooser.randrange(10**11, 10**12):012d}"
        ext = f"{float(retail) * quantity:.2f}"
        writer.writerow(
            [
                category.upper().replace(" & ", "_AND_").replace(" ", "_"),
                category,
                f"B0DEMO{number:04d}",
                description.replace('""', '"'),
                quantity,
                retail,
                ext,
                category,
                category,
                category,
                "",
                f"LPNDEMO{number:05d}",
                upc,
                brand,
                chooser.choice(CONDITIONS),
                f"PAL-DEMO-{number % 3 + 1}",
                "DEMO_LOT_1",
            ]
        )
    return buffer.getvalue().encode()


def product_photo(
    title: str, lot: str, variant: int, size: tuple[int, int] = (1600, 1200)
) -> bytes:
    """Draw a product-card photo: a coloured gradient with the title and lot number on it."""
    chooser = random.Random(f"{title}-{variant}")
    base = tuple(chooser.randrange(40, 200) for _ in range(3))
    image = Image.new("RGB", size, base)  # type: ignore[arg-type]
    draw = ImageDraw.Draw(image)
    for row in range(0, size[1], 8):
        shade = tuple(min(255, channel + row // 12) for channel in base)
        draw.rectangle([0, row, size[0], row + 8], fill=shade)  # type: ignore[arg-type]
    font = _font(56)
    draw.rectangle([60, size[1] - 300, size[0] - 60, size[1] - 60], fill=(255, 255, 255))
    draw.text((90, size[1] - 280), title[:48], fill=(20, 20, 20), font=font)
    draw.text((90, size[1] - 190), f"Lot {lot}  photo {variant}", fill=(90, 90, 90), font=font)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=88)
    return buffer.getvalue()


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype("DejaVuSans.ttf", size)
    except OSError:
        return ImageFont.load_default(size)
