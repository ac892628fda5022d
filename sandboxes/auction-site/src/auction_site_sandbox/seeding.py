"""Create a closed event with buyers, bids and sales from a seed plan."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import structlog

from .models import EventStatus, NewEvent
from .rules.seed_plan import SaleKind, plan_closed_event
from .store import Store

log = structlog.get_logger(__name__)


def seed_closed_event(
    store: Store, lot_count: int, now_local: datetime, seed: int = 7
) -> dict[str, Any]:
    """Create the event, its lots and one sale per lot; return ids and counts by sale kind."""
    if lot_count < 1:
        raise ValueError(f"lot count must be 1 or more (got {lot_count})")
    ended_at = (now_local - timedelta(days=1)).replace(hour=18, minute=30, second=0, microsecond=0)
    event = store.create_event(
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
    plan = plan_closed_event(lot_count, seed)
    buyer_ids: dict[int, int] = {}
    invoice_ids: dict[tuple[int, bool], int] = {}
    counts = {kind.value: 0 for kind in SaleKind}
    for index, planned in enumerate(plan):
        buyer = planned.buyer
        if buyer.number not in buyer_ids:
            buyer_ids[buyer.number] = store.create_buyer(
                buyer.username,
                buyer.first_name,
                buyer.last_name,
                buyer.address,
                buyer.phone,
                buyer.tax_exempt,
            )
        buyer_id = buyer_ids[buyer.number]
        lot_id = store.create_lot(
            event.id,
            {
                "lot_number": planned.lot.lot_number,
                "title": planned.lot.title,
                "subtitle": "",
                "description": f"<b>Description</b>: {planned.lot.title}<br>",
                "category_id": planned.lot.category_id,
                "price_cents": planned.lot.price_cents,
                "quantity": 1,
                "image_urls": [],
                "custom_fields": planned.lot.custom_fields,
            },
            is_draft=False,
            import_report_id=None,
        )
        invoice_id = None
        paid = planned.kind is SaleKind.PAID
        if planned.kind is not SaleKind.UNPAID_WITHOUT_INVOICE:
            key = (buyer_id, paid)
            if key not in invoice_ids:
                invoice_ids[key] = store.create_invoice(event.id, buyer_id, paid)
            invoice_id = invoice_ids[key]
        store.create_sale(
            lot_id,
            buyer_id,
            invoice_id,
            planned.price_cents,
            sold_at=ended_at + timedelta(seconds=30 * index),
            paid=paid,
        )
        counts[planned.kind.value] += 1
    store.set_event_status(event.id, EventStatus.CLOSED)
    log.info("seeded_closed_event", event_id=event.id, lots=lot_count, **counts)
    return {"event_id": event.id, "lots": lot_count, "sales": counts}
