"""Pseudonym codes: short, readable, unambiguous identifiers for persons."""

from __future__ import annotations

import secrets

# Crockford base32 without the letters people misread (I, L, O, U).
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_code(prefix: str = "P") -> str:
    """`P-7K3Q-M2XD`: 40 random bits; the store retries on the rare collision."""
    chars = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"{prefix}-{chars[:4]}-{chars[4:]}"
