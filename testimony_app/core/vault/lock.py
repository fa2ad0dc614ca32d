"""The lock held on a vault folder while it is open (by a session, or by a restore that
replaces the folder): a second window or command cannot interleave with the first."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from testimony_app.core.common.errors import VaultError

LOCK_FILE = "vault.lock"


def take(folder: Path) -> int:
    """An exclusive lock on the vault for as long as it is open, so that a second
    window or command cannot interleave with this one (or clean up its intake)."""
    fd = os.open(folder / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        raise VaultError("vault_in_use") from None
    return fd
