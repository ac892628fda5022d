"""Command line: `python -m scripts.k8s validate|topics|dev-secrets`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .manifests import dev_secrets_yaml, topics_yaml
from .tools import ToolError
from .validate import KUBERNETES_VERSIONS, OVERLAYS, validate_all


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.k8s", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    validate = commands.add_parser(
        "validate",
        help="render every overlay with kustomize and validate it offline with kubeconform",
    )
    validate.add_argument(
        "--overlay",
        action="append",
        choices=OVERLAYS,
        help="overlay folder under deploy/k8s; repeat for several (default: all)",
    )
    validate.add_argument(
        "--kubernetes-version",
        action="append",
        help=f"Kubernetes version to validate against, e.g. 1.33.0; repeat for several "
        f"(default: {', '.join(KUBERNETES_VERSIONS)})",
    )
    commands.add_parser("topics", help="print the Strimzi KafkaTopic resources of the catalogue")
    commands.add_parser(
        "dev-secrets",
        help="print the dev overlay's Secrets with the local development credentials",
    )
    arguments = parser.parse_args(argv)

    if arguments.command == "topics":
        sys.stdout.write(topics_yaml())
        return 0
    if arguments.command == "dev-secrets":
        sys.stdout.write(dev_secrets_yaml())
        return 0

    overlays = tuple(arguments.overlay or OVERLAYS)
    versions = tuple(arguments.kubernetes_version or KUBERNETES_VERSIONS)
    try:
        failures = validate_all(overlays, versions)
    except ToolError as error:
        sys.stderr.write(f"k8s: {error}\n")
        return 2
    for failure in failures:
        sys.stderr.write(failure + "\n")
    checked = len(overlays) * len(versions)
    sys.stdout.write(
        f"k8s: {checked - len(failures)} of {checked} overlay renderings valid "
        f"({', '.join(overlays)}; Kubernetes {', '.join(versions)})\n"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
