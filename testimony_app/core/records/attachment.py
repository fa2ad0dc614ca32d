"""Attachments: files streamed into the encrypted database as ~1 MiB chunk rows.

No plaintext copy ever touches disk: intake reads the source file chunk by
chunk, extraction writes only where the user asked. Memory stays bounded by one
chunk whatever the file's size. Chunks are committed in batches, and the
attachment is marked complete, with the SHA-256 of the whole original, only
after the last one; an interrupted intake leaves an incomplete attachment that
`discard_incomplete` removes.

Recordings (`begin`, `append`, `add_marker`, `finish`) grow while the interview
goes on: every `append` commits, so a crash or a power cut loses only what had not
been handed over yet, and `recover_recordings` completes what was kept at the next
unlock instead of discarding it.

Sealed attachments (`seal_content`): when a testimony is wholly sealed on a
researcher's vault, each of its attachments is stream-encrypted (age) to the
organisation, the ciphertext stored as chunks in place of the plaintext ones, in
one transaction (secure_delete zeroes the old pages). `size` and `sha256` are then
those of the ciphertext; the original's name, size, SHA-256 and recording details
travel sealed in `meta["sealed"]`. Such an attachment cannot be read, played or
extracted here; bundles carry it as it is and the coordinator opens it on import.
"""

from __future__ import annotations

import hashlib
import json
import logging
import mimetypes
import os
import struct
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Protocol

import pyrage

from testimony_app.core.common.errors import Cancelled, InputError, IntegrityError, NotFound
from testimony_app.core.common.ids import AttachmentId, RecordId
from testimony_app.core.records import sealed as sealing
from testimony_app.core.records.refs import safe_ref
from testimony_app.core.records.sealed import RecordingSealer
from testimony_app.core.vault import activity
from testimony_app.core.vault.connection import Connection
from testimony_app.core.vault.db import DatabaseError, transaction
from testimony_app.i18n import _, ngettext, number

CHUNK = 1024 * 1024
log = logging.getLogger(__name__)
BATCH = 16  # chunks per transaction during intake
SEALED_NAME = "sealed"  # the file name a sealed attachment keeps on a researcher's vault

Progress = Callable[[int, int], None]
IsCancelled = Callable[[], bool]


@dataclass(frozen=True)
class Attachment:
    id: AttachmentId
    record_id: RecordId
    filename: str
    media_type: str
    size: int
    sha256: str
    created_at: str
    meta: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def recording(self) -> dict[str, Any] | None:
        """Format, duration, markers and state of a recording made in the app."""
        rec = self.meta.get("recording")
        return rec if isinstance(rec, dict) else None

    @property
    def sealed(self) -> bool:
        """Sealed for the organisation: its content here is age ciphertext."""
        return "sealed" in self.meta

    def as_json(self) -> dict[str, Any]:
        out = {"id": self.id, "filename": self.filename, "media_type": self.media_type,
               "size": self.size, "sha256": self.sha256, "created_at": self.created_at}
        if self.sealed:
            out["sealed"] = True
        return out


def _safe_name(name: str) -> str:
    base = os.path.basename(name.replace("\\", "/")) or "attachment"
    return "".join(ch for ch in base if ch.isprintable())[:255] or "attachment"


def add(conn: Connection, record_id: RecordId, source: BinaryIO, filename: str, author: str,
        size_hint: int = 0, progress: Progress | None = None,
        cancelled: IsCancelled | None = None) -> Attachment:
    if not conn.execute("SELECT 1 FROM records WHERE id = ?", (record_id,)).fetchone():
        raise NotFound("not_found", id=record_id)
    _refuse_sealed_record(conn, record_id)
    att_id = AttachmentId(str(uuid.uuid4()))
    name = _safe_name(filename)
    media_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    at = activity.now()
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
            activity.record(conn, author, "attach", record_id, attachment=att_id, size=size)
    except BaseException:
        try:
            _remove(conn, att_id)  # at once: the space it took is given back now
        except DatabaseError as exc:
            # Removing needs a little room too; on a disk still full it is left
            # for the next unlock, and the error that stopped the intake is the one said.
            log.warning("an interrupted intake could not be removed yet (%s)", type(exc).__name__)
        raise
    return Attachment(att_id, record_id, name, media_type, size, digest.hexdigest(), at)


def add_file(conn: Connection, record_id: RecordId, path: Path, author: str,
             progress: Progress | None = None,
             cancelled: IsCancelled | None = None) -> Attachment:
    try:
        handle = path.open("rb")
    except OSError:
        raise InputError("file_unreadable", path=str(path)) from None
    with handle:
        size = os.fstat(handle.fileno()).st_size
        return add(conn, record_id, handle, path.name, author, size, progress, cancelled)


def _refuse_sealed_record(conn: Connection, record_id: RecordId) -> None:
    """Nothing is added to a record sealed here: it would stay in plaintext."""
    if sealing.closed(conn, record_id):
        kind = conn.execute("SELECT kind FROM records WHERE id = ?", (record_id,)).fetchone()[0]
        raise InputError("incident_sealed" if kind == "incident" else "testimony_sealed")


def _remove(conn: Connection, att_id: AttachmentId) -> None:
    with transaction(conn):
        conn.execute("DELETE FROM attachment_chunks WHERE attachment_id = ?", (att_id,))
        conn.execute("DELETE FROM attachments WHERE id = ?", (att_id,))


def _row(row: Any) -> Attachment:
    return Attachment(row[0], row[1], row[2], row[3], row[4], row[5], row[6],
                      _load_meta(row[7]))


def _load_meta(text: Any) -> dict[str, Any]:
    try:
        meta = json.loads(text or "{}")
    except ValueError:
        return {}
    return meta if isinstance(meta, dict) else {}


_COLS = "id, record_id, filename, media_type, size, sha256, created_at, meta"


def get(conn: Connection, ref: str) -> Attachment:
    ref = ref.strip().lower()
    rows = []
    if len(ref) >= 8 and all(c in "0123456789abcdef-" for c in ref):
        rows = conn.execute(f"SELECT {_COLS} FROM attachments WHERE complete = 1 AND "  # noqa: S608
                            "id >= ? AND id < ? LIMIT 2", (ref, ref + "\uffff")).fetchall()
    if len(rows) != 1:
        raise NotFound("attachment_not_found", id=safe_ref(ref))
    return _row(rows[0])


def list_for(conn: Connection, record_id: RecordId) -> list[Attachment]:
    return [_row(r) for r in conn.execute(
        f"SELECT {_COLS} FROM attachments WHERE record_id = ? AND complete = 1 "  # noqa: S608
        "ORDER BY created_at", (record_id,))]


class Sink(Protocol):
    def write(self, data: bytes, /) -> int: ...


def refuse_sealed(att: Attachment) -> None:
    """A sealed attachment is not read, played or extracted here (only the
    organisation can open it)."""
    if att.sealed:
        raise InputError("attachment_sealed", id=att.id[:8])


def stream(conn: Connection, att: Attachment, sink: Sink, progress: Progress | None = None,
           *, sealed_ok: bool = False) -> None:
    """Write the attachment to `sink`, checking its SHA-256 at the end. A sealed one
    is refused unless `sealed_ok` (its ciphertext, for checks)."""
    if not sealed_ok:
        refuse_sealed(att)
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


def extract(conn: Connection, ref: str, target: Path, author: str,
            progress: Progress | None = None) -> Attachment:
    """Copy an attachment out to `target` (a file the user chose), atomically."""
    att = get(conn, ref)
    refuse_sealed(att)
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
        activity.record(conn, author, "extract", att.record_id, attachment=att.id)
    return att


def verify_all(conn: Connection) -> list[str]:
    problems = []
    sql = f"SELECT {_COLS} FROM attachments WHERE complete = 1"  # noqa: S608 (constant)
    for row in conn.execute(sql).fetchall():
        att = _row(row)
        try:
            stream(conn, att, _NullSink(), sealed_ok=True)
        except IntegrityError:
            problems.append(_("attachment {id} does not match its SHA-256").format(id=att.id))
    incomplete = recordings = 0
    for (meta,) in conn.execute("SELECT meta FROM attachments WHERE complete = 0"):
        if "recording" in _load_meta(meta):
            recordings += 1
        else:
            incomplete += 1
    if incomplete:
        problems.append(ngettext(
            "{count} interrupted attachment intake (removed at next unlock)",
            "{count} interrupted attachment intakes (removed at next unlock)", incomplete)
            .format(count=number(incomplete)))
    if recordings:
        problems.append(ngettext(
            "{count} interrupted recording (completed at next unlock)",
            "{count} interrupted recordings (completed at next unlock)", recordings)
            .format(count=number(recordings)))
    return problems


def discard_incomplete(conn: Connection) -> int:
    """Remove interrupted file intakes (the file is still where it was); interrupted
    recordings are kept: `recover_recordings` completes them."""
    ids = [r[0] for r in conn.execute("SELECT id, meta FROM attachments WHERE complete = 0")
           if "recording" not in _load_meta(r[1])]
    for att_id in ids:
        _remove(conn, att_id)
    return len(ids)


# -- recordings -----------------------------------------------------------------
#
# Encoding: 16-bit PCM in a WAV (RIFF) container, written incrementally. It is the
# only format whose every prefix is a valid recording once two size fields are
# patched, so a recording cut short by a crash plays up to its last committed chunk
# without any decoder cooperation; the standard library's `wave` reads it (and so
# do tests and auditors, with no dependency); Qt's bundled FFmpeg plays it from
# memory. FLAC through `soundfile` would halve the size but would add libsndfile,
# and its STREAMINFO block, rewritten at the end, would need a seekable sink and
# repair at recovery. Speech at 16 kHz mono is ~1.9 MB a minute (~115 MB an hour).

WAV_HEADER_BYTES = 44
MEDIA_TYPE_WAV = "audio/wav"


def wav_header(rate: int, channels: int, bits: int, data_bytes: int) -> bytes:
    """The canonical 44-byte RIFF/WAVE header of a PCM stream of `data_bytes`."""
    block = channels * bits // 8
    return (b"RIFF" + struct.pack("<I", 36 + data_bytes) + b"WAVE"
            + b"fmt " + struct.pack("<IHHIIHH", 16, 1, channels, rate, rate * block, block, bits)
            + b"data" + struct.pack("<I", data_bytes))


def _recording_meta(conn: Connection, att_id: AttachmentId, *,
                    incomplete: bool = True) -> dict[str, Any]:
    row = conn.execute("SELECT meta, complete FROM attachments WHERE id = ?",
                       (att_id,)).fetchone()
    meta = _load_meta(row[0]) if row else {}
    if row is None or "recording" not in meta or (incomplete and row[1]):
        raise NotFound("attachment_not_found", id=att_id[:8])
    return meta


def begin(conn: Connection, record_id: RecordId, filename: str, author: str, *, rate: int,
          channels: int = 1, bits: int = 16) -> AttachmentId:
    """Start a recording attached to `record_id`; returns the attachment id."""
    if not conn.execute("SELECT 1 FROM records WHERE id = ?", (record_id,)).fetchone():
        raise NotFound("not_found", id=record_id)
    _refuse_sealed_record(conn, record_id)
    if bits not in (8, 16, 24, 32) or not 0 < channels <= 8 or not 0 < rate <= 384_000:
        raise InputError("audio_format")
    att_id = AttachmentId(str(uuid.uuid4()))
    at = activity.now()
    meta = {"recording": {"state": "recording", "format": "wav/pcm", "rate": rate,
                          "channels": channels, "bits": bits, "started_at": at,
                          "markers": []}}
    with transaction(conn):
        conn.execute("INSERT INTO attachments (id, record_id, filename, media_type, size, sha256, "
                     "chunk_size, created_at, complete, meta) VALUES (?,?,?,?,?,'',?,?,0,?)",
                     (att_id, record_id, _safe_name(filename), MEDIA_TYPE_WAV, WAV_HEADER_BYTES,
                      CHUNK, at, json.dumps(meta)))
        # Chunk 0 is the header alone, so that `finish` patches 44 bytes, not a 1 MiB row.
        conn.execute("INSERT INTO attachment_chunks (attachment_id, seq, data) VALUES (?,0,?)",
                     (att_id, wav_header(rate, channels, bits, 0)))
        activity.record(conn, author, "recording_started", record_id, attachment=att_id)
    return att_id


def append(conn: Connection, att_id: AttachmentId, data: bytes) -> int:
    """Add PCM samples to a recording and commit them; returns the bytes of audio kept."""
    _recording_meta(conn, att_id)
    with transaction(conn):
        seq = conn.execute("SELECT coalesce(max(seq), 0) + 1 FROM attachment_chunks WHERE "
                           "attachment_id = ?", (att_id,)).fetchone()[0]
        for start in range(0, len(data), CHUNK):
            conn.execute("INSERT INTO attachment_chunks (attachment_id, seq, data) VALUES (?,?,?)",
                         (att_id, seq, bytes(data[start:start + CHUNK])))
            seq += 1
        conn.execute("UPDATE attachments SET size = size + ? WHERE id = ?", (len(data), att_id))
        size = conn.execute("SELECT size FROM attachments WHERE id = ?", (att_id,)).fetchone()[0]
    return int(size) - WAV_HEADER_BYTES


def add_marker(conn: Connection, att_id: AttachmentId, at_ms: int, label: str) -> None:
    """A time-stamped marker ("witness describes checkpoint", 12:41), kept at once."""
    with transaction(conn):
        meta = _recording_meta(conn, att_id, incomplete=False)
        markers = meta["recording"].setdefault("markers", [])
        markers.append({"ms": max(int(at_ms), 0), "label": str(label)[:500]})
        markers.sort(key=lambda m: m["ms"])
        conn.execute("UPDATE attachments SET meta = ? WHERE id = ?",
                     (json.dumps(meta, ensure_ascii=False), att_id))


def finish(conn: Connection, att_id: AttachmentId, author: str, *, sealer: RecordingSealer,
           recovered: bool = False) -> Attachment:
    """Patch the WAV sizes, compute the SHA-256 over the stored chunks and mark the
    recording complete, with its duration; logged with its length."""
    with transaction(conn):
        meta = _recording_meta(conn, att_id)
        rec = meta["recording"]
        data_bytes = conn.execute(
            "SELECT coalesce(sum(length(data)), 0) FROM attachment_chunks WHERE "
            "attachment_id = ? AND seq > 0", (att_id,)).fetchone()[0]
        block = rec["channels"] * rec["bits"] // 8
        data_bytes -= data_bytes % block  # a torn last frame is dropped by decoders anyway
        conn.execute("UPDATE attachment_chunks SET data = ? WHERE attachment_id = ? AND seq = 0",
                     (wav_header(rec["rate"], rec["channels"], rec["bits"], data_bytes), att_id))
        digest = hashlib.sha256()
        size = 0
        for (block_data,) in conn.execute("SELECT data FROM attachment_chunks WHERE "
                                          "attachment_id = ? ORDER BY seq", (att_id,)):
            digest.update(block_data)
            size += len(block_data)
        rec["state"] = "recovered" if recovered else "complete"
        rec["duration_ms"] = data_bytes * 1000 // (rec["rate"] * block)
        rec["ended_at"] = activity.now()
        conn.execute("UPDATE attachments SET size = ?, sha256 = ?, complete = 1, meta = ? "
                     "WHERE id = ?", (size, digest.hexdigest(),
                                      json.dumps(meta, ensure_ascii=False), att_id))
        record_id = conn.execute("SELECT record_id FROM attachments WHERE id = ?",
                                 (att_id,)).fetchone()[0]
        activity.record(conn, author, "recording_recovered" if recovered else "recorded", record_id,
                     attachment=att_id, size=size, duration_ms=rec["duration_ms"],
                     markers=len(rec.get("markers", [])), started_at=rec.get("started_at"))
        # sealed at once if its record was sealed here while it ran (identity/seal.py)
        sealed = sealer(conn, att_id)
    if sealed:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    row = conn.execute(f"SELECT {_COLS} FROM attachments WHERE id = ?",  # noqa: S608
                       (att_id,)).fetchone()
    return _row(row)


def recover_recordings(conn: Connection, author: str, *, sealer: RecordingSealer) -> int:
    """Complete every recording a crash interrupted: what was committed is kept, its
    header fixed so that it plays, and marked recovered."""
    ids = [r[0] for r in conn.execute("SELECT id, meta FROM attachments WHERE complete = 0")
           if "recording" in _load_meta(r[1])]
    for att_id in ids:
        finish(conn, att_id, author, sealer=sealer, recovered=True)
    return len(ids)


class _NullSink:
    def write(self, data: bytes) -> int:
        return len(data)


# -- sealing (core/identity/seal.py decides what and to whom) ------------------------------


def _seq(index: int, staged: bool) -> int:
    """Chunk `index` of an attachment, or of the other form of it staged beside it
    (at negative seq numbers) while one is turned into the other."""
    return -1 - index if staged else index


class ChunkReader:
    """An attachment's chunks (or its staged ones) as a file-like object for pyrage;
    one chunk in memory at a time. `size` and `digest` cover what was read."""

    def __init__(self, conn: Connection, att_id: AttachmentId, *, staged: bool = False) -> None:
        self._conn, self._id, self._staged = conn, att_id, staged
        self._index = 0
        self._block = b""
        self._offset = 0
        self.size = 0
        self.digest = hashlib.sha256()
        self.error: BaseException | None = None

    def read(self, size: int = -1) -> bytes:
        try:
            if self._offset >= len(self._block):
                row = self._conn.execute(
                    "SELECT data FROM attachment_chunks WHERE attachment_id = ? AND seq = ?",
                    (self._id, _seq(self._index, self._staged))).fetchone()
                if row is None:
                    return b""
                self._block, self._offset = bytes(row[0]), 0
                self._index += 1
                self.size += len(self._block)
                self.digest.update(self._block)
            end = len(self._block) if size < 0 else self._offset + size
            chunk = self._block[self._offset:end]
            self._offset += len(chunk)
            return chunk
        except BaseException as exc:  # pyrage wraps it; the caller re-raises it
            self.error = exc
            raise


class ChunkWriter:
    """Takes what pyrage writes and stores it as chunk rows (or staged ones)."""

    def __init__(self, conn: Connection, att_id: AttachmentId, *, staged: bool = False) -> None:
        self._conn, self._id, self._staged = conn, att_id, staged
        self._index = 0
        self._buffer = bytearray()
        self.size = 0
        self.digest = hashlib.sha256()
        self.error: BaseException | None = None

    def write(self, data: bytes) -> int:
        try:
            self._buffer += data
            self.size += len(data)
            self.digest.update(data)
            while len(self._buffer) >= CHUNK:
                self._put(bytes(self._buffer[:CHUNK]))
                del self._buffer[:CHUNK]
            return len(data)
        except BaseException as exc:
            self.error = exc
            raise

    def close(self) -> None:
        if self._buffer:
            self._put(bytes(self._buffer))
            self._buffer = bytearray()

    def _put(self, block: bytes) -> None:
        # A zeroblob filled in place, as bundle import does (bench/README.md).
        rowid = self._conn.execute(
            "INSERT INTO attachment_chunks (attachment_id, seq, data) VALUES (?,?,zeroblob(?))",
            (self._id, _seq(self._index, self._staged), len(block))).lastrowid
        with self._conn.open_blob("attachment_chunks", "data", rowid) as blob:
            blob.write(block)
        self._index += 1


def seal_content(conn: Connection, att_id: AttachmentId, recipients: list[Any],
                 seal_info: Callable[[dict[str, Any]], dict[str, Any]]) -> bool:
    """Replace a complete attachment's plaintext by its age encryption to `recipients`,
    inside the caller's transaction; False if it was sealed already.

    The ciphertext is staged beside the plaintext chunk by chunk (bounded memory),
    the plaintext chunks deleted (secure_delete zeroes their pages; the caller
    checkpoints after commit), the staged ones renumbered. `seal_info` seals the
    name, size, SHA-256 and recording details of the original; the row keeps a
    neutral name and the ciphertext's size and SHA-256. A receipt that confirmed
    the plaintext confirms the sealed form; otherwise it is sent again, sealed.
    """
    row = conn.execute("SELECT filename, size, sha256, meta FROM attachments WHERE id = ? "
                       "AND complete = 1", (att_id,)).fetchone()
    if row is None:
        raise NotFound("attachment_not_found", id=att_id[:8])
    meta = _load_meta(row[3])
    if "sealed" in meta:
        return False
    sealed = seal_info({"filename": row[0], "size": row[1], "sha256": row[2], "meta": meta})
    reader = ChunkReader(conn, att_id)
    writer = ChunkWriter(conn, att_id, staged=True)
    try:
        pyrage.encrypt_io(reader, writer, recipients)
    except Exception:
        raise (reader.error or writer.error
               or IntegrityError("integrity", what=f"attachment {att_id} could not be sealed")
               ) from None
    writer.close()
    if reader.size != row[1] or reader.digest.hexdigest() != row[2]:
        raise IntegrityError("integrity", what=f"attachment {att_id} does not match its SHA-256")
    sha = writer.digest.hexdigest()
    conn.execute("DELETE FROM attachment_chunks WHERE attachment_id = ? AND seq >= 0", (att_id,))
    conn.execute("UPDATE attachment_chunks SET seq = -1 - seq WHERE attachment_id = ? "
                 "AND seq < 0", (att_id,))
    conn.execute("UPDATE attachments SET filename = ?, size = ?, sha256 = ?, meta = ? "
                 "WHERE id = ?", (SEALED_NAME, writer.size, sha,
                                  json.dumps({"sealed": sealed}), att_id))
    if not conn.execute("UPDATE received_attachments SET sha256 = ? WHERE attachment_id = ? "
                        "AND sha256 = ?", (sha, att_id, row[2])).rowcount:
        conn.execute("DELETE FROM sent_attachments WHERE attachment_id = ?", (att_id,))
    return True


def complete_ids(conn: Connection, record_id: str) -> list[AttachmentId]:
    """The complete attachments of a record, oldest first."""
    return [AttachmentId(r[0]) for r in conn.execute(
        "SELECT id FROM attachments WHERE record_id = ? AND complete = 1 "
        "ORDER BY created_at, id", (record_id,)).fetchall()]


def record_of(conn: Connection, att_id: str) -> RecordId | None:
    """The record an attachment belongs to, or None when there is no such attachment."""
    row = conn.execute("SELECT record_id FROM attachments WHERE id = ?", (att_id,)).fetchone()
    return None if row is None else RecordId(str(row[0]))


def stored_state(conn: Connection, att_id: str) -> tuple[str, str, int] | None:
    """(record id, SHA-256, complete) of an attachment, or None when there is none."""
    row = conn.execute("SELECT record_id, sha256, complete FROM attachments WHERE id = ?",
                       (att_id,)).fetchone()
    return None if row is None else (row[0], row[1], row[2])


def insert_incoming(conn: Connection, att_id: str, record_id: str, filename: str,
                    media_type: str, size: int, sha256: str, created_at: str,
                    meta: str) -> None:
    """An attachment arriving in a bundle, incomplete until its last chunk is in."""
    conn.execute("INSERT INTO attachments (id, record_id, filename, media_type, size, "
                 "sha256, chunk_size, created_at, complete, meta) "
                 "VALUES (?,?,?,?,?,?,?,?,0,?)",
                 (att_id, record_id, filename, media_type, size, sha256, CHUNK,
                  created_at, meta))


def write_chunk(conn: Connection, att_id: str, seq: int, block: bytes) -> None:
    """Store one chunk: a zeroblob filled in place (binding a 1 MiB parameter copies
    it into memory SQLCipher locks and wipes, ~1.6x slower per chunk)."""
    rowid = conn.execute(
        "INSERT INTO attachment_chunks (attachment_id, seq, data) VALUES (?,?,zeroblob(?))",
        (att_id, seq, len(block))).lastrowid
    with conn.open_blob("attachment_chunks", "data", rowid) as blob:
        blob.write(block)


def mark_complete(conn: Connection, att_id: str) -> None:
    conn.execute("UPDATE attachments SET complete = 1 WHERE id = ?", (att_id,))


def drop_staged(conn: Connection, att_id: str) -> None:
    """Forget the staged chunks (negative seq) once they are opened into the real ones."""
    conn.execute("DELETE FROM attachment_chunks WHERE attachment_id = ? AND seq < 0",
                 (att_id,))


def count_for(conn: Connection, record_id: str) -> int:
    """How many attachments a record has, complete or not."""
    return int(conn.execute("SELECT count(*) FROM attachments WHERE record_id = ?",
                            (record_id,)).fetchone()[0])


def chunks(conn: Connection, att_id: str) -> Iterator[bytes]:
    """An attachment's content chunk by chunk, up to the first gap in the sequence.
    Incremental blob reads: SQLite hands each chunk over without first copying it into
    a result row (a third faster than SELECT data)."""
    rows = conn.execute("SELECT seq, rowid FROM attachment_chunks WHERE attachment_id = ? "
                        "ORDER BY seq", (att_id,)).fetchall()
    for expected, (seq, rowid) in enumerate(rows):
        if seq != expected:
            break
        with conn.open_blob("attachment_chunks", "data", rowid, readonly=True) as blob:
            data = blob.read()
        yield data
