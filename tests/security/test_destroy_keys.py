"""Panic: "destroy keys now" leaves a vault nobody can open, passphrase and recovery
code included, while an escrowed header (encrypted to the organisation) lets the
coordinator restore it."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pyrage
import pytest

from testimony_app.core.common.errors import InputError, VaultError
from testimony_app.core.session import Session
from testimony_app.core.vault import keyfile, org
from tests.conftest import PASSPHRASE, SEEDS, Template
from tests.sync_fixtures import Pair, PairTemplate


def wrapped_keys(folder: Path) -> list[bytes]:
    header = json.loads((folder / keyfile.HEADER_FILE).read_text())
    return [w["key"].encode() for w in header["wraps"].values()]


def refused_everywhere(folder: Path, recovery_code: str) -> None:
    for opener, secret in ((Session.open, PASSPHRASE),
                           (Session.open_with_recovery, recovery_code)):
        with pytest.raises(VaultError) as info:
            opener(folder, secret)
        assert info.value.code == "keys_destroyed"


def test_destroyed_keys_refuse_passphrase_and_recovery_code(
        session: Session, vault_dir: Path, template: Template) -> None:
    session.add_json(SEEDS.read_bytes())
    (vault_dir / "vault.key.tmp").write_bytes((vault_dir / keyfile.HEADER_FILE).read_bytes())
    old = wrapped_keys(vault_dir)
    assert session.destroy_keys() is None  # not enrolled: no escrow, nothing can undo it
    with pytest.raises(VaultError):
        session.conn  # noqa: B018 - the session is locked at once
    refused_everywhere(vault_dir, template.recovery_code)
    assert not (vault_dir / keyfile.ESCROW_FILE).exists()
    assert not (vault_dir / "vault.key.tmp").exists()
    for path in vault_dir.iterdir():
        data = path.read_bytes()
        assert not [k for k in old if k in data], path.name
    header = json.loads((vault_dir / keyfile.HEADER_FILE).read_text())
    assert set(header) == {"format", "version", "vault_id", "destroyed"}
    with pytest.raises(VaultError):  # nothing in the folder names a way in any more
        Session._open_with_key(vault_dir, template.key)


def test_escrow_restores_at_the_coordinator(pair: Pair, template: Template) -> None:
    researcher, coordinator = pair.researcher, pair.coordinator
    researcher.add_json(SEEDS.read_bytes())
    own_identity = org.age_identity(researcher.conn)
    folder = researcher.folder
    with pytest.raises(VaultError) as intact:  # intact keys are never replaced by a restore
        keyfile.restore_header(folder, (folder / keyfile.HEADER_FILE).read_bytes())
    assert intact.value.code == "keys_intact"
    escrow = researcher.destroy_keys()
    assert escrow == folder / keyfile.ESCROW_FILE and escrow.exists()
    assert escrow.read_bytes().startswith(b"age-encryption.org/v1\n")
    assert os.stat(escrow).st_mode & 0o077 == 0
    refused_everywhere(folder, template.recovery_code)

    # Only the organisation's identity opens the escrow: not the researcher's own key.
    with pytest.raises(pyrage.DecryptError):
        pyrage.decrypt(escrow.read_bytes(), [own_identity])
    garbage = pair.folder / "garbage.age"
    garbage.write_bytes(b"age-encryption.org/v1\n-> X25519 nothing\n")
    with pytest.raises(InputError) as bad:
        org.restore_header(coordinator.conn, garbage, folder, "test")
    assert bad.value.code == "escrow_invalid"

    vault_id = org.restore_header(coordinator.conn, escrow, folder, "test")
    assert coordinator.activity(1)[0].action == "header_restored"
    assert keyfile.read_header(folder).vault_id == vault_id
    with Session.open(folder, PASSPHRASE) as restored:
        assert restored.counts()["testimony"] == 8
        assert [e.action for e in restored.activity()][-2:] == ["keys_destroyed", "unlock"]
    with Session.open_with_recovery(folder, template.recovery_code):
        pass
    # A second restore finds the keys intact and changes nothing.
    before = (folder / keyfile.HEADER_FILE).read_bytes()
    with pytest.raises(VaultError) as info:
        org.restore_header(coordinator.conn, escrow, folder, "test")
    assert info.value.code == "keys_intact"
    assert (folder / keyfile.HEADER_FILE).read_bytes() == before


def test_escrow_of_another_vault_is_refused(pair: Pair, tmp_path: Path) -> None:
    escrow = pair.researcher.destroy_keys()
    assert escrow is not None
    other = tmp_path / "other"
    other.mkdir()
    tomb = json.loads((pair.researcher.folder / keyfile.HEADER_FILE).read_text())
    tomb["vault_id"] = "00000000-0000-4000-8000-000000000000"
    (other / keyfile.HEADER_FILE).write_text(json.dumps(tomb))
    with pytest.raises(VaultError) as info:
        org.restore_header(pair.coordinator.conn, escrow, other, "test")
    assert info.value.code == "escrow_mismatch"
    assert json.loads((other / keyfile.HEADER_FILE).read_text()) == tomb


def test_cli_destroy_keys_and_restore(cli, pair_template: PairTemplate,  # type: ignore[no-untyped-def]
                                      tmp_path: Path) -> None:
    coordinator, researcher = tmp_path / "coordinator", tmp_path / "researcher"
    shutil.copytree(pair_template.coordinator, coordinator)
    shutil.copytree(pair_template.researcher, researcher)
    no = cli("destroy-keys", "--vault", str(researcher))
    assert no.code == 1 and "--yes" in no.err
    assert "destroyed" not in (researcher / keyfile.HEADER_FILE).read_text()
    done = cli("destroy-keys", "--yes", "--vault", str(researcher))
    assert done.code == 0, done.err
    assert "nobody can open it" in done.out and keyfile.ESCROW_FILE in done.out
    again = cli("check", "--vault", str(researcher))
    assert again.code == 1 and "were destroyed" in again.err
    restored = cli("org", "restore-header", str(researcher / keyfile.ESCROW_FILE),
                   "--to", str(researcher), "--vault", str(coordinator))
    assert restored.code == 0, restored.err
    assert cli("check", "--vault", str(researcher)).code == 0
