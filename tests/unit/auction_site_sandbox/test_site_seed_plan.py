"""Seed plan of a closed event."""

from __future__ import annotations

from collections import Counter

from auction_site_sandbox.rules.seed_plan import SaleKind, plan_closed_event


def test_plan_cycles_sale_kinds() -> None:
    plan = plan_closed_event(9, seed=1)

    assert Counter(sale.kind for sale in plan) == {
        SaleKind.PAID: 3,
        SaleKind.UNPAID_WITH_INVOICE: 3,
        SaleKind.UNPAID_WITHOUT_INVOICE: 3,
    }


def test_plan_is_repeatable_and_made_up() -> None:
    first = plan_closed_event(6, seed=42)
    second = plan_closed_event(6, seed=42)

    assert first == second
    assert all(sale.buyer.last_name.startswith("Buyer ") for sale in first)
    assert all(sale.buyer.phone.startswith("555-01") for sale in first)
    assert len({sale.lot.lot_number for sale in first}) == 6
    assert all(sale.price_cents >= 500 for sale in first)


def test_winner_places_highest_bid() -> None:
    for sale in plan_closed_event(8, seed=3):
        amounts = [bid.amount_cents for bid in sale.bids]

        assert sale.bids[-1].buyer == sale.buyer
        assert amounts[-1] == sale.price_cents
        assert amounts == sorted(amounts)
        assert all(bid.buyer != sale.buyer for bid in sale.bids[:-1])
