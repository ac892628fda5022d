"""Handlers of the events airtable-sync consumes, and what they share."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction_airtable_sync.adapters.airtable import AirtableClient, AirtableError, Location
from auction_airtable_sync.adapters.repository import Repository
from auction_airtable_sync.adapters.snapshots import SnapshotStore
from auction_airtable_sync.config import AirtableWarehouse, Warehouses
from auction_shared.messaging import RejectedRequest
from auction_shared.storage import ObjectStore


@dataclass(frozen=True)
class Dependencies:
    """The adapters every handler uses, built once by the entry point."""

    airtable: AirtableClient
    warehouses: Warehouses
    snapshots: SnapshotStore
    store: ObjectStore
    repository: Repository
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
