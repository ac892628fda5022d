"""Settings and generated files of the local stack program (scripts/stack)."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from scripts.stack.config import (
    ConfigError,
    Paths,
    connection_settings,
    load_config,
    parse_env_file,
    render_env_file,
)
from scripts.stack.kafka_node import new_cluster_id, server_properties
from scripts.stack.provision import Targets, libpq_url, public_read_policy


def test_defaults_without_overrides() -> None:
    config = load_config({})

    assert config.ports() == {
        "AUCTION_KAFKA_PORT": 9092,
        "AUCTION_KAFKA_CONTROLLER_PORT": 9093,
        "AUCTION_PG_PORT": 5432,
        "AUCTION_S3_PORT": 9000,
    }
    assert config.topic_partitions == 3
    assert config.pg_service_roles == (
        "gateway",
        "formatter",
        "images",
        "airtable_sync",
        "hibid_bot",
    )


@pytest.mark.parametrize(
    ("variable", "value", "attribute"),
    [
        ("AUCTION_KAFKA_PORT", "19092", "kafka_port"),
        ("AUCTION_KAFKA_CONTROLLER_PORT", "19093", "kafka_controller_port"),
        ("AUCTION_PG_PORT", "15432", "pg_port"),
        ("AUCTION_S3_PORT", "19000", "s3_port"),
        ("AUCTION_TOPIC_PARTITIONS", "6", "topic_partitions"),
    ],
)
def test_integer_override(variable: str, value: str, attribute: str) -> None:
    config = load_config({variable: value})

    assert getattr(config, attribute) == int(value)


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"AUCTION_PG_PORT": "five"}, "AUCTION_PG_PORT='five' is not an integer"),
        ({"AUCTION_S3_PORT": "70000"}, "AUCTION_S3_PORT=70000 is outside 1..65535"),
        ({"AUCTION_TOPIC_PARTITIONS": "0"}, "AUCTION_TOPIC_PARTITIONS=0 is outside 1..1000"),
        ({"AUCTION_S3_PORT": "9092"}, "two components would share a port"),
    ],
)
def test_invalid_override_rejected(environ: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_config(environ)


def test_blank_override_keeps_default() -> None:
    assert load_config({"AUCTION_PG_PORT": "  "}).pg_port == 5432


def test_connection_settings_follow_overrides() -> None:
    config = load_config({"AUCTION_PG_PORT": "15432", "AUCTION_S3_PORT": "19000"})
    settings = connection_settings(config)

    assert settings["AUCTION_GATEWAY_DATABASE_URL"] == (
        "postgresql+psycopg://gateway:gateway-dev-password@127.0.0.1:15432/auction"
    )
    assert settings["AUCTION_HIBID_BOT_DATABASE_URL"] == (
        "postgresql+psycopg://hibid_bot:hibid_bot-dev-password@127.0.0.1:15432/auction"
    )
    assert settings["AUCTION_ADMIN_DATABASE_URL"] == (
        "postgresql+psycopg://auction_admin:auction-admin-dev-password@127.0.0.1:15432/auction"
    )
    assert settings["AUCTION_S3_ENDPOINT"] == "127.0.0.1:19000"
    assert settings["AUCTION_KAFKA_BOOTSTRAP"] == "127.0.0.1:9092"


def test_env_file_round_trip() -> None:
    settings = connection_settings(load_config({}))
    text = render_env_file(settings)

    assert text.startswith("# ")
    assert parse_env_file(text) == settings


def test_provision_targets_from_env_file() -> None:
    config = load_config({})
    targets = Targets.from_settings(connection_settings(config), config.pg_service_roles)

    assert targets.s3_url == "http://127.0.0.1:9000"
    assert targets.public_bucket == "auction-images"
    assert targets.private_bucket == "auction-private"


def test_provision_targets_missing_setting() -> None:
    from scripts.stack.procs import StackError

    with pytest.raises(StackError, match="AUCTION_KAFKA_BOOTSTRAP is missing"):
        Targets.from_settings({}, ("gateway",))


def test_libpq_url_drops_driver() -> None:
    assert libpq_url("postgresql+psycopg://a:b@h:1/d") == "postgresql://a:b@h:1/d"
    assert libpq_url("postgresql://a:b@h:1/d") == "postgresql://a:b@h:1/d"


def test_public_policy_allows_only_get_object() -> None:
    import json

    policy = json.loads(public_read_policy("auction-images"))
    (statement,) = policy["Statement"]

    assert statement["Effect"] == "Allow"
    assert statement["Principal"] == "*"
    assert statement["Action"] == ["s3:GetObject"]
    assert statement["Resource"] == ["arn:aws:s3:::auction-images/*"]


def test_server_properties_single_node(tmp_path: Path) -> None:
    config = load_config({"AUCTION_KAFKA_PORT": "19092", "AUCTION_KAFKA_CONTROLLER_PORT": "19093"})
    text = server_properties(config, Paths(state=tmp_path))
    properties = dict(
        line.split("=", 1) for line in text.splitlines() if line and not line.startswith("#")
    )

    assert properties["process.roles"] == "broker,controller"
    assert properties["controller.quorum.voters"] == "1@127.0.0.1:19093"
    assert properties["listeners"] == "PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093"
    assert properties["advertised.listeners"] == "PLAINTEXT://127.0.0.1:19092"
    assert properties["log.dirs"] == str(tmp_path / "kafka" / "data")
    assert properties["group.initial.rebalance.delay.ms"] == "0"
    for key in (
        "offsets.topic.replication.factor",
        "transaction.state.log.replication.factor",
        "transaction.state.log.min.isr",
        "share.coordinator.state.topic.replication.factor",
        "share.coordinator.state.topic.min.isr",
    ):
        assert properties[key] == "1", key


def test_cluster_id_format() -> None:
    for _ in range(200):
        cluster_id = new_cluster_id()
        assert len(cluster_id) == 22
        assert not cluster_id.startswith("-")
        assert len(base64.urlsafe_b64decode(cluster_id + "==")) == 16


def test_log4j2_config_writes_kafka_log(tmp_path: Path) -> None:
    import xml.etree.ElementTree as ElementTree

    from scripts.stack.kafka_node import log4j2_config

    root = ElementTree.fromstring(log4j2_config(Paths(state=tmp_path)))
    appender = root.find("Appenders/RollingFile")

    assert appender is not None
    assert appender.get("fileName") == str(tmp_path / "logs" / "kafka.log")
    assert root.find("Loggers/Root/AppenderRef") is not None
