"""A PostgreSQL cluster owned by the project, run from Debian's binaries.

PostgreSQL refuses to run as root, so under root the server runs as the `postgres` OS user, which
then owns the cluster's folder. Any other user runs the server as itself.
"""

from __future__ import annotations

import hashlib
import os
import pwd
import re
import shutil
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .config import HOST, REPO_ROOT, Paths, StackConfig
from .procs import Component, StackError, as_user, require_free_port, run_logged, say, start

OS_USER = "postgres"
# The superuser role that initdb creates; `bootstrap` connects as it over the local socket.
BOOTSTRAP_ROLE = "postgres"
# Parent folder of the cluster when the postgres user cannot reach .state/, for example in a clone
# under /root (mode 0700). .state/postgres is then a symbolic link into it.
FALLBACK_ROOT = Path("/var/lib/auction-stack")


@dataclass(frozen=True)
class Cluster:
    """Folders of the cluster: `root` is .state/postgres or the folder that link points to."""

    root: Path

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def socket_dir(self) -> Path:
        return self.root / "run"


def _cluster_name(paths: Paths) -> str:
    """Return a cluster_name unique to this checkout; it marks the server's command line."""
    digest = hashlib.sha256(str(paths.state).encode()).hexdigest()[:12]
    return f"auction-stack-{digest}"


def component(paths: Paths) -> Component:
    # SIGINT is PostgreSQL's fast shutdown: it ends client sessions instead of waiting for them.
    # The data folder may move behind a symbolic link (see prepare_folder), so the marker is the
    # cluster_name setting instead.
    return Component(
        name="postgres",
        title="PostgreSQL",
        marker=f"cluster_name={_cluster_name(paths)}",
        stop_signal=signal.SIGINT,
        stop_timeout_s=30.0,
    )


def cluster(paths: Paths) -> Cluster:
    """Return the cluster's folders, following .state/postgres when it is a symbolic link."""
    return Cluster(root=paths.postgres.resolve())


def find_bin_dir() -> Path:
    """Return the newest /usr/lib/postgresql/<version>/bin that contains a server."""
    found: list[tuple[int, Path]] = []
    for candidate in Path("/usr/lib/postgresql").glob("*/bin/postgres"):
        version = candidate.parent.parent.name
        if re.fullmatch(r"\d+", version):
            found.append((int(version), candidate.parent))
    if not found:
        raise StackError(
            "no PostgreSQL server under /usr/lib/postgresql/*/bin: install the Debian package "
            "`postgresql` (make up does this when it runs as root)"
        )
    return max(found)[1]


def server_user() -> str | None:
    """Return the OS user to run the server as: `postgres` under root, else None (this user)."""
    # NOTE: only the root path is exercised by the tests and CI, which run as root.
    return OS_USER if os.geteuid() == 0 else None


def _os_user() -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(OS_USER)
    except KeyError:
        raise StackError(
            f"OS user {OS_USER!r} does not exist: the Debian package `postgresql` creates it"
        ) from None


def _user_can_write(user: str, folder: Path) -> bool:
    result = subprocess.run(["test", "-w", str(folder)], check=False, **as_user(user))
    return result.returncode == 0


def prepare_folder(paths: Paths) -> Cluster:
    """Create the cluster's folder owned by the server's user, falling back outside the repo."""
    if server_user() is None:
        folders = cluster(paths)
        folders.socket_dir.mkdir(parents=True, exist_ok=True)
        return folders
    account = _os_user()
    link = paths.postgres
    if not link.exists() and not link.is_symlink():
        link.mkdir(parents=True)
        os.chown(link, account.pw_uid, account.pw_gid)
        if not _user_can_write(OS_USER, link):
            # The postgres user cannot traverse a parent folder of the repository.
            link.rmdir()
            digest = hashlib.sha256(str(REPO_ROOT).encode()).hexdigest()[:12]
            target = FALLBACK_ROOT / digest
            target.mkdir(parents=True, exist_ok=True)
            os.chmod(FALLBACK_ROOT, 0o755)
            os.chown(target, account.pw_uid, account.pw_gid)
            link.symlink_to(target)
            say(
                f"the {OS_USER} user cannot reach {paths.state}; "
                f"the PostgreSQL cluster lives in {target} ({link} links to it)"
            )
    folders = cluster(paths)
    for folder in (folders.root, folders.socket_dir):
        folder.mkdir(exist_ok=True)
        os.chown(folder, account.pw_uid, account.pw_gid)
    return folders


def remove_folder(paths: Paths) -> None:
    """Delete the cluster, and the fallback folder when .state/postgres links to one."""
    link = paths.postgres
    if link.is_symlink():
        target = link.resolve()
        link.unlink()
        if target.is_relative_to(FALLBACK_ROOT):
            shutil.rmtree(target, ignore_errors=True)
    elif link.exists():
        shutil.rmtree(link)


def start_postgres(config: StackConfig, paths: Paths) -> int:
    """Create the cluster on first use and start the server on 127.0.0.1."""
    require_free_port(config.pg_port, "PostgreSQL", "AUCTION_PG_PORT")
    bin_dir = find_bin_dir()
    folders = prepare_folder(paths)
    if not (folders.data / "PG_VERSION").exists():
        say(f"creating the PostgreSQL cluster in {folders.data}")
        # Local socket connections are trusted because only the server's OS user and root can open
        # the socket (mode 0700). TCP connections need a password.
        run_logged(
            [
                str(bin_dir / "initdb"),
                "--pgdata",
                str(folders.data),
                "--username",
                BOOTSTRAP_ROLE,
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                "--encoding=UTF8",
                "--no-locale",
            ],
            paths.log("postgres-initdb"),
            "initdb",
            user=server_user(),
            cwd=folders.root,
        )
    argv = [
        str(bin_dir / "postgres"),
        "-D",
        str(folders.data),
        "-p",
        str(config.pg_port),
        "-c",
        f"listen_addresses={HOST}",
        "-c",
        f"unix_socket_directories={folders.socket_dir}",
        "-c",
        "unix_socket_permissions=0700",
        "-c",
        "logging_collector=off",
        "-c",
        f"cluster_name={_cluster_name(paths)}",
    ]
    return start(paths, component(paths), argv, user=server_user(), cwd=folders.root)


def is_ready(config: StackConfig, paths: Paths) -> bool:
    """Return whether the server accepts connections on its TCP port (pg_isready)."""
    result = subprocess.run(
        [str(find_bin_dir() / "pg_isready"), "-q", "-h", HOST, "-p", str(config.pg_port)],
        check=False,
    )
    return result.returncode == 0


def bootstrap(config: StackConfig, paths: Paths) -> None:
    """Create the admin superuser and the database over the local socket (idempotent)."""
    admin = config.pg_admin_role
    database = config.pg_database
    password = config.pg_admin_password.replace("'", "''")
    script = f"""
SELECT format('CREATE ROLE %I', '{admin}')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{admin}') \\gexec
ALTER ROLE "{admin}" WITH LOGIN SUPERUSER PASSWORD '{password}';
SELECT format('CREATE DATABASE %I OWNER %I', '{database}', '{admin}')
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '{database}') \\gexec
"""
    folders = cluster(paths)
    psql = [
        str(find_bin_dir() / "psql"),
        "--no-psqlrc",
        "--quiet",
        "--set=ON_ERROR_STOP=1",
        "--host",
        str(folders.socket_dir),
        "--port",
        str(config.pg_port),
        "--username",
        BOOTSTRAP_ROLE,
        "--dbname",
        "postgres",
    ]
    log = paths.log("postgres-setup")
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as handle:
        result = subprocess.run(
            psql,
            input=script.encode(),
            stdout=handle,
            stderr=subprocess.STDOUT,
            cwd=folders.root,
            **as_user(server_user()),
            check=False,
        )
    if result.returncode != 0:
        raise StackError(f"creating the PostgreSQL admin role and database failed. Its log: {log}")
