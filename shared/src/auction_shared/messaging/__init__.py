"""Kafka plumbing: idempotent consumers with retries and a DLQ, and the transactional outbox."""

from auction_shared.messaging.consumer import (
    AlreadyProcessed,
    Handler,
    HandlerContext,
    MessageProcessor,
    RawMessage,
    RejectedRequest,
    Transaction,
)
from auction_shared.messaging.outbox import OutboxRelay, OutboxWriter
from auction_shared.messaging.runtime import ServiceRuntime

__all__ = [
    "AlreadyProcessed",
    "Handler",
    "HandlerContext",
    "MessageProcessor",
    "OutboxRelay",
    "OutboxWriter",
    "RawMessage",
    "RejectedRequest",
    "ServiceRuntime",
    "Transaction",
]
