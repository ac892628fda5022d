"""Command line of the local stack: up, down, status, logs, clean, install, provision."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import installs, kafka_node, postgres_cluster, s3_gateway
from .config import (
    REPO_ROOT,
    ConfigError,
    Paths,
    StackConfig,
    connection_settings,
    load_config,
    render_env_file,
)
from .procs import (
    Component,
    StackError,
    failure,
    locked,
    port_open,
    read_pid,
    require_free_port,
    say,
    stop,
    wait_until,
)

# Exit codes of `status --check`.
ALL_HEALTHY, SOME_DOWN, NONE_RUNNING = 0, 1, 3


@dataclass(frozen=True)
class Server:
    """A component with its port, its health check and how to start it."""

    component: Component
    port: int
    port_env: str
    healthy: Callable[[], bool]
    start: Callable[[], int]
    extra_ports: tuple[tuple[int, str], ...] = ()

    def ports(self) -> list[tuple[int, str]]:
        """Return every port the server listens on, with the variable that overrides it."""
        return [(self.port, self.port_env), *self.extra_ports]


def servers(config: StackConfig, paths: Paths) -> list[Server]:
    """List the servers in start order: Kafka first, because its JVM takes longest to come up."""

    def postgres_healthy() -> bool:
        try:
            return postgres_cluster.is_ready(config, paths)
        except StackError:
            return False

    return [
        Server(
            kafka_node.component(paths),
            config.kafka_port,
            "AUCTION_KAFKA_PORT",
            lambda: kafka_node.responds_to_api_versions(config.kafka_port),
            lambda: kafka_node.start_kafka(config, paths),
            extra_ports=((config.kafka_controller_port, "AUCTION_KAFKA_CONTROLLER_PORT"),),
        ),
        Server(
            postgres_cluster.component(paths),
            config.pg_port,
            "AUCTION_PG_PORT",
            postgres_healthy,
            lambda: postgres_cluster.start_postgres(config, paths),
        ),
        Server(
            s3_gateway.component(paths),
            config.s3_port,
            "AUCTION_S3_PORT",
            lambda: s3_gateway.is_healthy(config),
            lambda: s3_gateway.start_s3(config, paths),
        ),
    ]


def default_paths() -> Paths:
    return Paths(state=REPO_ROOT / ".state")


def running_config(paths: Paths) -> StackConfig | None:
    """Return the settings the stack was last started with, if recorded."""
    try:
        return StackConfig.from_json(paths.runtime_file.read_text())
    except (FileNotFoundError, ValueError, TypeError, KeyError):
        return None


def effective_config(paths: Paths) -> StackConfig:
    """Use the recorded settings while any component runs, so status and down find its ports."""
    recorded = running_config(paths)
    if recorded is not None and any(
        read_pid(paths, server.component) for server in servers(recorded, paths)
    ):
        return recorded
    return load_config()


# --- up ----------------------------------------------------------------------------------


def install(config: StackConfig, paths: Paths) -> None:
    """Download what the stack needs; each step is skipped when already done."""
    installs.ensure_debian_packages(config, paths)
    installs.ensure_kafka_jars(config, paths)
    installs.ensure_versitygw(config, paths)


def _require_venv() -> None:
    try:
        import aiokafka  # noqa: F401
        import minio  # noqa: F401
        import psycopg  # noqa: F401
    except ImportError as error:
        raise StackError(
            f"{error.name} is not importable: `up` needs the project's virtual environment. "
            "Run `make up`, which runs `uv sync --frozen` and then this program under `uv run`."
        ) from None


def up(paths: Paths) -> None:
    started_at = time.monotonic()
    config = load_config()
    _require_venv()
    with locked(paths):
        recorded = running_config(paths)
        if recorded is not None and recorded.ports() != config.ports():
            running = [s for s in servers(recorded, paths) if read_pid(paths, s.component)]
            if running:
                names = ", ".join(s.component.title for s in running)
                raise StackError(
                    f"{names} already run with ports {recorded.ports()}, but this run asks for "
                    f"{config.ports()}: run `make down` first"
                )
        install(config, paths)
        paths.run.mkdir(parents=True, exist_ok=True)
        paths.runtime_file.write_text(config.to_json())

        stack = servers(config, paths)
        # Check every port first, so a conflict leaves nothing half-started.
        for server in stack:
            if read_pid(paths, server.component) is None:
                for port, env_name in server.ports():
                    require_free_port(port, server.component.title, env_name)
        for server in stack:
            pid = read_pid(paths, server.component)
            if pid is None:
                pid = server.start()
                say(f"started {server.component.title} on port {server.port} (pid {pid})")
            else:
                say(f"{server.component.title} is already running (pid {pid})")

        kafka, postgres, s3 = stack
        wait_until(paths, postgres.component, postgres.healthy, config.pg_ready_timeout_s)
        postgres_cluster.bootstrap(config, paths)
        wait_until(paths, s3.component, s3.healthy, config.s3_ready_timeout_s)
        wait_until(
            paths,
            kafka.component,
            lambda: port_open(config.kafka_port),
            config.kafka_ready_timeout_s,
        )
        _provision(config, paths, kafka.component)

        settings = connection_settings(config)
        paths.env_file.write_text(render_env_file(settings))
    say(f"ready in {time.monotonic() - started_at:.1f} s; settings in {paths.env_file}")
    print_status(config, paths)


def _provision(config: StackConfig, paths: Paths, kafka: Component) -> None:
    from .provision import Targets, provision_kafka, provision_postgres, provision_s3

    targets = Targets.from_settings(connection_settings(config), config.pg_service_roles)
    provision_postgres(targets, config.pg_ready_timeout_s)
    provision_s3(targets, config.s3_ready_timeout_s)
    try:
        provision_kafka(targets, config.kafka_ready_timeout_s)
    except StackError as error:
        raise failure(paths, kafka, f"did not serve admin requests ({error})") from None


# --- down, status, logs, clean -------------------------------------------------------------


def down(paths: Paths) -> None:
    config = effective_config(paths)
    with locked(paths):
        stopped = [stop(paths, server.component) for server in servers(config, paths)]
        leftovers = [
            server.component.title
            for server in servers(config, paths)
            if read_pid(paths, server.component)
        ]
    if leftovers:
        raise StackError(f"still running after stop: {', '.join(leftovers)}")
    say("stopped" if any(stopped) else "nothing was running")


def print_status(config: StackConfig, paths: Paths) -> int:
    """Print one line per component and return the `status --check` exit code."""
    rows = [("COMPONENT", "STATE", "PORT", "PID", "LOG")]
    running = healthy = 0
    stack = servers(config, paths)
    for server in stack:
        pid = read_pid(paths, server.component)
        if pid is None:
            state = "in use by another program" if port_open(server.port) else "stopped"
        elif server.healthy():
            state = "healthy"
            healthy += 1
        else:
            state = "unhealthy"
        running += pid is not None
        log = server.component.log_paths(paths)[0].relative_to(REPO_ROOT)
        rows.append((server.component.title, state, str(server.port), str(pid or "-"), str(log)))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        line = "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        sys.stdout.write(line.rstrip() + "\n")
    if healthy == len(stack):
        return ALL_HEALTHY
    return NONE_RUNNING if running == 0 else SOME_DOWN


def show_logs(paths: Paths, names: list[str], lines: int, follow: bool) -> None:
    logs = sorted(paths.logs.glob("*.log")) if paths.logs.exists() else []
    if names:
        logs = [log for log in logs if log.stem in names or log.stem.split("-")[0] in names]
    if not logs:
        say(f"no logs in {paths.logs}")
        return
    if follow:
        os.execvp("tail", ["tail", "-n", str(lines), "-F", *map(str, logs)])
    from .procs import tail

    for log in logs:
        sys.stdout.write(f"==> {log.relative_to(REPO_ROOT)} <==\n{tail(log, lines)}\n\n")


def clean(paths: Paths, everything: bool) -> None:
    """Stop the stack and delete its state; downloads stay unless `everything` is set."""
    down(paths)
    with locked(paths):
        postgres_cluster.remove_folder(paths)
        if everything:
            shutil.rmtree(paths.state)
            say(f"removed {paths.state}")
            return
        removable: list[Path] = [
            paths.kafka / "data",
            paths.kafka / "config",
            paths.kafka / "cluster-id",
            paths.s3,
            paths.logs,
            paths.run,
            paths.env_file,
        ]
        for path in removable:
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink(missing_ok=True)
    say(f"removed the stack's data and logs; downloads stay in {paths.bin} and {paths.kafka_libs}")


def provision_from_environment(timeout_s: float) -> None:
    """Provision servers named by AUCTION_* environment variables (the compose `provision` job)."""
    from .provision import Targets, provision_all

    targets = Targets.from_settings(dict(os.environ), load_config().pg_service_roles)
    provision_all(targets, timeout_s)
    say("provisioned Kafka topics, database roles and S3 buckets")


# --- entry point ---------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.stack",
        description="Run the local stack (Kafka, PostgreSQL, S3) without Docker; state in .state/.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("up", help="install what is missing, start and provision the stack")
    commands.add_parser("down", help="stop every component")
    status = commands.add_parser("status", help="print each component with its port and pid")
    status.add_argument(
        "--check",
        action="store_true",
        help="exit 0 when all components are healthy, 3 when none runs, 1 otherwise",
    )
    logs = commands.add_parser("logs", help="print the end of each log")
    logs.add_argument("names", nargs="*", help="components (kafka, postgres, s3, maven, ...)")
    logs.add_argument("-n", "--lines", type=int, default=40, help="lines per log (default 40)")
    logs.add_argument("-f", "--follow", action="store_true", help="keep printing new lines")
    clean_parser = commands.add_parser("clean", help="stop the stack and delete its data and logs")
    clean_parser.add_argument(
        "--all", action="store_true", help="also delete downloads (.state/ entirely)"
    )
    commands.add_parser("install", help="only download and install what the stack needs")
    provision = commands.add_parser(
        "provision",
        help="create topics, roles, schemas and buckets on servers named by AUCTION_* variables",
    )
    provision.add_argument(
        "--timeout", type=float, default=120.0, help="seconds to wait for each server"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    paths = default_paths()
    try:
        if args.command == "up":
            up(paths)
        elif args.command == "down":
            down(paths)
        elif args.command == "status":
            code = print_status(effective_config(paths), paths)
            return code if args.check else 0
        elif args.command == "logs":
            show_logs(paths, args.names, args.lines, args.follow)
        elif args.command == "clean":
            clean(paths, args.all)
        elif args.command == "install":
            with locked(paths):
                install(load_config(), paths)
        elif args.command == "provision":
            provision_from_environment(args.timeout)
    except (StackError, ConfigError) as error:
        sys.stderr.write(f"stack: error: {error}\n")
        return 1
    return 0
