"""Builders of Airtable-shaped inventory records for the formatter tests."""

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from auction_formatter.config import WarehouseConfig, load_warehouses


def maule() -> WarehouseConfig:
    return load_warehouses().get("maule")


def sahara() -> WarehouseConfig:
    return load_warehouses().get("sahara")


def record(record_id: str = "recA1", **fields: Any) -> dict[str, Any]:
    """Return an Airtable record; keyword names use _ for spaces (Product_Name)."""
    return {
        "id": record_id,
        "fields": {name.replace("_", " "): value for name, value in fields.items()},
    }


def full_record(record_id: str = "recFull1") -> dict[str, Any]:
    return {
        "id": record_id,
        "fields": {
            "Lot Number": 1042,
            "Product Name": "Ninja Air Fryer, 4 Quart",
            "Category": "Appliances",
            "Condition": "Used - Like New",
            "Working Condition": "Tested, works",
            "UPC": "622356230001",
            "MSRP": 129.99,
            "Notes": "Box opened",
            "Description": "Includes basket",
            "Location": "A-12",
            "Size": "Medium",
            "Shipment": "Truck 7",
            "Clerk": "Dana",
            "B00 ASIN": "B07FDJMC9Q",
            "Auction Count": 1,
            "Auctions": ["4242"],
            "Image 1": [{"url": "https://airtable.invalid/a.jpg"}],
        },
    }


def numbered_records(count: int, msrp_of: Any = None) -> Iterator[dict[str, Any]]:
    """Yield `count` distinct records; msrp_of(n) gives the MSRP of record n (default n)."""
    for n in range(count):
        msrp = Decimal(n) if msrp_of is None else msrp_of(n)
        yield record(
            f"rec{n:05d}",
            Lot_Number=n,
            Product_Name=f"Item {n}",
            Category="Electronics",
            MSRP=str(msrp),
        )


def photos_for(*record_ids: str) -> dict[str, list[str]]:
    return {rid: [f"https://images.example.test/{rid}_1.jpg"] for rid in record_ids}
