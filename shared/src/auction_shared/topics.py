"""Kafka topics of the event catalogue, one topic per event type, each with a `.dlq` twin.

`python -m auction_shared.topics` prints every topic name, one per line, for provisioning.
"""

from __future__ import annotations

import sys

FORMAT_REQUESTED = "format.requested"
INVENTORY_FETCHED = "inventory.fetched"
IMAGES_READY = "images.ready"
AUCTION_FORMATTED = "auction.formatted"
INVENTORY_IMPORT_REQUESTED = "inventory.import.requested"
INVENTORY_IMPORTED = "inventory.imported"
AUCTION_CREATE_REQUESTED = "auction.create.requested"
AUCTION_CREATED = "auction.created"
UPLOAD_REQUESTED = "upload.requested"
UPLOAD_COMPLETED = "upload.completed"
VOID_REQUESTED = "void.requested"
VOID_COMPLETED = "void.completed"
DEDUPE_REQUESTED = "dedupe.requested"
DEDUPE_COMPLETED = "dedupe.completed"
TASK_STATUS = "task.status"

CATALOGUE: tuple[str, ...] = (
    FORMAT_REQUESTED,
    INVENTORY_FETCHED,
    IMAGES_READY,
    AUCTION_FORMATTED,
    INVENTORY_IMPORT_REQUESTED,
    INVENTORY_IMPORTED,
    AUCTION_CREATE_REQUESTED,
    AUCTION_CREATED,
    UPLOAD_REQUESTED,
    UPLOAD_COMPLETED,
    VOID_REQUESTED,
    VOID_COMPLETED,
    DEDUPE_REQUESTED,
    DEDUPE_COMPLETED,
    TASK_STATUS,
)

DLQ_SUFFIX = ".dlq"


def dlq_topic(topic: str) -> str:
    """Name the dead-letter twin of a topic."""
    return topic + DLQ_SUFFIX


def all_topics() -> list[str]:
    """List every catalogue topic followed by its dead-letter twin."""
    names: list[str] = []
    for topic in CATALOGUE:
        names.extend((topic, dlq_topic(topic)))
    return names


if __name__ == "__main__":
    sys.stdout.write("\n".join(all_topics()) + "\n")
