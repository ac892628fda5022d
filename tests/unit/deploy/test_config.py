"""Configuration, Secrets, topics, warehouses files and network policies of the overlays."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import AliasChoices

import auction_airtable_sync.config as airtable_sync_config
import auction_formatter.config.loader as formatter_config
import auction_hibid_bot.config as hibid_bot_config
from auction_airtable_sync.settings import AirtableSyncSettings
from auction_formatter.entrypoint import FormatterSettings
from auction_gateway.settings import GatewaySettings
from auction_hibid_bot.settings import HibidBotSettings
from auction_images.entrypoint import ImagesSettings
from auction_shared.settings import ServiceSettings
from auction_shared.topics import all_topics
from scripts.k8s.manifests import dev_secrets, topics_yaml
from scripts.k8s.tools import REPO_ROOT
from scripts.k8s.validate import K8S_DIR

from .conftest import Resource
from .test_workloads import SERVICE_OVERLAYS, SERVICES, find, find_config_map, pod_templates

pytestmark = pytest.mark.timeout(900)

RUNBOOK = REPO_ROOT / "docs" / "operations.md"
EXPECTED_ENVIRONMENT = {"overlays/dev": "development", "overlays/prod": "production"}


def secret_refs(resources: list[Resource]) -> set[tuple[str, str]]:
    """Return every (Secret name, key) that a container reads through secretKeyRef."""
    refs = set()
    for _, pod in pod_templates(resources):
        for container in pod.get("initContainers", []) + pod["containers"]:
            for entry in container.get("env", []):
                ref = entry.get("valueFrom", {}).get("secretKeyRef")
                if ref:
                    refs.add((ref["name"], ref["key"]))
    return refs


@pytest.mark.parametrize("overlay", ["overlays/dev", "overlays/prod", "overlays/prod/kafka-topics"])
def test_overlay_renders_no_secret(resources: dict[str, list[Resource]], overlay: str) -> None:
    kinds = {r["kind"] for r in resources[overlay]}
    assert "Secret" not in kinds


@pytest.mark.parametrize("overlay", SERVICE_OVERLAYS)
def test_secret_refs_documented(resources: dict[str, list[Resource]], overlay: str) -> None:
    runbook = RUNBOOK.read_text()
    missing = sorted(
        f"{name}/{key}"
        for name, key in secret_refs(resources[overlay])
        if f"`{name}`" not in runbook or f"`{key}`" not in runbook
    )
    assert not missing, f"Secrets and keys not described in {RUNBOOK.name}: {missing}"


def test_dev_secrets_cover_refs(resources: dict[str, list[Resource]]) -> None:
    provided = {
        (secret["metadata"]["name"], key)
        for secret in dev_secrets()
        for key in secret["stringData"]
    }
    missing = secret_refs(resources["overlays/dev"]) - provided
    assert not missing


@pytest.mark.parametrize("overlay", SERVICE_OVERLAYS)
def test_common_config(resources: dict[str, list[Resource]], overlay: str) -> None:
    data = find_config_map(resources[overlay], "auction-common")["data"]
    assert data["AUCTION_ENVIRONMENT"] == EXPECTED_ENVIRONMENT[overlay]
    assert data["AUCTION_HTTP_HOST"] == "0.0.0.0"
    assert float(data["AUCTION_SHUTDOWN_TIMEOUT_SECONDS"]) > 0
    assert not any("SECRET" in name or "PASSWORD" in name for name in data)


@pytest.mark.parametrize("overlay", SERVICE_OVERLAYS)
def test_config_maps_hold_no_credentials(
    resources: dict[str, list[Resource]], overlay: str
) -> None:
    for config in (r for r in resources[overlay] if r["kind"] == "ConfigMap"):
        for name, value in config.get("data", {}).items():
            where = f"{config['metadata']['name']} {name}"
            assert not any(word in name for word in ("PASSWORD", "TOKEN", "SECRET_KEY")), where
            assert "DATABASE_URL" not in name, where
            assert "-dev-password" not in value, where


def test_topics_file_matches_catalogue() -> None:
    committed = (K8S_DIR / "overlays/prod/kafka-topics/topics.yaml").read_text()
    assert committed == topics_yaml(), (
        "regenerate it: uv run python -m scripts.k8s topics > "
        "deploy/k8s/overlays/prod/kafka-topics/topics.yaml"
    )


def test_kafka_topics_cover_catalogue(resources: dict[str, list[Resource]]) -> None:
    topics = [r for r in resources["overlays/prod/kafka-topics"] if r["kind"] == "KafkaTopic"]
    assert sorted(t["spec"]["topicName"] for t in topics) == sorted(all_topics())
    for topic in topics:
        assert topic["metadata"]["namespace"] == "kafka"
        assert topic["spec"]["replicas"] > topic["spec"]["config"]["min.insync.replicas"]


@pytest.mark.parametrize(
    ("copy", "packaged"),
    [
        ("formatter/warehouses.yaml", formatter_config.DEFAULT_WAREHOUSES_PATH),
        ("airtable-sync/warehouses.yaml", airtable_sync_config.PACKAGED_WAREHOUSES_FILE),
        ("hibid-bot/templates.yaml", hibid_bot_config.DEFAULT_TEMPLATES_PATH),
    ],
)
def test_base_config_files_equal_packaged(copy: str, packaged: Path) -> None:
    path = K8S_DIR / "base" / copy
    assert path.read_text() == packaged.read_text(), f"copy {packaged} to {path}"


@pytest.mark.parametrize("overlay", SERVICE_OVERLAYS)
def test_config_files_load(
    resources: dict[str, list[Resource]], overlay: str, tmp_path: Path
) -> None:
    formatter_file = tmp_path / "formatter.yaml"
    formatter_file.write_text(
        find_config_map(resources[overlay], "formatter-warehouses")["data"]["warehouses.yaml"]
    )
    airtable_file = tmp_path / "airtable-sync.yaml"
    airtable_file.write_text(
        find_config_map(resources[overlay], "airtable-sync-warehouses")["data"]["warehouses.yaml"]
    )
    assert set(formatter_config.load_warehouses(formatter_file).keys) == {"maule", "sahara"}
    assert airtable_sync_config.load_warehouses(airtable_file).ids == ["maule", "sahara"]
    templates_file = tmp_path / "templates.yaml"
    templates_file.write_text(
        find_config_map(resources[overlay], "hibid-bot-templates")["data"]["templates.yaml"]
    )
    assert set(hibid_bot_config.load_templates(templates_file).warehouses) >= {"maule", "sahara"}


@pytest.mark.parametrize(
    ("service", "variable", "config_map"),
    [
        ("formatter", "AUCTION_WAREHOUSES_FILE", "formatter-warehouses"),
        ("airtable-sync", "AUCTION_AIRTABLE_WAREHOUSES_FILE", "airtable-sync-warehouses"),
        ("hibid-bot", "AUCTION_TEMPLATES_FILE", "hibid-bot-templates"),
    ],
)
@pytest.mark.parametrize("overlay", SERVICE_OVERLAYS)
def test_config_file_mounted(
    resources: dict[str, list[Resource]],
    overlay: str,
    service: str,
    variable: str,
    config_map: str,
) -> None:
    path = Path(find_config_map(resources[overlay], f"{service}-config")["data"][variable])
    mounted = find_config_map(resources[overlay], config_map)
    for kind, name in (("Deployment", service), ("Job", f"{service}-migrate")):
        pod = find(resources[overlay], kind, name)["spec"]["template"]["spec"]
        volumes = {v["name"]: v for v in pod["volumes"]}
        mounts = [
            m for m in pod["containers"][0]["volumeMounts"] if m["mountPath"] == str(path.parent)
        ]
        assert len(mounts) == 1, f"{kind} {name} does not mount {path.parent}"
        assert volumes[mounts[0]["name"]]["configMap"]["name"] == mounted["metadata"]["name"]
        assert mounts[0]["readOnly"] is True


def policies_for(resources: list[Resource], labels: dict[str, str]) -> list[Resource]:
    """Return the NetworkPolicies whose podSelector selects a pod with these labels."""
    return [
        policy
        for policy in resources
        if policy["kind"] == "NetworkPolicy" and selects(policy["spec"]["podSelector"], labels)
    ]


def selects(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    for key, value in selector.get("matchLabels", {}).items():
        if labels.get(key) != value:
            return False
    for expression in selector.get("matchExpressions", []):
        present = labels.get(expression["key"])
        if expression["operator"] == "In" and present not in expression["values"]:
            return False
        if expression["operator"] == "NotIn" and present in expression["values"]:
            return False
    return True


def egress_ports(policies: list[Resource]) -> set[int]:
    return {
        port["port"]
        for policy in policies
        for rule in policy["spec"].get("egress", [])
        for port in rule.get("ports", [])
    }


@pytest.mark.parametrize("overlay", SERVICE_OVERLAYS)
def test_network_policies_deny_by_default(
    resources: dict[str, list[Resource]], overlay: str
) -> None:
    deny = find(resources[overlay], "NetworkPolicy", "default-deny-all")
    assert deny["spec"] == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.parametrize("overlay", SERVICE_OVERLAYS)
def test_network_policies_allow_dependencies(
    resources: dict[str, list[Resource]], overlay: str, service: str
) -> None:
    pod_labels = find(resources[overlay], "Deployment", service)["spec"]["template"]["metadata"][
        "labels"
    ]
    ports = egress_ports(policies_for(resources[overlay], pod_labels))
    s3_port = 9000 if overlay == "overlays/dev" else 443
    assert {53, 9092, 5432, s3_port} <= ports
    if service in ("airtable-sync", "hibid-bot", "images"):
        assert 443 in ports, f"{service} needs HTTPS to the internet"


@pytest.mark.parametrize("overlay", SERVICE_OVERLAYS)
def test_gateway_ingress_allowed(resources: dict[str, list[Resource]], overlay: str) -> None:
    pod_labels = find(resources[overlay], "Deployment", "gateway")["spec"]["template"]["metadata"][
        "labels"
    ]
    ingress_ports = {
        port["port"]
        for policy in policies_for(resources[overlay], pod_labels)
        for rule in policy["spec"].get("ingress", [])
        for port in rule.get("ports", [])
    }
    assert 8000 in ingress_ports


SETTINGS_CLASSES: dict[str, type[ServiceSettings]] = {
    "gateway": GatewaySettings,
    "formatter": FormatterSettings,
    "images": ImagesSettings,
    "airtable-sync": AirtableSyncSettings,
    "hibid-bot": HibidBotSettings,
}


def settings_variables(service: str) -> set[str]:
    """Return every AUCTION_ variable that the service's settings read."""
    names = {f"AUCTION_{service.upper().replace('-', '_')}_DATABASE_URL"}
    for field_name, field in SETTINGS_CLASSES[service].model_fields.items():
        names.add(f"AUCTION_{field_name.upper()}")
        if isinstance(field.validation_alias, AliasChoices):
            names.update(str(choice) for choice in field.validation_alias.choices)
    if service == "hibid-bot":
        # resolve_account reads one user name and password per warehouse.
        for warehouse in ("MAULE", "SAHARA"):
            names.update(
                {f"AUCTION_SITE_{warehouse}_USERNAME", f"AUCTION_SITE_{warehouse}_PASSWORD"}
            )
    return names


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.parametrize("overlay", SERVICE_OVERLAYS)
def test_variables_known_to_settings(
    resources: dict[str, list[Resource]], overlay: str, service: str
) -> None:
    container = find(resources[overlay], "Deployment", service)["spec"]["template"]["spec"][
        "containers"
    ][0]
    names = {entry["name"] for entry in container.get("env", [])}
    config_maps = {r["metadata"]["name"]: r for r in resources[overlay] if r["kind"] == "ConfigMap"}
    for source in container["envFrom"]:
        names.update(config_maps[source["configMapRef"]["name"]]["data"])
    unknown = sorted(
        name
        for name in names
        if name.startswith("AUCTION_") and name not in settings_variables(service)
    )
    assert not unknown, f"{service} does not read {unknown}"
