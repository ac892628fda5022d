"""JSON Schema per event type and an AsyncAPI 3.0 document generated from the payload models."""

from __future__ import annotations

from typing import Any

from auction_shared.events.envelope import Envelope
from auction_shared.events.models import CATALOGUE, Payload


def event_json_schema(model: type[Payload]) -> dict[str, Any]:
    """Return the JSON Schema of the whole envelope carrying `model`."""
    schema = Envelope[model].model_json_schema()  # type: ignore[valid-type]
    schema["title"] = model.event_type()
    schema["description"] = (model.__doc__ or model.event_type()).strip()
    return schema


def asyncapi_document(
    title: str = "Auction operations events", version: str = "1.0.0"
) -> dict[str, Any]:
    """Describe every topic of the catalogue as an AsyncAPI 3.0 channel with one message."""
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for model in CATALOGUE:
        name = model.event_type().replace(".", "_")
        messages[name] = {
            "name": model.event_type(),
            "title": model.__name__,
            "summary": (model.__doc__ or "").strip().splitlines()[0] if model.__doc__ else "",
            "contentType": "application/cloudevents+json",
            "payload": event_json_schema(model),
        }
        channels[model.topic] = {
            "address": model.topic,
            "messages": {name: {"$ref": f"#/components/messages/{name}"}},
        }
        operations[f"publish_{name}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{model.topic}"},
        }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": title,
            "version": version,
            "description": (
                "Events between the auction platform's services. Every message is a CloudEvents 1.0 "
                "JSON object; `taskid` and `traceparent` are extension attributes. Request and result "
                "events are keyed by the site's auction event id, task.status by task id."
            ),
        },
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages},
    }
