"""The database layer: pragmas, migrations, fail-closed opening."""

from __future__ import annotations

from pathlib import Path

import pytest

from testimony_app.core.common.errors import VaultError
from testimony_app.core.identity.upgrades import UPGRADES
from testimony_app.core.session import Session
from testimony_app.core.vault import db, migrations


def test_every_pragma_reads_back(session: Session) -> None:
    assert db.read_pragmas(session.conn) == db.PRAGMAS


def test_fts_tables_have_secure_delete(session: Session) -> None:
    row = session.conn.execute("SELECT v FROM search_config WHERE k = 'secure-delete'").fetchone()
    assert row is not None and int(row[0]) == 1


def test_migrations_bring_an_empty_vault_to_the_latest_version(session: Session) -> None:
    assert session.conn.execute("PRAGMA user_version").fetchone()[0] == migrations.LATEST
    tables = {r[0] for r in session.conn.execute("SELECT name FROM sqlite_master")}
    assert {"records", "revisions", "identities", "attachments", "attachment_chunks",
            "activity", "search", "meta", "links"} <= tables


def test_a_vault_from_a_newer_version_is_refused(vault_dir: Path, template) -> None:  # type: ignore[no-untyped-def]
    s = Session._open_with_key(vault_dir, template.key)
    s.conn.execute(f"PRAGMA user_version = {migrations.LATEST + 1}")
    s.close()
    with pytest.raises(VaultError) as info:
        Session._open_with_key(vault_dir, template.key)
    assert info.value.code == "vault_damaged" or info.value.code == "vault_newer"


def test_migrating_twice_changes_nothing(session: Session) -> None:
    before = session.conn.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall()
    migrations.migrate(session.conn)
    assert session.conn.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall() == before


def test_connect_never_creates_a_missing_database(tmp_path: Path) -> None:
    with pytest.raises(VaultError):
        db.connect(tmp_path / "missing.db", b"k" * 32)
    assert not (tmp_path / "missing.db").exists()


def test_revisions_and_activity_are_append_only(demo_session: Session) -> None:
    conn = demo_session.conn
    for sql in ("UPDATE revisions SET author = 'x'", "DELETE FROM revisions",
                "UPDATE activity SET actor = 'x'", "DELETE FROM activity"):
        with pytest.raises(Exception, match="append-only|kept"):
            conn.execute(sql)


def test_lookaside_is_enlarged_and_sqlcipher_still_encrypts(tmp_path: Path) -> None:
    """db shuts SQLite down and up again at import to set a larger lookaside
    (bench/README.md). On this platform that must take, and SQLCipher must come back
    encrypting: a new database has no plaintext header, and another key is refused."""
    import platform
    import sys

    if sys.platform.startswith("linux") and platform.machine() in ("x86_64", "aarch64"):
        assert db.LOOKASIDE_ENLARGED
    path = tmp_path / "vault.db"
    conn = db.connect(path, b"k" * 32, create=True, upgrades=UPGRADES)
    conn.execute("CREATE TABLE t (x)")
    conn.execute("INSERT INTO t VALUES ('canary-lookaside')")
    conn.close()
    raw = path.read_bytes()
    assert not raw.startswith(b"SQLite format 3") and b"canary-lookaside" not in raw
    with pytest.raises(VaultError):
        db.connect(path, b"j" * 32)
