"""Install kustomize and kubeconform into .state/bin with `go install`, pinned versions."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
STATE_DIR = REPO_ROOT / ".state"
BIN_DIR = STATE_DIR / "bin"

# From empty Go module and build caches, installing kustomize took about 90 s and kubeconform
# about 20 s on a shared 2-core machine.
INSTALL_TIMEOUT_SECONDS = 300.0


class ToolError(Exception):
    """A tool is missing and cannot be installed. The message names the next step."""


@dataclass(frozen=True)
class GoTool:
    """A command built with `go install <package>@<version>`."""

    name: str
    package: str
    version: str

    @property
    def binary(self) -> Path:
        return BIN_DIR / self.name

    @property
    def version_file(self) -> Path:
        return BIN_DIR / f"{self.name}.version"


# kustomize v5.8.3 needs Go 1.27, so v5.8.2 is the newest release that builds with Go 1.26.
KUSTOMIZE = GoTool("kustomize", "sigs.k8s.io/kustomize/kustomize/v5", "v5.8.2")
KUBECONFORM = GoTool("kubeconform", "github.com/yannh/kubeconform/cmd/kubeconform", "v0.8.0")
TOOLS = (KUSTOMIZE, KUBECONFORM)


def installed(tool: GoTool) -> bool:
    """Tell whether .state/bin contains the pinned version of `tool`."""
    if not tool.binary.is_file() or not tool.version_file.is_file():
        return False
    return tool.version_file.read_text().strip() == tool.version


def ensure_tool(tool: GoTool, timeout_seconds: float = INSTALL_TIMEOUT_SECONDS) -> Path:
    """Return the path of `tool`, installing the pinned version first when it is missing."""
    if installed(tool):
        return tool.binary
    go = shutil.which("go")
    if go is None:
        raise ToolError(
            f"{tool.name} {tool.version} is not in {BIN_DIR} and `go` is not on PATH to build it: "
            f"install Go, or run `go install {tool.package}@{tool.version}` with GOBIN={BIN_DIR}"
        )
    BIN_DIR.mkdir(parents=True, exist_ok=True)
    command = [go, "install", f"{tool.package}@{tool.version}"]
    # GOTOOLCHAIN=local: fail on a too-old Go instead of downloading another toolchain.
    env = {**os.environ, "GOBIN": str(BIN_DIR), "GOTOOLCHAIN": "local", "CGO_ENABLED": "0"}
    run_checked(
        command,
        timeout_seconds,
        env=env,
        on_timeout="check that the Go module proxy is reachable (GOPROXY), then run it again",
    )
    tool.version_file.write_text(tool.version + "\n")
    return tool.binary


def run_bounded(
    command: list[str],
    timeout_seconds: float,
    *,
    stdin_text: str | None = None,
    env: dict[str, str] | None = None,
    on_timeout: str = "run it again",
) -> subprocess.CompletedProcess[str]:
    """Run a command with captured text output, raising ToolError when it times out."""
    try:
        return subprocess.run(
            command,
            input=stdin_text,
            stdin=None if stdin_text is not None else subprocess.DEVNULL,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout_seconds,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise ToolError(
            f"`{_describe(command)}` did not finish within {timeout_seconds:.0f} s: {on_timeout}"
        ) from None


def run_checked(
    command: list[str],
    timeout_seconds: float,
    *,
    env: dict[str, str] | None = None,
    on_timeout: str = "run it again",
) -> subprocess.CompletedProcess[str]:
    """Run a command like run_bounded, and also raise ToolError with its stderr when it fails."""
    result = run_bounded(command, timeout_seconds, env=env, on_timeout=on_timeout)
    if result.returncode != 0:
        raise ToolError(
            f"`{_describe(command)}` failed with exit code {result.returncode}:\n"
            f"{result.stderr.strip()[-2000:]}"
        )
    return result


def _describe(command: list[str]) -> str:
    return " ".join([Path(command[0]).name, *command[1:]])
