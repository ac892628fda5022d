"""The gateway's collaborators, built once by the entry point (or by tests with fakes)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from zoneinfo import ZoneInfo

from auction_gateway.accounts.service import AccountService
from auction_gateway.auth import SessionCookies
from auction_gateway.job_starts import MissingObjectWriter, ObjectWriter
from auction_gateway.live import ChangeSignal
from auction_gateway.outcomes import JobOutcomes, MemoryJobOutcomes
from auction_gateway.repository import UnitOfWorkFactory
from auction_gateway.results import DownloadLinks, SideFiles
from auction_gateway.settings import GatewaySettings
from auction_shared.events.envelope import utc_now


@dataclass
class Gateway:
    settings: GatewaySettings
    unit_of_work: UnitOfWorkFactory
    downloads: DownloadLinks
    side_files: SideFiles
    accounts: AccountService
    cookies: SessionCookies
    changes: ChangeSignal = field(default_factory=ChangeSignal)
    clock: Callable[[], datetime] = utc_now
    # Stores uploaded manifests; the entry point passes the runtime's object store.
    objects: ObjectWriter = field(default_factory=MissingObjectWriter)
    # Completion events of jobs by task id; the entry point passes the PostgreSQL store.
    outcomes: JobOutcomes = field(default_factory=MemoryJobOutcomes)

    @cached_property
    def timezone(self) -> ZoneInfo:
        return ZoneInfo(self.settings.site_timezone)
