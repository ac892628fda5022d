"""Dead letters can be listed and replayed through the same idempotent handler."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from auction_shared.db import MessagingTables, service_metadata
from auction_shared.dlq import dlq_topics, read_dead_letters, replay
from auction_shared.events import Envelope, FormatRequested, Payload
from auction_shared.messaging import HandlerContext, ServiceRuntime
from auction_shared.settings import ServiceSettings
from support.kafka import eventually, format_request_bytes, produce

pytestmark = pytest.mark.integration


async def test_replay_processes_fixed_message_once(isolated_settings: ServiceSettings) -> None:
    bootstrap = isolated_settings.kafka_bootstrap
    topic = isolated_settings.topic_prefix + FormatRequested.topic
    runtime = ServiceRuntime(isolated_settings, MessagingTables(service_metadata()))
    async with runtime.engine.begin() as connection:
        await connection.execute(text("CREATE TABLE side_effects (event_id text)"))
    broken = True

    async def handler(envelope: Envelope[Payload], ctx: HandlerContext) -> None:
        if broken:
            raise RuntimeError("the warehouses file is missing")
        async with ctx.transaction() as tx:
            await tx.session.execute(
                text("INSERT INTO side_effects (event_id) VALUES (:id)"), {"id": envelope.id}
            )

    async def side_effects() -> int:
        async with runtime.engine.connect() as connection:
            return int(
                (await connection.execute(text("SELECT count(*) FROM side_effects"))).scalar_one()
            )

    runtime.subscribe(FormatRequested, handler)
    async with runtime.running():
        await produce(bootstrap, topic, [format_request_bytes("task-dlq")])

        async def dead_lettered() -> bool:
            return len(await read_dead_letters(bootstrap, [topic + ".dlq"])) == 1

        await eventually(dead_lettered, what="the message in the DLQ")
        letters = await read_dead_letters(bootstrap, dlq_topics(isolated_settings.topic_prefix))
        assert [letter.reason for letter in letters] == ["handler_failed"]
        assert letters[0].original_topic == topic

        broken = False
        assert await replay(bootstrap, letters) == 1

        async def processed() -> bool:
            return await side_effects() == 1

        await eventually(processed, what="the replayed message to be processed")

        processor = runtime.processors[0]
        outcomes: list[str] = []
        original = processor.process

        async def recording(raw):  # type: ignore[no-untyped-def]
            outcome = await original(raw)
            outcomes.append(outcome)
            return outcome

        processor.process = recording  # type: ignore[method-assign]
        await replay(bootstrap, letters)

        async def skipped() -> bool:
            return outcomes == ["duplicate"]

        await eventually(skipped, what="the second replay to be skipped")
    assert await side_effects() == 1
