"""The SQLCipher connection: raw key, pragmas, migrations, transactions.

Only this module calls `sqlcipher3.connect`. The stdlib `sqlite3` module is never
used on a vault file: it would see an encrypted file as garbage at best and
create an unencrypted one at worst.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import platform
import shutil
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import sqlcipher3
from sqlcipher3 import _sqlite3  # the C module: its file is the SQLite library

from testimony_app.core.common.errors import VaultError
from testimony_app.core.vault import migrations
from testimony_app.core.vault.connection import Connection
from testimony_app.i18n import _

log = logging.getLogger(__name__)

KEY_BYTES = 32
MIN_DB_BYTES = 1024  # one SQLCipher page at the least

# Every pragma the design asks for (docs/ARCHITECTURE.md), with the value it must read back as.
# cipher_memory_security wipes freed memory; cipher_log_level=NONE keeps SQLCipher
# from writing anything about keys to stderr.
PRAGMAS: dict[str, str] = {
    "journal_mode": "wal",
    "synchronous": "2",  # FULL
    "foreign_keys": "1",
    "secure_delete": "1",
    "temp_store": "2",  # MEMORY
    "cipher_memory_security": "1",
    "cipher_log_level": "NONE",
}
_SETTINGS = {
    "journal_mode": "WAL",
    "synchronous": "FULL",
    "foreign_keys": "ON",
    "secure_delete": "ON",
    "temp_store": "MEMORY",
    "cipher_memory_security": "ON",
    "cipher_log_level": "NONE",
}

# Page cache per connection, in KiB (negative = KiB in SQLite's terms). SQLCipher
# decrypts a page each time it is read into the cache, so the default 2 MiB makes a
# large vault re-decrypt the same index pages over and over (bench/README.md: 64 MiB
# brings bulk intake and search p95 close to plain SQLite). Memory is only used as
# pages are touched; cipher_memory_security wipes it when freed.
CACHE_KIB = 64 * 1024

# Prepared statements the Python module keeps between calls: none. With
# cipher_memory_security every heap allocation of SQLite is mlock()ed and wiped on
# free (two system calls); only its lookaside slots (123 per connection) escape
# that, and each cached statement pins some. With the module's default cache of
# 128 the slots were all taken after a few hundred statements, and an FTS5 query
# ranking 2 000 matches made ~2 000 heap allocations instead of none (measured with
# sqlite3_db_status, bench/README.md): intake and search ran 1.3-2x slower.
# Preparing a statement again costs less than that.
CACHED_STATEMENTS = 0

# Lookaside slots per connection (SQLite's default: 123 of at most 1 200 bytes).
# SQLCipher's memory security makes every other allocation two system calls; FTS5
# keeps its internal statements, prepared during the first large transaction, and
# they take the default slots for good. 2 000 slots (2.4 MB, mlocked and wiped on
# close like any SQLite memory) made intake of 10 000 testimonies in batches of
# 1 000 2.8x faster (bench/README.md); 8 000 gained nothing more.
LOOKASIDE_SLOT_BYTES = 1200
LOOKASIDE_SLOTS = 2000
_SQLITE_CONFIG_LOOKASIDE = 13


def _enlarge_lookaside() -> bool:
    """Set the lookaside every new connection gets, through SQLite's public
    `sqlite3_config` in the library sqlcipher3 is built with. Only allowed while
    SQLite is shut down, so this runs once, at import, before any connection: only
    this module opens vault connections. Where the library does not export the call,
    or its variadic arguments are not passed like fixed ones (Apple's arm64 ABI),
    connections keep the default: slower, not less safe."""
    if sys.platform == "darwin" or platform.machine().lower() not in (
            "x86_64", "amd64", "aarch64"):
        return False
    try:
        library = ctypes.CDLL(_sqlite3.__file__)
        config = library.sqlite3_config
        shutdown, initialize = library.sqlite3_shutdown, library.sqlite3_initialize
    except (AttributeError, OSError):
        return False
    if shutdown() != 0:
        return False
    try:
        return bool(config(_SQLITE_CONFIG_LOOKASIDE, ctypes.c_int(LOOKASIDE_SLOT_BYTES),
                           ctypes.c_int(LOOKASIDE_SLOTS)) == 0)
    finally:
        initialize()


LOOKASIDE_ENLARGED = _enlarge_lookaside()

DatabaseError = sqlcipher3.DatabaseError


def connect(path: Path, key: bytes, *, create: bool = False,
            upgrades: Mapping[int, migrations.Upgrade] | None = None,
            progress: migrations.Progress | None = None) -> Connection:
    """Open (or, with `create`, make) the database at `path` with a raw 256-bit key.
    `upgrades`: the data upgrades the schema migrations need (identity/upgrades.py
    `UPGRADES`); a database that needs them is refused without. `progress`: told of
    each migration step, if any runs.

    Fails closed: a missing file is never created unless asked, and a file that the
    key does not decrypt raises `VaultError("vault_damaged")`.
    """
    if len(key) != KEY_BYTES:
        raise VaultError("vault_damaged")
    if create == path.exists():
        raise VaultError("vault_exists" if create else "vault_damaged", path=str(path.parent))
    if not create and path.stat().st_size < MIN_DB_BYTES:
        # SQLite treats an empty file as a new database and would write one.
        raise VaultError("vault_damaged")
    mode = "rwc" if create else "rw"
    # URI mode=rw: SQLite refuses to create a missing file instead of making an empty one.
    # as_uri() percent-escapes the path: a folder named "usb #2" or "a?b" must not
    # turn into a fragment or a query that points SQLite at another file.
    conn = _keyed(path.resolve().as_uri() + f"?mode={mode}", key)
    try:
        # The first read decrypts page 1: a wrong key or a foreign file fails here.
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        for name, value in _SETTINGS.items():
            if name not in ("cipher_log_level", "cipher_memory_security"):
                conn.execute(f"PRAGMA {name} = {value}")
        conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        assert_pragmas(conn)
        migrations.migrate(conn, upgrades, progress)
    except sqlcipher3.DatabaseError as exc:
        conn.close()
        log.debug("database refused to open (%s)", type(exc).__name__)
        raise VaultError(open_error_code(exc, path.parent)) from None
    except BaseException:
        conn.close()
        raise
    return conn


DISK_FULL_FREE = 4 * 1024 * 1024  # less free than this, and a write error is a full disk


def disk_full(exc: BaseException, folder: Path | None = None) -> bool:
    """SQLITE_FULL, or an I/O error on a file system with (almost) no room left (a
    write that hits ENOSPC in the WAL comes back as "disk I/O error")."""
    text = str(exc).lower()
    if "database or disk is full" in text:
        return True
    if "disk i/o" in text and folder is not None:
        try:
            return shutil.disk_usage(folder).free < DISK_FULL_FREE
        except OSError:
            return False
    return False


def open_error_code(exc: BaseException, folder: Path) -> str:
    """Why a vault would not open: a full disk is not a damaged vault, and telling
    someone to restore a backup over a sound vault loses what the backup lacks."""
    return "disk_full" if disk_full(exc, folder) else "vault_damaged"
# Page cache while the whole database is re-encrypted: small, so that re-encrypted
# pages go to the WAL as they are made (their count is the progress shown) rather
# than piling up in memory until the commit.
REKEY_CACHE_KIB = 2 * 1024
REKEY_POLL_S = 0.25
_WAL_HEADER, _FRAME_HEADER = 32, 24


def rekey(conn: Connection, path: Path, key: bytes,
          progress: Callable[[int, int], None] | None = None) -> None:
    """Re-encrypt the whole database at `path` under `key`, in one transaction.

    SQLCipher's rekey rewrites every page into the WAL and commits once: killed
    before the commit, the database is still under the old key; after it, under
    the new one. The WAL is first checkpointed and restarted, not truncated, so the
    re-encrypted pages overwrite the frames under the old key in place instead of
    leaving them in blocks the file system frees. SQLCipher reports no progress of
    its own: the frames written so far are counted in the WAL instead, from another
    thread (`progress(done, total)` in bytes, called from that thread). It cannot be
    interrupted midway. Raises VaultError("disk") when the database is not under
    the new key after it.
    """
    if len(key) != KEY_BYTES:
        raise VaultError("vault_damaged")
    busy = conn.execute("PRAGMA wal_checkpoint(RESTART)").fetchone()
    if busy is None or busy[0]:
        raise VaultError("vault_busy")
    wal = path.with_name(path.name + "-wal")
    page_size = int(conn.execute("PRAGMA page_size").fetchone()[0])
    total = max(int(conn.execute("PRAGMA page_count").fetchone()[0]), 1)
    before = _wal_salts(wal)
    done = threading.Event()

    def watch() -> None:
        while not done.wait(REKEY_POLL_S):
            if progress is not None:
                written = min(_frames_written(wal, page_size, before), total - 1)
                progress(written * page_size, total * page_size)

    watcher = threading.Thread(target=watch, name="rekey-progress", daemon=True)
    conn.execute(f"PRAGMA cache_size = -{REKEY_CACHE_KIB}")
    watcher.start()
    try:
        conn.execute(f"PRAGMA rekey = \"x'{key.hex()}'\"")
    except sqlcipher3.DatabaseError as exc:
        raise VaultError(error_code(exc)) from None
    finally:
        done.set()
        watcher.join()
        conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    # SQLCipher answers "ok" even when it rolled the rekey back (a full disk): only a
    # second connection reading with the new key shows that it took.
    if not key_opens(path, key):
        raise VaultError("disk")


def _wal_salts(wal: Path) -> bytes:
    try:
        with open(wal, "rb") as handle:
            return handle.read(_WAL_HEADER)[16:24]
    except OSError:
        return b""


def _frames_written(wal: Path, page_size: int, before: bytes) -> int:
    """Frames of the WAL's current generation: a restarted WAL gets new salts in its
    header, and each frame it writes carries them, from the first frame on; frames
    further on still carry the old ones."""
    try:
        with open(wal, "rb") as handle:
            salts = handle.read(_WAL_HEADER)[16:24]
            if len(salts) < 8 or salts == before:
                return 0
            frame = _FRAME_HEADER + page_size
            low, high = 0, (os.fstat(handle.fileno()).st_size - _WAL_HEADER) // frame
            while low < high:  # the first frame that does not carry them
                middle = (low + high) // 2
                handle.seek(_WAL_HEADER + middle * frame + 8)
                if handle.read(8) == salts:
                    low = middle + 1
                else:
                    high = middle
            return low
    except OSError:
        return 0


def key_opens(path: Path, key: bytes) -> bool:
    """Whether `key` decrypts the database at `path` (as committed), read-only."""
    try:
        conn = _keyed(path.resolve().as_uri() + "?mode=ro", key)
    except VaultError:
        return False
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return True
    except sqlcipher3.DatabaseError:
        return False
    finally:
        conn.close()


def _keyed(uri: str, key: bytes) -> Connection:
    """A connection to `uri` with the raw key set, SQLCipher's log off and memory
    security on before any page is read: the one place a key reaches SQLCipher.
    Nothing is read yet, so a wrong key is found by the caller's first query."""
    if len(key) != KEY_BYTES:
        raise VaultError("vault_damaged")
    try:
        conn: Connection = sqlcipher3.connect(
            uri, uri=True, isolation_level=None, check_same_thread=False,
            cached_statements=CACHED_STATEMENTS)
    except sqlcipher3.DatabaseError:
        raise VaultError("vault_damaged") from None
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        conn.execute("PRAGMA cipher_memory_security = ON")
        conn.execute("PRAGMA temp_store = MEMORY")
    except sqlcipher3.DatabaseError:
        conn.close()
        raise VaultError("vault_damaged") from None
    except BaseException:
        conn.close()
        raise
    return conn


def connect_read_only(path: Path, key: bytes) -> Connection:
    """A backup, opened where it lies: read-only, nothing written beside it (a backup
    is kept in rollback-journal mode, which needs no -wal or -shm file to read), every
    write refused (`query_only`). Migrations would write: an older backup is refused
    here and restored instead."""
    if not path.is_file() or path.stat().st_size < MIN_DB_BYTES:
        raise VaultError("vault_damaged")
    conn = _keyed(path.resolve().as_uri() + "?mode=ro", key)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        conn.execute("PRAGMA query_only = ON")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    except sqlcipher3.DatabaseError:
        conn.close()
        raise VaultError("vault_damaged") from None
    if version != migrations.LATEST:
        conn.close()
        raise VaultError("vault_newer" if version > migrations.LATEST else "backup_older")
    return conn


def connect_copy_target(path: Path, key: bytes) -> Connection:
    """A new file to receive a backup's pages, encrypted with `key`. No journal and no
    syncs while it fills: a copy cut short is removed whole, and it is fsynced once
    done."""
    if path.exists():
        raise VaultError("vault_exists", path=str(path.parent))
    conn = _keyed(path.resolve().as_uri() + "?mode=rwc", key)
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    return conn


def is_read_only(conn: Connection) -> bool:
    try:
        return bool(conn.execute("PRAGMA query_only").fetchone()[0])
    except sqlcipher3.DatabaseError:
        return False


def error_code(exc: BaseException) -> str:
    """The message code for a database error: a full disk is not a damaged vault.

    SQLite rolls a failed write back, so the vault is as it was before it."""
    text = str(exc).lower()
    if "full" in text or "disk i/o" in text or "readonly" in text or "read-only" in text:
        return "disk"
    if "locked" in text or "busy" in text:
        return "vault_busy"
    return "vault_damaged"


def read_pragmas(conn: Connection) -> dict[str, str]:
    return {name: str(conn.execute(f"PRAGMA {name}").fetchone()[0]) for name in PRAGMAS}


def assert_pragmas(conn: Connection) -> None:
    actual = read_pragmas(conn)
    wrong = sorted(name for name, value in PRAGMAS.items() if actual[name].lower() != value.lower())
    if wrong:
        raise VaultError("vault_damaged", pragmas=",".join(wrong))


@contextlib.contextmanager
def transaction(conn: Connection) -> Iterator[Connection]:
    """BEGIN IMMEDIATE … COMMIT, rolled back on any exception: all or nothing."""
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlcipher3.OperationalError:
        if is_read_only(conn):  # a backup opened where it lies
            raise VaultError("backup_read_only") from None
        raise
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def integrity_problems(conn: Connection) -> list[str]:
    """`quick_check` and `cipher_integrity_check`: empty when the file is sound."""
    try:
        problems = [_("database: {detail}").format(detail=row[0])
                    for row in conn.execute("PRAGMA quick_check") if row[0] != "ok"]
    except sqlcipher3.DatabaseError:
        problems = [_("database: damaged pages")]
    try:
        problems += [_("encryption: {detail}").format(detail=row[0])
                     for row in conn.execute("PRAGMA cipher_integrity_check")]
    except sqlcipher3.DatabaseError:
        problems.append(_("encryption: damaged pages"))
    return problems
