"""Request pacing per Airtable base, shared by every replica through PostgreSQL.

Each request reserves the next free slot of its base with one atomic UPDATE and sleeps until it:
slots are `interval` apart, so all replicas together send at most 1 / interval requests per second
to a base. After a 429 the base's next slot moves past the 30-second lock, and a request whose slot
was reserved before the 429 checks the lock after its sleep and reserves again.

The Airtable client is synchronous (pyairtable on requests) and runs in worker threads, so this
module is synchronous too and uses a synchronous engine.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Protocol

from sqlalchemy import Engine, text

from auction_airtable_sync.adapters.metrics import PACER_WAIT_SECONDS
from auction_shared.logging import get_logger

log = get_logger(__name__)

# Airtable's limit per base.
AIRTABLE_REQUESTS_PER_WINDOW = 5
AIRTABLE_WINDOW_SECONDS = 1.0


class SlotStore(Protocol):
    """Storage of the request slots of each base."""

    def reserve(self, base_id: str, interval_seconds: float) -> float:
        """Reserve the base's next slot; return the seconds until it (0 or more)."""
        ...

    def lock(self, base_id: str, seconds: float) -> None:
        """Block the base for `seconds` from now: no slot is handed out before the lock ends."""
        ...

    def confirm(self, base_id: str, gap_seconds: float) -> float:
        """Mark a request as sent now; return the seconds left of the base's lock (0: none).

        The base's next free slot moves to at least `gap_seconds` from now, so a request that
        goes out later than its slot (a slow wake-up, a busy machine) does not let the requests
        after it bunch up behind it.
        """
        ...


class PostgresSlotStore:
    """Slots in the `base_slots` table; `clock_timestamp()` of the database is the one clock."""

    def __init__(self, engine: Engine, schema: str) -> None:
        self.engine = engine
        self.schema = schema
        table = f'"{schema}".base_slots'
        self._reserve = text(
            f"INSERT INTO {table} AS s (base_id, next_slot) "
            "VALUES (:base_id, clock_timestamp() + :interval) "
            "ON CONFLICT (base_id) DO UPDATE "
            "SET next_slot = greatest(s.next_slot, clock_timestamp()) + :interval "
            "RETURNING extract(epoch FROM s.next_slot - :interval - clock_timestamp())"
        )
        self._lock = text(
            f"INSERT INTO {table} AS s (base_id, next_slot, locked_until) "
            "VALUES (:base_id, clock_timestamp() + :lock, clock_timestamp() + :lock) "
            "ON CONFLICT (base_id) DO UPDATE "
            "SET locked_until = greatest(s.locked_until, clock_timestamp() + :lock), "
            "next_slot = greatest(s.next_slot, clock_timestamp() + :lock)"
        )
        self._confirm = text(
            f"UPDATE {table} "
            "SET next_slot = greatest(next_slot, clock_timestamp() + :interval) "
            "WHERE base_id = :base_id "
            "RETURNING extract(epoch FROM locked_until - clock_timestamp())"
        )

    def reserve(self, base_id: str, interval_seconds: float) -> float:
        with self.engine.begin() as connection:
            wait = connection.execute(
                self._reserve,
                {"base_id": base_id, "interval": timedelta(seconds=interval_seconds)},
            ).scalar_one()
        return max(0.0, float(wait))

    def lock(self, base_id: str, seconds: float) -> None:
        with self.engine.begin() as connection:
            connection.execute(self._lock, {"base_id": base_id, "lock": timedelta(seconds=seconds)})

    def confirm(self, base_id: str, gap_seconds: float) -> float:
        with self.engine.begin() as connection:
            remaining = connection.execute(
                self._confirm,
                {"base_id": base_id, "interval": timedelta(seconds=gap_seconds)},
            ).scalar()
        return max(0.0, float(remaining)) if remaining is not None else 0.0


class MemorySlotStore:
    """Slots in this process only: for unit tests, the benchmark and a single replica."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._mutex = threading.Lock()
        self._next_slot: dict[str, float] = {}
        self._locked_until: dict[str, float] = {}

    def reserve(self, base_id: str, interval_seconds: float) -> float:
        with self._mutex:
            now = self._clock()
            slot = max(self._next_slot.get(base_id, now), now)
            self._next_slot[base_id] = slot + interval_seconds
            return slot - now

    def lock(self, base_id: str, seconds: float) -> None:
        with self._mutex:
            until = self._clock() + seconds
            self._locked_until[base_id] = max(self._locked_until.get(base_id, until), until)
            self._next_slot[base_id] = max(self._next_slot.get(base_id, until), until)

    def confirm(self, base_id: str, gap_seconds: float) -> float:
        with self._mutex:
            now = self._clock()
            self._next_slot[base_id] = max(self._next_slot.get(base_id, now), now + gap_seconds)
            return max(0.0, self._locked_until.get(base_id, 0.0) - now)


class Pacer:
    """Waits for a request slot of a base; blocks a base after a 429."""

    def __init__(
        self,
        store: SlotStore,
        interval_seconds: float,
        *,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._store = store
        self.interval_seconds = interval_seconds
        # Airtable counts 5 requests per second. Slots `interval` apart put 5 intervals between a
        # request and the fifth one after it; whatever exceeds 1 s there is slack. A request may
        # go out late by half the slack before it pushes the next slot, so on-time requests add
        # no drift and late ones still leave the other half. At the 200 ms floor it always pushes.
        slack = max(0.0, AIRTABLE_REQUESTS_PER_WINDOW * interval_seconds - AIRTABLE_WINDOW_SECONDS)
        self._confirm_gap = interval_seconds - slack / 2
        self._sleep = sleep

    def acquire(self, base_id: str) -> float:
        """Block until this request may be sent to `base_id`; return the seconds waited."""
        waited = 0.0
        while True:
            wait = self._store.reserve(base_id, self.interval_seconds)
            if wait > 0:
                self._sleep(wait)
                waited += wait
            # A 429 seen by any replica after this slot was reserved locks the base: the slot
            # falls inside the lock, so reserve again (it lands after the lock ends).
            if self._store.confirm(base_id, self._confirm_gap) <= 0:
                PACER_WAIT_SECONDS.labels(base=base_id).observe(waited)
                return waited

    def block(self, base_id: str, seconds: float) -> None:
        """Keep every replica off `base_id` for `seconds`."""
        self._store.lock(base_id, seconds)
        log.warning("airtable_base_locked", base_id=base_id, lock_seconds=seconds)
