"""Remove-duplicates selection, case by case: group sizes, the target, tagged records, bad MSRP
and names that differ only in case, spacing or punctuation.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

import pytest

from auction_airtable_sync.domain.dedupe import (
    PlannedTag,
    changed_since_plan,
    normalise_name,
    plan_dedupe,
)

AUCTION = "1205"
NO_LIMIT = Decimal(1_000_000)


def record(
    record_id: str,
    name: str = "Lamp",
    *,
    msrp: Any = 10,
    count: Any = 1,
    auctions: list[str] | None = None,
    lot: int | None = None,
) -> dict[str, Any]:
    fields: dict[str, Any] = {"Product Name": name, "Auction Count": count}
    if msrp is not None:
        fields["MSRP"] = msrp
    if auctions is not None:
        fields["Auctions"] = auctions
    if lot is not None:
        fields["Lot Number"] = lot
    return {"id": record_id, "fields": fields}


def chosen(records: list[dict[str, Any]], target: Decimal = NO_LIMIT) -> list[str]:
    return [tag.record_id for tag in plan_dedupe(records, AUCTION, target).tags]


@pytest.mark.parametrize("size", [1, 2, 3, 4, 7, 10])
def test_group_of_any_size_gives_half_rounded_up(size: int) -> None:
    records = [record(f"rec{n:02d}", count=n + 1) for n in range(size)]
    # Auction Count n + 1: the first records are the least listed, so they are chosen.
    assert chosen(records) == [f"rec{n:02d}" for n in range(math.ceil(size / 2))]


def test_groups_of_different_sizes_each_keep_their_half() -> None:
    records = [record("one", "Kettle")]
    records += [record(f"pair{n}", "Fan") for n in range(2)]
    records += [record(f"five{n}", "Lamp") for n in range(5)]
    plan = plan_dedupe(records, AUCTION, NO_LIMIT)
    by_name: dict[str, int] = {}
    for tag in plan.tags:
        by_name[tag.product_name] = by_name.get(tag.product_name, 0) + 1
    assert by_name == {"Kettle": 1, "Fan": 1, "Lamp": 3}
    assert plan.groups_touched == plan.groups_total == 3


def test_target_reached_in_the_middle_of_a_group() -> None:
    records = [record(f"rec{n}", msrp=40, count=n) for n in range(8)]
    plan = plan_dedupe(records, AUCTION, Decimal(100))
    # The group allows 4, but the third record already brings $120 >= $100.
    assert [tag.record_id for tag in plan.tags] == ["rec0", "rec1", "rec2"]
    assert plan.msrp_total == Decimal(120)
    assert plan.target_reached
    assert plan.groups_touched == 1


def test_target_reached_exactly_stops_before_the_next_group() -> None:
    records = [record("lamp", "Lamp", msrp=50), record("fan", "Fan", msrp=50)]
    plan = plan_dedupe(records, AUCTION, Decimal(50))
    assert len(plan.tags) == 1
    assert plan.msrp_total == Decimal(50)
    assert plan.target_reached


def test_all_tagged_already_plans_nothing() -> None:
    records = [record(f"rec{n}", auctions=["1199", AUCTION]) for n in range(4)]
    plan = plan_dedupe(records, AUCTION, Decimal(10))
    assert plan.tags == ()
    assert plan.msrp_total == Decimal(0)
    assert not plan.target_reached
    assert plan.groups_touched == 0
    assert plan.groups_total == 1


def test_half_tagged_group_gets_no_more() -> None:
    records = [
        record("a", auctions=[AUCTION]),
        record("b", auctions=[AUCTION]),
        record("c"),
        record("d"),
    ]
    assert chosen(records) == []


def test_planning_again_after_tagging_adds_nothing() -> None:
    records = [record(f"rec{n}", "Fan" if n % 3 else "Lamp", count=n) for n in range(9)]
    first = {tag.record_id for tag in plan_dedupe(records, AUCTION, NO_LIMIT).tags}
    for item in records:
        if item["id"] in first:
            item["fields"]["Auctions"] = [AUCTION]
    assert chosen(records) == []


def test_other_auctions_do_not_count_as_tagged() -> None:
    records = [record("a", auctions=["1199"]), record("b", auctions=["1200", "1201"])]
    assert len(chosen(records)) == 1


@pytest.mark.parametrize(
    "msrp", [None, "", "call for price", "N/A", "NaN", "Infinity", 1e30, "1e400", True, -20]
)
def test_missing_or_unreadable_msrp_counts_as_zero(msrp: Any) -> None:
    records = [record("bad", msrp=msrp, count=0), record("good", msrp=25, count=1)]
    plan = plan_dedupe(records, AUCTION, NO_LIMIT)
    # The group of 2 allows 1: the lowest Auction Count is chosen whatever its MSRP.
    assert [(tag.record_id, tag.msrp) for tag in plan.tags] == [("bad", Decimal(0))]
    assert plan.msrp_total == Decimal(0)


def test_zero_msrp_adds_nothing() -> None:
    records = [record("blank", "Fan", msrp=None), record("priced", "Lamp", msrp="$12.50")]
    plan = plan_dedupe(records, AUCTION, Decimal("12.50"))
    assert "priced" in {tag.record_id for tag in plan.tags}
    assert plan.msrp_total == Decimal("12.50")
    assert plan.target_reached


@pytest.mark.parametrize(
    "names",
    [
        ["Desk Lamp", "DESK LAMP", "desk lamp"],
        ["Desk Lamp", "  Desk   Lamp ", "Desk\tLamp", "Desk\u00a0Lamp"],
        ["USB-C Charger", "USB C Charger", "usb-c charger."],
        ["Men's Shoes", "Mens Shoes", "MEN\u2019S SHOES"],
        ["Lamp, 2-Pack", "Lamp (2 Pack)", "lamp 2 pack"],
    ],
)
def test_name_variants_form_one_group(
    names: list[str],
) -> None:
    assert len({normalise_name(name) for name in names}) == 1
    records = [record(f"rec{n}", name) for n, name in enumerate(names)]
    plan = plan_dedupe(records, AUCTION, NO_LIMIT)
    assert plan.groups_total == 1
    assert len(plan.tags) == math.ceil(len(names) / 2)


def test_different_words_stay_apart() -> None:
    names = ["Desk Lamp", "Desk Lamps", "Floor Lamp", "USBC Charger", "USB C Charger"]
    assert len({normalise_name(name) for name in names}) == len(names)


@pytest.mark.parametrize("name", ["", "   ", "---", "?!"])
def test_names_without_letters_or_digits_are_left_alone(name: str) -> None:
    plan = plan_dedupe([record("rec1", name)], AUCTION, NO_LIMIT)
    assert plan.tags == ()
    assert plan.skipped_unnamed == 1


def test_ties_on_auction_count_go_by_lot_number() -> None:
    records = [record("late", lot=1010), record("early", lot=1002), record("mid", lot=1005)]
    assert chosen(records) == ["early", "mid"]


@pytest.mark.parametrize("count", ["2", 2.0, "x", None])
def test_auction_count_read_leniently(count: Any) -> None:
    # "2" and 2.0 read 2; text and blank read 0: either way below 3, so chosen first.
    records = [record("lenient", count=count, lot=2), record("three", count=3, lot=1)]
    assert chosen(records) == ["lenient"]


def planned_tag(item: dict[str, Any]) -> PlannedTag:
    (tag,) = plan_dedupe([item], AUCTION, NO_LIMIT).tags
    return tag


@pytest.mark.parametrize(
    ("now", "changed"),
    [
        ({}, []),
        ({"Product Name": "LAMP.", "MSRP": "$10.00", "Auction Count": 1.0}, []),
        ({"Auctions": ["1199"], "Lot Number": 4}, []),
        ({"Product Name": "Floor Lamp"}, ["Product Name"]),
        ({"Auction Count": 2}, ["Auction Count"]),
        ({"MSRP": 12}, ["MSRP"]),
        ({"MSRP": None, "Auction Count": None}, ["Auction Count", "MSRP"]),
    ],
)
def test_changed_since_plan(now: dict[str, Any], changed: list[str]) -> None:
    planned = record("rec1", "Lamp", msrp=10, count=1)
    later = {"id": "rec1", "fields": {**planned["fields"], **now}}
    assert changed_since_plan(planned_tag(planned), later) == changed
