"""Every overlay renders and validates offline against the Kubernetes JSON schemas."""

from __future__ import annotations

import pytest

from scripts.k8s.tools import ToolError
from scripts.k8s.validate import KUBERNETES_VERSIONS, OVERLAYS, Rendered, kubeconform

# From empty Go caches the first run takes about 140 s on a shared 2-core machine (mostly
# compiling kustomize), and each tool install is bounded by 300 s.
pytestmark = pytest.mark.timeout(900)


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize("overlay", OVERLAYS)
def test_overlay_valid_for_kubernetes(
    rendered: dict[str, Rendered], overlay: str, version: str
) -> None:
    try:
        result = kubeconform(rendered[overlay], version)
    except ToolError as error:
        pytest.fail(f"cannot run kubeconform: {error}", pytrace=False)
    assert result.returncode == 0, (
        f"{overlay} is invalid for Kubernetes {version}:\n{result.stdout}{result.stderr}"
    )
    # kubeconform skips nothing: a kind without a schema fails instead.
    assert "Skipped: 0" in result.stdout, result.stdout


BROKEN_DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: broken
spec:
  selector:
    matchLabels: {app: broken}
  template:
    metadata:
      labels: {app: broken}
    spec:
      containers:
        - name: broken
          image: broken:1
          ports:
            - containerPort: "8000"
          livenessProbe:
            httpGet: {path: /healthz, port: http}
            periodSecond: 10
"""


def test_kubeconform_rejects_invalid_deployment() -> None:
    """The offline schemas are real: a wrong type and an unknown field both fail."""
    try:
        result = kubeconform(Rendered("broken", BROKEN_DEPLOYMENT), KUBERNETES_VERSIONS[0])
    except ToolError as error:
        pytest.fail(f"cannot run kubeconform: {error}", pytrace=False)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "containerPort" in output
    assert "periodSecond" in output
