"""Handlers of the events airtable-sync consumes, and what they share."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction_airtable_sync.adapters.airtable import (
    AirtableClient,
    AirtableError,
    Location,
    iterate_in_thread,
)
from auction_airtable_sync.adapters.repository import DedupeRepository, Repository
from auction_airtable_sync.adapters.snapshots import SnapshotStore
from auction_airtable_sync.config import AirtableWarehouse, Warehouses
from auction_airtable_sync.domain.inventory import page_substage
from auction_shared.messaging import HandlerContext, RejectedRequest
from auction_shared.storage import ObjectStore


@dataclass(frozen=True)
class Dependencies:
    """The adapters every handler uses, built once by the entry point."""

    airtable: AirtableClient
    warehouses: Warehouses
    snapshots: SnapshotStore
    store: ObjectStore
    repository: Repository
    dedupe_plans: DedupeRepository
    sessions: async_sessionmaker[AsyncSession]

    def warehouse(self, warehouse_id: str) -> AirtableWarehouse:
        """Return the warehouse's Airtable locations, or reject the request naming the known ones."""
        warehouse = self.warehouses.get(warehouse_id)
        if warehouse is None:
            known = ", ".join(self.warehouses.ids)
            raise RejectedRequest(
                f"Unknown warehouse {warehouse_id!r}; airtable-sync knows: {known}. "
                "Use one of them, or add the warehouse to the warehouses file."
            )
        return warehouse


@contextmanager
def rejecting_permanent_errors(location: Location) -> Iterator[None]:
    """Turn permanent Airtable errors inside the block into rejections; others propagate.

    A rejection ends the task in ERROR at once, because retrying a bad token or an unknown
    table fails the same way. Rate limits and server errors propagate to the consumer's retries.
    """
    try:
        yield
    except AirtableError as error:
        if error.is_permanent:
            raise rejection_for(error, location) from error
        raise


def rejection_for(error: AirtableError, location: Location) -> RejectedRequest:
    """Turn a permanent Airtable error into a task error that names what to fix."""
    where = location.describe()
    if error.status in (401, 403):
        hint = "check AUCTION_AIRTABLE_TOKEN and the token's access to this base"
    elif error.status == 404:
        hint = "check the base, table and view ids in the warehouses file"
    elif error.status == 422:
        hint = "check that the table has the fields airtable-sync reads and writes"
    else:
        hint = "the request was not retried"
    return RejectedRequest(
        f"Airtable rejected the request on {where}: {error.status} {error.error_type}: "
        f"{error.message}; {hint}."
    )


async def read_all_pages(
    ctx: HandlerContext,
    airtable: AirtableClient,
    location: Location,
    fields: Sequence[str],
    *,
    stage: str,
    progress: Callable[[int], int],
    warehouse: str,
    event_id: str | None = None,
) -> list[dict[str, Any]]:
    """Read every record of a table or view, publishing progress after each page.

    A permanent Airtable error (bad token, unknown table, view or field) rejects the request.
    """
    records: list[dict[str, Any]] = []
    pages = 0
    with rejecting_permanent_errors(location):
        async for page in iterate_in_thread(airtable.iterate_records(location, fields)):
            pages += 1
            records.extend(page)
            await ctx.progress(
                progress(pages),
                stage,
                page_substage(pages, len(records)),
                warehouse=warehouse,
                event_id=event_id,
            )
    return records
