"""Remove duplicates: spread identical items over several auctions.

Records of the warehouse's "remove dups" view are grouped by product name, ignoring case,
spacing and punctuation. In each group at most half (rounded up) may carry a given auction
number, so identical items are sold over several auctions instead of competing in one.
Records not yet tagged are taken lowest `Auction Count` first, and their MSRP adds up until
the target total is reached. The groups are visited in an order seeded by the auction number,
so the same view and request always give the same plan.
"""

from __future__ import annotations

import math
import random
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

PRODUCT_NAME_FIELD = "Product Name"
AUCTIONS_FIELD = "Auctions"
AUCTION_COUNT_FIELD = "Auction Count"
MSRP_FIELD = "MSRP"
LOT_NUMBER_FIELD = "Lot Number"
DEDUPE_FIELDS: tuple[str, ...] = (
    PRODUCT_NAME_FIELD,
    LOT_NUMBER_FIELD,
    AUCTION_COUNT_FIELD,
    AUCTIONS_FIELD,
    MSRP_FIELD,
)

_SPACES = re.compile(r"\s+")
# Apostrophes join the letters around them, so "Men's" groups with "Mens". Any other
# punctuation separates words, so "USB-C" groups with "USB C".
_APOSTROPHES = str.maketrans("", "", "'\u2019\u02bc")


def normalise_name(name: str) -> str:
    """Return the grouping key of a product name.

    The key ignores case, spacing and punctuation: apostrophes are dropped, other punctuation
    reads as a space, and runs of whitespace become one space.
    """
    joined = name.translate(_APOSTROPHES)
    spaced = "".join(" " if unicodedata.category(char).startswith("P") else char for char in joined)
    return _SPACES.sub(" ", spaced).strip().casefold()


@dataclass(frozen=True)
class Candidate:
    """One record of the "remove dups" view, as far as the rule needs it."""

    record_id: str
    product_name: str
    lot_number: int | None
    auction_count: int
    auctions: tuple[str, ...]
    msrp: Decimal

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Candidate:
        fields: Mapping[str, Any] = record.get("fields", {})
        auctions = fields.get(AUCTIONS_FIELD) or []
        return cls(
            record_id=str(record["id"]),
            product_name=str(fields.get(PRODUCT_NAME_FIELD) or ""),
            lot_number=_integer(fields.get(LOT_NUMBER_FIELD)),
            auction_count=_integer(fields.get(AUCTION_COUNT_FIELD)) or 0,
            auctions=tuple(str(value) for value in auctions),
            msrp=_money(fields.get(MSRP_FIELD)),
        )


@dataclass(frozen=True)
class PlannedTag:
    """A record to tag with the auction number."""

    record_id: str
    product_name: str
    lot_number: int | None
    auction_count: int
    msrp: Decimal


@dataclass(frozen=True)
class DedupePlan:
    auction_number: str
    target_msrp: Decimal
    tags: tuple[PlannedTag, ...]
    msrp_total: Decimal
    groups_touched: int
    groups_total: int
    skipped_unnamed: int
    """Records without a product name: they cannot be grouped, so they are left alone."""

    @property
    def target_reached(self) -> bool:
        return self.msrp_total >= self.target_msrp


def plan_dedupe(
    records: Sequence[Mapping[str, Any]], auction_number: str, target_msrp: Decimal
) -> DedupePlan:
    """Choose the records to tag with `auction_number` until their MSRP reaches `target_msrp`."""
    groups: dict[str, list[Candidate]] = {}
    skipped = 0
    for record in records:
        candidate = Candidate.from_record(record)
        key = normalise_name(candidate.product_name)
        if not key:
            skipped += 1
            continue
        groups.setdefault(key, []).append(candidate)

    order = sorted(groups)
    random.Random(auction_number).shuffle(order)

    tags: list[PlannedTag] = []
    total = Decimal(0)
    touched = 0
    for key in order:
        if total >= target_msrp:
            break
        group = groups[key]
        allowed = math.ceil(len(group) / 2)
        already = sum(1 for member in group if auction_number in member.auctions)
        untagged = sorted(
            (member for member in group if auction_number not in member.auctions),
            key=lambda member: (member.auction_count, member.lot_number or 0, member.record_id),
        )
        tagged_in_group = 0
        for member in untagged[: max(0, allowed - already)]:
            if total >= target_msrp:
                break
            tags.append(
                PlannedTag(
                    record_id=member.record_id,
                    product_name=member.product_name,
                    lot_number=member.lot_number,
                    auction_count=member.auction_count,
                    msrp=member.msrp,
                )
            )
            total += member.msrp
            tagged_in_group += 1
        if tagged_in_group:
            touched += 1

    return DedupePlan(
        auction_number=auction_number,
        target_msrp=target_msrp,
        tags=tuple(tags),
        msrp_total=total,
        groups_touched=touched,
        groups_total=len(groups),
        skipped_unnamed=skipped,
    )


def changed_since_plan(tag: PlannedTag, record: Mapping[str, Any]) -> list[str]:
    """List the fields the plan chose `record` by that differ now: name, count or MSRP.

    Names are compared by their grouping key, so a change of case or punctuation is no change.
    A record that changed may no longer belong to its group or its place in it, so apply
    reports it and leaves it alone.
    """
    current = Candidate.from_record(record)
    changed = []
    if normalise_name(current.product_name) != normalise_name(tag.product_name):
        changed.append(PRODUCT_NAME_FIELD)
    if current.auction_count != tag.auction_count:
        changed.append(AUCTION_COUNT_FIELD)
    if current.msrp != tag.msrp:
        changed.append(MSRP_FIELD)
    return changed


def tagged_auctions(current: Sequence[str], auction_number: str) -> list[str]:
    """Return the record's `Auctions` with `auction_number` added (unchanged when present)."""
    values = [str(value) for value in current]
    if auction_number not in values:
        values.append(auction_number)
    return values


def _integer(value: Any) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _money(value: Any) -> Decimal:
    """Read an MSRP cell; a blank or unreadable MSRP counts as 0 towards the target."""
    if isinstance(value, bool) or value is None or value == "":
        return Decimal(0)
    try:
        amount = Decimal(str(value).replace("$", "").replace(",", "").strip())
        if not amount.is_finite() or amount <= 0:
            return Decimal(0)
        # An amount too large for cents (more than 28 digits, e.g. 1e30) is unreadable too.
        return amount.quantize(Decimal("0.01"))
    except InvalidOperation:
        return Decimal(0)
