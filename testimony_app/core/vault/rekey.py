"""A new data key for vault.db with every new header.

A header (vault.key) that a file system or an SSD keeps in free blocks after it
was replaced must open nothing. So a change of passphrase, or of key-derivation
strength, never rewraps the same data key: it makes a new one, writes the header
for it beside the old as `vault.key.pending`, re-encrypts the database under it,
and only then puts the pending header in place. The old header, wherever a copy of
it survives, unwraps a key the database is no longer under.

Order, and what a kill at each point leaves (`Session.open` settles it):
1. vault.key.pending written and flushed: the database is under the old key; the
   old passphrase opens it and the pending header is discarded.
2. PRAGMA rekey, one transaction: before its commit, as in 1; after it, the
   database is under the new key and the new passphrase opens it, through the
   pending header, which is then put in place.
3. vault.key.pending renamed over vault.key: done.
The recovery code opens the vault at every point: both headers wrap their key to
the same recovery public key.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from testimony_app.core.common.errors import Cancelled
from testimony_app.core.vault import db, keyfile

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Changed:
    data_key: bytes
    # Issued when the old header had no recovery public key (version 1) and the
    # code was not given: shown once, the old code no longer opens the vault.
    recovery_code: str | None


def change(conn: Any, folder: Path, passphrase: str, params: keyfile.KdfParams | None = None,
           recovery_code: str | None = None, progress: Progress | None = None,
           cancelled: Callable[[], bool] | None = None) -> Changed:
    """Re-encrypt the vault in `folder` (open on `conn`) under a new data key
    wrapped under `passphrase`; returns the new key.

    Cancelling is possible until the re-encryption starts (after the key
    derivation); from then on it runs to its end, which a kill can still cut short
    safely. `progress(done, total)` counts bytes of the database re-encrypted and
    may be called from another thread.
    """
    following = keyfile.next_header(folder, passphrase, params, recovery_code)
    if cancelled and cancelled():
        raise Cancelled()
    keyfile.discard_pending(folder)
    keyfile.write_pending(folder, following.header)
    if progress:
        progress(0, 1)
    try:
        db.rekey(conn, folder / keyfile.DB_FILE, following.data_key, progress)
    except Exception:
        if not db.key_opens(folder / keyfile.DB_FILE, following.data_key):
            # Still under the old key (SQLCipher rolled back): the pending header
            # unwraps nothing that opens the database; remove it.
            keyfile.discard_pending(folder)
            raise
        log.warning("re-encryption committed before an error; completing the change")
    size = max((folder / keyfile.DB_FILE).stat().st_size, 1)
    if progress:
        progress(size, size)
    keyfile.promote_pending(folder)
    # Copy the re-encrypted pages from the WAL into the database file, over the
    # pages under the old key.
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    log.info("vault re-encrypted under a new key")
    return Changed(following.data_key, following.recovery_code)
