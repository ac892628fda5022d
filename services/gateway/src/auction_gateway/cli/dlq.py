"""`auctionctl dlq list|show|replay`: dead-lettered messages, read from Kafka directly (for SREs).

These commands do not go through the gateway: they need `--bootstrap` (or AUCTION_KAFKA_BOOTSTRAP)
to reach the brokers, and AUCTION_TOPIC_PREFIX when the topics carry a prefix.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Coroutine, Sequence
from typing import Annotated, Any, TypeVar

import typer
from aiokafka.errors import KafkaError

from auction_gateway.cli.client import EXIT_REJECTED, EXIT_UNAVAILABLE, GatewayError
from auction_gateway.cli.state import console, errors, reports_errors
from auction_shared import dlq
from auction_shared.topics import DLQ_SUFFIX

dlq_app = typer.Typer(
    help="Dead-lettered messages: list, show and replay (talks to Kafka directly).",
    no_args_is_help=True,
)

T = TypeVar("T")

DEFAULT_BOOTSTRAP = "127.0.0.1:9092"
# `show` prints at most this many characters of a value.
MAX_SHOWN_VALUE = 20_000

BootstrapOption = Annotated[
    str,
    typer.Option(envvar="AUCTION_KAFKA_BOOTSTRAP", help="Kafka bootstrap servers, host:port."),
]
PrefixOption = Annotated[
    str, typer.Option(envvar="AUCTION_TOPIC_PREFIX", help="Prefix of every topic name, if any.")
]
TopicOption = Annotated[
    str | None,
    typer.Option(help="Only this topic, e.g. images.ready or images.ready.dlq (without prefix)."),
]
LimitOption = Annotated[int, typer.Option(help="Read at most this many messages.", min=1)]


def register(app: typer.Typer) -> None:
    app.add_typer(dlq_app, name="dlq")
    dlq_app.command("list")(list_letters)
    dlq_app.command("show")(show_letter)
    dlq_app.command("replay")(replay_letters)


@reports_errors
def list_letters(
    bootstrap: BootstrapOption = DEFAULT_BOOTSTRAP,
    prefix: PrefixOption = "",
    topic: TopicOption = None,
    limit: LimitOption = 1000,
) -> None:
    """List the dead letters with their coordinates, reason and time of failure."""
    letters = read(bootstrap, dlq_topic_names(prefix, topic), limit)
    if not letters:
        console.print("No dead letters.", markup=False)
        return
    # One tab-separated line per letter, never wrapped, so coordinates can be copied or grepped.
    console.print("coordinates\toriginal topic\treason\tfailed at\tattempts", soft_wrap=True)
    for letter in letters:
        fields = (
            letter.coordinates,
            letter.original_topic,
            letter.reason,
            letter.headers.get("dlq.failed_at", ""),
            letter.headers.get("dlq.attempts", ""),
        )
        console.print("\t".join(fields), markup=False, soft_wrap=True, highlight=False)
    console.print(f"{len(letters)} dead letters.", markup=False)


@reports_errors
def show_letter(
    coordinates: Annotated[
        str, typer.Argument(help="TOPIC:PARTITION:OFFSET as `dlq list` prints it.")
    ],
    bootstrap: BootstrapOption = DEFAULT_BOOTSTRAP,
    limit: LimitOption = 100_000,
) -> None:
    """Print one dead letter: its headers (the error among them), key and value."""
    topic, partition, offset = parse_coordinates(coordinates)
    letters = read(bootstrap, [topic], limit)
    found = [item for item in letters if (item.partition, item.offset) == (partition, offset)]
    if not found:
        raise GatewayError(
            f"No dead letter at {coordinates}; list them with `auctionctl dlq list`.",
            EXIT_REJECTED,
        )
    letter = found[0]
    console.print(f"coordinates: {letter.coordinates}", markup=False)
    for name, value in sorted(letter.headers.items()):
        console.print(f"{name}: {value}", markup=False)
    console.print(f"key: {decode(letter.key)}", markup=False)
    console.print("value:", markup=False)
    console.print(pretty(letter.value), markup=False, highlight=False)


@reports_errors
def replay_letters(
    bootstrap: BootstrapOption = DEFAULT_BOOTSTRAP,
    prefix: PrefixOption = "",
    topic: TopicOption = None,
    offset: Annotated[
        int | None, typer.Option(help="Only the message at this offset (needs --topic).", min=0)
    ] = None,
    partition: Annotated[int | None, typer.Option(help="Only this partition.", min=0)] = None,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    limit: LimitOption = 1000,
) -> None:
    """Publish dead letters back to their original topics. Fix the cause first."""
    if offset is not None and topic is None:
        raise GatewayError(
            "--offset needs --topic: an offset is only meaningful within one topic.", EXIT_REJECTED
        )
    letters = read(bootstrap, dlq_topic_names(prefix, topic), limit)
    chosen = select(letters, offset=offset, partition=partition)
    if not chosen:
        console.print("No dead letter matches; nothing was replayed.", markup=False)
        return
    for letter in chosen:
        console.print(f"{letter.coordinates} -> {letter.original_topic}", markup=False)
    if not yes and not typer.confirm(f"Replay these {len(chosen)} messages?", default=False):
        errors.print("Nothing was replayed.", markup=False)
        raise typer.Exit(EXIT_REJECTED)
    sent = run(dlq.replay(bootstrap, chosen), bootstrap)
    console.print(f"Replayed {sent} messages.", markup=False)


def dlq_topic_names(prefix: str, topic: str | None) -> list[str]:
    """Return the DLQ topics to read: every one, or the DLQ twin of `topic`."""
    if topic is None:
        return dlq.dlq_topics(prefix)
    name = topic.removeprefix(prefix) if prefix else topic
    if not name.endswith(DLQ_SUFFIX):
        name += DLQ_SUFFIX
    known = {item.removeprefix(prefix) for item in dlq.dlq_topics(prefix)}
    if name not in known:
        raise GatewayError(
            f"Topic {topic!r} is not a topic of the catalogue; use one of "
            f"{', '.join(sorted(item.removesuffix(DLQ_SUFFIX) for item in known))}.",
            EXIT_REJECTED,
        )
    return [prefix + name]


def select(
    letters: Sequence[dlq.DeadLetter], *, offset: int | None, partition: int | None
) -> list[dlq.DeadLetter]:
    return [
        letter
        for letter in letters
        if (offset is None or letter.offset == offset)
        and (partition is None or letter.partition == partition)
    ]


def parse_coordinates(text: str) -> tuple[str, int, int]:
    topic, _, rest = text.rpartition(":")
    topic, _, partition = topic.rpartition(":")
    if not topic or not partition.isdigit() or not rest.isdigit():
        raise GatewayError(
            f"Coordinates {text!r} are invalid; use TOPIC:PARTITION:OFFSET, such as "
            "images.ready.dlq:0:12, as `auctionctl dlq list` prints them.",
            EXIT_REJECTED,
        )
    return topic, int(partition), int(rest)


def read(bootstrap: str, topics: Sequence[str], limit: int) -> list[dlq.DeadLetter]:
    return run(dlq.read_dead_letters(bootstrap, topics, limit=limit), bootstrap)


def run(work: Coroutine[Any, Any, T], bootstrap: str) -> T:
    """Run a Kafka coroutine; raise GatewayError (exit code 3) when Kafka cannot be reached."""
    try:
        return asyncio.run(work)
    except (KafkaError, OSError) as error:
        raise GatewayError(
            f"Cannot reach Kafka at {bootstrap} ({type(error).__name__}: {error}); check "
            "--bootstrap or AUCTION_KAFKA_BOOTSTRAP.",
            EXIT_UNAVAILABLE,
        ) from error


def decode(data: bytes | None) -> str:
    if data is None:
        return "(none)"
    return data.decode(errors="replace")


def pretty(value: bytes | None) -> str:
    """Return the value as indented JSON when it parses, else as text (cut at 20,000 characters)."""
    text = decode(value)
    with contextlib.suppress(json.JSONDecodeError):
        text = json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    if len(text) > MAX_SHOWN_VALUE:
        return text[:MAX_SHOWN_VALUE] + f"\n… ({len(text) - MAX_SHOWN_VALUE} more characters)"
    return text
