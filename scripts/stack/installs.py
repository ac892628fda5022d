"""Downloads of the stack: Debian packages, the versitygw binary and the Kafka jars.

Each step is skipped when its result is already in place, so a second `make up` downloads nothing.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from .config import Paths, StackConfig
from .procs import StackError, run_logged, say

# Go 1.25 is the oldest toolchain that builds versitygw v1.7.0 (its go.mod).
MIN_GO = (1, 25)

KAFKA_POM = """<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by scripts/stack: the runtime jars of one Kafka node, copied from Maven Central. -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.auction.stack</groupId>
  <artifactId>kafka-node</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka_2.13</artifactId>
      <version>{kafka_version}</version>
    </dependency>
    <dependency>
      <groupId>org.apache.logging.log4j</groupId>
      <artifactId>log4j-slf4j-impl</artifactId>
      <version>{log4j_version}</version>
    </dependency>
    <dependency>
      <groupId>org.apache.logging.log4j</groupId>
      <artifactId>log4j-core</artifactId>
      <version>{log4j_version}</version>
    </dependency>
  </dependencies>
</project>
"""


def ensure_debian_packages(config: StackConfig, paths: Paths) -> None:
    """Install the Debian packages of the stack that are missing (apt-get update runs first)."""
    missing = [name for name in config.debian_packages if not _dpkg_installed(name)]
    if not missing:
        return
    if os.geteuid() != 0:
        raise StackError(
            f"Debian packages {', '.join(missing)} are missing and only root can install them: "
            f"run `apt-get update && apt-get install -y {' '.join(missing)}` as root."
        )
    log = paths.log("apt")
    say(f"installing Debian packages {', '.join(missing)} (log: {log})")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    run_logged(["apt-get", "update"], log, "apt-get update", env=env)
    run_logged(["apt-get", "install", "-y", *missing], log, "apt-get install", env=env)


def _dpkg_installed(name: str) -> bool:
    result = subprocess.run(
        ["dpkg-query", "-W", "-f=${Status}", name],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.returncode == 0 and result.stdout.strip().endswith(" installed")


def versitygw_binary(paths: Paths) -> Path:
    return paths.bin / "versitygw"


def ensure_versitygw(config: StackConfig, paths: Paths) -> Path:
    """Build versitygw into .state/bin with `go install`, unless that version is already there."""
    binary = versitygw_binary(paths)
    stamp = paths.bin / "versitygw.version"
    module_at_version = f"{config.versitygw_module}@{config.versitygw_version}"
    if binary.exists() and stamp.exists() and stamp.read_text().strip() == module_at_version:
        return binary
    go = _require_tool("go", "Go 1.25 or newer")
    _check_go_version(go)
    paths.bin.mkdir(parents=True, exist_ok=True)
    log = paths.log("go-install")
    say(f"building {module_at_version} with go install (a few minutes when cold; log: {log})")
    env = {**os.environ, "GOBIN": str(paths.bin)}
    run_logged([go, "install", module_at_version], log, f"go install {module_at_version}", env=env)
    stamp.write_text(module_at_version + "\n")
    return binary


def _check_go_version(go: str) -> None:
    output = subprocess.run([go, "env", "GOVERSION"], capture_output=True, text=True, check=False)
    match = re.match(r"go(\d+)\.(\d+)", output.stdout.strip())
    if match is None:
        raise StackError(f"cannot read the Go version from `go env GOVERSION`: {output.stdout!r}")
    found = (int(match.group(1)), int(match.group(2)))
    if found < MIN_GO:
        raise StackError(
            f"versitygw needs Go {MIN_GO[0]}.{MIN_GO[1]} or newer, found {output.stdout.strip()}"
        )


def ensure_kafka_jars(config: StackConfig, paths: Paths) -> Path:
    """Copy Kafka and its log4j2 binding from Maven Central into .state/kafka/libs."""
    libs = paths.kafka_libs
    stamp = libs / ".resolved"
    expected_stamp = f"kafka_2.13={config.kafka_version} log4j={config.log4j_version}"
    if stamp.exists() and stamp.read_text().strip() == expected_stamp:
        return libs
    mvn = _require_tool("mvn", "Maven")
    paths.kafka.mkdir(parents=True, exist_ok=True)
    pom = paths.kafka / "pom.xml"
    pom.write_text(
        KAFKA_POM.format(kafka_version=config.kafka_version, log4j_version=config.log4j_version)
    )
    if libs.exists():
        shutil.rmtree(libs)
    log = paths.log("maven")
    say(f"copying Kafka {config.kafka_version} jars from Maven Central (log: {log})")
    run_logged(
        [
            mvn,
            "--batch-mode",
            "--no-transfer-progress",
            "--file",
            str(pom),
            "dependency:copy-dependencies",
            "-DincludeScope=runtime",
            f"-DoutputDirectory={libs}",
        ],
        log,
        "mvn dependency:copy-dependencies",
    )
    _check_slf4j_binding(libs)
    stamp.write_text(expected_stamp + "\n")
    return libs


def _check_slf4j_binding(libs: Path) -> None:
    """Fail when the resolved slf4j-api major version does not match the log4j2 binding."""
    apis = sorted(libs.glob("slf4j-api-*.jar"))
    if not apis:
        raise StackError(f"no slf4j-api jar in {libs}: Kafka would log nothing")
    version = apis[0].name.removeprefix("slf4j-api-").removesuffix(".jar")
    if not version.startswith("1."):
        raise StackError(
            f"Kafka resolved slf4j-api {version}, but the stack adds log4j-slf4j-impl, the binding "
            "for slf4j 1.x: change it to log4j-slf4j2-impl in scripts/stack/installs.py"
        )


def _require_tool(name: str, what: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise StackError(f"`{name}` is not on PATH: install {what} first")
    return path


def find_java() -> str:
    """Return the java executable: $JAVA_HOME/bin/java when set, else java on PATH."""
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").exists():
        return str(Path(java_home) / "bin" / "java")
    return _require_tool("java", "Java 17 or newer")
