"""Writing a sync bundle: what is new or changed, streamed as a signed tar into an
age file (the format: bundle.py and docs/FORMAT.md)."""

from __future__ import annotations

import base64
import hashlib
import logging
import tarfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyrage
from pyrage import x25519

from testimony_app.core.common import outfile, safejson
from testimony_app.core.common.errors import Cancelled, InputError
from testimony_app.core.common.ids import BundleId, RecordId
from testimony_app.core.records import attachment, delivery, store, tables
from testimony_app.core.sync import bundlelines
from testimony_app.core.sync.bundle_format import (
    ATTACHMENTS,
    BLOCK,
    FORMAT,
    FORMAT_SEALED,
    LINES_KEPT,
    MANIFEST,
    MAX_HISTORY,
    MAX_RECORDS,
    RECORD_SIZE,
    RECORDS,
    SIG_CONTEXT,
    SIGNATURE,
    ExportResult,
    IsCancelled,
    Progress,
    _stored_hash,
    content_hash,
)
from testimony_app.core.vault import activity, loghead, org
from testimony_app.core.vault.connection import Connection

if TYPE_CHECKING:
    from testimony_app.core.vault.opened import OpenVault

# the logger keeps the name it had before the module was split
log = logging.getLogger("testimony_app.core.sync.bundle")


# -- export ------------------------------------------------------------------


def _pending(conn: Connection, everything: bool
             ) -> tuple[list[tuple[RecordId, int]], list[attachment.Attachment]]:
    rows = delivery.unsent(conn, everything)
    atts = [attachment.get(conn, a) for a in delivery.unsent_attachment_ids(conn, everything)]
    return rows, atts


def _record_line(conn: Connection, record_id: RecordId) -> tuple[bytes, str, int]:
    rec = store.get(conn, record_id)
    # A revision rewritten when its testimony was sealed also carries the hash it had
    # before, sealed to the organisation (core/identity/seal.py): the coordinator may hold
    # that version, and only it may read which it was.
    history = [{"revision": r[0], "at": r[1], "author": r[2], "action": r[3],
                "sha256": _stored_hash(r[4]), **({"sealed_sha256": r[5]} if r[5] else {})}
               for r in tables.history_rows(conn, record_id)]
    digest = content_hash(rec.data)
    line = safejson.dumps({"kind": rec.kind, "id": rec.id, "revision": rec.revision,
                           "sha256": digest, "data": rec.data, "history": history[-MAX_HISTORY:]})
    return line + b"\n", digest, rec.revision


def _lines(conn: Connection, ids: list[tuple[RecordId, int]], kept: list[bytes]) -> Iterator[bytes]:
    """The lines of records.jsonl: those `export` kept from its hashing pass, then the
    rest made again (the same: the export's transaction holds the vault still)."""
    yield from kept
    rest = [record_id for record_id, _revision in ids[len(kept):]]
    for line, _digest, _revision in bundlelines.lines(conn, rest, MAX_HISTORY, _record_line):
        yield line


def _header(name: str, size: int, mtime: int) -> bytes:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode, info.type = size, mtime, 0o600, tarfile.REGTYPE
    return info.tobuf(tarfile.GNU_FORMAT, "utf-8", "strict")


def _pad(size: int) -> bytes:
    return b"\0" * (-size % BLOCK)


class _Reader:
    """A file-like object that `pyrage.encrypt_io` pulls the tar stream from."""

    def __init__(self, parts: Iterator[bytes], total: int, progress: Progress | None,
                 cancelled: IsCancelled | None) -> None:
        self._parts = parts
        self._buffer = b""
        self._offset = 0
        self.done = 0
        self._total = total
        self._progress = progress
        self._cancelled = cancelled
        self.error: BaseException | None = None

    def read(self, size: int = -1) -> bytes:
        try:
            return self._read(size)
        except BaseException as exc:  # pyrage wraps it in EncryptError; export re-raises it
            self.error = exc
            raise

    def _read(self, size: int) -> bytes:
        while len(self._buffer) - self._offset < max(size, 1):
            try:
                part = next(self._parts)
            except StopIteration:
                break
            self._buffer = self._buffer[self._offset:] + part
            self._offset = 0
        end = len(self._buffer) if size < 0 else self._offset + size
        chunk = self._buffer[self._offset:end]
        self._offset += len(chunk)
        before, self.done = self.done, self.done + len(chunk)
        if (before >> 22) != (self.done >> 22):  # every 4 MiB
            if self._cancelled and self._cancelled():
                raise Cancelled()
            if self._progress:
                self._progress(self.done, self._total)
        return chunk


def _stream(conn: Connection, manifest: bytes, signature: bytes, ids: list[tuple[RecordId, int]],
            atts: list[attachment.Attachment], records_size: int, mtime: int,
            kept: list[bytes]) -> Iterator[bytes]:
    for name, data in ((MANIFEST, manifest), (SIGNATURE, signature)):
        yield _header(name, len(data), mtime) + data + _pad(len(data))
    if ids:
        yield _header(RECORDS, records_size, mtime)
        yield from _lines(conn, ids, kept)
        yield _pad(records_size)
    for att in atts:
        yield _header(ATTACHMENTS + att.id, att.size, mtime)
        yield from attachment.chunks(conn, att.id)
        yield _pad(att.size)
    yield b"\0" * (2 * BLOCK)


@dataclass(frozen=True)
class ExportPlan:
    """What `export` would write now (nothing is written or marked by asking)."""

    organisation: str
    sequence: int
    records: dict[str, int]  # by kind
    attachments: int
    attachment_bytes: int

    @property
    def empty(self) -> bool:
        return not any(self.records.values()) and not self.attachments


def plan(session: OpenVault, everything: bool = False) -> ExportPlan:
    conn = session.conn
    organisation = org.require_org(conn)
    sequence = conn.execute("SELECT coalesce(max(sequence), 0) + 1 FROM sent_bundles"
                            ).fetchone()[0]
    kinds = delivery.unsent_by_kind(conn, everything)
    count, size = delivery.unsent_attachment_size(conn, everything)
    return ExportPlan(organisation.name, int(sequence), kinds, int(count), int(size))


def export(session: OpenVault, target: Path, *, everything: bool = False,
           progress: Progress | None = None, cancelled: IsCancelled | None = None
           ) -> ExportResult:
    """Write everything new or changed since the last bundle (or everything) to `target`."""
    conn = session.conn
    organisation = org.require_org(conn)
    me = org.whoami(conn)
    key = org.signing_key(conn)
    conn.execute("BEGIN IMMEDIATE")
    try:
        sequence = conn.execute("SELECT coalesce(max(sequence), 0) + 1 FROM sent_bundles"
                                ).fetchone()[0]
        ids, atts = _pending(conn, everything)
        if not ids and not atts:
            raise InputError("nothing_to_export", sequence=sequence - 1)
        digest = hashlib.sha256()
        records_size = 0
        sent: list[tuple[str, int, str]] = []
        kept: list[bytes] = []  # the first lines, up to LINES_KEPT bytes: not made twice
        sealed_history = False
        made = bundlelines.lines(conn, [i for i, _r in ids], MAX_HISTORY, _record_line)
        for (record_id, _revision), (line, record_hash, revision) in zip(ids, made,
                                                                          strict=True):
            sealed_history = sealed_history or b'"sealed_sha256"' in line
            digest.update(line)
            records_size += len(line)
            sent.append((record_id, revision, record_hash))
            if records_size <= LINES_KEPT and len(kept) == len(sent) - 1:
                kept.append(line)
        if records_size > MAX_RECORDS:
            raise InputError("bundle_too_large")
        entries: list[dict[str, Any]] = []
        if ids:
            entries.append({"name": RECORDS, "size": records_size,
                            "sha256": digest.hexdigest(), "records": len(ids)})
        for att in atts:
            entries.append({"name": ATTACHMENTS + att.id, "size": att.size, "sha256": att.sha256,
                            "attachment": {"id": att.id, "record_id": att.record_id,
                                           "filename": att.filename,
                                           "media_type": att.media_type,
                                           "created_at": att.created_at,
                                           **({"sealed": att.meta["sealed"]}
                                              if att.sealed else {})}})
        bundle_id = BundleId(str(uuid.uuid4()))
        created = activity.now()
        manifest = safejson.dumps({
            "format": (FORMAT_SEALED if sealed_history or any(a.sealed for a in atts)
                       else FORMAT),
            "bundle_id": bundle_id, "created_at": created,
            "organisation": organisation.id, "sequence": sequence,
            "sender": {"fingerprint": me.fingerprint,
                       "signing_key": base64.b64encode(me.signing_key).decode("ascii"),
                       "age_recipient": me.age_recipient, "device_id": me.device_id},
            "recipients": [org.recipient_fingerprint(r) for r in organisation.recipients],
            "entries": entries, "log": loghead.for_manifest(conn)})
        signature = key.sign(SIG_CONTEXT + manifest)
        # What was sent is known by revision; no hash of it is kept (it would outlive
        # a sealing that forgot it, and nothing reads it).
        delivery.mark_sent(conn, [(i, rev, sequence) for i, rev, _h in sent],
                           [(a.id, sequence) for a in atts])
        conn.execute("INSERT INTO sent_bundles (sequence, bundle_id, created_at, records, "
                     "attachments) VALUES (?, ?, ?, ?, ?)",
                     (sequence, bundle_id, created, len(ids), len(atts)))
        activity.record(conn, session.author, "export", bundle_id, sequence=sequence,
                     records=len(ids), attachments=len(atts))
        total = (3 * BLOCK + len(manifest) + len(signature) + records_size
                 + sum(BLOCK + a.size + BLOCK for a in atts))
        mtime = 0
        parts = _stream(conn, manifest, signature, ids, atts, records_size, mtime, kept)
        reader = _Reader(_blocked(parts), total, progress, cancelled)
        recipients = [x25519.Recipient.from_str(r) for r in organisation.recipients]
        with outfile.new_file(target) as handle:
            try:
                pyrage.encrypt_io(reader, handle, recipients)
            except pyrage.EncryptError:
                if reader.error is not None:
                    raise reader.error from None
                raise
            size = handle.tell()
        if progress:
            progress(reader.done, reader.done)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    log.info("bundle exported: sequence %d, %d records, %d attachments",
             sequence, len(ids), len(atts))
    return ExportResult(target, bundle_id, sequence, len(ids), len(atts), size)


def _blocked(parts: Iterator[bytes]) -> Iterator[bytes]:
    """Pass the stream through and pad its end to a whole tar record."""
    written = 0
    for part in parts:
        written += len(part)
        yield part
    yield b"\0" * (-written % RECORD_SIZE)


