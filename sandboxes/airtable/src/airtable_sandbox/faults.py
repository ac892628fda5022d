"""Fault injection: 429 storms, 5xx bursts, slow responses and dropped connections on demand.

A rule matches API requests (optionally only one base, method or path fragment), fires for
a `fraction` of them, and stops after `count` firings when a count is given.
"""

from __future__ import annotations

import random
import threading
from dataclasses import asdict, dataclass
from typing import Any

from airtable_sandbox import ids

FAULT_KINDS = ("rate_limit", "server_error", "delay", "drop")
_RULE_KEYS = frozenset(
    {"kind", "fraction", "count", "status", "seconds", "base", "method", "path_contains"}
)


class FaultRuleError(ValueError):
    """A fault rule is invalid; the message names the key and the accepted values."""


@dataclass
class FaultRule:
    id: str
    kind: str
    fraction: float = 1.0
    count: int | None = None  # firings left; None: unlimited
    status: int = 503  # server_error only
    seconds: float = 0.0  # delay only
    base: str | None = None
    method: str | None = None
    path_contains: str | None = None

    def matches(self, method: str, path: str, base_id: str | None) -> bool:
        return (
            (self.base is None or self.base == base_id)
            and (self.method is None or self.method == method.upper())
            and (self.path_contains is None or self.path_contains in path)
        )


def parse_rule(doc: Any) -> FaultRule:
    if not isinstance(doc, dict):
        raise FaultRuleError("a fault rule must be a JSON object")
    unknown = sorted(set(doc) - _RULE_KEYS)
    if unknown:
        raise FaultRuleError(f"unknown fault rule keys {unknown}; allowed: {sorted(_RULE_KEYS)}")
    kind = doc.get("kind")
    if kind not in FAULT_KINDS:
        raise FaultRuleError(f"fault kind {kind!r} must be one of {list(FAULT_KINDS)}")
    rule = FaultRule(ids.new_id("flt"), str(kind))
    try:
        rule.fraction = float(doc.get("fraction", 1.0))
        rule.count = int(doc["count"]) if doc.get("count") is not None else None
        rule.status = int(doc.get("status", 503))
        rule.seconds = float(doc.get("seconds", 0.0))
    except (TypeError, ValueError) as error:
        raise FaultRuleError(f"fault rule {doc!r} has a non-numeric value: {error}") from error
    if not 0.0 <= rule.fraction <= 1.0:
        raise FaultRuleError(f"fraction {rule.fraction} must be between 0 and 1")
    if rule.count is not None and rule.count < 1:
        raise FaultRuleError(f"count {rule.count} must be at least 1 (leave it out for no limit)")
    if kind == "server_error" and not 500 <= rule.status <= 599:
        raise FaultRuleError(f"status {rule.status} of a server_error must be 500 to 599")
    if kind == "delay" and not 0.0 < rule.seconds <= 600.0:
        raise FaultRuleError(f"seconds {rule.seconds} of a delay must be above 0 and at most 600")
    rule.base = str(doc["base"]) if doc.get("base") else None
    rule.method = str(doc["method"]).upper() if doc.get("method") else None
    rule.path_contains = str(doc["path_contains"]) if doc.get("path_contains") else None
    return rule


@dataclass(frozen=True)
class FaultDecision:
    delay_seconds: float
    terminal: FaultRule | None  # rate_limit, server_error or drop; None lets the request through


class FaultPlan:
    def __init__(self, seed: int | None = None) -> None:
        self._rules: list[FaultRule] = []
        self._random = random.Random(seed)
        self._lock = threading.Lock()

    def add(self, docs: list[Any]) -> list[FaultRule]:
        rules = [parse_rule(doc) for doc in docs]
        with self._lock:
            self._rules.extend(rules)
        return rules

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def describe(self) -> list[dict[str, Any]]:
        with self._lock:
            return [asdict(rule) for rule in self._rules]

    def decide(self, method: str, path: str, base_id: str | None) -> FaultDecision:
        """Pick the faults for one request: all firing delays add up; the first other rule wins."""
        delay = 0.0
        terminal: FaultRule | None = None
        with self._lock:
            for rule in list(self._rules):
                if rule.kind != "delay" and terminal is not None:
                    continue
                if not rule.matches(method, path, base_id):
                    continue
                if rule.fraction < 1.0 and self._random.random() >= rule.fraction:
                    continue
                if rule.count is not None:
                    rule.count -= 1
                    if rule.count == 0:
                        self._rules.remove(rule)
                if rule.kind == "delay":
                    delay += rule.seconds
                else:
                    terminal = rule
        return FaultDecision(delay, terminal)
