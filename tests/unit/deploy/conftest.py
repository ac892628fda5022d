"""Rendered overlays of deploy/k8s, shared by the deploy tests.

Rendering installs kustomize (and validation kubeconform) into .state/bin with `go install` when
they are missing, so the first run on a clean machine needs Go and the Go module proxy.
"""

from __future__ import annotations

from typing import Any

import pytest

from scripts.k8s.tools import ToolError
from scripts.k8s.validate import OVERLAYS, Rendered, render

Resource = dict[str, Any]


@pytest.fixture(scope="session")
def rendered() -> dict[str, Rendered]:
    """Render every overlay once per session; fail with the install or render error."""
    try:
        return {overlay: render(overlay) for overlay in OVERLAYS}
    except ToolError as error:
        pytest.fail(f"cannot render deploy/k8s: {error}", pytrace=False)


@pytest.fixture(scope="session")
def resources(rendered: dict[str, Rendered]) -> dict[str, list[Resource]]:
    return {overlay: result.resources for overlay, result in rendered.items()}
