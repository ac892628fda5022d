"""Argon2 password hashing in worker threads of its own."""

from __future__ import annotations

import asyncio
import secrets
from concurrent.futures import ThreadPoolExecutor

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError


class Passwords:
    """Hashes and verifies passwords with Argon2id off the event loop.

    Argon2 costs tens of milliseconds of CPU by design. Its own threads keep a burst of failed
    logins from queueing up the loop's default executor, which object-storage calls also use.
    """

    THREADS = 2

    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self._hasher = hasher or PasswordHasher()
        self._executor = ThreadPoolExecutor(self.THREADS, thread_name_prefix="argon2")
        # Checked when the user is unknown, so a wrong username takes as long as a wrong password.
        self._decoy_hash = self._hasher.hash(secrets.token_urlsafe(24))

    async def hash(self, password: str) -> str:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self._hasher.hash, password)

    def hash_now(self, password: str) -> str:
        """Hash on the calling thread (command-line tools, start-up)."""
        return self._hasher.hash(password)

    async def verify(self, stored_hash: str | None, password: str) -> bool:
        """Check the password against the hash; None checks a decoy and returns False."""
        loop = asyncio.get_running_loop()
        target = stored_hash if stored_hash is not None else self._decoy_hash
        matches = await loop.run_in_executor(self._executor, self._matches, target, password)
        return matches and stored_hash is not None

    def needs_rehash(self, stored_hash: str) -> bool:
        """Check whether the hash used other parameters than the current hasher (then rehash it)."""
        try:
            return self._hasher.check_needs_rehash(stored_hash)
        except InvalidHashError:
            return True

    def _matches(self, stored_hash: str, password: str) -> bool:
        try:
            return bool(self._hasher.verify(stored_hash, password))
        except (VerificationError, InvalidHashError):
            return False
