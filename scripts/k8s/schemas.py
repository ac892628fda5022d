"""Kubernetes JSON schemas for offline validation, unpacked from the PyPI package kubernetes-validate.

kubeconform downloads its schemas from GitHub by default, which CI cannot reach. The wheel of
kubernetes-validate ships the JSON schemas of Kubernetes 1.25 to 1.37, generated from the
Kubernetes OpenAPI document, as one file per kind plus a shared `_definitions.json`. Its files
reference the definitions by the absolute path `/api/_definitions.json` under an `https://` id, so
a validator would try to fetch them; unpacking rewrites those references to the sibling file and
drops the id. The layout then matches kubeconform's default file names.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from .tools import STATE_DIR, ToolError, run_checked

SCHEMA_PACKAGE = "kubernetes-validate"
SCHEMA_PACKAGE_VERSION = "1.37.0"
# sha256 of kubernetes_validate-1.37.0-py3-none-any.whl on PyPI.
SCHEMA_PACKAGE_SHA256 = "85136d018a27b50ec7fc049d902bfa5193f5976807e6c0f408e3ab6fe078cad9"

SCHEMAS_DIR = STATE_DIR / "k8s-schemas"
INSTALL_TIMEOUT_SECONDS = 300.0

_ABSOLUTE_REF = '"/api/_definitions.json#'
_RELATIVE_REF = '"_definitions.json#'


def schema_dir(kubernetes_version: str) -> Path:
    """Name the folder of one Kubernetes version's strict schemas, as kubeconform expects it."""
    return SCHEMAS_DIR / f"v{kubernetes_version}-standalone-strict"


def location_template() -> str:
    """Return kubeconform's `-schema-location` for the unpacked schemas."""
    return str(
        SCHEMAS_DIR
        / "{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}"
        / "{{ .ResourceKind }}{{ .KindSuffix }}.json"
    )


def ensure_schemas(kubernetes_versions: tuple[str, ...]) -> Path:
    """Unpack the strict schemas of each version that is not in .state/k8s-schemas yet."""
    missing = [
        v for v in kubernetes_versions if not (schema_dir(v) / "_definitions.json").is_file()
    ]
    if not missing:
        return SCHEMAS_DIR
    with tempfile.TemporaryDirectory(prefix="k8s-schemas-") as scratch:
        package_dir = _install_package(Path(scratch))
        for version in missing:
            source = package_dir / "kubernetes-json-schema" / f"v{version}-local-strict"
            if not source.is_dir():
                known = sorted(p.name for p in (package_dir / "kubernetes-json-schema").iterdir())
                raise ToolError(
                    f"{SCHEMA_PACKAGE} {SCHEMA_PACKAGE_VERSION} has no schemas for Kubernetes "
                    f"{version}; it ships {', '.join(known)}"
                )
            _unpack(source, schema_dir(version))
    return SCHEMAS_DIR


def _install_package(target: Path) -> Path:
    """Install the pinned wheel into `target` with uv, checking its hash, and return its package."""
    uv = shutil.which("uv")
    if uv is None:
        raise ToolError(
            f"uv is not on PATH to fetch {SCHEMA_PACKAGE} {SCHEMA_PACKAGE_VERSION}: run `make venv`"
        )
    requirements = target / "requirements.txt"
    requirements.write_text(
        f"{SCHEMA_PACKAGE}=={SCHEMA_PACKAGE_VERSION} --hash=sha256:{SCHEMA_PACKAGE_SHA256}\n"
    )
    command = [
        uv,
        "pip",
        "install",
        "--no-deps",
        "--require-hashes",
        "--target",
        str(target / "site"),
        "-r",
        str(requirements),
    ]
    run_checked(
        command,
        INSTALL_TIMEOUT_SECONDS,
        on_timeout="check that PyPI is reachable, then run it again",
    )
    return target / "site" / "kubernetes_validate"


def _unpack(source: Path, destination: Path) -> None:
    """Copy one version's schemas with local references; the folder appears only when complete."""
    partial = destination.with_name(destination.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    for path in source.glob("*.json"):
        document = json.loads(path.read_text().replace(_ABSOLUTE_REF, _RELATIVE_REF))
        document.pop("$id", None)
        (partial / path.name).write_text(json.dumps(document))
    shutil.rmtree(destination, ignore_errors=True)
    partial.rename(destination)
