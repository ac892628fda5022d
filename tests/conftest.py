"""Session fixtures shared by every test folder.

`stack_env` gives integration tests the connection settings of the local stack (Kafka,
PostgreSQL, S3). When no component of the stack is running, the fixture starts it with
`python -m scripts.stack up` and stops it at the end of the session. A stack that was already
running stays up.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
# Unit tests import the stack program as `scripts.stack`; appended so nothing installed is shadowed.
if str(REPO_ROOT) not in sys.path:
    sys.path.append(str(REPO_ROOT))

from scripts.stack.config import parse_env_file  # noqa: E402  (needs the path above)

STACK_ENV_FILE = REPO_ROOT / ".state" / "stack.env"
# Exit code of `python -m scripts.stack status --check` when no component runs.
STACK_NONE_RUNNING = 3


def _stack(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scripts.stack", *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture(scope="session")
def stack_env() -> Iterator[dict[str, str]]:
    """Return the stack's connection settings, starting the stack for this session if needed."""
    status = _stack("status", "--check")
    started_here = False
    if status.returncode != 0:
        started_here = status.returncode == STACK_NONE_RUNNING
        up = _stack("up")
        if up.returncode != 0:
            if started_here:
                _stack("down")
            pytest.fail(
                f"`python -m scripts.stack up` failed with exit code {up.returncode}:\n"
                f"{up.stdout}\n{up.stderr}",
                pytrace=False,
            )
    try:
        yield parse_env_file(STACK_ENV_FILE.read_text())
    finally:
        if started_here:
            down = _stack("down")
            if down.returncode != 0:
                sys.stderr.write(f"stopping the stack failed:\n{down.stdout}\n{down.stderr}\n")
