"""Seed validation, rate limiter and fault rules of the Airtable sandbox."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from airtable_sandbox.config import RateLimitSettings
from airtable_sandbox.faults import FaultPlan, FaultRuleError, parse_rule
from airtable_sandbox.ratelimit import RateLimiter
from airtable_sandbox.seed import SeedError, load_seed_file, parse_seed

DEMO_SEED = Path(__file__).resolve().parents[3] / "sandboxes/airtable/seeds/demo.yaml"


def _table(**changes: Any) -> dict[str, Any]:
    table: dict[str, Any] = {
        "name": "Inventory",
        "fields": [{"name": "Name", "type": "singleLineText"}, {"name": "Qty", "type": "number"}],
    }
    table.update(changes)
    return {"bases": [{"name": "Test", "tables": [table]}]}


def test_demo_seed_ids() -> None:
    seed = load_seed_file(DEMO_SEED)
    bases = {item.base.name: item.base for item in seed.bases}
    maule = bases["Maule Inventory"]
    sahara = bases["Sahara Inventory"]
    assert maule.id == "app8P7o3PcNfZduiu"
    assert sahara.id == "appY1qnUDaaC7HWQl"
    inventory = maule.table("Inventory")
    assert inventory is not None
    assert inventory.id == "tblg6d2IRW2fw6L44"
    send = inventory.view("Send to Auction")
    assert send is not None
    assert send.id == "viwGbosLZA3IIT4yg"
    assert send.formula == "{Status} = 'Send to Auction'"
    assert inventory.field("Image 10") is not None
    cancels = sahara.table("Cancels")
    assert cancels is not None
    assert cancels.field("Buyer Tax Exempt") is not None


def test_seed_ids_are_stable_without_explicit_ids() -> None:
    first = parse_seed(_table())
    second = parse_seed(_table())
    assert first.bases[0].base.id == second.bases[0].base.id
    assert first.bases[0].base.tables[0].fields[1].id == second.bases[0].base.tables[0].fields[1].id


SEED_ERRORS: list[tuple[Any, str]] = [
    ({"tables": []}, "seed: has unknown keys ['tables']"),
    (_table(fields=[{"name": "X", "type": "text"}]), "type 'text' is not supported"),
    (_table(views=[{"name": "V", "formula": "{Nope} = 1"}]), "Unknown field names: Nope"),
    (
        _table(views=[{"name": "V", "sort": [{"field": "Qty", "direction": "up"}]}]),
        "must be asc or desc",
    ),
    (_table(id="tblshort"), "must be 'tbl' followed by 14"),
    (_table(records=[{"Name": "x"}]), "needs a `fields` mapping"),
    (
        _table(fields=[{"name": "A", "type": "number"}, {"name": "A", "type": "number"}]),
        "duplicate field name 'A'",
    ),
]


@pytest.mark.parametrize(("document", "message"), SEED_ERRORS)
def test_seed_rejects_invalid(document: Any, message: str) -> None:
    with pytest.raises(SeedError) as caught:
        parse_seed(document)
    assert message in str(caught.value)


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_rate_limiter_locks_base_after_sixth_request() -> None:
    clock = FakeClock()
    limiter = RateLimiter(RateLimitSettings(lock_seconds=30.0), clock)
    assert [limiter.allow("appA") for _ in range(5)] == [True] * 5
    assert limiter.allow("appA") is False
    assert limiter.allow("appB") is True
    clock.now += 29.0
    assert limiter.allow("appA") is False
    clock.now += 1.5
    assert limiter.allow("appA") is True


def test_rate_limiter_window_slides() -> None:
    clock = FakeClock()
    limiter = RateLimiter(RateLimitSettings(), clock)
    for _ in range(5):
        assert limiter.allow("appA")
        clock.now += 0.21
    assert limiter.allow("appA") is True


def test_rate_limiter_time_scale_shortens_lock() -> None:
    clock = FakeClock()
    limiter = RateLimiter(RateLimitSettings(time_scale=0.01), clock)
    for _ in range(5):
        limiter.allow("appA")
    assert limiter.allow("appA") is False
    clock.now += 0.31
    assert limiter.allow("appA") is True


FAULT_ERRORS: list[tuple[Any, str]] = [
    ({"kind": "explode"}, "fault kind 'explode'"),
    ({"kind": "server_error", "status": 404}, "must be 500 to 599"),
    ({"kind": "delay"}, "of a delay must be above 0"),
    ({"kind": "drop", "fraction": 2}, "must be between 0 and 1"),
    ({"kind": "drop", "count": 0}, "must be at least 1"),
    ({"kind": "drop", "every": 2}, "unknown fault rule keys ['every']"),
]


@pytest.mark.parametrize(("rule", "message"), FAULT_ERRORS)
def test_fault_rule_rejects_invalid(rule: Any, message: str) -> None:
    with pytest.raises(FaultRuleError) as caught:
        parse_rule(rule)
    assert message in str(caught.value)


def test_fault_plan_count_expires() -> None:
    plan = FaultPlan(seed=1)
    plan.add([{"kind": "server_error", "count": 2, "status": 502}])
    decisions = [plan.decide("GET", "/v0/appA/T", "appA").terminal for _ in range(3)]
    assert [rule.status if rule else None for rule in decisions] == [502, 502, None]
    assert plan.describe() == []


def test_fault_plan_filters_base_and_adds_delays() -> None:
    plan = FaultPlan(seed=1)
    plan.add(
        [
            {"kind": "delay", "seconds": 0.5},
            {"kind": "delay", "seconds": 0.25},
            {"kind": "drop", "base": "appB"},
        ]
    )
    other = plan.decide("GET", "/v0/appA/T", "appA")
    assert other.delay_seconds == 0.75
    assert other.terminal is None
    assert plan.decide("GET", "/v0/appB/T", "appB").terminal is not None


def test_fault_plan_fraction_is_seeded() -> None:
    plan = FaultPlan(seed=7)
    plan.add([{"kind": "rate_limit", "fraction": 0.5}])
    fired = sum(plan.decide("GET", "/v0/a/b", "a").terminal is not None for _ in range(1000))
    assert 400 < fired < 600
