"""Files the app reads from and writes for the user (bundles, receipts, enrolment, keys).

Reads are bounded; writes are atomic.

The content goes to a hidden temporary file in the target's folder, is flushed to
disk, and only then appears under its name (a hard link, which never replaces a
file that exists), so a half-written file never looks like a finished one.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from testimony_app.core.common.errors import InputError


@contextlib.contextmanager
def new_file(target: Path) -> Iterator[BinaryIO]:
    """Yield a handle to write; on success the file appears at `target`, else nothing does."""
    if target.exists():
        raise InputError("file_exists", path=str(target))
    temp = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.part")
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileNotFoundError:
        raise InputError("file_unreadable", path=str(target.parent)) from None
    except OSError:
        raise InputError("disk") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.link(temp, target)
        with contextlib.suppress(OSError):
            dir_fd = os.open(target.parent, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
    except FileExistsError:
        raise InputError("file_exists", path=str(target)) from None
    except OSError:
        raise InputError("disk") from None
    finally:
        temp.unlink(missing_ok=True)


def read_limited(path: Path, limit: int) -> bytes | None:
    """A file the user gave (enrolment, escrow, receipt, document), read to at most
    `limit` bytes: None when it is larger, so a huge file is refused without filling
    memory. An unreadable file is the user's error, said with its path."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(limit + 1)
    except OSError:
        raise InputError("file_unreadable", path=str(path)) from None
    return None if len(raw) > limit else raw


def write_new(target: Path, data: bytes) -> None:
    with new_file(target) as handle:
        handle.write(data)
