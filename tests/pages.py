"""Decrypt a vault's pages with its key, as an adversary who forced an unlock would.

SQLCipher 4 with a raw key: each 4096-byte page is AES-256-CBC under the key,
with a 16-byte IV in an 80-byte reserve at the end of the page (the rest is its
HMAC); page 1 starts with the 16-byte salt. Free pages and old WAL frames are
decrypted too, which is what a forensic look at a seized laptop would do.
"""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

PAGE, RESERVE = 4096, 80


def _decrypt(page: bytes, key: bytes, first: bool) -> bytes:
    iv = page[PAGE - RESERVE:PAGE - RESERVE + 16]
    decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    return decryptor.update(page[16 if first else 0:PAGE - RESERVE]) + decryptor.finalize()


def database_pages(path: Path, key: bytes) -> list[bytes]:
    data = path.read_bytes() if path.exists() else b""
    return [_decrypt(data[off:off + PAGE], key, off == 0)
            for off in range(0, len(data) - PAGE + 1, PAGE)]


def wal_pages(path: Path, key: bytes) -> list[bytes]:
    data = path.read_bytes() if path.exists() else b""
    pages, off = [], 32
    while off + 24 + PAGE <= len(data):
        number = int.from_bytes(data[off:off + 4], "big")
        pages.append(_decrypt(data[off + 24:off + 24 + PAGE], key, number == 1))
        off += 24 + PAGE
    return pages


def plaintext_of_vault(folder: Path, key: bytes) -> bytes:
    """Every decrypted page of the database and its WAL, joined."""
    return b"".join(database_pages(folder / "vault.db", key) +
                    wal_pages(folder / "vault.db-wal", key))
