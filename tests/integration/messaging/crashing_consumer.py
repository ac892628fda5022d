"""A consumer that commits its handler's transaction and then hangs, so the test can kill it
before the Kafka offset is committed. Run by test_messaging.py as its own process."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from sqlalchemy import text

from auction_shared.db import MessagingTables, service_metadata
from auction_shared.events import Envelope, FormatRequested, Payload
from auction_shared.messaging import HandlerContext, ServiceRuntime
from auction_shared.settings import ServiceSettings


async def main() -> None:
    settings = ServiceSettings()
    runtime = ServiceRuntime(settings, MessagingTables(service_metadata(settings.database_schema)))
    marker = Path(os.environ["CRASH_MARKER"])

    async def handle(envelope: Envelope[Payload], ctx: HandlerContext) -> None:
        async with ctx.transaction() as tx:
            await tx.session.execute(
                text("INSERT INTO side_effects (event_id) VALUES (:id)"), {"id": envelope.id}
            )
        marker.write_text("committed")
        await asyncio.sleep(3600)

    runtime.subscribe(FormatRequested, handle)
    async with runtime.running():
        await asyncio.sleep(3600)


if __name__ == "__main__":
    asyncio.run(main())
