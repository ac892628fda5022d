"""Configuration, Secrets, topics, warehouses files and network policies of the overlays."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import auction_airtable_sync.config as airtable_sync_config
import auction_formatter.config.loader as formatter_config
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
    ("folder", "packaged"),
    [
        ("formatter", formatter_config.DEFAULT_WAREHOUSES_PATH),
        ("airtable-sync", airtable_sync_config.PACKAGED_WAREHOUSES_FILE),
    ],
)
def test_base_warehouses_equal_packaged(folder: str, packaged: Path) -> None:
    copy = K8S_DIR / "base" / folder / "warehouses.yaml"
    assert copy.read_text() == packaged.read_text(), f"copy {packaged} to {copy}"


@pytest.mark.parametrize("overlay", SERVICE_OVERLAYS)
def test_warehouses_config_maps_load(
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


@pytest.mark.parametrize(
    ("service", "variable", "config_map"),
    [
        ("formatter", "AUCTION_WAREHOUSES_FILE", "formatter-warehouses"),
        ("airtable-sync", "AUCTION_AIRTABLE_WAREHOUSES_FILE", "airtable-sync-warehouses"),
    ],
)
@pytest.mark.parametrize("overlay", SERVICE_OVERLAYS)
def test_warehouses_file_mounted(
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
