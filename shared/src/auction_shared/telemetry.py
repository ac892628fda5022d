"""OpenTelemetry tracer and meter providers, and trace context carried in Kafka headers.

Exporters are chosen by environment: with `AUCTION_OTLP_ENDPOINT` set, spans go to that OTLP/HTTP
endpoint; otherwise spans are made (so ids reach the logs and Kafka headers) but not exported.
Metrics are exposed for Prometheus by the health app's `/metrics`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from opentelemetry import propagate, trace
from opentelemetry.context import Context
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor, SpanExporter

_configured = False


def configure_telemetry(
    service: str, otlp_endpoint: str = "", *, exporter: SpanExporter | None = None
) -> TracerProvider:
    """Install the global tracer provider once per process; later calls may add an exporter."""
    global _configured
    provider = trace.get_tracer_provider()
    if not _configured or not isinstance(provider, TracerProvider):
        provider = TracerProvider(resource=Resource.create({"service.name": service}))
        trace.set_tracer_provider(provider)
        _configured = True
        if otlp_endpoint:
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            provider.add_span_processor(
                BatchSpanProcessor(
                    OTLPSpanExporter(endpoint=f"{otlp_endpoint.rstrip('/')}/v1/traces")
                )
            )
    if exporter is not None:
        provider.add_span_processor(SimpleSpanProcessor(exporter))
    return provider


def inject_headers(context: Context | None = None) -> list[tuple[str, bytes]]:
    """Return the current trace context as Kafka headers (`traceparent`, `tracestate`)."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier, context=context)
    return [(key, value.encode()) for key, value in carrier.items()]


def extract_context(headers: Mapping[str, str] | Iterable[tuple[str, bytes]]) -> Context:
    """Read a trace context from Kafka headers in either mapping or pair form."""
    if isinstance(headers, Mapping):
        carrier = {key.lower(): value for key, value in headers.items()}
    else:
        carrier = {key.lower(): value.decode(errors="replace") for key, value in headers}
    return propagate.extract(carrier)


def current_traceparent() -> str | None:
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier.get("traceparent")
