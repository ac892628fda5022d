"""Render the kustomize overlays and validate every resource with kubeconform, offline."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from typing import Any

import yaml

from .schemas import ensure_schemas, location_template
from .tools import KUBECONFORM, KUSTOMIZE, REPO_ROOT, ToolError, ensure_tool, run_bounded

K8S_DIR = REPO_ROOT / "deploy" / "k8s"
# Every folder that `kubectl apply -k` is meant to take, relative to deploy/k8s.
OVERLAYS = ("overlays/dev", "overlays/prod", "overlays/prod/kafka-topics")
# Schemas of custom resources (Strimzi's KafkaTopic), named as kubeconform looks them up.
CUSTOM_SCHEMAS_LOCATION = str(K8S_DIR / "schemas" / "{{ .ResourceKind }}{{ .KindSuffix }}.json")
# The oldest and the newest Kubernetes minor versions the manifests are checked against.
KUBERNETES_VERSIONS = ("1.31.0", "1.35.0")
RENDER_TIMEOUT_SECONDS = 60.0
VALIDATE_TIMEOUT_SECONDS = 120.0


@dataclass(frozen=True)
class Rendered:
    """The output of `kustomize build` for one overlay."""

    overlay: str
    text: str

    @property
    def resources(self) -> list[dict[str, Any]]:
        return [doc for doc in yaml.safe_load_all(self.text) if doc]


def render(overlay: str) -> Rendered:
    """Run `kustomize build` on one overlay folder (relative to deploy/k8s)."""
    kustomize = ensure_tool(KUSTOMIZE)
    path = K8S_DIR / overlay
    result = run_bounded([str(kustomize), "build", str(path)], RENDER_TIMEOUT_SECONDS)
    if result.returncode != 0:
        raise ToolError(f"`kustomize build {path}` failed:\n{result.stderr.strip()}")
    return Rendered(overlay, result.stdout)


def kubeconform(rendered: Rendered, kubernetes_version: str) -> subprocess.CompletedProcess[str]:
    """Validate rendered manifests against one Kubernetes version's schemas; never downloads."""
    binary = ensure_tool(KUBECONFORM)
    ensure_schemas((kubernetes_version,))
    command = [
        str(binary),
        "-strict",
        "-summary",
        "-output",
        "text",
        "-kubernetes-version",
        kubernetes_version,
        "-schema-location",
        location_template(),
        "-schema-location",
        CUSTOM_SCHEMAS_LOCATION,
        "-",
    ]
    return run_bounded(command, VALIDATE_TIMEOUT_SECONDS, stdin_text=rendered.text)


def validate_all(
    overlays: tuple[str, ...] = OVERLAYS,
    kubernetes_versions: tuple[str, ...] = KUBERNETES_VERSIONS,
) -> list[str]:
    """Render and validate each overlay for each version; return one message per failure."""
    failures = []
    for overlay in overlays:
        rendered = render(overlay)
        for version in kubernetes_versions:
            result = kubeconform(rendered, version)
            if result.returncode != 0:
                failures.append(
                    f"{overlay} is invalid for Kubernetes {version}:\n"
                    f"{(result.stdout + result.stderr).strip()}"
                )
    return failures
