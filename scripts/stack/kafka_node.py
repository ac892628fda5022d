"""One Apache Kafka node in KRaft mode (broker and controller in one JVM) under .state/kafka."""

from __future__ import annotations

import base64
import signal
import socket
import struct
import uuid

from .config import HOST, Paths, StackConfig
from .installs import find_java
from .procs import Component, require_free_port, run_logged, say, start

NODE_ID = 1


def component(paths: Paths) -> Component:
    return Component(
        name="kafka",
        title="Kafka",
        marker=str(paths.kafka / "config" / "server.properties"),
        stop_signal=signal.SIGTERM,
        stop_timeout_s=45.0,
        stdout_log="kafka-stdout",
    )


def server_properties(config: StackConfig, paths: Paths) -> str:
    """Render server.properties of a single combined broker and controller."""
    properties = {
        "process.roles": "broker,controller",
        "node.id": str(NODE_ID),
        "controller.quorum.voters": f"{NODE_ID}@{HOST}:{config.kafka_controller_port}",
        "listeners": (
            f"PLAINTEXT://{HOST}:{config.kafka_port},CONTROLLER://{HOST}:{config.kafka_controller_port}"
        ),
        "advertised.listeners": f"PLAINTEXT://{HOST}:{config.kafka_port}",
        "controller.listener.names": "CONTROLLER",
        "inter.broker.listener.name": "PLAINTEXT",
        "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "log.dirs": str(paths.kafka / "data"),
        "num.partitions": str(config.topic_partitions),
        # One node: every internal topic has one replica.
        "offsets.topic.replication.factor": "1",
        "transaction.state.log.replication.factor": "1",
        "transaction.state.log.min.isr": "1",
        "share.coordinator.state.topic.replication.factor": "1",
        "share.coordinator.state.topic.min.isr": "1",
        "default.replication.factor": "1",
        "min.insync.replicas": "1",
        # Consumers in tests join their group at once instead of after the default 3 s.
        "group.initial.rebalance.delay.ms": "0",
        "auto.create.topics.enable": "false",
        "log.retention.hours": "168",
    }
    lines = ["# Written by scripts/stack on every `make up`; edit defaults.toml instead."]
    lines += [f"{key}={value}" for key, value in properties.items()]
    return "\n".join(lines) + "\n"


def log4j2_config(paths: Paths) -> str:
    """Render a log4j2 configuration that writes the broker's log to .state/logs/kafka.log.

    The file rolls over at 20 MB and keeps three old files (kafka.log.1 to kafka.log.3).
    """
    log_file = paths.log("kafka")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by scripts/stack. -->
<Configuration status="warn">
  <Appenders>
    <RollingFile name="file" fileName="{log_file}" filePattern="{log_file}.%i" append="true">
      <PatternLayout pattern="[%d] %p %m (%c)%n"/>
      <Policies>
        <SizeBasedTriggeringPolicy size="20 MB"/>
      </Policies>
      <DefaultRolloverStrategy max="3"/>
    </RollingFile>
  </Appenders>
  <Loggers>
    <Logger name="kafka" level="info"/>
    <Logger name="org.apache.kafka" level="info"/>
    <Logger name="state.change.logger" level="warn"/>
    <Logger name="kafka.request.logger" level="warn"/>
    <Root level="info">
      <AppenderRef ref="file"/>
    </Root>
  </Loggers>
</Configuration>
"""


def new_cluster_id() -> str:
    """Return a KRaft cluster id: 16 random bytes as unpadded base64url, never starting with '-'."""
    while True:
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not cluster_id.startswith("-"):
            return cluster_id


def _java_argv(config: StackConfig, paths: Paths, main_class: str, *args: str) -> list[str]:
    config_dir = paths.kafka / "config"
    return [
        find_java(),
        *config.kafka_heap,
        "-XX:+UseG1GC",
        "-Djava.awt.headless=true",
        f"-Dlog4j2.configurationFile={config_dir / 'log4j2.xml'}",
        "-cp",
        f"{paths.kafka_libs}/*",
        main_class,
        *args,
    ]


def start_kafka(config: StackConfig, paths: Paths) -> int:
    """Write the configuration, format the storage on first use, and start the node."""
    require_free_port(config.kafka_port, "Kafka", "AUCTION_KAFKA_PORT")
    require_free_port(config.kafka_controller_port, "Kafka", "AUCTION_KAFKA_CONTROLLER_PORT")
    config_dir = paths.kafka / "config"
    config_dir.mkdir(parents=True, exist_ok=True)
    properties = config_dir / "server.properties"
    properties.write_text(server_properties(config, paths))
    (config_dir / "log4j2.xml").write_text(log4j2_config(paths))

    cluster_id_file = paths.kafka / "cluster-id"
    if not cluster_id_file.exists():
        cluster_id_file.write_text(new_cluster_id() + "\n")
    cluster_id = cluster_id_file.read_text().strip()

    if not (paths.kafka / "data" / "meta.properties").exists():
        say(f"formatting Kafka storage for cluster {cluster_id}")
        run_logged(
            _java_argv(
                config,
                paths,
                "kafka.tools.StorageTool",
                "format",
                "--cluster-id",
                cluster_id,
                "--config",
                str(properties),
                "--ignore-formatted",
            ),
            paths.log("kafka-format"),
            "Kafka storage format (kafka.tools.StorageTool)",
        )

    return start(
        paths,
        component(paths),
        _java_argv(config, paths, "kafka.Kafka", str(properties)),
        cwd=paths.kafka,
    )


def responds_to_api_versions(port: int, timeout_s: float = 2.0) -> bool:
    """Send a Kafka ApiVersions v0 request and return whether the broker responded without error.

    `status` uses it because it runs without the project's virtual environment. `up` waits with
    the aiokafka admin client instead.
    """
    correlation_id = 7
    client_id = b"auction-stack"
    body = struct.pack(">hhih", 18, 0, correlation_id, len(client_id)) + client_id
    try:
        with socket.create_connection((HOST, port), timeout=timeout_s) as conn:
            conn.sendall(struct.pack(">i", len(body)) + body)
            header = _read_exactly(conn, 10)
    except OSError:
        return False
    if header is None:
        return False
    answered_id: int
    error_code: int
    _size, answered_id, error_code = struct.unpack(">iih", header)
    return answered_id == correlation_id and error_code == 0


def _read_exactly(conn: socket.socket, count: int) -> bytes | None:
    data = b""
    while len(data) < count:
        chunk = conn.recv(count - len(data))
        if not chunk:
            return None
        data += chunk
    return data
