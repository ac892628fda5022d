"""Deployments, migration Jobs, autoscalers and disruption budgets of every overlay."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import yaml

from auction_shared.events.models import Payload
from auction_shared.messaging import ServiceRuntime
from auction_shared.topics import all_topics
from scripts.k8s.validate import K8S_DIR

from .conftest import Resource

pytestmark = pytest.mark.timeout(900)

SERVICES = ("gateway", "formatter", "images", "airtable-sync", "hibid-bot")
SERVICE_OVERLAYS = ("overlays/dev", "overlays/prod")
# AUCTION_SHUTDOWN_TIMEOUT_SECONDS bounds each of three steps after SIGTERM: HTTP connections
# (auction_shared.service), then the outbox relay and the Kafka consumers (messaging.runtime).
SHUTDOWN_STEPS = 3
CASES = [(overlay, service) for overlay in SERVICE_OVERLAYS for service in SERVICES]


def find(resources: list[Resource], kind: str, name: str) -> Resource:
    matches = [r for r in resources if r["kind"] == kind and r["metadata"]["name"] == name]
    assert len(matches) == 1, f"expected one {kind} {name}, found {len(matches)}"
    return matches[0]


def find_config_map(resources: list[Resource], prefix: str) -> Resource:
    """Return the generated ConfigMap whose name is `prefix` plus kustomize's hash suffix."""
    matches = [
        r
        for r in resources
        if r["kind"] == "ConfigMap" and r["metadata"]["name"].rsplit("-", 1)[0] == prefix
    ]
    assert len(matches) == 1, f"expected one ConfigMap {prefix}-<hash>, found {len(matches)}"
    return matches[0]


def pod_templates(resources: list[Resource]) -> list[tuple[str, dict[str, Any]]]:
    """Return (kind/name, pod spec) of every workload that creates pods."""
    kinds = {"Deployment", "StatefulSet", "Job", "DaemonSet"}
    return [
        (f"{r['kind']}/{r['metadata']['name']}", r["spec"]["template"]["spec"])
        for r in resources
        if r["kind"] in kinds
    ]


def shutdown_seconds(resources: list[Resource]) -> float:
    common = find_config_map(resources, "auction-common")
    return float(common["data"]["AUCTION_SHUTDOWN_TIMEOUT_SECONDS"])


def container_env(container: dict[str, Any]) -> dict[str, Any]:
    return {entry["name"]: entry for entry in container.get("env", [])}


def topic_partitions(overlay: str, resources: list[Resource]) -> dict[str, int]:
    """Return the partitions of each topic that the overlay provisions."""
    if overlay == "overlays/prod":
        text = (K8S_DIR / "overlays/prod/kafka-topics/topics.yaml").read_text()
        return {
            doc["spec"]["topicName"]: doc["spec"]["partitions"]
            for doc in yaml.safe_load_all(text)
            if doc
        }
    provision = find(resources, "Job", "provision")
    env = container_env(provision["spec"]["template"]["spec"]["containers"][0])
    partitions = int(env["AUCTION_TOPIC_PARTITIONS"]["value"])
    return dict.fromkeys(all_topics(), partitions)


@pytest.mark.parametrize(("overlay", "service"), CASES)
def test_deployment_probes_and_port(
    resources: dict[str, list[Resource]], overlay: str, service: str
) -> None:
    deployment = find(resources[overlay], "Deployment", service)
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    assert [p["name"] for p in container["ports"]] == ["http"]
    config = find_config_map(resources[overlay], f"{service}-config")
    assert container["ports"][0]["containerPort"] == int(config["data"]["AUCTION_HTTP_PORT"])
    expected_paths = {
        "startupProbe": "/healthz",
        "livenessProbe": "/healthz",
        "readinessProbe": "/readyz",
    }
    for probe, path in expected_paths.items():
        assert container[probe]["httpGet"]["path"] == path, probe
        assert container[probe]["httpGet"]["port"] == "http", probe
    assert container["command"] == [f"auction-{service}", "serve"]


@pytest.mark.parametrize(("overlay", "service"), CASES)
def test_deployment_resources_and_rollout(
    resources: dict[str, list[Resource]], overlay: str, service: str
) -> None:
    deployment = find(resources[overlay], "Deployment", service)
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    for bound in ("requests", "limits"):
        assert set(container["resources"][bound]) >= {"cpu", "memory"}, bound
    rolling = deployment["spec"]["strategy"]["rollingUpdate"]
    assert rolling["maxUnavailable"] == 0
    assert "replicas" not in deployment["spec"], "the HorizontalPodAutoscaler owns the count"


@pytest.mark.parametrize(("overlay", "service"), CASES)
def test_deployment_grace_period_covers_shutdown(
    resources: dict[str, list[Resource]], overlay: str, service: str
) -> None:
    pod = find(resources[overlay], "Deployment", service)["spec"]["template"]["spec"]
    container = pod["containers"][0]
    pre_stop = container.get("lifecycle", {}).get("preStop", {}).get("exec", {}).get("command")
    pause = float(pre_stop[1]) if pre_stop else 0.0
    needed = pause + SHUTDOWN_STEPS * shutdown_seconds(resources[overlay])
    assert pod["terminationGracePeriodSeconds"] > needed


@pytest.mark.parametrize(("overlay", "service"), CASES)
def test_deployment_security_context(
    resources: dict[str, list[Resource]], overlay: str, service: str
) -> None:
    pod = find(resources[overlay], "Deployment", service)["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert pod["automountServiceAccountToken"] is False
    assert pod["serviceAccountName"] == service
    assert pod["securityContext"]["runAsNonRoot"] is True
    # The image's user is a name; the kubelet verifies runAsNonRoot only with a numeric uid.
    assert pod["securityContext"]["runAsUser"] == 10001
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    tmp_mounts = [m for m in container["volumeMounts"] if m["mountPath"] == "/tmp"]
    assert len(tmp_mounts) == 1
    volumes = {v["name"]: v for v in pod["volumes"]}
    assert "emptyDir" in volumes[tmp_mounts[0]["name"]]
    account = find(resources[overlay], "ServiceAccount", service)
    assert account["automountServiceAccountToken"] is False


@pytest.mark.parametrize("overlay", SERVICE_OVERLAYS)
def test_pods_meet_restricted_profile(resources: dict[str, list[Resource]], overlay: str) -> None:
    """Every pod, dev servers included, passes Pod Security Admission's `restricted` profile."""
    templates = pod_templates(resources[overlay])
    assert templates
    for workload, pod in templates:
        pod_context = pod.get("securityContext", {})
        assert pod_context.get("runAsNonRoot") is True, workload
        assert pod_context.get("seccompProfile", {}).get("type") == "RuntimeDefault", workload
        for container in pod.get("initContainers", []) + pod["containers"]:
            where = f"{workload} container {container['name']}"
            context = container.get("securityContext", {})
            assert context.get("allowPrivilegeEscalation") is False, where
            assert context.get("capabilities", {}).get("drop") == ["ALL"], where
            assert "add" not in context.get("capabilities", {}), where
            assert set(container["resources"].get("limits", {})) >= {"cpu", "memory"}, where


@pytest.mark.parametrize(("overlay", "service"), CASES)
def test_migration_job_matches_deployment(
    resources: dict[str, list[Resource]], overlay: str, service: str
) -> None:
    deployment = find(resources[overlay], "Deployment", service)
    job = find(resources[overlay], "Job", f"{service}-migrate")
    server = deployment["spec"]["template"]["spec"]["containers"][0]
    migrate = job["spec"]["template"]["spec"]["containers"][0]
    assert migrate["command"] == [f"auction-{service}", "migrate"]
    assert migrate["image"] == server["image"]
    # The migrate command validates the full settings, so it needs every variable of the server.
    assert container_env(migrate) == container_env(server)
    assert migrate["envFrom"] == server["envFrom"]
    assert job["spec"]["template"]["spec"]["restartPolicy"] == "Never"


@pytest.mark.parametrize(("overlay", "service"), CASES)
def test_image_tag_set(resources: dict[str, list[Resource]], overlay: str, service: str) -> None:
    container = find(resources[overlay], "Deployment", service)["spec"]["template"]["spec"][
        "containers"
    ][0]
    name, _, tag = container["image"].partition(":")
    assert name == f"auction-ops/{service}"
    assert tag not in ("", "latest")


@pytest.mark.parametrize(("overlay", "service"), CASES)
def test_autoscaler_capped_by_partitions(
    resources: dict[str, list[Resource]], overlay: str, service: str
) -> None:
    deployment = find(resources[overlay], "Deployment", service)
    hpa = find(resources[overlay], "HorizontalPodAutoscaler", service)
    assert hpa["apiVersion"] == "autoscaling/v2"
    assert hpa["spec"]["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": service,
    }
    consumed = deployment["metadata"]["annotations"]["auction-ops/consumes"].split(",")
    partitions = topic_partitions(overlay, resources[overlay])
    unknown = [topic for topic in consumed if topic not in partitions]
    assert not unknown, f"{service} names topics that are not provisioned: {unknown}"
    cap = min(partitions[topic] for topic in consumed)
    assert 1 <= hpa["spec"]["minReplicas"] <= hpa["spec"]["maxReplicas"] <= cap


@pytest.mark.parametrize(("overlay", "service"), CASES)
def test_service_and_budget_select_pods(
    resources: dict[str, list[Resource]], overlay: str, service: str
) -> None:
    deployment = find(resources[overlay], "Deployment", service)
    pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
    selector = deployment["spec"]["selector"]["matchLabels"]
    assert selector.items() <= pod_labels.items()
    kube_service = find(resources[overlay], "Service", service)
    assert kube_service["spec"]["selector"] == selector
    assert kube_service["spec"]["ports"][0]["targetPort"] == "http"
    budget = find(resources[overlay], "PodDisruptionBudget", service)
    assert budget["spec"]["selector"]["matchLabels"] == selector
    assert ("minAvailable" in budget["spec"]) != ("maxUnavailable" in budget["spec"])


def build_gateway() -> None:
    from auction_gateway.entrypoint import create_app
    from auction_gateway.settings import GatewaySettings

    create_app(GatewaySettings(environment="development"))


def build_formatter() -> None:
    from auction_formatter.entrypoint import FormatterSettings, create_app

    create_app(FormatterSettings(environment="development", service_name="formatter"))


def build_images() -> None:
    from auction_images.entrypoint import ImagesSettings, create_app

    create_app(ImagesSettings(environment="development", service_name="images"))


def build_airtable_sync() -> None:
    from auction_airtable_sync.entrypoint import build_runtime
    from auction_airtable_sync.settings import AirtableSyncSettings

    build_runtime(AirtableSyncSettings(environment="development"))


def build_hibid_bot() -> None:
    from auction_hibid_bot.entrypoint import create_app
    from auction_hibid_bot.settings import HibidBotSettings

    create_app(HibidBotSettings(environment="development", service_name="hibid-bot"))


# Each service's wiring function. Building one subscribes its handlers without connecting to
# Kafka, PostgreSQL or S3.
BUILDERS: dict[str, Callable[[], None]] = {
    "gateway": build_gateway,
    "formatter": build_formatter,
    "images": build_images,
    "airtable-sync": build_airtable_sync,
    "hibid-bot": build_hibid_bot,
}


@pytest.mark.parametrize("service", SERVICES)
def test_consumes_annotation_matches_code(
    resources: dict[str, list[Resource]], monkeypatch: pytest.MonkeyPatch, service: str
) -> None:
    subscribed: list[str] = []

    def record(
        runtime: ServiceRuntime, model: type[Payload], *args: object, **kwargs: object
    ) -> None:
        subscribed.append(model.topic)

    monkeypatch.setattr(ServiceRuntime, "subscribe", record)
    BUILDERS[service]()
    deployment = find(resources["overlays/prod"], "Deployment", service)
    annotated = deployment["metadata"]["annotations"]["auction-ops/consumes"].split(",")
    assert sorted(annotated) == sorted(subscribed)
