"""Made-up buyers, lots, bids and sales for a closed sandbox event, with no real people."""

from __future__ import annotations

import random
from dataclasses import dataclass
from enum import StrEnum

PRODUCTS = (
    ("Stainless Steel Electric Kettle 1.7L", "Home & Kitchen", 162703, 3499),
    ("Wireless Bluetooth Earbuds with Charging Case", "Electronics", 339723, 2999),
    ("Countertop Air Fryer 5 Quart", "Appliances", 2830472, 8999),
    ("Building Blocks Set 500 Pieces", "Toys & Games", 2830927, 2499),
    ("LED Desk Lamp with USB Port", "Home & Kitchen", 162703, 1999),
    ("Portable Phone Charger 10000mAh", "Electronics", 339723, 2599),
    ("Assorted Storage Bins, Set of 6", "Misc", 162733, 1599),
    ("Handheld Milk Frother", "Appliances", 2830472, 1299),
)
STREETS = ("Nowhere Lane", "Imaginary Road", "Fictional Way", "Sample Street", "Placeholder Ave")
CONDITIONS = ("New", "Like New", "Used - Good", "Open Box")


class SaleKind(StrEnum):
    PAID = "paid"
    UNPAID_WITH_INVOICE = "unpaid_with_invoice"
    UNPAID_WITHOUT_INVOICE = "unpaid_without_invoice"


@dataclass(frozen=True)
class PlannedBuyer:
    number: int
    username: str
    first_name: str
    last_name: str
    address: str
    phone: str
    tax_exempt: bool


@dataclass(frozen=True)
class PlannedLot:
    lot_number: str
    title: str
    category_id: int
    price_cents: int
    custom_fields: dict[str, str]


@dataclass(frozen=True)
class PlannedBid:
    buyer: PlannedBuyer
    amount_cents: int


@dataclass(frozen=True)
class PlannedSale:
    """The winning bid of a lot, after any losing bids in `bids` (ascending, winner's last)."""

    lot: PlannedLot
    buyer: PlannedBuyer
    kind: SaleKind
    price_cents: int
    bids: tuple[PlannedBid, ...]


def plan_buyers(count: int) -> list[PlannedBuyer]:
    return [
        PlannedBuyer(
            number=n,
            username=f"testbuyer{n}",
            first_name="Test",
            last_name=f"Buyer {n}",
            address=f"{100 + n} {STREETS[n % len(STREETS)]}, Sampletown, NV 89000",
            phone=f"555-01{n % 100:02d}",
            tax_exempt=n % 5 == 0,
        )
        for n in range(1, count + 1)
    ]


def plan_closed_event(lot_count: int, seed: int) -> list[PlannedSale]:
    """Plan one sale per lot, cycling paid / unpaid with invoice / unpaid without invoice."""
    rng = random.Random(seed)
    buyers = plan_buyers(max(1, min(lot_count, 8)))
    kinds = list(SaleKind)
    sales: list[PlannedSale] = []
    for index in range(lot_count):
        title, _category_name, category_id, msrp_cents = PRODUCTS[index % len(PRODUCTS)]
        lot = PlannedLot(
            lot_number=f"M{1000 + index}",
            title=title,
            category_id=category_id,
            price_cents=500,
            custom_fields={
                "MSRP": f"{msrp_cents // 100}.{msrp_cents % 100:02d}",
                "UPC": f"{rng.randrange(10**11, 10**12)}",
                "Item Condition": rng.choice(CONDITIONS),
                "Other Notes": "",
                "Source": "AMZ FC",
                "Photo Taker": "Sandbox Clerk",
                "Amazon ID": f"B00SANDBOX{index:02d}",
                "Lot Number": f"{1000 + index}",
            },
        )
        winning_cents = rng.randrange(500, max(600, msrp_cents), 25)
        winner = buyers[index % len(buyers)]
        sales.append(
            PlannedSale(
                lot=lot,
                buyer=winner,
                kind=kinds[index % len(kinds)],
                price_cents=winning_cents,
                bids=_plan_bids(rng, buyers, winner, lot.price_cents, winning_cents),
            )
        )
    return sales


def _plan_bids(
    rng: random.Random,
    buyers: list[PlannedBuyer],
    winner: PlannedBuyer,
    start_cents: int,
    winning_cents: int,
) -> tuple[PlannedBid, ...]:
    """Plan up to two losing bids by other buyers, then the winner's bid at the sale price."""
    others = [buyer for buyer in buyers if buyer != winner]
    losing: list[PlannedBid] = []
    for step in range(rng.randint(0, 2), 0, -1):
        amount = winning_cents - 100 * step
        if others and amount >= start_cents:
            losing.append(PlannedBid(rng.choice(others), amount))
    return (*losing, PlannedBid(winner, winning_cents))
