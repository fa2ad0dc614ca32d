"""The facade: one unlocked vault and every use case a person has for it.

The CLI and the GUI both call this and nothing below it. Long operations take a
`progress(done, total)` callback and, where they can stop midway, a
`cancelled()` predicate.
"""

from __future__ import annotations

import functools
import logging
import os
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from testimony_app.core.common import outfile
from testimony_app.core.common.errors import InputError, VaultError, WrongSecret
from testimony_app.core.common.ids import AttachmentId, PersonId, RecordId
from testimony_app.core.identity import finalising
from testimony_app.core.identity import people as persons  # `people` is a method below
from testimony_app.core.records import (
    attachment,
    drafts,
    figure_facts,
    interchange,
    listing,
    record_counts,
    record_names,
    store,
    versions,
)
from testimony_app.core.vault import activity, anchor, db, keyfile, lock, meta, migrations, rekey
from testimony_app.core.vault.connection import Connection
from testimony_app.core.workspace import provenance
from testimony_app.i18n import _

if TYPE_CHECKING:
    # Imported by the methods that use it: it pulls in duplicates, seal and
    # namematch, ~80 ms before the start window could be painted (bench/README.md);
    # so do stats and discrepancy.
    from testimony_app.core import backup as backups
    from testimony_app.core.audit.service import AuditService

    # `duplicates` is a method below, which would hide the module in annotations
    from testimony_app.core.identity import duplicates as person_duplicates
    from testimony_app.core.identity import untagged
    from testimony_app.core.records import narrative_tags, places
    from testimony_app.core.sync import syncfolder
    from testimony_app.core.sync.service import SyncService
    from testimony_app.core.vault import org
    from testimony_app.core.vault.org_service import OrgService
    from testimony_app.core.workspace import corroboration, discrepancy, independence, stats

log = logging.getLogger(__name__)


# Where a vault lives and whether a folder holds one: in vault.py, so that the start
# window can ask without importing this facade and all it uses (bench/README.md).
default_vault_dir = keyfile.default_vault_dir
is_vault = keyfile.is_vault


# The lock moved to vault/lock.py (a restore takes it too); the old names stay.
LOCK_FILE = lock.LOCK_FILE
_take_lock = lock.take


def _upgrades() -> dict[int, migrations.Upgrade]:
    """The migrations' data upgrades (identity/upgrades.py), for db.connect."""
    # imported here for start-up time: the upgrades pull in seal (bench/README.md)
    from testimony_app.core.identity.upgrades import UPGRADES

    return UPGRADES


def _seal_changed(conn: Connection, record_ids: list[RecordId], author: str) -> bool:
    """The store's sealer (records/store.py `add_document`): identity/seal.py's."""
    # imported here for start-up time: seal pulls in duplicates and namematch (bench/README.md)
    from testimony_app.core.identity import seal

    return seal.seal_changed(conn, record_ids, author)


def _seal_recording(conn: Connection, att_id: AttachmentId) -> bool:
    """The recordings' sealer (records/attachment.py `finish`): identity/seal.py's."""
    # imported here for start-up time, as in _seal_changed
    from testimony_app.core.identity import seal

    return seal.seal_recording(conn, att_id)


class Session:
    """An unlocked vault. `close()` (or `lock()`) closes the database and drops the key."""

    def __init__(self, folder: Path, conn: Connection, key: bytes, lock_fd: int = -1) -> None:
        self.folder = folder
        self._lock_fd = lock_fd
        self._conn: Connection | None = conn
        # The data key the database is under (a passphrase change replaces it); wiped
        # on close (best effort: Python may have copied it; see SECURITY.md).
        self._key = bytearray(key)
        self.read_only = False  # a backup opened where it lies
        self.author = self._meta("author") or "device:" + (self._meta("device_id") or "?")[:8]

    # -- opening and closing -------------------------------------------------

    @classmethod
    def create(cls, folder: Path, passphrase: str,
               kdf: keyfile.KdfParams | None = None) -> tuple[Session, str]:
        """Make a new vault in an empty or missing folder; returns it and the recovery code."""
        keyfile.check_passphrase(passphrase)
        if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
            raise VaultError("vault_exists", path=str(folder))
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(folder, 0o700)
        lock_fd = _take_lock(folder)
        created = keyfile.create_keys(folder, passphrase, kdf)
        conn = db.connect(folder / keyfile.DB_FILE, created.data_key, create=True,
                          upgrades=_upgrades())
        with db.transaction(conn):
            meta.insert_new(conn, [
                ("vault_id", created.vault_id), ("device_id", str(uuid.uuid4()))])
            session = cls(folder, conn, created.data_key, lock_fd)
            activity.record(conn, session.author, "create", created.vault_id)
        return session, created.recovery_code

    @classmethod
    def open(cls, folder: Path, passphrase: str,
             progress: migrations.Progress | None = None) -> Session:
        """Unlock a vault. `progress` is told of each step of an upgrade, if the vault
        was made by an earlier version (minutes for a large archive)."""
        return cls._open_settling(folder, keyfile.candidate_keys(folder, passphrase=passphrase),
                                  "unlock", progress)

    @classmethod
    def open_with_recovery(cls, folder: Path, code: str,
                           progress: migrations.Progress | None = None) -> Session:
        return cls._open_settling(folder, keyfile.candidate_keys(folder, code=code), "recover",
                                  progress)

    @classmethod
    def open_with_key(cls, folder: Path, key: bytes) -> Session:
        """Open with the data key itself, for code that already holds it: tests and
        benchmarks derive it once per run (`data_key()` of a session they unlocked) and
        reopen copies without paying Argon2id each time, and a child process is handed
        the key of a vault its parent unlocked. The window and the CLI never call this:
        a person opens with `open` or `open_with_recovery`. A wrong key is refused with
        a VaultError and changes nothing; an interrupted passphrase change is left for
        the next `open` to settle."""
        return cls._open_with_key(folder, key)

    def data_key(self) -> bytes:
        """A copy of the key the database is under, to hand to `open_with_key` in the
        same hands (a test, a benchmark, a child process). The copy is not wiped on
        `close()`; never log or store it."""
        self.conn  # noqa: B018 - raises 'locked' when closed
        return bytes(self._key)

    @classmethod
    def _open_settling(cls, folder: Path, keys: list[tuple[bool, bytes]], how: str,
                       progress: migrations.Progress | None = None) -> Session:
        """Open with the first key that decrypts the database, and finish or undo a
        passphrase change a kill interrupted: the pending header is put in place when
        its key is the one, and discarded when vault.key's is."""
        pending = (folder / keyfile.PENDING_FILE).exists()
        for from_pending, key in keys:
            try:
                session = cls._open_with_key(folder, key, how, progress)
            except VaultError as exc:
                if exc.code == "vault_damaged" and pending:
                    continue
                raise
            if from_pending:
                keyfile.promote_pending(folder)
            elif pending:
                keyfile.discard_pending(folder)
            return session
        # The secret unwraps a key the database is no longer under: a passphrase
        # change reached the database and this is the passphrase from before it.
        raise WrongSecret("wrong_secret" if how == "unlock" else "wrong_recovery_code")

    @classmethod
    def _open_with_key(cls, folder: Path, key: bytes, how: str = "unlock",
                       progress: migrations.Progress | None = None) -> Session:
        from testimony_app.core import backup

        if backup.is_backup(folder):
            return cls._open_backup(folder, key)
        header = keyfile.read_header(folder)
        db_path = folder / keyfile.DB_FILE
        if not db_path.exists():
            raise VaultError("vault_damaged")
        lock_fd = _take_lock(folder)
        try:
            conn = db.connect(db_path, key, upgrades=_upgrades(), progress=progress)
        except BaseException:
            os.close(lock_fd)
            raise
        try:
            stored_id = meta.get(conn, "vault_id")
            if stored_id is None or stored_id != header.vault_id:
                raise VaultError("vault_damaged")
            session = cls(folder, conn, key, lock_fd)
            # An interrupted recording is the interview itself: kept and completed.
            # An interrupted file intake is dropped (the file is still where it was).
            recovered = attachment.recover_recordings(conn, session.author,
                                                     sealer=_seal_recording)
            dropped = attachment.discard_incomplete(conn)
            with db.transaction(conn):
                activity.record(conn, session.author, how, None, discarded_attachments=dropped,
                             recovered_recordings=recovered)
            if recovered:
                log.info("recovered %d interrupted recordings", recovered)
            # imported here for start-up time, as in _seal_changed
            from testimony_app.core.identity import seal

            seal.resume_pending(conn, session.author)
        except db.DatabaseError as exc:
            conn.close()
            os.close(lock_fd)
            raise VaultError(db.open_error_code(exc, folder)) from None
        except BaseException:
            conn.close()
            os.close(lock_fd)
            raise
        return session

    @classmethod
    def _open_backup(cls, folder: Path, key: bytes) -> Session:
        """A backup opened where it lies, read-only: nothing is written to it (no lock
        file, no log entry), so its manifest keeps matching its files."""
        from testimony_app.core import backup

        conn = backup.open_read_only(folder, key)
        try:
            stored_id = meta.get(conn, "vault_id")
            if stored_id is None or stored_id != keyfile.read_header(folder).vault_id:
                raise VaultError("vault_damaged")
            session = cls(folder, conn, key)
        except BaseException:
            conn.close()
            raise
        session.read_only = True
        return session

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        for i in range(len(self._key)):
            self._key[i] = 0
        if self._lock_fd >= 0:
            os.close(self._lock_fd)  # closing the descriptor releases the flock
            self._lock_fd = -1

    lock = close

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def conn(self) -> Connection:
        if self._conn is None:
            raise VaultError("locked")
        return self._conn

    def _writable(self) -> None:
        """Changes outside the database (the key header) check this themselves; those
        inside it are refused by the read-only connection."""
        if self.read_only:
            raise VaultError("backup_read_only")

    def _meta(self, key: str) -> str | None:
        return meta.get(self.conn, key)

    # -- secrets --------------------------------------------------------------

    def change_passphrase(self, new_passphrase: str, progress: rekey.Progress | None = None,
                          cancelled: Callable[[], bool] | None = None,
                          recovery_code: str | None = None) -> str | None:
        """Re-encrypt the vault under a new data key wrapped under `new_passphrase`
        (rekey.py: no earlier vault.key opens it afterwards). The recovery code stays
        valid; on a vault made before recovery public keys, without `recovery_code`
        a new code is issued and returned (shown once), else None."""
        return self._rekey(new_passphrase, None, recovery_code, progress, cancelled,
                           "passphrase_changed", {})

    def _rekey(self, passphrase: str, params: keyfile.KdfParams | None,
               recovery_code: str | None, progress: rekey.Progress | None,
               cancelled: Callable[[], bool] | None, action: str,
               details: dict[str, Any]) -> str | None:
        self._writable()
        changed = rekey.change(self.conn, self.folder, passphrase, params, recovery_code,
                               progress, cancelled)
        self._key = bytearray(changed.data_key)
        with db.transaction(self.conn):
            if changed.recovery_code is not None:
                details = {**details, "new_recovery_code": True}
            activity.record(self.conn, self.author, action, None, **details)
        return changed.recovery_code

    def destroy_keys(self) -> Path | None:
        """Panic: make this vault unopenable by anyone, then lock it.

        On a vault enrolled in an organisation the header is first escrowed,
        encrypted to the organisation's recipients (returned path), so that the
        coordinator can restore it (`org.restore_header`); otherwise nothing can
        undo this.
        """
        from testimony_app.core.vault import org

        organisation = org.organisation(self.conn)
        recipients = list(organisation.recipients) if organisation else []
        with db.transaction(self.conn):
            activity.record(self.conn, self.author, "keys_destroyed", None,
                         escrowed=bool(recipients))
        try:
            return keyfile.destroy_keys(self.folder, recipients)
        finally:
            self.close()

    # -- records --------------------------------------------------------------

    def add_document(self, document: dict[str, Any], progress: store.Progress | None = None
                     ) -> store.AddResult:
        return store.add_document(self.conn, document, self.author, progress,
                                  sealer=_seal_changed)

    def add_json(self, raw: bytes, progress: store.Progress | None = None) -> store.AddResult:
        return self.add_document(interchange.parse(raw), progress)

    def resolve(self, ref: str) -> RecordId:
        """A full id, an 8+ character id prefix or a pseudonym code -> the record's id."""
        return store.resolve(self.conn, ref)

    def _person(self, ref: str) -> PersonId:
        """`resolve` for a person: the functions handed it refuse a record of another
        kind (`not_a_person`), so the id is a person's where it is used."""
        return PersonId(self.resolve(ref))

    def show(self, ref: str) -> dict[str, Any]:
        return store.document(self.conn, self.resolve(ref))

    def record(self, ref: str) -> store.Record:
        return store.get(self.conn, self.resolve(ref))

    def history(self, ref: str) -> list[store.Revision]:
        return store.history(self.conn, self.resolve(ref))

    def list_testimonies(self, status: str | None = None, limit: int = 1000,
                         offset: int = 0) -> list[store.TestimonyRow]:
        return store.list_testimonies(self.conn, status, limit, offset)

    def testimony_document(self, ref: str) -> dict[str, Any]:
        return store.testimony_document(self.conn, self.resolve(ref))

    def labels(self, kind: str, language: str = "en") -> list[tuple[str, str]]:
        return store.labels(self.conn, kind, language)

    def list_records(self, kind: str) -> list[store.Record]:
        return store.list_records(self.conn, kind)

    def counts(self) -> dict[str, int]:
        return store.count(self.conn)

    def search(self, query: str, limit: int = 50, kind: str | None = None
               ) -> list[store.SearchHit]:
        return store.search(self.conn, query, limit, kind)

    def finalise_problems(self, ref: str) -> list[str]:
        return store.finalise_problems(self.conn, self.resolve(ref))

    def finalise(self, ref: str, *, allow_untagged: bool = False) -> int:
        """Mark a testimony finalised (or raise InputError naming what is missing), then
        seal the identities it concerns to the organisation; returns how many were sealed.

        A draft is refused (InputError "untagged_names") while its text holds possible
        names no tag covers that nobody dismissed (core/identity/untagged.py), unless the
        caller says it asked (`allow_untagged`); a testimony already finalised is only
        sealed again."""
        from testimony_app.core.identity import seal, untagged

        testimony_id = self.resolve(ref)
        if not allow_untagged and store.get(self.conn, testimony_id, with_identity=False
                                            ).data.get("status") != "finalised":
            left = untagged.open_candidates(self.conn, testimony_id)
            if left:
                raise InputError("untagged_names", count=len(left))
        before = self._sealed_persons(testimony_id)
        store.finalise(self.conn, testimony_id, self.author,  # sealed in its transaction
                       sealer=seal.seal_changed)
        seal.seal_testimony(self.conn, testimony_id, self.author)  # idempotent: already done
        return self._sealed_persons(testimony_id) - before

    def untagged_names(self, ref: str) -> list[untagged.Candidate]:
        """What may be a name in the testimony's free text that no tag covers
        (core/identity/untagged.py): untagged.Candidate, dismissed ones marked."""
        from testimony_app.core.identity import untagged

        return untagged.candidates(self.conn, self.resolve(ref))

    def dismiss_untagged(self, ref: str, chosen: list[untagged.Candidate]) -> int:
        """Record that these candidates are no names; how many were new."""
        from testimony_app.core.identity import untagged

        return untagged.dismiss(self.conn, self.resolve(ref), chosen, self.author)

    def tag_untagged(self, ref: str, candidate: untagged.Candidate, person: str) -> None:
        """Tag a candidate to a person (id or pseudonym code)."""
        from testimony_app.core.identity import untagged

        untagged.tag(self.conn, self.resolve(ref), candidate, self._person(person), self.author)

    def testimony_persons(self, ref: str) -> list[PersonId]:
        """The witness, the individual victims and the tagged persons of a testimony."""
        from testimony_app.core.identity import seal

        return seal.persons_of(self.conn, self.resolve(ref))

    def _sealed_persons(self, testimony_id: RecordId) -> int:
        from testimony_app.core.identity import seal

        ids = seal.persons_of(self.conn, testimony_id)
        return sum(1 for i in ids if "sealed_identity" in store.get(
            self.conn, i, with_identity=False).data)

    def people(self) -> list[dict[str, Any]]:
        from testimony_app.core.identity import seal

        return seal.people(self.conn)

    def known_persons(self) -> list[narrative_tags.KnownPerson]:
        """Persons whose names this vault can read (narrative tag suggestions)."""
        from testimony_app.core.records import narrative_tags

        return list(narrative_tags.known_persons(self.conn))

    # -- people, inline: find, create or change with identity, see where named ------

    def find_persons(self, query: str = "", language: str = "en", limit: int = 50
                     ) -> list[persons.PersonSummary]:
        """People by readable name, pseudonym code or attribute (all when empty)."""
        return persons.find(self.conn, query, language, limit)

    def person_summaries(self, ids: list[PersonId] | None = None, language: str = "en"
                         ) -> list[persons.PersonSummary]:
        return persons.summaries(self.conn, ids, language)

    def save_person(self, person: dict[str, Any], language: str = "en"
                    ) -> persons.PersonSummary:
        """Create or update a person (attributes and, unless sealed, identity)."""
        return persons.save(self.conn, person, self.author, language)

    def person_view(self, ref: str, language: str = "en") -> persons.PersonView:
        """A person with every testimony and incident that names them."""
        return persons.view(self.conn, self._person(ref), language)

    def incident_testimonies(self, ref: str) -> list[persons.Mention]:
        return persons.testimonies_of_incident(self.conn, self.resolve(ref))

    def organisation(self) -> org.Organisation | None:
        """The organisation this vault belongs to (an org.Organisation), or None."""
        from testimony_app.core.vault import org

        return org.organisation(self.conn)

    # -- finalising: said before it is done; amending after ------------------------

    def finalise_preview(self, ref: str) -> finalising.Preview:
        """What is missing, and what finalising will seal in this vault (counts)."""
        return finalising.preview(self.conn, self.resolve(ref))

    def amend(self, document: dict[str, Any], reason: str) -> RecordId:
        """Save a change to a finalised testimony as a revision recording `reason`."""
        return finalising.amend(self.conn, document, reason, self.author)

    # -- duplicate persons: suggestions, merge, undo --------------------

    def duplicates(self, names: bool = True, language: str = "en",
                   min_score: int | None = None) -> person_duplicates.Review:
        """Suggested pairs, merges and "not the same" decisions (a duplicates.Review)."""
        from testimony_app.core.identity import duplicates

        return duplicates.review(self.conn, names=names, language=language,
                                 min_score=duplicates.MIN_SCORE if min_score is None
                                 else min_score)

    def merge_persons(self, kept: str, merged: str) -> person_duplicates.Decision:
        """Record that `merged` is the same person as `kept` (ids or codes); reversible."""
        from testimony_app.core.identity import duplicates

        return duplicates.merge(self.conn, self._person(kept), self._person(merged),
                                self.author)

    def unmerge_person(self, merged: str) -> person_duplicates.Decision:
        from testimony_app.core.identity import duplicates

        return duplicates.unmerge(self.conn, self._person(merged), self.author)

    def mark_not_duplicates(self, a: str, b: str, undo: bool = False) -> person_duplicates.Decision:
        """Record (or with `undo`, withdraw) that two persons are not the same person."""
        from testimony_app.core.identity import duplicates

        act = duplicates.unmark_distinct if undo else duplicates.mark_distinct
        return act(self.conn, self._person(a), self._person(b), self.author)

    def page(self, kind: str, filter_: listing.Filter, sort: str = "date",
             descending: bool = False, offset: int = 0, limit: int = 200,
             language: str = "en") -> list[dict[str, Any]]:
        return listing.page(self.conn, kind, filter_, sort, descending, offset, limit, language)

    def count(self, kind: str, filter_: listing.Filter) -> int:
        return listing.count(self.conn, kind, filter_)

    # -- drafts and settings -----------------------------------------------------

    def save_draft(self, draft_id: str, record_id: RecordId | None, kind: str,
                   data: dict[str, Any]) -> str:
        return drafts.save(self.conn, draft_id, record_id, kind, data)

    def drafts(self) -> list[drafts.Draft]:
        return drafts.pending(self.conn)

    def discard_draft(self, draft_id: str) -> None:
        drafts.discard(self.conn, draft_id)

    def settings(self) -> dict[str, str]:
        return {k.removeprefix("setting."): v for k, v in meta.settings(self.conn).items()}

    def set_setting(self, name: str, value: str) -> None:
        with db.transaction(self.conn):
            meta.put(self.conn, f"setting.{name}", value)

    def set_kdf_strength(self, passphrase: str, strength: str,
                         progress: rekey.Progress | None = None) -> str | None:
        """Wrap a new data key under the same passphrase with stronger (or standard)
        Argon2id, re-encrypting the vault like a passphrase change (the header with
        the weaker derivation must open nothing); returns a new recovery code as
        `change_passphrase` does."""
        self._writable()
        keyfile.unlock(self.folder, passphrase)  # proves the passphrase; raises WrongSecret
        return self._rekey(passphrase, keyfile.STRENGTHS[strength]() if strength in
                           keyfile.STRENGTHS else None, None, progress, None, "kdf_changed",
                           {"strength": strength})

    def kdf_params(self) -> keyfile.KdfParams:
        return keyfile.current_params(self.folder)

    def delete(self, ref: str) -> None:
        store.delete(self.conn, self.resolve(ref), self.author)

    # -- attachments ----------------------------------------------------------

    def attach(self, ref: str, path: Path, progress: attachment.Progress | None = None,
               cancelled: attachment.IsCancelled | None = None) -> attachment.Attachment:
        return attachment.add_file(self.conn, self.resolve(ref), path, self.author,
                                   progress, cancelled)

    def attach_stream(self, ref: str, source: BinaryIO, filename: str
                      ) -> attachment.Attachment:
        return attachment.add(self.conn, self.resolve(ref), source, filename, self.author)

    def extract(self, att_ref: str, target: Path,
                progress: attachment.Progress | None = None) -> attachment.Attachment:
        return attachment.extract(self.conn, att_ref, target, self.author, progress)

    def read_attachment(self, att_ref: str, sink: BinaryIO) -> attachment.Attachment:
        """Stream an attachment into memory (a viewer), never to a file."""
        att = attachment.get(self.conn, att_ref)
        attachment.stream(self.conn, att, sink)
        return att

    # -- recordings (audio straight into the vault) ------------------------------

    def begin_recording(self, ref: str, filename: str, rate: int, channels: int = 1,
                        bits: int = 16) -> AttachmentId:
        return attachment.begin(self.conn, self.resolve(ref), filename, self.author,
                                rate=rate, channels=channels, bits=bits)

    def append_recording(self, att_id: AttachmentId, data: bytes) -> int:
        return attachment.append(self.conn, att_id, data)

    def add_marker(self, att_id: AttachmentId, at_ms: int, label: str) -> None:
        attachment.add_marker(self.conn, att_id, at_ms, label)

    def finish_recording(self, att_id: AttachmentId) -> attachment.Attachment:
        return attachment.finish(self.conn, att_id, self.author, sealer=_seal_recording)

    def attachments(self, ref: str) -> list[attachment.Attachment]:
        return attachment.list_for(self.conn, self.resolve(ref))

    # -- provenance and corroboration ------------------------------------

    def provenance(self, ref: str) -> provenance.Provenance:
        """Which researcher, device and bundle a record came from, and its revisions."""
        return provenance.provenance(self.conn, self.resolve(ref))

    # -- the services: one per domain, each a thin class over this open vault ---------
    # Created when first asked for (imported late for start-up time, bench/README.md);
    # the window and the command line call them instead of the modules below them.

    @functools.cached_property
    def org(self) -> OrgService:
        """Who this installation is, its organisation, the trust list and settings."""
        from testimony_app.core.vault.org_service import OrgService

        return OrgService(self)

    @functools.cached_property
    def sync(self) -> SyncService:
        """Bundles, receipts and purges between researchers and the coordinator."""
        from testimony_app.core.sync.service import SyncService

        return SyncService(self)

    @functools.cached_property
    def audit(self) -> AuditService:
        """The redaction review and the auditor's export."""
        from testimony_app.core.audit.service import AuditService

        return AuditService(self)

    # -- sync folder -------------------------------------------------------------------

    def sync_folder(self) -> Path | None:
        from testimony_app.core.sync import syncfolder

        return syncfolder.folder(self.conn)

    def set_sync_folder(self, path: Path | None) -> Path | None:
        from testimony_app.core.sync import syncfolder

        return syncfolder.set_folder(self, path)

    def sync_pass(self, export: bool = True) -> syncfolder.PassResult:
        """One pass over the sync folder (core/sync/syncfolder.py): receipts and the next
        bundle on a researcher's vault, imports and receipts on the coordinator's."""
        from testimony_app.core.sync import syncfolder

        return syncfolder.sync_pass(self, export=export)

    def corroboration_suggestions(self, limit: int | None = None
                                  ) -> list[corroboration.Suggestion]:
        from testimony_app.core.workspace import corroboration

        return corroboration.suggestions(self.conn, limit)

    def corroboration_clusters(self, everything: bool = False) -> list[corroboration.Cluster]:
        from testimony_app.core.workspace import corroboration

        return corroboration.clusters(self.conn, everything)

    def corroboration_of(self, ref: str) -> corroboration.Cluster:
        from testimony_app.core.workspace import corroboration

        return corroboration.cluster_of(self.conn, self.resolve(ref))

    def corroboration_history(self, a: str, b: str) -> list[corroboration.Decision]:
        from testimony_app.core.workspace import corroboration

        return corroboration.decision_history(self.conn, self.resolve(a), self.resolve(b))

    def confirm_corroboration(self, a: str, b: str) -> corroboration.Decision:
        from testimony_app.core.workspace import corroboration

        return corroboration.confirm(self.conn, self.resolve(a), self.resolve(b), self.author)

    def reject_corroboration(self, a: str, b: str) -> corroboration.Decision:
        from testimony_app.core.workspace import corroboration

        return corroboration.reject(self.conn, self.resolve(a), self.resolve(b), self.author)

    def undo_corroboration(self, a: str, b: str) -> corroboration.Decision:
        from testimony_app.core.workspace import corroboration

        return corroboration.undo(self.conn, self.resolve(a), self.resolve(b), self.author)

    def set_verification(self, ref: str, status: str, whole_cluster: bool = True
                         ) -> list[RecordId]:
        """Accept or change the verification status of an incident (and, by default, of
        every incident confirmed as the same event); returns the ids changed."""
        from testimony_app.core.workspace import corroboration

        return corroboration.set_verification(self.conn, self.resolve(ref), status,
                                              self.author, whole_cluster)

    def mark_source(self, ref: str, reason: str | None, repeats: str | None = None,
                    note: str = "") -> independence.Judgement:
        """Mark a source or testimony as not independent (`reason` a dependence code:
        party_to_conflict, coerced, repeats_another), or independent again (None);
        corroboration then leaves it out of every suggested status. Logged."""
        from testimony_app.core.workspace import independence

        return independence.judge(self.conn, self.resolve(ref), self.author, reason,
                                  self.resolve(repeats) if repeats else None, note)

    def source_judgements(self) -> dict[str, independence.Judgement]:
        """Every source standing marked as not independent, by id."""
        from testimony_app.core.workspace import independence

        return independence.current(self.conn)

    def incident_places(self, language: str = "en") -> list[places.PlaceRow]:
        """Every place an incident or reported figure names, with its coordinates."""
        from testimony_app.core.records import places

        return places.incident_places(self.conn, language)

    def set_place_coordinates(self, ref: str, text: str | None) -> bool:
        """Give a place coordinates ('lat, lon[, precision_m]'), or None to remove them."""
        from testimony_app.core.records import places

        coordinates = None if text is None else places.parse_coordinates(text)
        return places.set_coordinates(self.conn, self.resolve(ref), coordinates, self.author)

    # -- figures, log, checks ------------------------------------------------

    def stats(self, by: str = "month", level: str | None = None,
              language: str = "en", totals: bool = False) -> stats.Figures:
        """Figures by month, type, place (at `level`), sex, age_group, status or perpetrator;
        `totals` adds one source's figures of a cell, summed and labelled as computed here."""
        from testimony_app.core.workspace import stats

        return stats.compute(self.conn, by, level, language, totals)

    def stats_csv(self, target: Path, by: str = "month", level: str | None = None,
                  language: str = "en", totals: bool = False) -> int:
        """Write the figures to a new CSV file; logged as an export. Returns the rows."""
        from testimony_app.core.workspace import stats

        rows = stats.write_csv(stats.compute(self.conn, by, level, language, totals), target)
        with db.transaction(self.conn):
            activity.record(self.conn, self.author, "figures_exported", None, format="csv",
                         by=stats.grouping(by), rows=rows)
        return rows

    def save_chart(self, target: Path, png: bytes, by: str = "month") -> None:
        """Write a chart image (PNG bytes from the GUI) to a new file; logged as an export."""
        from testimony_app.core.workspace import stats

        with outfile.new_file(target) as handle:
            handle.write(png)
        with db.transaction(self.conn):
            activity.record(self.conn, self.author, "figures_exported", None, format="png",
                         by=stats.grouping(by))

    def discrepancies(self, language: str = "en") -> list[discrepancy.Discrepancy]:
        """Reported figures that disagree, each with its source and records."""
        from testimony_app.core.workspace import discrepancy

        return discrepancy.find(self.conn, language)

    def activity(self, limit: int | None = None) -> list[activity.Entry]:
        return activity.entries(self.conn, limit)

    def record_names(self, ids: set[str]) -> dict[str, record_names.RecordName]:
        """How a person names the given records (title, kind), for sentences about them."""
        return record_names.records(self.conn, ids)

    def key_names(self) -> dict[str, str]:
        """fingerprint -> the name this vault knows the researcher by."""
        return record_names.keys(self.conn)

    def check(self) -> list[str]:
        """Every problem found; an empty list means the vault is sound."""
        from testimony_app.core.vault import loghead  # late: it needs the organisation's keys

        problems = db.integrity_problems(self.conn)
        # FTS5's own integrity check is a write: a backup opened read-only skips it
        # (`testimony restore --check` checks a backup whole).
        anchors = functools.partial(anchor.problems, source=versions)
        derived = (store.derived_problems, figure_facts.problems, record_counts.problems)
        parts = ((activity.verify_chain, anchors, loghead.problems, *derived,
                  attachment.verify_all) if self.read_only else
                 (activity.verify_chain, anchors, loghead.problems, *derived,
                  store.search_index_problems, attachment.verify_all))
        for part in parts:
            try:
                problems += part(self.conn)
            except db.DatabaseError:
                problems.append(_("{part}: unreadable (damaged pages)").format(
                    part=part.__module__.rsplit(".", 1)[-1]))
        if self.read_only:
            return problems
        try:
            with db.transaction(self.conn):
                activity.record(self.conn, self.author, "check", None, problems=len(problems))
        except db.DatabaseError:
            # A page that fails its HMAC leaves the connection read-only; the report
            # matters more than the log entry.
            problems.append(_("the check could not be written to the activity log"))
        return problems

    # -- backups ----------------------------------------------------------------

    def backup(self, target: Path, keep: int | None = None,
               progress: backups.Progress | None = None,
               cancelled: backups.IsCancelled | None = None) -> backups.BackupResult:
        """A checked, encrypted copy of this vault at `target` (or, for a folder or
        with `keep`, the next numbered backup in it, keeping the newest `keep`)."""
        from testimony_app.core import backup as backups

        self._writable()
        self.conn  # noqa: B018 - raises 'locked' when closed
        return backups.make(self.folder, bytes(self._key), target, keep=keep,
                            progress=progress, cancelled=cancelled, author=self.author)

    def backup_status(self, now: datetime | None = None) -> backups.Status:
        """When the last backup was made and whether the reminder is due."""
        from testimony_app.core import backup as backups

        return backups.status(self.conn, self.settings(), now)

    @staticmethod
    def restore(backup_dir: Path, target: Path, secret: str, *, recovery: bool = False,
                replace: bool = False, progress: backups.Progress | None = None,
                cancelled: backups.IsCancelled | None = None,
                before_writing: Callable[[], None] | None = None) -> backups.RestoreResult:
        """Check a backup (with its passphrase or recovery code) and make it the vault
        at `target`; a vault there is moved aside with `replace`, never deleted.
        `before_writing()` runs once the backup passed its checks (the window closes
        the vault it replaces there)."""
        from testimony_app.core import backup as backups

        return backups.restore(backup_dir, target, secret, recovery=recovery,
                               replace=replace, progress=progress, cancelled=cancelled,
                               before_writing=before_writing)
