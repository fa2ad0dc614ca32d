"""`testimony backup` and `testimony restore`, run as real processes."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import SEEDS, Cli, Template


def test_backup_status_reminder_restore_in_one_step_each(cli: Cli, tmp_path: Path,
                                                          template: Template) -> None:
    vault = tmp_path / "vault"
    assert cli("init", "--vault", str(vault)).code == 0
    assert cli("add", "--json", str(SEEDS), "--vault", str(vault)).code == 0
    status = cli("backup", "--status", "--vault", str(vault))
    assert status.code == 0 and "No backup of this vault" in status.out
    assert cli("backup", "--vault", str(vault)).code == 1  # where to?
    made = cli("backup", "--to", str(tmp_path / "usb"), "--keep", "2", "--json",
               "--vault", str(vault))
    assert made.code == 0, made.err
    info = json.loads(made.out)
    assert info["backup"]["path"] == str(tmp_path / "usb" / "backup-0001")
    assert info["status"]["last_at"] == info["backup"]["created"]
    assert not info["status"]["due"]
    for _ in range(2):
        r = cli("backup", "--to", str(tmp_path / "usb"), "--keep", "2", "--vault", str(vault))
        assert r.code == 0 and "checked" in r.out
    assert "Older backup removed" in r.out
    assert sorted(p.name for p in (tmp_path / "usb").iterdir()) == ["backup-0002",
                                                                    "backup-0003"]
    r = cli("backup", "--remind-after", "3", "--status", "--vault", str(vault))
    assert r.code == 0 and "3 days" in r.out and "Nothing new" in r.out
    log = cli("log", "--json", "--vault", str(vault))
    assert [e["action"] for e in json.loads(log.out)].count("backup") == 3
    latest = tmp_path / "usb" / "backup-0003"
    check = cli("restore", str(latest), "--check")
    assert check.code == 0 and "complete and sound" in check.out
    assert cli("restore", str(latest)).code == 1  # where to?
    refused = cli("restore", str(latest), "--to", str(vault))
    assert refused.code == 1 and "--replace" in refused.err
    done = cli("restore", str(latest), "--to", str(vault), "--replace")
    assert done.code == 0, done.err
    assert "moved to" in done.out
    assert cli("check", "--vault", str(vault)).code == 0
    # The backup opens read-only where it lies; it refuses changes and a new passphrase.
    listing = cli("list", "--json", "--vault", str(latest))
    assert listing.code == 0 and len(json.loads(listing.out)) == 8
    key_before = (latest / "vault.key").read_bytes()
    passwd = cli("passwd", "--vault", str(latest),
                 TESTIMONY_NEW_PASSPHRASE="a new passphrase, long enough")
    assert passwd.code == 1 and "read-only" in passwd.err
    assert (latest / "vault.key").read_bytes() == key_before


def test_a_backup_opens_with_the_recovery_code(cli: Cli, tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    init = cli("init", "--json", "--vault", str(vault))
    code = json.loads(init.out)["recovery_code"]
    assert cli("backup", "--to", str(tmp_path / "bk"), "--vault", str(vault)).code == 0
    r = cli("restore", str(tmp_path / "bk"), "--to", str(tmp_path / "restored"), "--recovery",
            TESTIMONY_RECOVERY_CODE=code, TESTIMONY_PASSPHRASE="")
    assert r.code == 0, r.err
    wrong = cli("restore", str(tmp_path / "bk"), "--to", str(tmp_path / "other"))
    assert wrong.code == 0  # the passphrase of the environment
    bad = cli("restore", str(tmp_path / "bk"), "--to", str(tmp_path / "x"),
              TESTIMONY_PASSPHRASE="not the passphrase, long")
    assert bad.code == 1 and bad.err.startswith("Wrong passphrase")
    assert not (tmp_path / "x").exists()
