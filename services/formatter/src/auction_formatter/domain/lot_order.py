"""Order of the lots in the import file: top lots by MSRP, then the rest shuffled."""

import random
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Protocol, TypeVar

from auction_formatter.config import LotOrderRules


class RankableLot(Protocol):
    """Attributes of a lot that lot_order reads."""

    @property
    def msrp(self) -> Decimal | None: ...

    @property
    def title(self) -> str: ...

    @property
    def condition(self) -> str: ...

    @property
    def notes(self) -> str: ...


LotT = TypeVar("LotT", bound=RankableLot)


def excluded_words_pattern(words: Sequence[str]) -> re.Pattern[str]:
    """Compile a pattern that finds any of the words as a whole word, ignoring case."""
    alternatives = "|".join(re.escape(word) for word in words)
    return re.compile(rf"\b(?:{alternatives})\b", re.IGNORECASE)


def lot_order(lots: Sequence[LotT], event_id: str | int, rules: LotOrderRules) -> list[LotT]:
    """Return the lots in file order.

    First come up to rules.top_lot_count lots by MSRP, highest first (ties keep input order),
    one per title ignoring case, leaving out lots without an MSRP and lots whose Condition or
    Notes contain an excluded word as a whole word. The other lots follow in an order shuffled
    by a random generator seeded with the event id, so the same input gives the same order.
    """
    excluded = excluded_words_pattern(rules.excluded_words) if rules.excluded_words else None

    def is_top_candidate(lot: LotT) -> bool:
        if lot.msrp is None:
            return False
        if excluded is None:
            return True
        return not (excluded.search(lot.condition) or excluded.search(lot.notes))

    candidates = sorted(
        (index for index, lot in enumerate(lots) if is_top_candidate(lot)),
        key=lambda index: -_msrp_of(lots[index]),
    )
    top: list[int] = []
    seen_titles: set[str] = set()
    for index in candidates:
        if len(top) >= rules.top_lot_count:
            break
        title_key = lots[index].title.casefold()
        if title_key in seen_titles:
            continue
        seen_titles.add(title_key)
        top.append(index)

    chosen = set(top)
    rest = [lot for index, lot in enumerate(lots) if index not in chosen]
    _shuffle(rest, random.Random(str(event_id)))
    return [lots[index] for index in top] + rest


def _shuffle(items: list[LotT], generator: random.Random) -> None:
    # Fisher-Yates on Random.random(), whose sequence for a seed Python promises to keep across
    # versions; Random.shuffle carries no such promise.
    for last in range(len(items) - 1, 0, -1):
        other = int(generator.random() * (last + 1))
        items[last], items[other] = items[other], items[last]


def _msrp_of(lot: RankableLot) -> Decimal:
    return lot.msrp if lot.msrp is not None else Decimal(0)
