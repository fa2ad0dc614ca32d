"""Attachments: files streamed into the encrypted database as ~1 MiB chunk rows.

No plaintext copy ever touches disk: intake reads the source file chunk by
chunk, extraction writes only where the user asked. Memory stays bounded by one
chunk whatever the file's size. Chunks are committed in batches, and the
attachment is marked complete, with the SHA-256 of the whole original, only
after the last one; an interrupted intake leaves an incomplete attachment that
`discard_incomplete` removes.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Protocol

from testimony_app.core import audit
from testimony_app.core.db import transaction
from testimony_app.core.errors import Cancelled, InputError, IntegrityError, NotFound
from testimony_app.i18n import _

CHUNK = 1024 * 1024
BATCH = 16  # chunks per transaction during intake

Progress = Callable[[int, int], None]
IsCancelled = Callable[[], bool]


@dataclass(frozen=True)
class Attachment:
    id: str
    record_id: str
    filename: str
    media_type: str
    size: int
    sha256: str
    created_at: str

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "filename": self.filename, "media_type": self.media_type,
                "size": self.size, "sha256": self.sha256, "created_at": self.created_at}


def _safe_name(name: str) -> str:
    base = os.path.basename(name.replace("\\", "/")) or "attachment"
    return "".join(ch for ch in base if ch.isprintable())[:255] or "attachment"


def add(conn: Any, record_id: str, source: BinaryIO, filename: str, author: str,
        size_hint: int = 0, progress: Progress | None = None,
        cancelled: IsCancelled | None = None) -> Attachment:
    if not conn.execute("SELECT 1 FROM records WHERE id = ?", (record_id,)).fetchone():
        raise NotFound("not_found", id=record_id)
    att_id = str(uuid.uuid4())
    name = _safe_name(filename)
    media_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    at = audit.now()
    with transaction(conn):
        conn.execute("INSERT INTO attachments (id, record_id, filename, media_type, size, sha256, "
                     "chunk_size, created_at, complete) VALUES (?,?,?,?,0,'',?,?,0)",
                     (att_id, record_id, name, media_type, CHUNK, at))
    digest = hashlib.sha256()
    size = seq = 0
    try:
        while True:
            conn.execute("BEGIN IMMEDIATE")
            try:
                for _ in range(BATCH):
                    block = source.read(CHUNK)
                    if not block:
                        break
                    digest.update(block)
                    conn.execute("INSERT INTO attachment_chunks (attachment_id, seq, data) "
                                 "VALUES (?,?,?)", (att_id, seq, block))
                    seq += 1
                    size += len(block)
                    if progress:
                        progress(size, size_hint)
                    if cancelled and cancelled():
                        raise Cancelled()
                else:
                    conn.execute("COMMIT")
                    continue
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
            break
        with transaction(conn):
            conn.execute("UPDATE attachments SET size = ?, sha256 = ?, complete = 1 WHERE id = ?",
                         (size, digest.hexdigest(), att_id))
            audit.record(conn, author, "attach", record_id, attachment=att_id, size=size)
    except BaseException:
        _remove(conn, att_id)
        raise
    return Attachment(att_id, record_id, name, media_type, size, digest.hexdigest(), at)


def add_file(conn: Any, record_id: str, path: Path, author: str,
             progress: Progress | None = None,
             cancelled: IsCancelled | None = None) -> Attachment:
    try:
        handle = path.open("rb")
    except OSError:
        raise InputError("file_unreadable", path=str(path)) from None
    with handle:
        size = os.fstat(handle.fileno()).st_size
        return add(conn, record_id, handle, path.name, author, size, progress, cancelled)


def _remove(conn: Any, att_id: str) -> None:
    with transaction(conn):
        conn.execute("DELETE FROM attachment_chunks WHERE attachment_id = ?", (att_id,))
        conn.execute("DELETE FROM attachments WHERE id = ?", (att_id,))


def _row(row: Any) -> Attachment:
    return Attachment(row[0], row[1], row[2], row[3], row[4], row[5], row[6])


_COLS = "id, record_id, filename, media_type, size, sha256, created_at"


def get(conn: Any, ref: str) -> Attachment:
    ref = ref.strip().lower()
    rows = []
    if len(ref) >= 8 and all(c in "0123456789abcdef-" for c in ref):
        rows = conn.execute(f"SELECT {_COLS} FROM attachments WHERE complete = 1 AND "  # noqa: S608
                            "id >= ? AND id < ? LIMIT 2", (ref, ref + "\uffff")).fetchall()
    if len(rows) != 1:
        from testimony_app.core.store import safe_ref

        raise NotFound("attachment_not_found", id=safe_ref(ref))
    return _row(rows[0])


def list_for(conn: Any, record_id: str) -> list[Attachment]:
    return [_row(r) for r in conn.execute(
        f"SELECT {_COLS} FROM attachments WHERE record_id = ? AND complete = 1 "  # noqa: S608
        "ORDER BY created_at", (record_id,))]


class Sink(Protocol):
    def write(self, data: bytes, /) -> int: ...


def stream(conn: Any, att: Attachment, sink: Sink, progress: Progress | None = None) -> None:
    """Write the attachment to `sink`, checking its SHA-256 at the end."""
    digest = hashlib.sha256()
    written = 0
    seq = 0
    while True:
        row = conn.execute("SELECT data FROM attachment_chunks WHERE attachment_id = ? AND seq = ?",
                           (att.id, seq)).fetchone()
        if row is None:
            break
        block = bytes(row[0])
        digest.update(block)
        sink.write(block)
        written += len(block)
        seq += 1
        if progress:
            progress(written, att.size)
    if written != att.size or digest.hexdigest() != att.sha256:
        raise IntegrityError("integrity", what=f"attachment {att.id} does not match its SHA-256")


def extract(conn: Any, ref: str, target: Path, author: str,
            progress: Progress | None = None) -> Attachment:
    """Copy an attachment out to `target` (a file the user chose), atomically."""
    att = get(conn, ref)
    if target.exists():
        raise InputError("file_exists", path=str(target))
    temp = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.part")
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as sink:
            stream(conn, att, sink, progress)
            sink.flush()
            os.fsync(sink.fileno())
        try:
            os.link(temp, target)  # fails rather than overwrite a file created meanwhile
        except FileExistsError:
            raise
        except OSError:
            # FAT and exFAT USB sticks have no hard links: rename, after a last check.
            if target.exists():
                raise FileExistsError(str(target)) from None
            os.replace(temp, target)
    except FileExistsError:
        raise InputError("file_exists", path=str(target)) from None
    except OSError:
        raise InputError("disk") from None
    finally:
        temp.unlink(missing_ok=True)
    with transaction(conn):
        audit.record(conn, author, "extract", att.record_id, attachment=att.id)
    return att


def verify_all(conn: Any) -> list[str]:
    problems = []
    sql = f"SELECT {_COLS} FROM attachments WHERE complete = 1"  # noqa: S608 (constant)
    for row in conn.execute(sql).fetchall():
        att = _row(row)
        try:
            stream(conn, att, _NullSink())
        except IntegrityError:
            problems.append(_("attachment {id} does not match its SHA-256").format(id=att.id))
    incomplete = conn.execute("SELECT count(*) FROM attachments WHERE complete = 0").fetchone()[0]
    if incomplete:
        problems.append(_("{count} interrupted attachment intakes (removed at next unlock)")
                        .format(count=incomplete))
    return problems


def discard_incomplete(conn: Any) -> int:
    ids = [r[0] for r in conn.execute("SELECT id FROM attachments WHERE complete = 0")]
    for att_id in ids:
        _remove(conn, att_id)
    return len(ids)


class _NullSink:
    def write(self, data: bytes) -> int:
        return len(data)
