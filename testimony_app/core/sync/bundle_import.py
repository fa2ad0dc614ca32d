"""Reading a sync bundle: a push parser over the decrypted stream, inside one
transaction, refusing anything the signed manifest does not vouch for; and what
the coordinator heard from each device (the format: bundle.py and docs/FORMAT.md)."""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyrage
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from testimony_app.core.common.errors import Cancelled, InputError, ValidationFailed
from testimony_app.core.common.ids import AttachmentId, BundleId, RecordId
from testimony_app.core.records import arrivals, attachment, interchange, store, tables
from testimony_app.core.sync import timestamp
from testimony_app.core.sync.bundle_format import (
    BLOCK,
    MANIFEST,
    MAX_LINE,
    MAX_MANIFEST,
    RECORD_SIZE,
    RECORDS,
    SIG_CONTEXT,
    SIGNATURE,
    ImportResult,
    IsCancelled,
    Progress,
    Refused,
    _AlreadyImported,
    _Entry,
    _Line,
    _Manifest,
    _parse_line,
    _parse_manifest,
    _refuse,
    _stored_hash,
)
from testimony_app.core.vault import activity, loghead, org
from testimony_app.core.vault.connection import Connection

if TYPE_CHECKING:
    from testimony_app.core.vault.opened import OpenVault

# the logger keeps the name it had before the module was split
log = logging.getLogger("testimony_app.core.sync.bundle")


class _Importer:
    """The push side of `pyrage.decrypt_io`: a tar parser and a member handler in one."""

    def __init__(self, session: OpenVault, file_size: int, progress: Progress | None,
                 cancelled: IsCancelled | None, allow_untrusted: bool = False) -> None:
        self.session = session
        self.allow_untrusted = allow_untrusted  # a preview goes on to count, and says so
        self.trusted = False
        self.conn = session.conn
        self.organisation = org.require_coordinator(self.conn)
        self.identity = org.org_identity(self.conn)  # also opens sealed attachments
        self.our_recipient = org.recipient_fingerprint(str(self.identity.to_public()))
        self.file_size = file_size
        self.progress = progress
        self.cancelled = cancelled
        self.state = "header"
        self.block = bytearray()
        self.zero_blocks = 0
        self.trailing = 0
        self.remaining = 0
        self.padding = 0
        self.member: str | None = None
        self.member_hash = hashlib.sha256()
        self.member_buffer = bytearray()
        self.manifest_raw = b""
        self.manifest: _Manifest | None = None
        self.manifest_sha256 = ""
        self.signer_name = ""
        self.next_entry = 0
        self.entry: _Entry | None = None
        self.lines: list[_Line] = []
        self.records_done = False
        self.att_chunk = bytearray()
        self.att_seq = 0
        self.att_store = False
        self.att_sealed: dict[str, Any] | None = None  # what a sealed attachment's seal holds
        self.done = 0
        self.result: ImportResult | None = None
        self.error: BaseException | None = None
        self.outcomes: dict[str, str] = {}
        self.stored: dict[str, tuple[str, str]] = {}  # id -> (kind, data) of the vault

    # the file-like side

    def write(self, data: bytes) -> int:
        try:
            return self._write(data)
        except BaseException as exc:  # pyrage may wrap it; import_bundle re-raises it
            self.error = exc
            raise

    def _write(self, data: bytes) -> int:
        view = memoryview(data)
        pos = 0
        while pos < len(view):
            if self.state == "data":
                take = min(self.remaining, len(view) - pos)
                self._member_data(view[pos:pos + take])
                pos += take
                self.remaining -= take
                if self.remaining == 0:
                    self._member_end()
                    self.state = "padding" if self.padding else "header"
            elif self.state == "padding":
                take = min(self.padding, len(view) - pos)
                pos += take
                self.padding -= take
                if self.padding == 0:
                    self.state = "header"
            elif self.state == "end":
                rest = bytes(view[pos:])
                self.trailing += len(rest)
                if rest.count(0) != len(rest) or self.trailing > 2 * RECORD_SIZE:
                    raise _refuse("bundle_malformed")
                pos = len(view)
            else:
                take = min(BLOCK - len(self.block), len(view) - pos)
                self.block += view[pos:pos + take]
                pos += take
                if len(self.block) == BLOCK:
                    block, self.block = bytes(self.block), bytearray()
                    self._header(block)
        before, self.done = self.done, self.done + len(data)
        if (before >> 22) != (self.done >> 22):
            if self.cancelled and self.cancelled():
                raise Cancelled()
            if self.progress:
                self.progress(self.done, self.file_size)
        return len(data)

    def _header(self, block: bytes) -> None:
        if block.count(0) == BLOCK:
            self.zero_blocks += 1
            if self.zero_blocks == 2:
                self.state = "end"
            return
        if self.zero_blocks:
            raise _refuse("bundle_malformed")
        try:
            info = tarfile.TarInfo.frombuf(block, "utf-8", "strict")
        except Exception:  # tarfile.HeaderError, UnicodeDecodeError, ValueError
            raise _refuse("bundle_malformed") from None
        if info.type not in (tarfile.REGTYPE, tarfile.AREGTYPE) or info.linkname:
            raise _refuse("bundle_unexpected_member")
        expected, limit = self._expected()
        if info.name != expected:
            raise _refuse("bundle_unexpected_member")
        if info.size > limit or (self.entry is not None and info.size != self.entry.size):
            raise _refuse("bundle_size")
        self.member = info.name
        self.remaining = info.size
        self.padding = -info.size % BLOCK
        self.member_hash = hashlib.sha256()
        self.member_buffer = bytearray()
        self._member_begin()
        if self.remaining == 0:
            self._member_end()
            self.state = "header"
        else:
            self.state = "data"

    def _expected(self) -> tuple[str, int]:
        if self.member is None:
            return MANIFEST, MAX_MANIFEST
        if self.manifest is None:
            return SIGNATURE, 64
        if self.next_entry >= len(self.manifest.entries):
            raise _refuse("bundle_unexpected_member")
        self.entry = self.manifest.entries[self.next_entry]
        self.next_entry += 1
        return self.entry.name, self.entry.size

    # members

    def _member_begin(self) -> None:
        if self.entry is not None and self.entry.attachment is not None:
            self._attachment_begin(self.entry.attachment)

    def _member_data(self, data: memoryview) -> None:
        self.member_hash.update(data)
        if self.member in (MANIFEST, SIGNATURE):
            self.member_buffer += data
        elif self.member == RECORDS:
            self.member_buffer += data
            while True:
                cut = self.member_buffer.find(b"\n")
                if cut < 0:
                    break
                line = bytes(self.member_buffer[:cut])
                del self.member_buffer[:cut + 1]
                self.lines.append(_parse_line(line))
            if len(self.member_buffer) > MAX_LINE:
                raise _refuse("bundle_size")
        else:
            self._attachment_data(data)

    def _member_end(self) -> None:
        if self.member == MANIFEST:
            self.manifest_raw = bytes(self.member_buffer)
            self.member_buffer = bytearray()
            return
        if self.member == SIGNATURE:
            self._check_manifest(self.manifest_raw, bytes(self.member_buffer))
            return
        if self.entry is None:
            raise _refuse("bundle_malformed")
        if self.member_hash.hexdigest() != self.entry.sha256:
            raise _refuse("bundle_damaged")
        if self.member == RECORDS:
            if self.member_buffer:
                raise _refuse("bundle_malformed")
            self._apply_records()
        else:
            self._attachment_end()
        self.entry = None

    # manifest

    def _check_manifest(self, raw: bytes, signature: bytes) -> None:
        manifest = _parse_manifest(raw)
        try:
            Ed25519PublicKey.from_public_bytes(manifest.signing_key).verify(
                signature, SIG_CONTEXT + raw)
        except InvalidSignature:
            raise _refuse("bundle_bad_signature") from None
        if manifest.organisation != self.organisation.id:
            raise _refuse("bundle_other_org")
        if self.our_recipient not in manifest.recipients:
            raise _refuse("bundle_not_for_us")
        row = org.known(self.conn, manifest.fingerprint)
        if (row is None or not row[1]) and not self.allow_untrusted:
            raise _refuse("bundle_untrusted", fingerprint=manifest.fingerprint)
        self.trusted = row is not None and bool(row[1])
        self.signer_name = str(row[0]) if row is not None else ""
        self.manifest = manifest
        self.manifest_sha256 = hashlib.sha256(raw).hexdigest()  # what a timestamp covers
        self.result = ImportResult(manifest.bundle_id, manifest.fingerprint, self.signer_name,
                                   manifest.device_id, manifest.sequence)
        if self.conn.execute("SELECT 1 FROM received_bundles WHERE bundle_id = ?",
                             (manifest.bundle_id,)).fetchone():
            raise _AlreadyImported()
        declared = sum(e.size for e in manifest.entries)
        if declared > self.file_size:
            raise _refuse("bundle_size")
        if declared * 2 > shutil.disk_usage(self.session.folder).free:
            raise InputError("disk")

    # records

    def _apply_records(self) -> None:
        if self.manifest is None or self.result is None:
            raise _refuse("bundle_malformed")
        conn = self.conn
        author = f"{self.signer_name} ({self.manifest.fingerprint[:9]})"
        seen: set[str] = set()
        to_put: dict[str, list[dict[str, Any]]] = {k: [] for k in interchange.KINDS}
        conflicts: list[_Line] = []
        # The vault's rows for every line's id, in a few queries instead of one per line.
        ids = sorted({line.id for line in self.lines})
        self.stored = tables.stored_rows(conn, ids)
        for line in self.lines:
            if line.id in seen:
                raise _refuse("bundle_malformed")
            seen.add(line.id)
            outcome = self._decide(line)
            self.outcomes[line.id] = outcome
            if outcome in ("added", "updated"):
                to_put[line.kind].append(line.data)
            elif outcome == "conflicting":
                conflicts.append(line)
        document = {"format": interchange.FORMAT,
                    **{interchange.ARRAYS[k]: v for k, v in to_put.items() if v}}
        try:
            interchange.validate(document)
            items = list(interchange.records(document))
            store.put_records(conn, items, author)
        except ValidationFailed as exc:
            if any("does not exist" in reason for _path, reason in exc.problems):
                raise _refuse("bundle_missing_references") from None
            raise _refuse("bundle_invalid_records", count=len(exc.problems)) from None
        at = activity.now()
        for line in conflicts:
            data = dict(line.data)
            identity = data.pop("identity", None)
            arrivals.keep_conflict(
                conn, line.id, line.kind, self.manifest.bundle_id, self.manifest.fingerprint,
                interchange.canonical(data),
                None if identity is None else interchange.canonical(identity),
                line.sha256, at)
        arrivals.note(
            conn,
            [(line.id, self.manifest.bundle_id, self.manifest.fingerprint,
              self.manifest.device_id, self.manifest.sequence, self.outcomes[line.id],
              line.sha256, json.dumps(line.history), at) for line in self.lines])
        for line in self.lines:
            getattr(self.result, self.outcomes[line.id]).append(line.id)
        self.records_done = True

    def _history_hashes(self, history: list[dict[str, Any]]) -> set[str]:
        """The hashes a line's history lists, with those sealed to the organisation
        opened (this is a coordinator's vault)."""
        from testimony_app.core.identity import seal

        found = {h["sha256"] for h in history}
        found.update(h for h in (seal.open_hash(self.identity, item["sealed_sha256"])
                                 for item in history if "sealed_sha256" in item) if h)
        return found

    def _decide(self, line: _Line) -> str:
        row = self.stored.get(line.id)
        if row is None:
            return "added"
        if row[0] != line.kind:
            return "conflicting"
        data = dict(line.data)
        identity = data.pop("identity", None)
        incoming = _stored_hash(interchange.canonical(data))
        current = _stored_hash(row[1])
        if incoming == current:
            if line.kind != "person" or "sealed_identity" in data:
                return "unchanged"
            old = tables.identity_text(self.conn, line.id)
            new = None if identity is None else interchange.canonical(identity)
            return "unchanged" if old == new else self._update_or_conflict(line.id)
        if current in self._history_hashes(line.history):
            return self._update_or_conflict(line.id)
        ours = {_stored_hash(r) for r in tables.revision_texts(self.conn, line.id)}
        for history in arrivals.histories(self.conn, line.id):
            ours.update(self._history_hashes(json.loads(history)))
        if incoming in ours:
            return "unchanged"  # an older version of what this vault already holds
        return "conflicting"

    def _update_or_conflict(self, record_id: RecordId) -> str:
        """A record changes only by the device that created it: another researcher's
        bundle (trusted, signed, and free to claim any history) that would replace it
        is kept as a conflict, and so is one that would replace a record the
        coordinator made itself (no bundle brought it)."""
        if self.manifest is None:
            return "conflicting"
        return "updated" if self._created_by_sender(record_id) else "conflicting"

    def _created_by_sender(self, record_id: RecordId) -> bool:
        """Whether this bundle's device first brought the record here (one the
        coordinator made itself came in no bundle: no sender created it)."""
        if self.manifest is None:
            return False
        creator = arrivals.creator(self.conn, record_id)
        return creator is not None and creator == (self.manifest.fingerprint,
                                                   self.manifest.device_id)

    # attachments

    def _attachment_begin(self, meta: dict[str, Any]) -> None:
        conn = self.conn
        row = attachment.stored_state(conn, meta["id"])
        if self.entry is None:
            raise _refuse("bundle_malformed")
        # A sealed attachment (docs/FORMAT.md): the entry is its ciphertext; its seal
        # holds the original's name, size and SHA-256, which this vault keeps.
        self.att_sealed = None
        size, sha, filename, extra = self.entry.size, self.entry.sha256, meta["filename"], {}
        if "sealed" in meta:
            from testimony_app.core.identity import seal

            try:
                self.att_sealed = seal.open_attachment_info(self.identity, meta["sealed"])
            except ValueError:
                raise _refuse("bundle_sealed_unreadable") from None
            size, sha = self.att_sealed["size"], self.att_sealed["sha256"]
            filename = self.att_sealed["filename"]
            recording = self.att_sealed.get("meta", {}).get("recording")
            extra = {"recording": recording} if isinstance(recording, dict) else {}
        if row is not None:
            if row[0] != meta["record_id"] or row[1] != sha or not row[2]:
                raise _refuse("bundle_damaged")
            self.att_store = False
            return
        if not tables.exists(conn, meta["record_id"]):
            raise _refuse("bundle_missing_references")
        # A new file joins a record only from the device that created it: another
        # trusted researcher (free to send a copy of any record, unchanged) would
        # otherwise add evidence under someone else's record. Kept whole or refused
        # whole: a conflict holds record versions, not files.
        if not self._created_by_sender(meta["record_id"]):
            raise _refuse("bundle_attachment_not_owner")
        attachment.insert_incoming(conn, meta["id"], meta["record_id"],
                                   attachment._safe_name(filename), meta["media_type"][:100],
                                   size, sha, meta["created_at"],
                                   json.dumps(extra, ensure_ascii=False))
        self.att_store = True
        self.att_seq = 0
        self.att_chunk = bytearray()

    def _attachment_data(self, data: memoryview) -> None:
        if not self.att_store:
            return
        self.att_chunk += data
        while len(self.att_chunk) >= attachment.CHUNK:
            self._flush_chunk(bytes(self.att_chunk[:attachment.CHUNK]))
            del self.att_chunk[:attachment.CHUNK]

    def _flush_chunk(self, block: bytes) -> None:
        if self.entry is None or self.entry.attachment is None:
            raise _refuse("bundle_malformed")
        # A sealed attachment's ciphertext is staged at negative seq numbers, opened
        # into the real chunks once all of it has arrived and checked out.
        seq = -1 - self.att_seq if self.att_sealed is not None else self.att_seq
        attachment.write_chunk(self.conn, self.entry.attachment["id"], seq, block)
        self.att_seq += 1

    def _attachment_end(self) -> None:
        if self.entry is None or self.entry.attachment is None:
            raise _refuse("bundle_malformed")
        if self.result is None:
            raise _refuse("bundle_malformed")
        att_id = self.entry.attachment["id"]
        if self.att_store:
            if self.att_chunk:
                self._flush_chunk(bytes(self.att_chunk))
                self.att_chunk = bytearray()
            if self.att_sealed is not None:
                self._open_sealed(att_id, self.att_sealed)
            attachment.mark_complete(self.conn, att_id)
            self.result.attachments_added.append(att_id)
        else:
            self.result.attachments_unchanged.append(att_id)

    def _open_sealed(self, att_id: AttachmentId, info: dict[str, Any]) -> None:
        """Decrypt the staged ciphertext, streaming, into plaintext chunks; refuse the
        bundle unless it opens and matches the original's size and SHA-256."""
        reader = attachment.ChunkReader(self.conn, att_id, staged=True)
        writer = attachment.ChunkWriter(self.conn, att_id)
        try:
            pyrage.decrypt_io(reader, writer, [self.identity])
        except Exception:
            failed = writer.error or reader.error
            if failed is not None:
                raise failed from None  # the database's, not the seal's
            raise _refuse("bundle_sealed_unreadable") from None
        writer.close()
        if writer.size != info["size"] or writer.digest.hexdigest() != info["sha256"]:
            raise _refuse("bundle_sealed_unreadable")
        attachment.drop_staged(self.conn, att_id)

    # the end

    def finish(self) -> ImportResult:
        if self.state != "end" or self.manifest is None or self.result is None:
            raise _refuse("bundle_truncated")
        if self.next_entry != len(self.manifest.entries) or self.entry is not None:
            raise _refuse("bundle_truncated")
        return self.result


def _file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        raise InputError("file_unreadable", path=str(path)) from None


def import_bundle(session: OpenVault, path: Path, progress: Progress | None = None,
                  cancelled: IsCancelled | None = None) -> ImportResult:
    """Verify and import one bundle in one transaction: all of it, or nothing at all."""
    return _import(session, path, progress, cancelled, dry_run=False)[0]


@dataclass(frozen=True)
class Preview:
    """What importing a bundle would do; nothing of it was committed."""

    result: ImportResult  # counts, signer, sequence, and the gaps after this bundle
    trusted: bool
    words: str  # the signer's fingerprint read aloud
    created_at: str
    attachment_bytes: int


def preview(session: OpenVault, path: Path, progress: Progress | None = None,
            cancelled: IsCancelled | None = None) -> Preview:
    """Run every check and every step of `import_bundle`, then roll it all back.

    A signer nobody trusted yet is not a refusal here: the preview says who it is
    (to compare the fingerprint and trust it) and what the bundle would change. A
    bundle refused for any other reason raises, and its refusal is logged, as an
    import would.
    """
    result, importer = _import(session, path, progress, cancelled, dry_run=True)
    manifest = importer.manifest
    return Preview(result, importer.trusted, org.fingerprint_words(result.signer),
                   manifest.created_at if manifest else "",
                   sum(e.size for e in manifest.entries if e.attachment is not None)
                   if manifest else 0)


def _import(session: OpenVault, path: Path, progress: Progress | None,
            cancelled: IsCancelled | None, dry_run: bool) -> tuple[ImportResult, _Importer]:
    conn = session.conn
    identity = org.org_identity(conn)
    size = _file_size(path)
    importer = _Importer(session, size, progress, cancelled, allow_untrusted=dry_run)
    try:
        handle = path.open("rb")
    except OSError:
        raise InputError("file_unreadable", path=str(path)) from None
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("PRAGMA defer_foreign_keys = ON")
    try:
        with handle:
            try:
                pyrage.decrypt_io(handle, importer, [identity])
            except (Refused, _AlreadyImported, Cancelled, InputError):
                raise
            except Exception:
                if importer.error is not None:
                    raise importer.error from None
                _raise_decrypt_error()
        result = importer.finish()
        manifest = importer.manifest
        if manifest is None:
            raise _refuse("bundle_malformed")
        if not importer.records_done and any(e.name == RECORDS for e in manifest.entries):
            raise _refuse("bundle_truncated")
        summary = {
            "records": [{"id": line.id, "sha256": line.sha256, "revision": line.revision}
                        for line in importer.lines],
            "attachments": [{"id": e.attachment["id"], "sha256": e.sha256}
                            for e in manifest.entries if e.attachment is not None],
            "recipient": manifest.age_recipient,
            "added": len(result.added), "updated": len(result.updated),
            "unchanged": len(result.unchanged), "conflicting": len(result.conflicting)}
        conn.execute("INSERT INTO received_bundles (bundle_id, fingerprint, device_id, sequence, "
                     "created_at, imported_at, summary) VALUES (?,?,?,?,?,?,?)",
                     (manifest.bundle_id, manifest.fingerprint, manifest.device_id,
                      manifest.sequence, manifest.created_at, activity.now(),
                      json.dumps(summary)))
        # A trusted timestamp is asked for when a network allows (core/sync/timestamp.py),
        # over the manifest and the researcher's log head ("seq:hash") it carries.
        head = f"{manifest.log.seq}:{manifest.log.hash}" if manifest.log is not None else None
        timestamp.queue(conn, manifest.bundle_id, importer.manifest_sha256, head)
        result.missing_sequences = missing_sequences(conn, manifest.fingerprint,
                                                     manifest.device_id)
        result.log_warning = loghead.receive(conn, manifest.log, manifest.bundle_id,
                                             manifest.fingerprint, manifest.device_id,
                                             manifest.sequence, activity.now())
        activity.record(conn, session.author, "import", manifest.bundle_id,
                     signer=manifest.fingerprint, sequence=manifest.sequence,
                     added=len(result.added), updated=len(result.updated),
                     unchanged=len(result.unchanged), conflicting=len(result.conflicting),
                     attachments=len(result.attachments_added),
                     **({"log_warning": result.log_warning} if result.log_warning else {}))
    except _AlreadyImported:
        conn.execute("ROLLBACK")
        if importer.result is None:
            raise _refuse("bundle_malformed") from None
        importer.result.already_imported = True
        return importer.result, importer
    except Refused as exc:
        conn.execute("ROLLBACK")
        _note_refusal(session, exc.code, importer)
        raise
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    if dry_run:
        conn.execute("ROLLBACK")
        log.info("bundle previewed: sequence %d", result.sequence)
        return result, importer
    conn.execute("COMMIT")
    log.info("bundle imported: sequence %d", result.sequence)
    return result, importer


def _raise_decrypt_error() -> None:
    """Turn what pyrage raised (in an except clause) into our refusal."""
    import sys

    exc = sys.exc_info()[1]
    text = str(exc).lower()
    if isinstance(exc, pyrage.DecryptError) and "no matching keys" in text:
        raise _refuse("bundle_not_for_us") from None
    if isinstance(exc, pyrage.DecryptError) and "header" in text:
        raise _refuse("not_a_bundle") from None
    raise _refuse("bundle_damaged") from None


def _note_refusal(session: OpenVault, code: str, importer: _Importer) -> None:
    from testimony_app.core.vault.db import transaction

    manifest = importer.manifest
    with transaction(session.conn):
        activity.record(session.conn, session.author, "import_refused",
                     manifest.bundle_id if manifest else None, reason=code,
                     signer=manifest.fingerprint if manifest else None)


MAX_GAPS_REPORTED = 100


def missing_sequences(conn: Connection, fp: str, device_id: str) -> list[int]:
    """The first missing sequence numbers (at most MAX_GAPS_REPORTED): a signed bundle
    with an absurd sequence number must not make the importer count to it."""
    seqs = sorted(r[0] for r in conn.execute(
        "SELECT sequence FROM received_bundles WHERE fingerprint = ? AND device_id = ?",
        (fp, device_id)))
    missing: list[int] = []
    previous = 0
    for seq in seqs:
        number = previous + 1
        while number < seq and len(missing) < MAX_GAPS_REPORTED:
            missing.append(number)
            number += 1
        if len(missing) >= MAX_GAPS_REPORTED:
            break
        previous = seq
    return missing


def gaps(conn: Connection) -> list[tuple[str, str, int]]:
    """(fingerprint, person's name, missing sequence) for every device heard from."""
    result = []
    for fp, device in conn.execute("SELECT DISTINCT fingerprint, device_id FROM received_bundles"
                                   ).fetchall():
        known = org.known(conn, fp)
        for n in missing_sequences(conn, fp, device):
            result.append((fp, known[0] if known else fp, n))
    return result


@dataclass(frozen=True)
class Researcher:
    """A person whose key this vault knows, and what arrived from them."""

    fingerprint: str
    name: str
    trusted: bool
    words: str
    bundles: int
    last_sequence: int  # 0: nothing received yet
    missing: tuple[int, ...]


def researchers(conn: Connection) -> list[Researcher]:
    missing: dict[str, list[int]] = {}
    for fp, _name, n in gaps(conn):
        missing.setdefault(fp, []).append(n)
    out = []
    for person in org.people(conn):
        count, last = conn.execute("SELECT count(*), coalesce(max(sequence), 0) FROM "
                                   "received_bundles WHERE fingerprint = ?",
                                   (person.fingerprint,)).fetchone()
        out.append(Researcher(person.fingerprint, person.name, person.trusted,
                              org.fingerprint_words(person.fingerprint), int(count), int(last),
                              tuple(missing.get(person.fingerprint, ()))))
    return out


@dataclass(frozen=True)
class Conflict:
    id: int
    record_id: RecordId
    kind: str
    fingerprint: str
    bundle_id: BundleId
    at: str
    log_warning: str | None = None  # core/vault/loghead.py: the sender's log did not extend


def conflicts(conn: Connection) -> list[Conflict]:
    warnings = loghead.warnings(conn)
    return [Conflict(*r, warnings.get(r[4])) for r in arrivals.conflict_rows(conn)]


@dataclass(frozen=True)
class Provenance:
    bundle_id: BundleId
    fingerprint: str
    name: str
    device_id: str
    sequence: int
    outcome: str
    imported_at: str
    log_warning: str | None = None  # core/vault/loghead.py: the sender's log did not extend


def provenance(conn: Connection, record_id: str) -> list[Provenance]:
    names, warnings = org.names(conn), loghead.warnings(conn)
    return [Provenance(bundle_id, fp, names.get(fp, ""), device_id, sequence, outcome, at,
                       warnings.get(bundle_id))
            for bundle_id, fp, device_id, sequence, outcome, at
            in arrivals.arrival_rows(conn, record_id)]
