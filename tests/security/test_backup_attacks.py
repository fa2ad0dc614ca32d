"""Backups under an accident or an adversary: a kill midway, a full disk, a backup
changed on the stick, and a hunt for plaintext in every file a backup and a restore
leave behind."""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from testimony_app.core.session import Session
from tests.conftest import CANARY_LATIN, PASSPHRASE, ROOT, Cli, Template
from tests.security.test_disk_full import (  # noqa: F401 (small_disk: a fixture)
    SmallDisk,
    no_leftovers,
    one_plain_line,
    run_cli,
    small_disk,
)
from tests.security.test_no_plaintext import canary_document, leaks_in

MIB = 1 << 20

BACKUP_AND_REPORT = r"""
import sys
from pathlib import Path
from testimony_app.core.session import Session
s = Session.open_with_key(Path(sys.argv[1]), bytes.fromhex(sys.argv[2]))
def progress(done, total):
    print(done, total, flush=True)
s.backup(Path(sys.argv[3]), progress=progress)
print("done", flush=True)
"""


def _big_vault(folder: Path, key: bytes, tmp_path: Path, megabytes: int) -> None:
    source = tmp_path / "audio.bin"
    source.write_bytes(random.Random(5).randbytes(megabytes * MIB))
    with Session.open_with_key(folder, key) as s:
        s.add_document({"format": "testimony/1", "sources": [
            {"id": str(uuid.uuid4()), "kind": "other", "name": "x"}]})
        s.add_document(canary_document()[0])
        s.attach(s.list_records("source")[0].id, source)
    source.unlink()


def _kill_when(folder: Path, key: bytes, target: Path, fraction: float) -> None:
    """Start a backup in a child and kill -9 it once its progress passes `fraction`."""
    proc = subprocess.Popen([sys.executable, "-c", BACKUP_AND_REPORT, str(folder), key.hex(),
                             str(target)], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None
    for line in proc.stdout:
        parts = line.split()
        if parts[0] == "done":
            break
        if int(parts[0]) >= fraction * int(parts[1]):
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait()


@pytest.mark.slow
@pytest.mark.parametrize("fraction", [0.0, 0.2, 0.5, 0.7])
def test_kill_during_a_backup_leaves_nothing_under_the_final_name(
        vault_dir: Path, template: Template, tmp_path: Path, fraction: float) -> None:
    """0.0 and 0.2: while pages are copied; 0.5: while the copy is checked; 0.7: while
    it is hashed and described."""
    _big_vault(vault_dir, template.key, tmp_path, 48)
    target = tmp_path / "bk"
    _kill_when(vault_dir, template.key, target, fraction)
    assert not target.exists()
    # What the killed backup left (a half-made copy in bk.part) holds no plaintext.
    assert leaks_in(tmp_path) == []
    with Session.open_with_key(vault_dir, template.key) as s:
        assert s.check() == []
        assert s.backup_status().last_at is None
        # The next backup to the same name clears what the killed one left.
        result = s.backup(target)
    assert not (tmp_path / "bk.part").exists()
    assert Session.restore(result.path, tmp_path / "restored", PASSPHRASE).records


def test_a_full_disk_during_a_backup_gives_one_plain_line(
        vault_dir: Path, template: Template, tmp_path: Path,
        small_disk: SmallDisk,  # noqa: F811 (the fixture imported above)
        isolated_env: dict[str, str]) -> None:
    _big_vault(vault_dir, template.key, tmp_path, 4)
    small_disk.make(MIB)
    target = small_disk.folder / "bk"
    proc = run_cli(isolated_env, small_disk, "backup", "--to", str(target),
                   "--vault", str(vault_dir))
    one_plain_line(proc)
    assert not target.exists()
    no_leftovers(small_disk.folder)
    assert list(small_disk.folder.iterdir()) == []
    with Session.open_with_key(vault_dir, template.key) as s:
        assert s.check() == []
        assert s.backup_status().last_at is None


def test_a_full_disk_during_a_restore_gives_one_plain_line(
        vault_dir: Path, template: Template, tmp_path: Path,
        small_disk: SmallDisk,  # noqa: F811 (the fixture imported above)
        isolated_env: dict[str, str]) -> None:
    _big_vault(vault_dir, template.key, tmp_path, 4)
    with Session.open_with_key(vault_dir, template.key) as s:
        bk = s.backup(tmp_path / "bk").path
    small_disk.make(MIB)
    target = small_disk.folder / "restored"
    proc = run_cli(isolated_env, small_disk, "restore", str(bk), "--to", str(target))
    one_plain_line(proc)
    assert list(small_disk.folder.iterdir()) == []


def test_a_tampered_or_truncated_backup_is_refused_at_restore(
        cli: Cli, demo_document: bytes, session: Session, tmp_path: Path) -> None:
    session.add_json(demo_document)
    good = session.backup(tmp_path / "good").path
    session.close()
    cases = {}
    for name in ("truncated", "flipped", "counts"):
        copy = tmp_path / name
        shutil.copytree(good, copy)
        cases[name] = copy
    db_file = cases["truncated"] / "vault.db"
    db_file.write_bytes(db_file.read_bytes()[:-8192])
    data = bytearray((cases["flipped"] / "vault.db").read_bytes())
    data[len(data) // 3] ^= 0x40
    (cases["flipped"] / "vault.db").write_bytes(bytes(data))
    # An attacker who rewrites what the manifest says: the sealed part no longer matches.
    manifest = json.loads((cases["counts"] / "backup.json").read_text())
    manifest["created"] = "2030-01-01T00:00:00Z"
    (cases["counts"] / "backup.json").write_text(json.dumps(manifest))
    for name, folder in cases.items():
        target = tmp_path / f"restored-{name}"
        r = cli("restore", str(folder), "--to", str(target))
        assert r.code == 1, (name, r.err)
        lines = r.err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("This backup is damaged"), (name, r.err)
        assert not target.exists() and not (tmp_path / f"restored-{name}.part").exists()
    assert cli("restore", str(good), "--to", str(tmp_path / "restored-good")).code == 0


def test_opening_a_backup_read_only_changes_none_of_its_bytes(
        cli: Cli, demo_session: Session, tmp_path: Path) -> None:
    bk = demo_session.backup(tmp_path / "bk").path
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in bk.iterdir()}
    for args in (["list"], ["check"], ["log"], ["stats"], ["people"]):
        r = cli(*args, "--vault", str(bk))
        assert r.code == 0, (args, r.err)
    refused = cli("add", "--json", str(ROOT / "seeds" / "aleppo-2016.json"), "--vault", str(bk))
    assert refused.code == 1 and "read-only" in refused.err
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in bk.iterdir()}
    assert after == before
    assert cli("restore", str(bk), "--check").code == 0


def test_no_plaintext_anywhere_during_backup_and_restore(cli: Cli, tmp_path: Path) -> None:
    home = tmp_path / "home"
    vault = home / "usb" / "vault"
    document, _pid, _tid = canary_document()
    source = tmp_path / "input.json"
    source.write_text(json.dumps(document, ensure_ascii=False))
    assert cli("init", "--vault", str(vault)).code == 0
    assert cli("add", "--json", str(source), "--vault", str(vault)).code == 0
    source.unlink()
    for args in (["backup", "--to", str(home / "usb" / "backups"), "--keep", "2"],
                 ["backup", "--to", str(home / "usb" / "backups"), "--keep", "2"],
                 ["backup", "--to", str(home / "one")],
                 ["backup", "--status"],
                 ["restore", str(home / "one"), "--check"],
                 ["restore", str(home / "one"), "--to", str(home / "restored")],
                 ["restore", str(home / "usb" / "backups" / "backup-0002"), "--to", str(vault),
                  "--replace"],
                 ["search", CANARY_LATIN.split()[0]],
                 ["list"]):
        r = cli(*args, "--vault", str(vault)) if args[0] not in ("restore",) else cli(*args)
        assert r.code == 0, (args, r.err)
        assert CANARY_LATIN.split()[0] not in r.err
    r = cli("search", CANARY_LATIN.split()[0], "--vault", str(home / "one"))
    assert r.code == 0 and CANARY_LATIN.split()[0] in r.out  # the backup holds it, encrypted
    assert sorted(p.name for p in (home / "usb").iterdir() if p.name.startswith("vault")) \
        [1].startswith("vault.before-restore-")
    assert leaks_in(tmp_path) == []
