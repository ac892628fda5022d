"""The S3 server of the stack: versitygw with its posix backend on .state/s3/data."""

from __future__ import annotations

import errno
import os
import signal
import urllib.error
import urllib.request

from .config import HOST, Paths, StackConfig
from .installs import versitygw_binary
from .procs import Component, require_free_port, say, start

HEALTH_PATH = "/health"


def component(paths: Paths) -> Component:
    return Component(
        name="s3",
        title="S3 (versitygw)",
        marker=str(paths.s3 / "data"),
        stop_signal=signal.SIGTERM,
        stop_timeout_s=15.0,
    )


def _supports_xattrs(folder: os.PathLike[str]) -> bool:
    """Return whether the filesystem under `folder` stores user extended attributes."""
    probe = os.path.join(folder, ".xattr-probe")
    with open(probe, "w"):
        pass
    try:
        os.setxattr(probe, "user.auction-stack", b"1")
    except OSError as error:
        if error.errno in (errno.ENOTSUP, errno.EOPNOTSUPP, errno.EPERM):
            return False
        raise
    finally:
        os.unlink(probe)
    return True


def start_s3(config: StackConfig, paths: Paths) -> int:
    """Start versitygw on 127.0.0.1 with the root credentials from the settings."""
    require_free_port(config.s3_port, "S3 (versitygw)", "AUCTION_S3_PORT")
    data = paths.s3 / "data"
    iam = paths.s3 / "iam"
    for folder in (data, iam):
        folder.mkdir(parents=True, exist_ok=True)
    backend = ["posix"]
    if not _supports_xattrs(paths.s3):
        # The posix backend keeps object metadata (content type, ETag, ACLs) in extended
        # attributes; without them it keeps that metadata in a sidecar folder.
        sidecar = paths.s3 / "meta"
        sidecar.mkdir(exist_ok=True)
        say(f"{paths.s3} has no extended attributes; versitygw keeps metadata in {sidecar}")
        backend += ["--sidecar", str(sidecar)]
    backend.append(str(data))
    argv = [
        str(versitygw_binary(paths)),
        "--port",
        f"{HOST}:{config.s3_port}",
        "--iam-dir",
        str(iam),
        "--region",
        config.s3_region,
        "--health",
        HEALTH_PATH,
        "--quiet",
        *backend,
    ]
    # Credentials go through the environment, so they do not show in `ps`.
    env = {
        **os.environ,
        "ROOT_ACCESS_KEY": config.s3_access_key,
        "ROOT_SECRET_KEY": config.s3_secret_key,
    }
    return start(paths, component(paths), argv, env=env, cwd=paths.s3)


def is_healthy(config: StackConfig) -> bool:
    """Return whether versitygw returns 200 from its health endpoint."""
    url = f"http://{HOST}:{config.s3_port}{HEALTH_PATH}"
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False
