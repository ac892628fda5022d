"""Prometheus metrics of the Airtable traffic, labelled by base id."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

AIRTABLE_REQUESTS = Counter(
    "airtable_requests_total",
    "Requests sent to Airtable, by base, HTTP method and status (`error` when no response came).",
    ["base", "method", "status"],
)
AIRTABLE_RATE_LIMITED = Counter(
    "airtable_rate_limited_total",
    "429 responses from Airtable; each one blocks the base for every replica.",
    ["base"],
)
PACER_WAIT_SECONDS = Histogram(
    "airtable_pacer_wait_seconds",
    "Time a request waited for its slot on the base.",
    ["base"],
    buckets=(0, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120),
)
