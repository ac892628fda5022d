"""High-entropy secrets of the gateway (session ids, API tokens) and their stored hashes."""

from __future__ import annotations

import hashlib
import secrets

API_TOKEN_PREFIX = "agw_"


def hash_secret(value: str) -> str:
    """Return the SHA-256 (hex) under which a session id or API token is stored.

    A plain hash is enough because these values carry 256 random bits; passwords use Argon2.
    """
    return hashlib.sha256(value.encode()).hexdigest()


def new_session_id() -> str:
    return secrets.token_urlsafe(32)


def new_api_token() -> tuple[str, str]:
    """Return a new token's public id and the token itself (shown once to its owner)."""
    return secrets.token_hex(8), API_TOKEN_PREFIX + secrets.token_urlsafe(32)


def bearer_token(header: str | None) -> str | None:
    """Return the token of an `Authorization: Bearer …` header, else None."""
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return None
    return token
