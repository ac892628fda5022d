"""Measure the CPU time of build_rows + render_csv on synthetic lots (target: at most 1 s).

Run: uv run python bench/format_5000_lots.py [--lots 5000] [--repeat 7]
"""

import argparse
import random
import statistics
import time
from typing import Any

from auction_formatter.config import load_warehouses
from auction_formatter.domain import build_rows, render_csv

CPU_BUDGET_SECONDS = 1.0

_CATEGORIES = ["Appliances", "Electronics", "Home & Kitchen", "Toys & Games", "Tools", "Garden"]
_CONDITIONS = ["New", "Used - Like New", "Used - Good", "Open Box", "Damaged", "Unknown"]
_NOTES = ["", "", "Box opened", "Nothing wrong", "Missing remote", 'Seat, "as is"', "No box"]
_WORDS = [
    "Ninja",
    "Air",
    "Fryer",
    "Quart",
    "Black",
    "Modern",
    "Bladeless",
    "Ceiling",
    "Fan",
    "Light",
    "Remote",
    "Mongoose",
    '26""',
    "Mountain",
    "Bike",
    "Crème",
    "brûlée",
    "Torch",
    "–",
    "Stainless",
    "Steel",
    "Cordless",
    "Drill",
    "Kit,",
    "Batteries",
    "日本",
]


def synthetic_records(count: int, seed: int = 7) -> list[dict[str, Any]]:
    """Build `count` Airtable-shaped inventory records with messy, realistic values."""
    generator = random.Random(seed)
    records = []
    for n in range(count):
        name_length = generator.choice([3, 6, 12, 30])
        fields: dict[str, Any] = {
            "Lot Number": n + 1,
            "Product Name": " ".join(generator.choices(_WORDS, k=name_length)),
            "Category": generator.choice(_CATEGORIES),
            "Condition": generator.choice(_CONDITIONS),
            "Working Condition": "Tested, works",
            "UPC": str(generator.randrange(10**11, 10**12)),
            "MSRP": generator.choice([f"${generator.uniform(1, 900):.2f}", 49.99, "abc", 15]),
            "Notes": generator.choice(_NOTES),
            "Description": "Includes <b>all</b> parts" if n % 50 == 0 else "Includes all parts",
            "Location": f"A-{n % 40}",
            "Size": "Medium",
            "Shipment": "Truck 7",
            "Clerk": "Dana",
            "B00 ASIN": f"B0{n:08d}",
        }
        if n % 3:
            fields["Auction Count"] = n % 6
        records.append({"id": f"rec{n:014d}", "fields": fields})
    return records


def main() -> None:
    parser = argparse.ArgumentParser(
        description="Measure the CPU time of build_rows + render_csv on synthetic lots."
    )
    parser.add_argument("--lots", type=int, default=5000, help="number of lots (default 5000)")
    parser.add_argument("--repeat", type=int, default=7, help="repetitions (default 7)")
    arguments = parser.parse_args()

    warehouse = load_warehouses().get("maule")
    records = synthetic_records(arguments.lots)
    photos = {
        record["id"]: [f"https://images.example.test/{record['id']}_{k}.jpg" for k in (1, 2, 3)]
        for record in records
    }

    timings = []
    for _ in range(arguments.repeat):
        started = time.process_time()
        rows, warnings = build_rows(records, photos, warehouse, 4242, None)
        data = render_csv(rows)
        timings.append(time.process_time() - started)

    median = statistics.median(timings)
    verdict = "within" if median <= CPU_BUDGET_SECONDS else "OVER"
    print(
        f"build_rows + render_csv, {arguments.lots} lots, {arguments.repeat} runs: "
        f"median {median:.3f} s CPU (min {min(timings):.3f}, max {max(timings):.3f}); "
        f"{verdict} the {CPU_BUDGET_SECONDS:.1f} s budget"
    )
    print(f"{len(rows.rows)} rows, {len(warnings)} warnings, {len(data) / 1e6:.2f} MB of CSV")


if __name__ == "__main__":
    main()
