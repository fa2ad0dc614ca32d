"""Backups: a consistent, encrypted copy of a vault, checked as it is made, restored
in one step.

A backup is a folder, shaped like a vault so that it can be opened (read-only) where
it lies and restored by copying two files:

    backup-0003/
      vault.db     SQLite's online backup of the vault: every page decrypted with the
                   data key and encrypted again with the same key, as the vault is
      vault.key    the key header as it was (the same passphrase and recovery code)
      backup.json  the manifest: vault id, time, each file's size and SHA-256; the
                   record and table counts and the log head sealed (AES-256-GCM) under
                   a key derived from the data key, the public part as associated data

A folder, not one archive file: SQLite opens only a real file, so an archive would
have to be unpacked (a second full copy) before a backup could be checked, opened
or restored; the two files are encrypted already and need no container.

Making one: the copy is written to `NAME.part/` from a second connection (so the
vault stays open and its writes stay possible: WAL gives the copy one consistent
moment), then checked in-process with the key (quick_check, cipher_integrity_check,
the activity log chain, every table's count against the vault's), hashed, described
in its manifest, fsynced, and only then renamed to NAME. Nothing is ever decrypted to
a file. A kill leaves at most `NAME.part/`, which the next backup to that name removes.

Restoring: the manifest, the files' hashes, the key header (passphrase or recovery
code), the sealed part of the manifest and the database checks must all pass before
anything is written; the copy goes to `DIR.part/`, and a vault already at DIR is
moved aside (`DIR.before-restore-…`), never deleted.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import logging
import os
import re
import shutil
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from testimony_app.core.common import safejson
from testimony_app.core.common.errors import Cancelled, InputError, IntegrityError, VaultError
from testimony_app.core.identity.upgrades import UPGRADES
from testimony_app.core.records import drafts, store, tables
from testimony_app.core.vault import activity, db, keyfile, lock, meta
from testimony_app.core.vault.connection import Connection
from testimony_app.i18n import N_, _

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
IsCancelled = Callable[[], bool]

MANIFEST = "backup.json"
FORMAT = "testimony-backup"
VERSION = 1
FILES = (keyfile.DB_FILE, keyfile.HEADER_FILE)
MAX_MANIFEST_BYTES = 256 * 1024
NUMBERED = re.compile(r"^backup-(\d{4,9})$")
PAGES_PER_STEP = 256  # ~1 MiB at a time: progress and cancel stay responsive
CHUNK = 1 << 20
DEFAULT_REMINDER_DAYS = 7
LAST_KEY = "backup_last"  # meta: when and where the last backup went
# Activity that changes nothing a backup would hold: it does not make a backup due.
QUIET_ACTIONS = frozenset({"unlock", "recover", "check", "backup", "restored", "extract",
                           "figures_exported", "export_redacted", "receipt_written",
                           "enrolment_written", "org_keys_exported"})

# Reasons a check fails, named without any value from the vault.
WHY_FILES = N_("a file is missing, cut short or changed")
WHY_MANIFEST = N_("its description does not match its contents")
WHY_DATABASE = N_("the database check failed")
WHY_ENCRYPTION = N_("the encryption check failed")
WHY_LOG = N_("the activity log does not verify")
WHY_COUNTS = N_("it does not hold as many records as the vault")
WHY_OTHER_VAULT = N_("it belongs to another vault")


@dataclass(frozen=True)
class Manifest:
    vault_id: str
    created: str
    app: str
    files: dict[str, dict[str, Any]]
    sealed: dict[str, str]
    raw: dict[str, Any] = field(repr=False)

    def public(self) -> bytes:
        """The part the seal authenticates (everything but the seal itself)."""
        return _canonical({k: v for k, v in self.raw.items() if k != "sealed"})


@dataclass(frozen=True)
class BackupResult:
    path: Path
    created: str
    size: int
    records: dict[str, int]
    removed: list[Path]

    def as_json(self) -> dict[str, Any]:
        return {"path": str(self.path), "created": self.created, "size": self.size,
                "records": self.records, "removed": [str(p) for p in self.removed]}


@dataclass(frozen=True)
class RestoreResult:
    path: Path
    moved_aside: Path | None
    created: str
    records: dict[str, int]

    def as_json(self) -> dict[str, Any]:
        return {"path": str(self.path), "backup_created": self.created,
                "moved_aside": str(self.moved_aside) if self.moved_aside else None,
                "records": self.records}


@dataclass(frozen=True)
class Status:
    """What the window says about backups: when the last one was made, and whether it
    is time for another."""

    last_at: str | None
    last_path: str | None
    days_since: int | None  # since the last backup, or since the vault was created
    reminder_days: int      # 0: no reminder
    new_since: bool         # something a backup would hold changed since the last one
    due: bool

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


# -- small helpers -----------------------------------------------------------------------


def _canonical(obj: Any) -> bytes:
    return json.dumps(obj, sort_keys=True, ensure_ascii=True, separators=(",", ":")).encode()


def _seal_key(data_key: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=b"testimony backup manifest v1").derive(data_key)


def now_utc() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def is_backup(folder: Path) -> bool:
    return (folder / MANIFEST).is_file()


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sha256(path: Path, cancelled: IsCancelled, advance: Callable[[int], None]) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            if cancelled():
                raise Cancelled()
            digest.update(chunk)
            advance(len(chunk))
    return digest.hexdigest()


def _disk_error(_exc: BaseException) -> InputError:
    """Writing a backup or a restored vault failed: a full disk, a read-only or
    vanished folder. The vault itself was only read."""
    return InputError("disk")


def table_counts(conn: Connection) -> dict[str, int]:
    """Rows in every ordinary table (the search index's own tables included)."""
    names = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name")]
    # The names come from the schema itself, not from input.
    return {name: int(conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0])  # noqa: S608
            for name in names}


def _activity_head(conn: Connection) -> str:
    row = activity.last_entry(conn)
    return f"{row[0]}:{row[1]}" if row else ""


def _snapshot_facts(conn: Connection) -> dict[str, Any]:
    """Counts and log head, read in one transaction so that they are of one moment."""
    conn.execute("BEGIN")
    try:
        return {"tables": table_counts(conn), "records": store.count(conn),
                "activity_head": _activity_head(conn),
                "schema": int(conn.execute("PRAGMA user_version").fetchone()[0])}
    finally:
        conn.execute("COMMIT")


# -- reading a backup ----------------------------------------------------------------------


def read_manifest(folder: Path) -> Manifest:
    path = folder / MANIFEST
    if not folder.is_dir() or not path.is_file():
        raise VaultError("not_a_backup", path=str(folder))
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_MANIFEST_BYTES + 1)
        if len(raw) > MAX_MANIFEST_BYTES:
            raise ValueError
        obj = safejson.loads(raw)  # a backup may come from anywhere: parsed strictly
    except (OSError, ValueError, UnicodeDecodeError, RecursionError):
        raise VaultError("not_a_backup", path=str(folder)) from None
    try:
        if obj["format"] != FORMAT or not isinstance(obj["version"], int):
            raise ValueError
        if obj["version"] > VERSION:
            raise VaultError("vault_newer")
        files = obj["files"]
        sealed = obj["sealed"]
        if (set(files) != set(FILES) or not all(
                isinstance(f, dict) and isinstance(f.get("size"), int)
                and isinstance(f.get("sha256"), str) and len(f["sha256"]) == 64
                for f in files.values())
                or not isinstance(sealed, dict)
                or not all(isinstance(sealed.get(k), str) for k in ("nonce", "data"))):
            raise ValueError
        return Manifest(str(obj["vault_id"]), str(obj["created"]), str(obj.get("app", "")),
                        files, sealed, obj)
    except (KeyError, TypeError, ValueError, AttributeError):
        raise VaultError("not_a_backup", path=str(folder)) from None


def _check_files(folder: Path, manifest: Manifest, cancelled: IsCancelled,
                 advance: Callable[[int], None]) -> None:
    for name in FILES:
        path = folder / name
        expected = manifest.files[name]
        try:
            if not path.is_file() or path.is_symlink() or path.stat().st_size != expected["size"]:
                raise IntegrityError("backup_damaged", what=_(WHY_FILES))
            if _sha256(path, cancelled, advance) != expected["sha256"]:
                raise IntegrityError("backup_damaged", what=_(WHY_FILES))
        except OSError:
            raise IntegrityError("backup_damaged", what=_(WHY_FILES)) from None


def _open_sealed(manifest: Manifest, data_key: bytes) -> dict[str, Any]:
    """The sealed part of the manifest: authenticates the whole manifest too."""
    try:
        nonce = base64.b64decode(manifest.sealed["nonce"], validate=True)
        data = base64.b64decode(manifest.sealed["data"], validate=True)
        plain = AESGCM(_seal_key(data_key)).decrypt(nonce, data, manifest.public())
        facts = safejson.loads(plain)
        if not isinstance(facts, dict) or not isinstance(facts.get("tables"), dict):
            raise ValueError
        return facts
    except (InvalidTag, ValueError, UnicodeDecodeError):
        raise IntegrityError("backup_damaged", what=_(WHY_MANIFEST)) from None


def _unlock(folder: Path, secret: str, recovery: bool) -> bytes:
    try:
        if recovery:
            return keyfile.unlock_with_recovery(folder, secret)
        return keyfile.unlock(folder, secret)
    except VaultError as exc:
        if exc.code in ("not_a_vault", "no_vault"):
            raise IntegrityError("backup_damaged", what=_(WHY_FILES)) from None
        raise


def _handler(cancelled: IsCancelled) -> Callable[[], int]:
    return lambda: 1 if cancelled() else 0


def check_copy(db_path: Path, key: bytes, vault_id: str, cancelled: IsCancelled,
               expected: Callable[[dict[str, int]], bool]) -> dict[str, Any]:
    """Open a copy read-only with the key and check it: database structure, every
    page's authentication, the activity log chain, its vault id, and its table counts
    (`expected` judges them). Returns its facts. Checked in two connections at once:
    SQLite runs them without the interpreter's lock, so a second core halves the wait."""

    def structure() -> list[str]:
        conn = db.connect_read_only(db_path, key)
        try:
            conn.set_progress_handler(_handler(cancelled), 10_000)
            problems = [row[0] for row in conn.execute("PRAGMA quick_check")]
            return [] if problems == ["ok"] else [_(WHY_DATABASE)]
        finally:
            conn.close()

    def pages() -> list[str]:
        conn = db.connect_read_only(db_path, key)
        try:
            conn.set_progress_handler(_handler(cancelled), 10_000)
            problems = list(conn.execute("PRAGMA cipher_integrity_check"))
            return [_(WHY_ENCRYPTION)] if problems else []
        finally:
            conn.close()

    try:
        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="backup-check") as pool:
            checks = [pool.submit(structure), pool.submit(pages)]
            problems = [p for c in checks for p in c.result()]
        if cancelled():
            raise Cancelled()
        if problems:
            raise IntegrityError("backup_damaged", what=problems[0])
        conn = db.connect_read_only(db_path, key)
        try:
            if activity.verify_chain(conn):
                raise IntegrityError("backup_damaged", what=_(WHY_LOG))
            stored_id = meta.get(conn, "vault_id")
            if stored_id is None or stored_id != vault_id:
                raise IntegrityError("backup_damaged", what=_(WHY_OTHER_VAULT))
            facts = _snapshot_facts(conn)
        finally:
            conn.close()
    except VaultError as exc:
        if exc.code == "vault_newer":
            raise
        raise IntegrityError("backup_damaged", what=_(WHY_DATABASE)) from None
    except db.DatabaseError as exc:
        if "interrupt" in str(exc).lower():
            raise Cancelled() from None
        raise IntegrityError("backup_damaged", what=_(WHY_DATABASE)) from None
    if not expected(facts["tables"]):
        raise IntegrityError("backup_damaged", what=_(WHY_COUNTS))
    return facts


# -- making a backup ----------------------------------------------------------------------


def _destination(target: Path, keep: int | None, vault_folder: Path) -> Path:
    """The backup's final path: `target` itself when it does not exist (and no --keep),
    else the next numbered backup in the folder `target`."""
    target = target.expanduser()
    resolved = target.resolve()
    home = vault_folder.resolve()
    if resolved == home or home in resolved.parents:
        raise InputError("backup_inside_vault")
    if keep is None and not target.exists():
        if target.name.endswith(".part"):
            raise InputError("file_exists", path=str(target))
        return target
    if target.exists() and (not target.is_dir() or is_backup(target)):
        raise InputError("file_exists", path=str(target))
    numbers = [int(m.group(1)) for p in (target.iterdir() if target.exists() else [])
               if (m := NUMBERED.match(p.name)) and p.is_dir()]
    return target / f"backup-{max(numbers, default=0) + 1:04d}"


def _remove_stale_part(part: Path) -> None:
    """A `.part` folder left by a killed backup holds only what a backup writes."""
    if not part.exists() and not part.is_symlink():
        return
    if part.is_symlink() or not part.is_dir() or any(
            p.name not in (*FILES, MANIFEST, keyfile.DB_FILE + "-journal",
                           keyfile.DB_FILE + "-wal", keyfile.DB_FILE + "-shm")
            for p in part.iterdir()):
        raise InputError("file_exists", path=str(part))
    shutil.rmtree(part)


def make(folder: Path, key: bytes, target: Path, *, keep: int | None = None,
         progress: Progress | None = None, cancelled: IsCancelled | None = None,
         author: str = "?") -> BackupResult:
    """Back up the vault in `folder` (open or not; `key` is its data key) to `target`.

    On any failure or cancel nothing is left under the final name or as `.part`, and
    the vault is as it was. The activity log of the vault records the backup."""
    report = progress or (lambda _d, _t: None)
    stop = cancelled or (lambda: False)
    if keep is not None and keep < 1:
        raise InputError("backup_keep")
    final = _destination(target, keep, folder)
    part = final.with_name(final.name + ".part")
    header = keyfile.read_header(folder)
    try:
        final.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        _remove_stale_part(part)
        part.mkdir(mode=0o700)
    except FileNotFoundError:
        raise InputError("file_unreadable", path=str(final.parent)) from None
    except OSError as exc:
        raise _disk_error(exc) from None
    source = db.connect(folder / keyfile.DB_FILE, key, upgrades=UPGRADES)
    try:
        result = _make(folder, key, header.vault_id, source, part, final, report, stop)
        removed = _rotate(final.parent, keep, header.vault_id) if keep is not None else []
        with db.transaction(source):
            activity.record(source, author, "backup", header.vault_id, size=result.size,
                         records=sum(result.records.values()), kept=keep or 0,
                         removed=len(removed))
            meta.put(source, LAST_KEY, json.dumps({
                "at": result.created, "path": str(final),
                "seq": _activity_head(source).split(":")[0]}))
        log.info("backup made (%d bytes)", result.size)
        return BackupResult(result.path, result.created, result.size, result.records,
                            removed)
    except BaseException:
        shutil.rmtree(part, ignore_errors=True)
        raise
    finally:
        source.close()


def _make(folder: Path, key: bytes, vault_id: str, source: Connection, part: Path, final: Path,
          report: Progress, stop: IsCancelled) -> BackupResult:
    copy_path = part / keyfile.DB_FILE
    try:
        header_raw = (folder / keyfile.HEADER_FILE).read_bytes()
        before = _snapshot_facts(source)
        version = source.execute("PRAGMA data_version").fetchone()[0]
        total_pages = int(source.execute("PRAGMA page_count").fetchone()[0]) or 1
        # Copy, check and hash, each about a third of the way.
        total = 3 * total_pages

        def copied(_status: int, remaining: int, pages: int) -> None:
            if stop():
                raise Cancelled()
            report(max(pages - remaining, 0), total)

        target = db.connect_copy_target(copy_path, key)
        try:
            # SQLite's online backup: page by page through both codecs, so the copy is
            # encrypted with the vault's key and nothing is ever written in plaintext.
            source.backup(target, pages=PAGES_PER_STEP, progress=copied, sleep=0.05)
            # Rollback journal: a backup opens read-only without creating -wal/-shm files.
            target.execute("PRAGMA journal_mode = DELETE")
        finally:
            target.close()
        if stop():
            raise Cancelled()
        report(total_pages, total)
        changed = source.execute("PRAGMA data_version").fetchone()[0] != version
        after = _snapshot_facts(source) if changed else before

        def expected(tables: dict[str, int]) -> bool:
            # The copy is of one moment between `before` and `after` (the same moment
            # when nothing else wrote meanwhile).
            names = set(before["tables"]) | set(after["tables"])
            if set(tables) != names:
                return False
            return all(min(before["tables"].get(n, 0), after["tables"].get(n, 0)) <= tables[n]
                       <= max(before["tables"].get(n, 0), after["tables"].get(n, 0))
                       for n in names)

        facts = check_copy(copy_path, key, vault_id, stop, expected)
        seq, _sep, digest = facts["activity_head"].partition(":")
        if seq and activity.hash_at(source, int(seq)) != digest:
            raise IntegrityError("backup_damaged", what=_(WHY_LOG))
        report(2 * total_pages, total)
        (part / keyfile.HEADER_FILE).write_bytes(header_raw)
        _fsync_file(copy_path)
        _fsync_file(part / keyfile.HEADER_FILE)
        size = copy_path.stat().st_size
        hashed = [0]

        def advance(n: int) -> None:
            hashed[0] += n
            report(2 * total_pages + total_pages * hashed[0] // max(size, 1), total)

        files = {name: {"size": (part / name).stat().st_size,
                        "sha256": _sha256(part / name, stop, advance)} for name in FILES}
        created = now_utc()
        from testimony_app import __version__

        public = {"format": FORMAT, "version": VERSION, "vault_id": vault_id,
                  "created": created, "app": __version__, "files": files}
        nonce = os.urandom(12)
        sealed = AESGCM(_seal_key(key)).encrypt(nonce, _canonical(facts), _canonical(public))
        manifest = {**public, "sealed": {"nonce": base64.b64encode(nonce).decode(),
                                         "data": base64.b64encode(sealed).decode()}}
        path = part / MANIFEST
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, json.dumps(manifest, indent=1, sort_keys=True).encode() + b"\n")
            os.fsync(fd)
        finally:
            os.close(fd)
        keyfile.fsync_dir(part)
        if stop():
            raise Cancelled()
        if final.exists() or final.is_symlink():
            raise InputError("file_exists", path=str(final))
        os.rename(part, final)
        keyfile.fsync_dir(final.parent)
        report(total, total)
        key_size = int((final / keyfile.HEADER_FILE).stat().st_size)
        return BackupResult(final, created, size + key_size, facts["records"], [])
    except db.DatabaseError as exc:
        if "interrupt" in str(exc).lower():
            raise Cancelled() from None
        raise InputError(db.error_code(exc) if db.error_code(exc) == "disk"
                         else "vault_damaged") from None
    except OSError as exc:
        raise _disk_error(exc) from None


def _rotate(folder: Path, keep: int, vault_id: str) -> list[Path]:
    """Remove this vault's oldest numbered backups beyond the newest `keep`."""
    ours: list[tuple[int, Path]] = []
    for path in folder.iterdir():
        match = NUMBERED.match(path.name)
        if not match or path.is_symlink() or not path.is_dir():
            continue
        try:
            if read_manifest(path).vault_id == vault_id:
                ours.append((int(match.group(1)), path))
        except VaultError:
            continue  # not a backup of ours: never touched
    ours.sort()
    removed = [p for _n, p in ours[:-keep]] if len(ours) > keep else []
    for path in removed:
        shutil.rmtree(path)
    if removed:
        keyfile.fsync_dir(folder)
    return removed


# -- status and reminder -------------------------------------------------------------------


def status(conn: Connection, settings: dict[str, str], now: datetime | None = None) -> Status:
    now = now or datetime.now(UTC)
    try:
        days = max(int(settings.get("backup_reminder_days", DEFAULT_REMINDER_DAYS)), 0)
    except ValueError:
        days = DEFAULT_REMINDER_DAYS
    stored = meta.get(conn, LAST_KEY)
    last: dict[str, Any] = {}
    if stored:
        with contextlib.suppress(ValueError, TypeError):
            last = dict(json.loads(stored))
    quiet = sorted(QUIET_ACTIONS)
    if last.get("at"):
        since_seq = int(last.get("seq") or 0)
        changed = activity.changed_since(conn, since_seq, quiet)
        drafted = drafts.changed_since(conn, last["at"])
        new_since, since = changed or drafted, str(last["at"])
    else:
        new_since = tables.any_record(conn) or drafts.any_kept(conn)
        first = activity.first_at(conn)
        since = first if first is not None else now.strftime("%Y-%m-%dT%H:%M:%SZ")
    try:
        then = datetime.strptime(since[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)
        days_since = max((now - then).days, 0)
    except ValueError:
        days_since = 0
    due = days > 0 and new_since and days_since >= days
    return Status(last.get("at"), last.get("path"), days_since, days, new_since, due)


# -- restoring --------------------------------------------------------------------------------


def verify(folder: Path, secret: str, *, recovery: bool = False,
           progress: Progress | None = None, cancelled: IsCancelled | None = None
           ) -> tuple[Manifest, bytes, dict[str, Any]]:
    """Check a backup completely without writing anything: the files against the
    manifest, the key header, the sealed manifest, then the database. Returns the
    manifest, the data key and the sealed facts."""
    report = progress or (lambda _d, _t: None)
    stop = cancelled or (lambda: False)
    manifest = read_manifest(folder)
    total = sum(int(f["size"]) for f in manifest.files.values())
    hashed = [0]

    def advance(n: int) -> None:
        hashed[0] += n
        report(hashed[0], 2 * total)

    _check_files(folder, manifest, stop, advance)
    try:
        header = keyfile.read_header(folder)
    except VaultError as exc:
        if exc.code == "keys_destroyed":
            raise
        raise IntegrityError("backup_damaged", what=_(WHY_FILES)) from None
    if header.vault_id != manifest.vault_id:
        raise IntegrityError("backup_damaged", what=_(WHY_OTHER_VAULT))
    key = _unlock(folder, secret, recovery)
    facts = _open_sealed(manifest, key)
    sealed_tables = {str(k): int(v) for k, v in facts["tables"].items()}
    found = check_copy(folder / keyfile.DB_FILE, key, manifest.vault_id, stop,
                       lambda tables: tables == sealed_tables)
    # The log head changes with every logged change: an older copy of the same vault
    # put in place of this one is found even when it holds as many rows.
    if found["activity_head"] != facts.get("activity_head"):
        raise IntegrityError("backup_damaged", what=_(WHY_LOG))
    report(2 * total, 2 * total)
    return manifest, key, facts


def _replaceable(target: Path) -> bool:
    return (target / keyfile.HEADER_FILE).exists() or (target / keyfile.DB_FILE).exists()


def restore(backup_dir: Path, target: Path, secret: str, *, recovery: bool = False,
            replace: bool = False, progress: Progress | None = None,
            cancelled: IsCancelled | None = None, author: str = "restore",
            before_writing: Callable[[], None] | None = None) -> RestoreResult:
    """Check the backup, then make it the vault at `target`.

    A vault already at `target` is refused unless `replace`, and then moved aside
    (renamed, never deleted); it must not be open (the window closes its own with
    `before_writing`, called once the backup has passed every check and before
    anything is written). A folder holding anything else is refused."""
    report = progress or (lambda _d, _t: None)
    stop = cancelled or (lambda: False)
    target = target.expanduser()
    if target.resolve() == backup_dir.resolve():
        raise InputError("restore_onto_backup")
    replacing = False
    if target.exists():
        if not target.is_dir():
            raise InputError("file_exists", path=str(target))
        if any(target.iterdir()):
            if not _replaceable(target):
                raise VaultError("vault_exists", path=str(target))
            if not replace:
                raise VaultError("restore_would_replace", path=str(target))
            replacing = True
    # Checking is the first half of the way (`verify` reports on a scale of 2 sizes),
    # copying the second.
    manifest, key, facts = verify(backup_dir, secret, recovery=recovery,
                                  progress=lambda d, t: report(d, 2 * t), cancelled=stop)
    if before_writing is not None:
        before_writing()
    lock_fd = -1
    if replacing:
        lock_fd = lock.take(target)  # refused while it is open
    total = sum(int(f["size"]) for f in manifest.files.values())
    part = target.with_name(target.name + ".part")
    aside: Path | None = None
    try:
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        _remove_stale_part(part)
        part.mkdir(mode=0o700)
        copied = [0]
        for name in FILES:
            digest = hashlib.sha256()
            with (backup_dir / name).open("rb") as src, \
                    open(os.open(part / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600),
                         "wb") as dst:
                while chunk := src.read(CHUNK):
                    if stop():
                        raise Cancelled()
                    digest.update(chunk)
                    dst.write(chunk)
                    copied[0] += len(chunk)
                    report(2 * total + 2 * copied[0], 4 * total)
                dst.flush()
                os.fsync(dst.fileno())
            if digest.hexdigest() != manifest.files[name]["sha256"]:
                raise IntegrityError("backup_damaged", what=_(WHY_FILES))
        # Opened as any vault is (WAL again, migrations for an older backup), and the
        # restore goes into its log.
        conn = db.connect(part / keyfile.DB_FILE, key, upgrades=UPGRADES)
        try:
            with db.transaction(conn):
                activity.record(conn, author, "restored", manifest.vault_id,
                             backup_created=manifest.created,
                             records=sum(int(n) for n in facts.get("records", {}).values()),
                             replaced=lock_fd >= 0)
                meta.put(conn, LAST_KEY, json.dumps({
                    "at": manifest.created, "path": str(backup_dir),
                    "seq": _activity_head(conn).split(":")[0]}))
        finally:
            conn.close()
        keyfile.fsync_dir(part)
        if stop():
            raise Cancelled()
        if target.exists():
            if any(target.iterdir()):
                aside = target.with_name(f"{target.name}.before-restore-"
                                         f"{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}")
                os.rename(target, aside)
            else:
                target.rmdir()
        try:
            os.rename(part, target)
        except OSError:
            if aside is not None:
                os.rename(aside, target)
                aside = None
            raise
        keyfile.fsync_dir(target.parent)
    except db.DatabaseError as exc:
        shutil.rmtree(part, ignore_errors=True)
        raise InputError("disk") if db.error_code(exc) == "disk" else IntegrityError(
            "backup_damaged", what=_(WHY_DATABASE)) from None
    except OSError as exc:
        shutil.rmtree(part, ignore_errors=True)
        raise _disk_error(exc) from None
    except BaseException:
        shutil.rmtree(part, ignore_errors=True)
        raise
    finally:
        if lock_fd >= 0:
            os.close(lock_fd)
    report(1, 1)
    log.info("backup restored")
    return RestoreResult(target, aside, manifest.created,
                         {str(k): int(v) for k, v in facts.get("records", {}).items()})


def open_read_only(folder: Path, key: bytes) -> Any:
    """A read-only connection to a backup's database, after checking that the manifest
    belongs to this key and the files have the sizes it says (a quick check; `verify`
    hashes everything)."""
    manifest = read_manifest(folder)
    _open_sealed(manifest, key)
    for name in FILES:
        try:
            if (folder / name).stat().st_size != manifest.files[name]["size"]:
                raise IntegrityError("backup_damaged", what=_(WHY_FILES))
        except OSError:
            raise IntegrityError("backup_damaged", what=_(WHY_FILES)) from None
    return db.connect_read_only(folder / keyfile.DB_FILE, key)

