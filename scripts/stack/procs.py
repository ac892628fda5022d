"""Background processes of the stack: start, identify by pid file, wait for, stop."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import pwd
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .config import HOST, Paths

# Start of the line that `start` appends to a component's logs before each start.
START_BANNER = "=== stack: starting"


class StackError(Exception):
    """A step of the stack failed; the message names the component, the cause and its log."""


def say(message: str) -> None:
    """Print a progress line of the stack program."""
    sys.stdout.write(f"stack: {message}\n")
    sys.stdout.flush()


@dataclass(frozen=True)
class Component:
    """One server of the stack.

    `marker` is a string that only this stack's process has on its command line (a path under
    `.state/`), so a pid that the kernel reused for another program is never taken for ours.
    `log` names the component's main log in .state/logs. `stdout_log` receives the process's
    stdout and stderr. Both default to the component's name, and only Kafka, which writes its own
    log, uses two files.
    """

    name: str
    title: str
    marker: str
    stop_signal: signal.Signals = signal.SIGTERM
    stop_timeout_s: float = 30.0
    log: str = ""
    stdout_log: str = ""

    def log_paths(self, paths: Paths) -> list[Path]:
        """Return the main log, then the stdout log when it is another file."""
        names = dict.fromkeys((self.log or self.name, self.stdout_log or self.name))
        return [paths.log(name) for name in names]


def read_pid(paths: Paths, component: Component) -> int | None:
    """Return the pid of the component's running process, or None when it is not running."""
    pid_file = paths.pid_file(component.name)
    try:
        pid = int(pid_file.read_text().strip())
    except (FileNotFoundError, ValueError):
        return None
    if not _is_alive(pid):
        return None
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return None
    return pid if component.marker in cmdline else None


def _is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # Signal 0 also succeeds for a zombie process, whose state letter in /proc is "Z".
    with contextlib.suppress(OSError):
        stat = Path(f"/proc/{pid}/stat").read_text()
        if stat.rsplit(")", 1)[1].split()[0] == "Z":
            return False
    return True


def start(
    paths: Paths,
    component: Component,
    argv: Sequence[str],
    env: dict[str, str] | None = None,
    user: str | None = None,
    cwd: Path | None = None,
) -> int:
    """Start a component in its own session, with stdout and stderr appended to its log."""
    paths.run.mkdir(parents=True, exist_ok=True)
    paths.logs.mkdir(parents=True, exist_ok=True)
    banner = f"\n{START_BANNER} {component.name} at {time.ctime()} ===\n".encode()
    for other_log in component.log_paths(paths)[:-1]:
        with other_log.open("ab") as handle:
            handle.write(banner)
    log_path = paths.log(component.stdout_log or component.name)
    with log_path.open("ab") as log:
        log.write(banner)
        log.flush()
        # The log file is opened here, by root, and inherited: a server that runs as another OS
        # user (PostgreSQL) needs no permission on the .state/logs folder.
        process = subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=cwd,
            start_new_session=True,
            **as_user(user),
        )
    paths.pid_file(component.name).write_text(f"{process.pid}\n")
    return process.pid


def as_user(user: str | None) -> dict[str, Any]:
    """Return Popen arguments that run a child as `user` with that user's groups only."""
    if user is None:
        return {}
    account = pwd.getpwnam(user)
    return {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}


def stop(paths: Paths, component: Component) -> bool:
    """Stop a component: its stop signal, then SIGKILL after its timeout. True if it was running."""
    pid = read_pid(paths, component)
    if pid is None:
        paths.pid_file(component.name).unlink(missing_ok=True)
        return False
    say(f"stopping {component.title} (pid {pid})")
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, component.stop_signal)
    if not _wait_gone(pid, component.stop_timeout_s):
        say(f"{component.title} did not stop within {component.stop_timeout_s:.0f} s; killing it")
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        _wait_gone(pid, 10)
    paths.pid_file(component.name).unlink(missing_ok=True)
    return True


def _wait_gone(pid: int, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        # Reap the process when this program started it; otherwise os.waitpid raises ECHILD.
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
        if not _is_alive(pid):
            return True
        time.sleep(0.2)
    return not _is_alive(pid)


def port_open(port: int, host: str = HOST, timeout_s: float = 0.5) -> bool:
    """Return whether something accepts TCP connections on host:port."""
    try:
        with socket.create_connection((host, port), timeout=timeout_s):
            return True
    except OSError:
        return False


def require_free_port(port: int, what: str, env_name: str) -> None:
    """Raise StackError when another program already listens on the port a component needs."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError as error:
            if error.errno != errno.EADDRINUSE:
                raise
            raise StackError(
                f"{what} cannot start: port {HOST}:{port} is already in use by another program. "
                f"Stop that program or choose another port with {env_name}=PORT."
            ) from None


def tail(path: Path, lines: int = 20) -> str:
    """Return the last lines of a log file, or a note when it does not exist."""
    try:
        with path.open("rb") as handle:
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            handle.seek(max(0, size - 64 * 1024))
            text = handle.read().decode(errors="replace")
    except FileNotFoundError:
        return f"({path} does not exist)"
    return "\n".join(text.splitlines()[-lines:])


def failure(paths: Paths, component: Component, problem: str) -> StackError:
    """Build the error for a component that did not come up, with its logs since the last start."""
    logs = component.log_paths(paths)
    where = ", ".join(str(log) for log in logs)
    excerpt = "\n".join(
        f"--- last lines of {log} ---\n{_since_last_start(tail(log))}"
        for log in logs
        if log.exists()
    )
    return StackError(f"{component.title} {problem}. Its log: {where}\n{excerpt}")


def _since_last_start(text: str) -> str:
    start = text.rfind(START_BANNER)
    return text[start:] if start >= 0 else text


def wait_until(
    paths: Paths,
    component: Component,
    check: Callable[[], bool],
    timeout_s: float,
    interval_s: float = 0.5,
) -> None:
    """Poll `check` until it is true; fail early when the process exits, or after the timeout."""
    deadline = time.monotonic() + timeout_s
    while True:
        if check():
            return
        if read_pid(paths, component) is None:
            raise failure(paths, component, "exited during start-up")
        if time.monotonic() >= deadline:
            raise failure(paths, component, f"did not become ready within {timeout_s:.0f} s")
        time.sleep(interval_s)


def run_logged(
    argv: Sequence[str],
    log_path: Path,
    what: str,
    env: dict[str, str] | None = None,
    user: str | None = None,
    cwd: Path | None = None,
) -> None:
    """Run a set-up command to completion with its output appended to a log; raise on failure."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        log.write(f"\n=== stack: {' '.join(argv)} ===\n".encode())
        log.flush()
        result = subprocess.run(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=cwd,
            check=False,
            **as_user(user),
        )
    if result.returncode != 0:
        raise StackError(
            f"{what} failed with exit code {result.returncode}. Its log: {log_path}\n"
            f"--- last lines of {log_path} ---\n{tail(log_path)}"
        )


@contextlib.contextmanager
def locked(paths: Paths) -> Iterator[None]:
    """Hold the stack lock, so two `make up` or `make down` runs never interleave."""
    paths.state.mkdir(parents=True, exist_ok=True)
    with paths.lock_file.open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            say(f"waiting for another stack command to finish (lock {paths.lock_file})")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
