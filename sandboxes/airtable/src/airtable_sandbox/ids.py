"""Airtable-style identifiers: a three-letter prefix and 14 letters or digits."""

from __future__ import annotations

import hashlib
import secrets
import string

ALPHABET = string.ascii_letters + string.digits
ID_BODY_LENGTH = 14


def new_id(prefix: str) -> str:
    """Create a random id such as `recA1b2C3d4E5f6G7`."""
    return prefix + "".join(secrets.choice(ALPHABET) for _ in range(ID_BODY_LENGTH))


def stable_id(prefix: str, *parts: str) -> str:
    """Derive an id from names, so a seed without explicit ids gets the same ids on every load."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).digest()
    body = "".join(ALPHABET[byte % len(ALPHABET)] for byte in digest[:ID_BODY_LENGTH])
    return prefix + body


def looks_like_id(value: str, prefix: str) -> bool:
    return (
        len(value) == len(prefix) + ID_BODY_LENGTH
        and value.startswith(prefix)
        and all(char in ALPHABET for char in value[len(prefix) :])
    )
