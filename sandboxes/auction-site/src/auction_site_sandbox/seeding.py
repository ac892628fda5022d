"""Create a closed event with buyers, bids and sales from a seed plan."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import structlog

from .models import Event, EventStatus, NewEvent
from .rules.seed_plan import PlannedBuyer, PlannedSale, SaleKind, plan_closed_event
from .store import Store

log = structlog.get_logger(__name__)


def seed_closed_event(
    store: Store, lot_count: int, now_local: datetime, seed: int = 7
) -> dict[str, Any]:
    """Create the event, its lots and one sale per lot, and return ids and counts by sale kind."""
    if lot_count < 1:
        raise ValueError(f"lot count must be 1 or more (got {lot_count})")
    ended_at = (now_local - timedelta(days=1)).replace(hour=18, minute=30, second=0, microsecond=0)
    event = _create_event(store, ended_at)

    writer = _SaleWriter(store, event)
    counts = {kind.value: 0 for kind in SaleKind}
    for index, planned in enumerate(plan_closed_event(lot_count, seed)):
        writer.write(planned, sold_at=ended_at + timedelta(seconds=30 * index))
        counts[planned.kind.value] += 1

    store.set_event_status(event.id, EventStatus.CLOSED)
    log.info("seeded_closed_event", event_id=event.id, lots=lot_count, **counts)
    return {"event_id": event.id, "lots": lot_count, "sales": counts}


def _create_event(store: Store, ended_at: datetime) -> Event:
    return store.create_event(
        NewEvent(
            title=f"Sandbox Closed Auction Ending {ended_at:%B} {ended_at.day}",
            summary="Seeded by the auction-site sandbox: made-up lots, buyers and sales.",
            description_html="<p><strong>PICKUP ONLY</strong></p>",
            terms_html="<ul><li>Sandbox terms.</li></ul>",
            shipping_html="<p>Pickup only.</p>",
            image_id=None,
            starts_at=ended_at.replace(hour=1, minute=0) - timedelta(days=6),
            ends_at=ended_at,
            lot_closing_interval_seconds=30,
            soft_close_seconds=120,
        ),
        created_by="seed",
    )


class _SaleWriter:
    """Stores planned sales, creating each buyer once and one invoice per buyer and paid state."""

    def __init__(self, store: Store, event: Event) -> None:
        self._store = store
        self._event = event
        self._buyer_ids: dict[int, int] = {}
        self._invoice_ids: dict[tuple[int, bool], int] = {}

    def write(self, planned: PlannedSale, sold_at: datetime) -> None:
        buyer_id = self._buyer_id(planned.buyer)
        lot = planned.lot
        lot_id = self._store.create_lot(
            self._event.id,
            {
                "lot_number": lot.lot_number,
                "title": lot.title,
                "subtitle": "",
                "description": f"<b>Description</b>: {lot.title}<br>",
                "category_id": lot.category_id,
                "price_cents": lot.price_cents,
                "quantity": 1,
                "image_urls": [],
                "custom_fields": lot.custom_fields,
            },
            is_draft=False,
            import_report_id=None,
        )
        for order, bid in enumerate(planned.bids):
            placed_at = sold_at - timedelta(minutes=10 * (len(planned.bids) - order))
            self._store.create_bid(lot_id, self._buyer_id(bid.buyer), bid.amount_cents, placed_at)

        paid = planned.kind is SaleKind.PAID
        invoice_id = None
        if planned.kind is not SaleKind.UNPAID_WITHOUT_INVOICE:
            invoice_id = self._invoice_id(buyer_id, paid)
        self._store.create_sale(lot_id, buyer_id, invoice_id, planned.price_cents, sold_at, paid)

    def _buyer_id(self, buyer: PlannedBuyer) -> int:
        if buyer.number not in self._buyer_ids:
            self._buyer_ids[buyer.number] = self._store.create_buyer(
                buyer.username,
                buyer.first_name,
                buyer.last_name,
                buyer.address,
                buyer.phone,
                buyer.tax_exempt,
            )
        return self._buyer_ids[buyer.number]

    def _invoice_id(self, buyer_id: int, paid: bool) -> int:
        key = (buyer_id, paid)
        if key not in self._invoice_ids:
            self._invoice_ids[key] = self._store.create_invoice(self._event.id, buyer_id, paid)
        return self._invoice_ids[key]
