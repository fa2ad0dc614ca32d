"""Backups: made while the vault is open, encrypted as the vault is, checked, rotated,
opened read-only where they lie, and restored in one step after a full check."""

from __future__ import annotations

import hashlib
import json
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlcipher3

from testimony_app.core import backup
from testimony_app.core.common.errors import (
    Cancelled,
    InputError,
    IntegrityError,
    VaultError,
    WrongSecret,
)
from testimony_app.core.session import Session
from testimony_app.core.vault import db, keyfile
from tests.conftest import PASSPHRASE, Template


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.iterdir())}


def a_document(n: int, tag: str = "t") -> dict[str, object]:
    return {"format": "testimony/1", "testimonies": [{
        "id": str(uuid.uuid4()), "title": f"{tag} {i}", "status": "draft",
        "interview": {"date": {"precision": "day", "value": "2016-12-01"},
                      "language": "en", "mode": "phone"},
        "consent": {"scope": "internal"},
        "narrative": {"en": f"{tag} account {i} " * 40}} for i in range(n)]}


def test_a_backup_is_encrypted_with_the_vaults_key_and_opens_read_only(
        demo_session: Session, tmp_path: Path, template: Template) -> None:
    result = demo_session.backup(tmp_path / "bk")
    assert result.path == tmp_path / "bk"
    assert sorted(p.name for p in result.path.iterdir()) == ["backup.json", "vault.db",
                                                             "vault.key"]
    assert result.records == demo_session.counts()
    copy = result.path / "vault.db"
    # Without a key, or with another key, it is not a database at all.
    for key in (None, bytes(32)):
        conn = sqlcipher3.connect(str(copy))
        if key is not None:
            conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        with pytest.raises(sqlcipher3.DatabaseError):
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        conn.close()
    # The key header is the vault's, byte for byte: same passphrase, same recovery code.
    assert (result.path / "vault.key").read_bytes() == \
        (demo_session.folder / "vault.key").read_bytes()
    before = digests(result.path)
    with Session.open(result.path, PASSPHRASE) as opened:
        assert opened.read_only
        assert opened.counts() == demo_session.counts()
        assert opened.check() == []
        with pytest.raises(VaultError) as refused:
            opened.add_document(a_document(1))
        assert refused.value.code == "backup_read_only"
        with pytest.raises(VaultError):
            opened.backup(tmp_path / "again")
        # It can be searched as the vault is, although nothing may be made in it.
        found = 0
        for query in ("checkpoint", "Aleppo", "حلب", "arrest", "a"):
            assert opened.search(query) == demo_session.search(query), query
            found += len(opened.search(query))
        assert found
    with Session.open_with_recovery(result.path, template.recovery_code) as opened:
        assert opened.read_only
    # Opening it wrote nothing: no lock file, no log entry, no -wal.
    assert digests(result.path) == before


def test_the_manifest_names_files_and_time_but_hides_the_counts(
        demo_session: Session, tmp_path: Path) -> None:
    result = demo_session.backup(tmp_path / "bk")
    manifest = json.loads((result.path / "backup.json").read_text())
    assert manifest["format"] == "testimony-backup"
    assert manifest["vault_id"] == backup.read_manifest(result.path).vault_id
    assert set(manifest["files"]) == {"vault.db", "vault.key"}
    for name, entry in manifest["files"].items():
        data = (result.path / name).read_bytes()
        assert entry == {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    text = json.dumps(manifest)
    assert "testimony\"" not in text and "records" not in text and "tables" not in text


def test_the_activity_log_records_backups_and_the_status_follows(
        demo_session: Session, tmp_path: Path) -> None:
    status = demo_session.backup_status()
    assert status.last_at is None and status.new_since and status.reminder_days == 7
    result = demo_session.backup(tmp_path / "bk")
    entry = demo_session.activity(1)[-1]
    assert entry.action == "backup"
    assert entry.detail["records"] == sum(result.records.values())
    status = demo_session.backup_status()
    assert status.last_at == result.created and status.last_path == str(result.path)
    assert not status.new_since and not status.due
    # Nothing new: never due, however long ago.
    later = datetime.now(UTC) + timedelta(days=30)
    assert not demo_session.backup_status(later).due
    demo_session.check()  # reading changes nothing a backup holds
    assert not demo_session.backup_status(later).due
    demo_session.add_document(a_document(1))
    assert demo_session.backup_status().new_since
    assert not demo_session.backup_status().due
    assert demo_session.backup_status(later).due
    assert not demo_session.backup_status(datetime.now(UTC) + timedelta(days=6)).due
    demo_session.set_setting("backup_reminder_days", "3")
    assert demo_session.backup_status(datetime.now(UTC) + timedelta(days=3)).due
    demo_session.set_setting("backup_reminder_days", "0")
    assert not demo_session.backup_status(later).due


def test_a_new_empty_vault_is_never_reminded(session: Session) -> None:
    later = datetime.now(UTC) + timedelta(days=365)
    status = session.backup_status(later)
    assert not status.new_since and not status.due
    session.save_draft(str(uuid.uuid4()), None, "testimony", {"document": {}})
    assert session.backup_status(later).due  # unsaved work counts


def test_numbered_backups_rotate_and_touch_nothing_else(
        demo_session: Session, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    (folder / "backup-0007x").mkdir()
    other, _code = Session.create(tmp_path / "other", PASSPHRASE, keyfile.FLOOR)
    with other:
        foreign = other.backup(folder)  # another vault's backup in the same folder
    assert foreign.path.name == "backup-0001"
    made = [demo_session.backup(folder, keep=2) for _ in range(3)]
    assert [r.path.name for r in made] == ["backup-0002", "backup-0003", "backup-0004"]
    assert made[2].removed == [folder / "backup-0002"]
    assert sorted(p.name for p in folder.iterdir()) == [
        "backup-0001", "backup-0003", "backup-0004", "backup-0007x", "notes.txt"]
    assert demo_session.activity(1)[-1].detail["removed"] == 1


def test_where_a_backup_may_not_go(demo_session: Session, tmp_path: Path) -> None:
    with pytest.raises(InputError) as inside:
        demo_session.backup(demo_session.folder / "bk")
    assert inside.value.code == "backup_inside_vault"
    first = demo_session.backup(tmp_path / "bk")
    with pytest.raises(InputError) as exists:
        demo_session.backup(first.path)
    assert exists.value.code == "file_exists"
    a_file = tmp_path / "file"
    a_file.write_text("x")
    with pytest.raises(InputError):
        demo_session.backup(a_file)
    with pytest.raises(InputError):
        demo_session.backup(tmp_path / "k", keep=0)


def test_a_cancelled_backup_leaves_nothing(demo_session: Session, tmp_path: Path) -> None:
    seen: list[int] = []
    for cancel_after in (1, 3):
        def cancelled(limit: int = cancel_after, calls: list[int] = [0]) -> bool:  # noqa: B006
            calls[0] += 1
            return calls[0] > limit

        with pytest.raises(Cancelled):
            demo_session.backup(tmp_path / "bk", progress=lambda d, _t: seen.append(d),
                                cancelled=cancelled)
        assert not (tmp_path / "bk").exists() and not (tmp_path / "bk.part").exists()
    assert demo_session.check() == []
    assert all(e.action != "backup" for e in demo_session.activity(5))


def test_a_stale_part_from_a_killed_backup_is_replaced(demo_session: Session,
                                                       tmp_path: Path) -> None:
    stale = tmp_path / "bk.part"
    stale.mkdir()
    (stale / "vault.db").write_bytes(b"half")
    demo_session.backup(tmp_path / "bk")
    assert not stale.exists() and (tmp_path / "bk" / "backup.json").exists()
    strange = tmp_path / "other.part"
    strange.mkdir()
    (strange / "thesis.odt").write_bytes(b"not ours")
    with pytest.raises(InputError):
        demo_session.backup(tmp_path / "other")
    assert (strange / "thesis.odt").exists()


def test_a_backup_made_during_a_running_import_is_consistent_and_opens(
        session: Session, tmp_path: Path) -> None:
    session.add_document(a_document(20, "before"))
    started, done = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def progress(_done: int, _total: int) -> None:
        started.set()

    def run_import() -> None:
        try:
            session.add_document(a_document(400, "during"), progress)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            started.set()
            done.set()

    worker = threading.Thread(target=run_import)
    worker.start()
    assert started.wait(120)
    result = backup.make(session.folder, session.data_key(), tmp_path / "bk",
                         author="test")
    worker.join(300)
    assert not errors
    titles = {r.title.split()[0] for r in session.list_testimonies(limit=10_000)}
    assert titles == {"before", "during"}
    # The copy is of one moment: the import wholly in it or wholly out of it.
    assert result.records["testimony"] in (20, 420)
    restored = Session.restore(result.path, tmp_path / "restored", PASSPHRASE)
    assert restored.records == result.records
    with Session.open(tmp_path / "restored", PASSPHRASE) as opened:
        assert opened.check() == []
        n = opened.counts()["testimony"]
        indexed = opened.conn.execute("SELECT count(*) FROM search").fetchone()[0]
        assert n == result.records["testimony"] and indexed == n


def test_restore_checks_first_and_moves_an_existing_vault_aside(
        demo_session: Session, tmp_path: Path, template: Template) -> None:
    result = demo_session.backup(tmp_path / "bk")
    demo_session.add_document(a_document(3, "later"))
    counts_now = demo_session.counts()
    folder = demo_session.folder
    demo_session.close()
    before = digests(folder)
    with pytest.raises(VaultError) as refused:
        Session.restore(result.path, folder, PASSPHRASE)
    assert refused.value.code == "restore_would_replace"
    assert digests(folder) == before
    with pytest.raises(WrongSecret):
        Session.restore(result.path, folder, "not the passphrase at all", replace=True)
    assert digests(folder) == before
    # Refused while the vault is open elsewhere.
    with Session.open_with_key(folder, template.key), pytest.raises(VaultError) as busy:
        Session.restore(result.path, folder, PASSPHRASE, replace=True)
    assert busy.value.code == "vault_in_use"
    before = digests(folder)  # (opening it logged an unlock)
    restored = Session.restore(result.path, folder, template.recovery_code, recovery=True,
                               replace=True)
    assert restored.moved_aside is not None and restored.moved_aside.parent == folder.parent
    aside = {k: v for k, v in digests(restored.moved_aside).items() if k != "vault.lock"}
    assert aside == {k: v for k, v in before.items() if k != "vault.lock"}
    assert not (tmp_path / "vault.part").exists()
    with Session.open(folder, PASSPHRASE) as opened:
        assert opened.counts() == result.records != counts_now
        assert opened.check() == []
        assert not opened.read_only
        actions = [(e.action, e.detail.get("backup_created")) for e in opened.activity(3)]
        assert actions[0] == ("restored", result.created)
        assert not opened.backup_status().new_since
    with Session.open(restored.moved_aside, PASSPHRASE) as old:
        assert old.counts() == counts_now


def test_restore_refuses_a_folder_with_other_files(demo_session: Session,
                                                    tmp_path: Path) -> None:
    result = demo_session.backup(tmp_path / "bk")
    other = tmp_path / "papers"
    other.mkdir()
    (other / "letter.txt").write_text("x")
    for replace in (False, True):
        with pytest.raises(VaultError) as refused:
            Session.restore(result.path, other, PASSPHRASE, replace=replace)
        assert refused.value.code == "vault_exists"
    assert [p.name for p in other.iterdir()] == ["letter.txt"]
    with pytest.raises(VaultError) as not_backup:
        Session.restore(demo_session.folder, tmp_path / "x", PASSPHRASE)
    assert not_backup.value.code == "not_a_backup"


def _tamper_byte(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


def _edit_manifest(folder: Path, change: Callable[[dict[str, Any]], None]) -> None:
    manifest = json.loads((folder / "backup.json").read_text())
    change(manifest)
    (folder / "backup.json").write_text(json.dumps(manifest))


def _rehash(manifest: dict, folder: Path) -> None:  # type: ignore[type-arg]
    for name in manifest["files"]:
        data = (folder / name).read_bytes()
        manifest["files"][name] = {"size": len(data),
                                   "sha256": hashlib.sha256(data).hexdigest()}


@pytest.mark.parametrize("damage", [
    "flip_db", "flip_db_rehashed", "truncate_db", "truncate_db_rehashed", "flip_key",
    "missing_db", "manifest_time", "manifest_sealed", "older_db_of_the_same_vault",
    "manifest_garbage"])
def test_a_tampered_or_truncated_backup_is_refused(demo_session: Session, tmp_path: Path,
                                                   damage: str) -> None:
    old = demo_session.backup(tmp_path / "old")
    demo_session.add_document(a_document(2))
    bk = demo_session.backup(tmp_path / "bk").path
    db_file = bk / "vault.db"
    size = db_file.stat().st_size
    if damage == "flip_db":
        _tamper_byte(db_file, size // 2)
    elif damage == "flip_db_rehashed":  # the manifest made to match: the pages' MACs fail
        _tamper_byte(db_file, size // 2)
        _edit_manifest(bk, lambda m: _rehash(m, bk))
    elif damage == "truncate_db":
        db_file.write_bytes(db_file.read_bytes()[: size - 4096])
    elif damage == "truncate_db_rehashed":
        db_file.write_bytes(db_file.read_bytes()[: size - 4096])
        _edit_manifest(bk, lambda m: _rehash(m, bk))
    elif damage == "flip_key":
        _tamper_byte(bk / "vault.key", 40)
    elif damage == "missing_db":
        db_file.unlink()
    elif damage == "manifest_time":
        _edit_manifest(bk, lambda m: m.update(created="2020-01-01T00:00:00Z"))
    elif damage == "manifest_sealed":
        # Another first character, whatever it was (an "A" replaced by "A" changed nothing).
        _edit_manifest(bk, lambda m: m["sealed"].update(
            data=("B" if m["sealed"]["data"][0] == "A" else "A") + m["sealed"]["data"][1:]))
    elif damage == "older_db_of_the_same_vault":  # a rollback, hashes made to match
        db_file.write_bytes((old.path / "vault.db").read_bytes())
        _edit_manifest(bk, lambda m: _rehash(m, bk))
    elif damage == "manifest_garbage":
        (bk / "backup.json").write_bytes(b"{\"format\": \"testimony-backup\", ")
    target = tmp_path / "restored"
    with pytest.raises((IntegrityError, VaultError)) as refused:
        Session.restore(bk, target, PASSPHRASE)
    assert refused.value.code in ("backup_damaged", "not_a_backup")
    assert not target.exists() and not (tmp_path / "restored.part").exists()
    with pytest.raises((IntegrityError, VaultError)):
        backup.verify(bk, PASSPHRASE)


def test_check_copy_compares_counts(demo_session: Session, tmp_path: Path) -> None:
    bk = demo_session.backup(tmp_path / "bk").path
    manifest, key, facts = backup.verify(bk, PASSPHRASE)
    assert manifest.vault_id and facts["records"] == demo_session.counts()
    with pytest.raises(IntegrityError) as wrong:
        backup.check_copy(bk / "vault.db", key, manifest.vault_id, lambda: False,
                          lambda tables: tables.get("records") == 0)
    assert wrong.value.code == "backup_damaged"
    with pytest.raises(IntegrityError):
        backup.check_copy(bk / "vault.db", key, str(uuid.uuid4()), lambda: False,
                          lambda tables: True)


def test_a_read_only_connection_writes_nothing(demo_session: Session, tmp_path: Path) -> None:
    bk = demo_session.backup(tmp_path / "bk").path
    _manifest, key, _facts = backup.verify(bk, PASSPHRASE)
    conn = db.connect_read_only(bk / "vault.db", key)
    try:
        with pytest.raises(VaultError) as refused, db.transaction(conn):
            pass
        assert refused.value.code == "backup_read_only"
        with pytest.raises(sqlcipher3.OperationalError):
            conn.execute("DELETE FROM records")
    finally:
        conn.close()
    assert sorted(p.name for p in bk.iterdir()) == ["backup.json", "vault.db", "vault.key"]
