"""docker-compose.yml agrees with the local stack's defaults (scripts/stack/defaults.toml)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from auction_shared.settings import ServiceSettings

REPO_ROOT = Path(__file__).resolve().parents[3]
DEFAULTS: dict[str, Any] = tomllib.loads(
    (REPO_ROOT / "scripts" / "stack" / "defaults.toml").read_text()
)
COMPOSE: dict[str, Any] = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())
SERVICES: dict[str, Any] = COMPOSE["services"]
APP_SERVICES: dict[str, Any] = DEFAULTS["services"]
SANDBOXES: dict[str, Any] = DEFAULTS["sandboxes"]
# Variables the compose file sets that ServiceSettings does not read: the stack's own settings.
STACK_ONLY_VARIABLES = {"AUCTION_TOPIC_PARTITIONS", "AUCTION_ADMIN_DATABASE_URL"}


def published(service: str) -> list[tuple[str, int, int]]:
    """Return (host address, host port, container port) of each published port of a service."""
    result = []
    for entry in SERVICES[service].get("ports", []):
        address, host_port, container_port = str(entry).split(":")
        result.append((address, int(host_port), int(container_port)))
    return result


def environment(service: str) -> dict[str, str]:
    return {key: str(value) for key, value in SERVICES[service].get("environment", {}).items()}


def workspace_packages() -> set[str]:
    names = set()
    for pyproject in REPO_ROOT.glob("*/*/pyproject.toml"):
        names.add(tomllib.loads(pyproject.read_text())["project"]["name"])
    names.add(
        tomllib.loads((REPO_ROOT / "shared" / "pyproject.toml").read_text())["project"]["name"]
    )
    return names


def test_compose_lists_every_service_and_sandbox() -> None:
    expected = {"kafka", "postgres", "s3", "provision", *APP_SERVICES, *SANDBOXES}

    assert set(SERVICES) == expected


@pytest.mark.parametrize("service", sorted(set(SERVICES) - {"provision"}))
def test_service_has_healthcheck(service: str) -> None:
    healthcheck = SERVICES[service].get("healthcheck", {})

    assert healthcheck.get("test"), f"{service} has no healthcheck test"
    assert healthcheck["test"][0] == "CMD"


def test_provision_runs_once() -> None:
    provision = SERVICES["provision"]

    assert provision["restart"] == "no"
    assert provision["command"][:4] == ["python", "-m", "scripts.stack", "provision"]


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_ports_bind_loopback_only(service: str) -> None:
    for address, _host, _container in published(service):
        assert address == "127.0.0.1", f"{service} publishes on {address}"


@pytest.mark.parametrize(
    ("service", "section", "key"),
    [("kafka", "kafka", "port"), ("postgres", "postgres", "port"), ("s3", "s3", "port")],
)
def test_infrastructure_ports_match_defaults(service: str, section: str, key: str) -> None:
    port = DEFAULTS[section][key]["default"]

    assert published(service) == [("127.0.0.1", port, port)]


@pytest.mark.parametrize("service", sorted({**APP_SERVICES, **SANDBOXES}))
def test_app_port_matches_defaults(service: str) -> None:
    port = {**APP_SERVICES, **SANDBOXES}[service]["port"]

    assert published(service) == [("127.0.0.1", port, port)]
    assert environment(service)["AUCTION_HTTP_PORT"] == str(port)
    assert environment(service)["AUCTION_HTTP_HOST"] == "0.0.0.0"
    assert str(port) in " ".join(SERVICES[service]["healthcheck"]["test"])


@pytest.mark.parametrize("service", sorted({**APP_SERVICES, **SANDBOXES}))
def test_app_builds_its_workspace_package(service: str) -> None:
    package = {**APP_SERVICES, **SANDBOXES}[service]["package"]
    build = SERVICES[service]["build"]

    assert build["target"] == "service"
    assert build["args"]["PACKAGE"] == package
    assert package in workspace_packages()


def test_sandboxes_are_in_their_profile() -> None:
    for service in SANDBOXES:
        assert SERVICES[service]["profiles"] == ["sandboxes"]
    for service in APP_SERVICES:
        assert "profiles" not in SERVICES[service]


def test_images_pin_stack_versions() -> None:
    kafka_image = SERVICES["kafka"]["image"]

    assert kafka_image == DEFAULTS["kafka"]["docker_image"]
    assert kafka_image.endswith(":" + DEFAULTS["kafka"]["version"])
    assert SERVICES["postgres"]["image"] == DEFAULTS["postgres"]["docker_image"]
    assert (
        SERVICES["s3"]["build"]["args"]["VERSITYGW_VERSION"]
        == (DEFAULTS["s3"]["versitygw_version"])
    )


def test_s3_settings_match_defaults() -> None:
    s3 = DEFAULTS["s3"]
    server = environment("s3")
    for service in [*APP_SERVICES, "provision"]:
        env = environment(service)
        assert env["AUCTION_S3_ACCESS_KEY"] == s3["access_key"]["default"]
        assert env["AUCTION_S3_SECRET_KEY"] == s3["secret_key"]["default"]
        assert env["AUCTION_S3_ENDPOINT"] == f"s3:{s3['port']['default']}"
        assert env["AUCTION_S3_PUBLIC_BUCKET"] == s3["public_bucket"]
        assert env["AUCTION_S3_PRIVATE_BUCKET"] == s3["private_bucket"]
        assert env["AUCTION_S3_REGION"] == s3["region"]

    assert server["ROOT_ACCESS_KEY"] == s3["access_key"]["default"]
    assert server["ROOT_SECRET_KEY"] == s3["secret_key"]["default"]


def test_kafka_settings_match_defaults() -> None:
    kafka = environment("kafka")
    partitions = str(DEFAULTS["kafka"]["topic_partitions"]["default"])

    assert kafka["KAFKA_NUM_PARTITIONS"] == partitions
    assert kafka["KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS"] == "0"
    assert kafka["KAFKA_HEAP_OPTS"].split() == DEFAULTS["kafka"]["jvm_heap"]
    assert (
        f"HOST://127.0.0.1:{DEFAULTS['kafka']['port']['default']}"
        in (kafka["KAFKA_ADVERTISED_LISTENERS"])
    )
    for service in [*APP_SERVICES, "provision"]:
        env = environment(service)
        assert env["AUCTION_KAFKA_BOOTSTRAP"] == "kafka:19092"
        assert env["AUCTION_TOPIC_PARTITIONS"] == partitions


@pytest.mark.parametrize("service", sorted(APP_SERVICES))
def test_service_logs_in_as_own_role(service: str) -> None:
    role = APP_SERVICES[service]["db_role"]
    env = environment(service)
    url = urlsplit(env["AUCTION_DATABASE_URL"])

    assert role in DEFAULTS["postgres"]["service_roles"]
    assert url.scheme == "postgresql+psycopg"
    assert url.username == role
    assert url.password == f"{role}-dev-password"
    assert url.hostname == "postgres"
    assert url.port == DEFAULTS["postgres"]["port"]["default"]
    assert url.path == "/" + DEFAULTS["postgres"]["database"]
    assert env["AUCTION_DATABASE_SCHEMA"] == role


def test_every_service_role_has_a_service() -> None:
    roles = sorted(entry["db_role"] for entry in APP_SERVICES.values())

    assert roles == sorted(DEFAULTS["postgres"]["service_roles"])


def test_admin_credentials_match_defaults() -> None:
    postgres = DEFAULTS["postgres"]
    server = environment("postgres")
    url = urlsplit(environment("provision")["AUCTION_ADMIN_DATABASE_URL"])

    assert server["POSTGRES_USER"] == postgres["admin_role"]
    assert server["POSTGRES_PASSWORD"] == postgres["admin_password"]
    assert server["POSTGRES_DB"] == postgres["database"]
    assert (url.username, url.password) == (postgres["admin_role"], postgres["admin_password"])
    assert url.path == "/" + postgres["database"]


@pytest.mark.parametrize("service", sorted(APP_SERVICES))
def test_service_variables_are_settings(service: str) -> None:
    fields = {f"AUCTION_{name.upper()}" for name in ServiceSettings.model_fields}
    unknown = sorted(set(environment(service)) - fields - STACK_ONLY_VARIABLES)

    assert unknown == []


def test_services_wait_for_provisioning() -> None:
    for service in APP_SERVICES:
        depends = SERVICES[service]["depends_on"]
        assert depends == {"provision": {"condition": "service_completed_successfully"}}
    for dependency in ("kafka", "postgres", "s3"):
        condition = SERVICES["provision"]["depends_on"][dependency]["condition"]
        assert condition == "service_healthy"


@pytest.mark.parametrize("service", sorted(APP_SERVICES))
def test_service_migrates_before_serving(service: str) -> None:
    command = SERVICES[service]["command"]

    assert command[:2] == ["sh", "-c"]
    assert command[2] == "/app/entrypoint migrate && exec /app/entrypoint serve"


def dockerfile_stages() -> dict[str, list[str]]:
    """Return the lines of each named stage of the root Dockerfile."""
    stages: dict[str, list[str]] = {}
    current = ""
    for line in (REPO_ROOT / "Dockerfile").read_text().splitlines():
        if line.startswith("FROM "):
            current = line.split(" AS ")[-1].strip()
            stages[current] = []
        elif current:
            stages[current].append(line)
    return stages


def test_dockerfile_pins_python_base() -> None:
    text = (REPO_ROOT / "Dockerfile").read_text()

    assert "ARG PYTHON_IMAGE=python:3.11." in text
    assert "-slim-bookworm\n" in text


def test_dockerfile_service_runs_as_non_root() -> None:
    service = dockerfile_stages()["service"]
    users = [line.split()[1] for line in service if line.startswith("USER ")]

    assert users == ["app"]
    assert any("useradd" in line for line in service)


def test_dockerfile_syncs_only_one_package() -> None:
    build = " ".join(dockerfile_stages()["build"])

    assert 'uv sync --frozen --no-dev --no-editable --package "${PACKAGE}"' in build


def test_dockerfile_copies_existing_paths() -> None:
    """Every COPY from the build context names a file or folder that exists in the repository."""
    sources: list[str] = []
    for line in (REPO_ROOT / "Dockerfile").read_text().splitlines():
        parts = line.split()
        if not parts or parts[0] != "COPY" or any(part.startswith("--from=") for part in parts):
            continue
        sources.extend(part for part in parts[1:-1] if not part.startswith("--"))

    assert sources
    missing = [source for source in sources if not (REPO_ROOT / source).exists()]
    assert missing == []


def test_dockerfile_pins_every_base_image() -> None:
    """Base images are named by an exact version tag, never `latest` or a bare name."""
    for line in (REPO_ROOT / "Dockerfile").read_text().splitlines():
        if line.startswith("ARG ") and line.endswith(("_IMAGE", "_IMAGE=")):
            raise AssertionError(f"image argument without a default: {line}")
        if line.startswith("ARG ") and "_IMAGE=" in line:
            image = line.split("=", 1)[1]
            tag = image.partition(":")[2]
            assert tag and tag != "latest", line
            assert any(character.isdigit() for character in tag), line
