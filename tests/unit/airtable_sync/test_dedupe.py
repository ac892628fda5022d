"""Remove-duplicates selection: half of each group, lowest Auction Count first, up to a target."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from auction_airtable_sync.domain.dedupe import normalise_name, plan_dedupe, tagged_auctions


def record(
    record_id: str,
    name: str,
    msrp: Any = 10,
    count: Any = 1,
    auctions: list[str] | None = None,
    lot: int | None = None,
) -> dict[str, Any]:
    fields: dict[str, Any] = {"Product Name": name, "MSRP": msrp, "Auction Count": count}
    if auctions is not None:
        fields["Auctions"] = auctions
    if lot is not None:
        fields["Lot Number"] = lot
    return {"id": record_id, "fields": fields}


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("USB-C Charger", "usb c charger"),
        ("  usb-c   CHARGER ", "usb c charger"),
        ("Straße Lamp", "strasse lamp"),
        ("", ""),
    ],
)
def test_normalise_name(name: str, key: str) -> None:
    assert normalise_name(name) == key


def test_at_most_half_of_each_group() -> None:
    records = [record(f"rec{n}", "Lamp") for n in range(5)]
    plan = plan_dedupe(records, "1205", Decimal(1000))
    assert len(plan.tags) == 3  # ceil(5 / 2)
    assert plan.groups_touched == 1
    assert plan.msrp_total == Decimal(30)
    assert not plan.target_reached


def test_names_grouped_case_insensitively() -> None:
    records = [record("rec1", "Lamp"), record("rec2", "LAMP "), record("rec3", "lamp")]
    plan = plan_dedupe(records, "1205", Decimal(1000))
    assert plan.groups_total == 1
    assert len(plan.tags) == 2


def test_lowest_auction_count_first() -> None:
    records = [
        record("recA", "Lamp", count=3),
        record("recB", "Lamp", count=1),
        record("recC", "Lamp", count=2),
        record("recD", "Lamp", count=None),
    ]
    plan = plan_dedupe(records, "1205", Decimal(1000))
    assert [tag.record_id for tag in plan.tags] == ["recD", "recB"]


def test_already_tagged_count_towards_half() -> None:
    records = [
        record("rec1", "Lamp", auctions=["1205"]),
        record("rec2", "Lamp"),
        record("rec3", "Lamp"),
        record("rec4", "Lamp"),
    ]
    plan = plan_dedupe(records, "1205", Decimal(1000))
    assert [tag.record_id for tag in plan.tags] == ["rec2"]


def test_stops_when_target_reached() -> None:
    records = [record(f"rec{n}", f"Item {n}", msrp=40) for n in range(10)]
    plan = plan_dedupe(records, "1205", Decimal(100))
    assert plan.msrp_total == Decimal(120)
    assert len(plan.tags) == 3
    assert plan.target_reached


def test_group_order_seeded_by_auction() -> None:
    records = [record(f"rec{n}", f"Item {n}", msrp=10) for n in range(30)]
    first = plan_dedupe(records, "1205", Decimal(50))
    again = plan_dedupe(list(reversed(records)), "1205", Decimal(50))
    other = plan_dedupe(records, "1206", Decimal(50))
    assert [tag.record_id for tag in first.tags] == [tag.record_id for tag in again.tags]
    assert [tag.record_id for tag in first.tags] != [tag.record_id for tag in other.tags]


def test_unnamed_records_left_alone() -> None:
    plan = plan_dedupe([record("rec1", ""), record("rec2", "Lamp")], "1205", Decimal(100))
    assert plan.skipped_unnamed == 1
    assert [tag.record_id for tag in plan.tags] == ["rec2"]


@pytest.mark.parametrize(
    ("msrp", "amount"),
    [(19.99, "19.99"), ("$1,234.50", "1234.50"), (None, "0"), ("call", "0"), (-5, "0")],
)
def test_msrp_values(msrp: Any, amount: str) -> None:
    plan = plan_dedupe([record("rec1", "Lamp", msrp=msrp)], "1205", Decimal(10_000))
    assert plan.msrp_total == Decimal(amount)


@pytest.mark.parametrize(
    ("current", "expected"),
    [([], ["1205"]), (["1199"], ["1199", "1205"]), (["1205", "1199"], ["1205", "1199"])],
)
def test_tagged_auctions(current: list[str], expected: list[str]) -> None:
    assert tagged_auctions(current, "1205") == expected
