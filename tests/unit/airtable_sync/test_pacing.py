"""The pacer on an in-memory slot store, and the paced session on a scripted transport."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
import requests
from requests.adapters import BaseAdapter

from auction_airtable_sync.adapters.airtable import NO_BASE, PacedSession, base_id_of
from auction_airtable_sync.adapters.pacer import MemorySlotStore, Pacer
from auction_airtable_sync.domain.retry import RetryPolicy

BASE = "appAAAAAAAAAAAAAA"
URL = f"https://airtable.test/v0/{BASE}/Inventory"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class ScriptedAdapter(BaseAdapter):
    """Return the next scripted status per request (None raises ConnectionError); log send times."""

    def __init__(self, statuses: list[int | None], clock: FakeClock) -> None:
        super().__init__()
        self.statuses = list(statuses)
        self.clock = clock
        self.sent_at: list[float] = []

    def send(self, request: requests.PreparedRequest, *_: Any, **__: Any) -> requests.Response:  # type: ignore[override]
        self.sent_at.append(self.clock.now)
        status = self.statuses.pop(0)
        if status is None:
            raise requests.ConnectionError("connection reset")
        response = requests.Response()
        response.status_code = status
        response.url = request.url or ""
        response._content = b'{"records": []}'
        response.request = request
        return response

    def close(self) -> None:
        pass


def _session(
    statuses: list[int | None], policy: RetryPolicy | None = None
) -> tuple[PacedSession, ScriptedAdapter, FakeClock, MemorySlotStore]:
    clock = FakeClock()
    store = MemorySlotStore(clock)
    pacer = Pacer(store, 0.2, sleep=clock.sleep)
    session = PacedSession(pacer, policy or RetryPolicy(), sleep=clock.sleep)
    adapter = ScriptedAdapter(statuses, clock)
    session.mount("https://", adapter)
    return session, adapter, clock, store


@pytest.mark.parametrize(
    ("url", "base"),
    [
        (f"https://api.airtable.com/v0/{BASE}/Inventory", BASE),
        (f"https://api.airtable.com/v0/{BASE}/tblAAAAAAAAAAAAAA/listRecords", BASE),
        (f"https://api.airtable.com/v0/meta/bases/{BASE}/tables", BASE),
        (f"http://127.0.0.1:8081/v0/{BASE}", BASE),
        ("https://api.airtable.com/v0/meta/whoami", NO_BASE),
        ("https://api.airtable.com/v0/appShort/Inventory", NO_BASE),
    ],
)
def test_base_id_of(url: str, base: str) -> None:
    assert base_id_of(url) == base


def test_memory_slots_are_spaced() -> None:
    clock = FakeClock()
    store = MemorySlotStore(clock)
    waits = [store.reserve(BASE, 0.2) for _ in range(5)]
    assert waits == pytest.approx([0.0, 0.2, 0.4, 0.6, 0.8])
    assert store.reserve("appBBBBBBBBBBBBBB", 0.2) == 0.0


def test_memory_slots_restart_after_idle() -> None:
    clock = FakeClock()
    store = MemorySlotStore(clock)
    store.reserve(BASE, 0.2)
    clock.now += 10
    assert store.reserve(BASE, 0.2) == 0.0


def test_lock_pushes_next_slot() -> None:
    clock = FakeClock()
    store = MemorySlotStore(clock)
    store.lock(BASE, 30)
    assert store.confirm(BASE, 0.2) == pytest.approx(30)
    assert store.reserve(BASE, 0.2) == pytest.approx(30)
    clock.now += 31
    assert store.confirm(BASE, 0.2) == 0.0


def test_late_send_pushes_next_slot() -> None:
    clock = FakeClock()
    store = MemorySlotStore(clock)
    assert store.reserve(BASE, 0.2) == 0.0
    clock.now += 0.15  # the request went out 150 ms after its slot
    store.confirm(BASE, 0.2)
    assert store.reserve(BASE, 0.2) == pytest.approx(0.2)


@pytest.mark.parametrize(
    ("late_by", "next_wait"),
    [
        (0.0, 0.21),  # on time: the next slot stays 210 ms after this one
        (0.02, 0.19),  # late within half the 50 ms slack: no push
        (0.1, 0.185),  # late: the next slot is 185 ms after the real send
    ],
)
def test_pacer_pushes_only_late_requests(late_by: float, next_wait: float) -> None:
    clock = FakeClock()
    store = MemorySlotStore(clock)

    def oversleep(seconds: float) -> None:
        clock.sleep(seconds + late_by)

    pacer = Pacer(store, 0.21, sleep=oversleep)
    store.reserve(BASE, 0.21)  # an earlier request holds the current slot
    pacer.acquire(BASE)
    assert store.reserve(BASE, 0.21) == pytest.approx(next_wait)


def test_pacer_sleeps_until_slot() -> None:
    clock = FakeClock()
    pacer = Pacer(MemorySlotStore(clock), 0.2, sleep=clock.sleep)
    waited = [pacer.acquire(BASE) for _ in range(3)]
    assert waited == pytest.approx([0.0, 0.2, 0.2])


def test_pacer_reserves_again_after_lock() -> None:
    clock = FakeClock()
    store = MemorySlotStore(clock)
    pacer = Pacer(store, 0.2, sleep=clock.sleep)
    pacer.acquire(BASE)
    store.reserve(BASE, 0.2)  # a slot taken by another request, 0.2 s ahead

    def sleep_and_lock(seconds: float) -> None:
        # Another replica sees a 429 while this request sleeps towards its slot.
        clock.sleep(seconds)
        if len(clock.sleeps) == 1:
            store.lock(BASE, 30)

    pacer = Pacer(store, 0.2, sleep=sleep_and_lock)
    start = clock.now
    pacer.acquire(BASE)
    assert clock.now - start >= 30


def test_session_spaces_requests() -> None:
    session, adapter, _, _ = _session([200, 200, 200, 200, 200, 200])
    for _ in range(6):
        assert session.get(URL).status_code == 200
    gaps = [later - earlier for earlier, later in itertools.pairwise(adapter.sent_at)]
    assert gaps == pytest.approx([0.2] * 5)


def test_session_waits_out_429_lock() -> None:
    session, adapter, _, store = _session([429, 200])
    response = session.get(URL)
    assert response.status_code == 200
    assert adapter.sent_at[1] - adapter.sent_at[0] == pytest.approx(30.0)
    assert store.confirm(BASE, 0.2) == 0.0


def test_session_gives_up_after_max_429() -> None:
    session, adapter, _, _ = _session([429, 429, 429], RetryPolicy(max_rate_limited=2))
    assert session.get(URL).status_code == 429
    assert len(adapter.sent_at) == 3


def test_session_retries_5xx_with_backoff() -> None:
    policy = RetryPolicy(max_retries=3, backoff_seconds=1.0)
    session, adapter, _, _ = _session([503, 502, 200], policy)
    assert session.get(URL).status_code == 200
    assert adapter.sent_at[1] - adapter.sent_at[0] == pytest.approx(1.0)
    assert adapter.sent_at[2] - adapter.sent_at[1] == pytest.approx(2.0)


def test_session_returns_last_5xx_when_retries_run_out() -> None:
    session, adapter, _, _ = _session([500, 500], RetryPolicy(max_retries=1))
    assert session.get(URL).status_code == 500
    assert len(adapter.sent_at) == 2


def test_session_retries_connection_errors() -> None:
    session, adapter, _, _ = _session([None, 200], RetryPolicy(max_retries=2))
    assert session.post(URL, json={"records": []}).status_code == 200
    assert len(adapter.sent_at) == 2


def test_session_raises_last_connection_error() -> None:
    session, _, _, _ = _session([None, None], RetryPolicy(max_retries=1))
    with pytest.raises(requests.ConnectionError):
        session.get(URL)


@pytest.mark.parametrize("status", [401, 403, 404, 422])
def test_session_never_retries_client_errors(status: int) -> None:
    session, adapter, _, _ = _session([status, 200])
    assert session.get(URL).status_code == status
    assert len(adapter.sent_at) == 1
