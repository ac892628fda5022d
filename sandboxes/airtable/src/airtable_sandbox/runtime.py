"""The sandbox's state and components, created once per app from the configuration."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import structlog

from airtable_sandbox import errors
from airtable_sandbox.config import SandboxConfig
from airtable_sandbox.faults import FaultPlan, parse_rule
from airtable_sandbox.query import RecordLister
from airtable_sandbox.ratelimit import RateLimiter
from airtable_sandbox.requestlog import RequestLog
from airtable_sandbox.schema import Table
from airtable_sandbox.seed import Seed, load_seed_file
from airtable_sandbox.store import BaseState, Store

log = structlog.get_logger(__name__)


class Sandbox:
    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        self.store = Store(config.data_dir)
        self.lister = RecordLister(config.iterator_ttl_seconds)
        self.rate_limiter = RateLimiter(config.rate_limit)
        self.faults = FaultPlan(config.fault_seed)
        self.requests = RequestLog(config.request_log_size)

    def start(self) -> None:
        """Load saved bases, add the seed's bases that are not saved yet, arm the seed's faults."""
        self.store.load()
        self.store.install_seed(self.config.seed, replace=False)
        self.faults.add(list(self.config.faults))

    def reset(self) -> list[str]:
        """Forget all data, faults, counters and locks, then load the seed again.

        The seed file is read again when there is one, so edits to it take effect.
        """
        seed = load_seed_file(self.config.seed_path) if self.config.seed_path else self.config.seed
        self.store.clear()
        self.lister.clear()
        self.rate_limiter.clear()
        self.requests.clear()
        self.faults.clear()
        self.faults.add(list(seed.faults) if self.config.seed_path else list(self.config.faults))
        installed = self.store.install_seed(seed, replace=True)
        log.info("sandbox_reset", bases=installed)
        return installed

    def load_seed(self, seed: Seed) -> list[str]:
        """Create or replace the seed's bases, keeping other bases, and add its faults.

        The fault rules are checked first, so an invalid rule changes nothing.
        """
        for doc in seed.faults:
            parse_rule(doc)
        installed = self.store.install_seed(seed, replace=True)
        self.faults.add(seed.faults)
        return installed

    def base_state(self, base_id: str) -> BaseState:
        state = self.store.bases.get(base_id)
        if state is None:
            raise errors.model_not_found()
        return state

    def table(self, base_id: str, table_key: str) -> tuple[BaseState, Table]:
        state = self.base_state(base_id)
        table = state.base.table(table_key)
        if table is None:
            raise errors.table_not_found(table_key, base_id)
        return state, table

    def attachment_url_builder(self, request_base_url: str) -> Any:
        root = (self.config.public_url or request_base_url).rstrip("/")

        def url_for(meta: dict[str, Any]) -> str:
            return f"{root}/attachments/{meta['id']}/{quote(str(meta['filename']))}"

        return url_for
