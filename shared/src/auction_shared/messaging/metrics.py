"""Prometheus metrics of the Kafka plumbing."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

MESSAGES = Counter(
    "auction_messages_total", "Messages handled, by outcome.", ["topic", "group", "outcome"]
)
RETRIES = Counter(
    "auction_handler_retries_total",
    "Handler attempts that failed and were retried.",
    ["topic", "group"],
)
HANDLER_SECONDS = Histogram(
    "auction_handler_duration_seconds",
    "Time spent in one handler attempt.",
    ["topic", "group"],
    buckets=(0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300),
)
CONSUMER_LAG = Gauge(
    "auction_consumer_lag_messages",
    "Messages behind the partition's end offset.",
    ["topic", "partition", "group"],
)
OUTBOX_PUBLISHED = Counter("auction_outbox_published_total", "Outbox rows published to Kafka.")
