"""The key hierarchy: Argon2id header, recovery code, atomic passphrase change."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from testimony_app.core.common.errors import InputError, VaultError, WrongSecret
from testimony_app.core.session import Session
from testimony_app.core.vault import keyfile
from tests.conftest import PASSPHRASE, Template


def digest_tree(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.iterdir()) if p.is_file()}


def test_header_records_argon2id_at_or_above_the_floor(template: Template) -> None:
    header = json.loads((template.folder / keyfile.HEADER_FILE).read_text())
    kdf = header["wraps"]["passphrase"]["kdf"]
    assert kdf["name"] == "argon2id"
    assert kdf["memory_kib"] >= 256 * 1024 and kdf["iterations"] >= 3 and kdf["lanes"] >= 4
    assert header["version"] == keyfile.HEADER_VERSION
    assert "recovery" in header["wraps"]


def test_vault_files_are_private(template: Template) -> None:
    assert template.folder.stat().st_mode & 0o077 == 0
    assert (template.folder / keyfile.HEADER_FILE).stat().st_mode & 0o077 == 0


def test_open_with_passphrase_and_recovery_code(vault_dir: Path, template: Template) -> None:
    with Session.open(vault_dir, PASSPHRASE) as s:
        assert s.counts() == {}
    with Session.open_with_recovery(vault_dir, template.recovery_code.lower()) as s:
        assert s.counts() == {}


def test_wrong_passphrase_changes_no_byte(vault_dir: Path) -> None:
    before = digest_tree(vault_dir)
    with pytest.raises(WrongSecret):
        Session.open(vault_dir, "not the passphrase at all")
    assert digest_tree(vault_dir) == before


def test_wrong_recovery_code_is_refused(vault_dir: Path) -> None:
    with pytest.raises(WrongSecret):
        Session.open_with_recovery(vault_dir, keyfile.new_recovery_code())
    with pytest.raises(InputError):
        Session.open_with_recovery(vault_dir, "not a code")


def test_short_passphrase_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        Session.create(tmp_path / "v", "short")
    assert info.value.code == "passphrase_short"
    assert not (tmp_path / "v").exists()


def test_create_refuses_a_folder_with_files(tmp_path: Path) -> None:
    (tmp_path / "something").write_text("x")
    with pytest.raises(VaultError):
        Session.create(tmp_path, PASSPHRASE)


def test_change_passphrase_keeps_data_and_recovery(vault_dir: Path, template: Template) -> None:
    with Session.open(vault_dir, PASSPHRASE) as s:
        s.change_passphrase("a different long passphrase")
    with pytest.raises(WrongSecret):
        Session.open(vault_dir, PASSPHRASE)
    Session.open(vault_dir, "a different long passphrase").close()
    Session.open_with_recovery(vault_dir, template.recovery_code).close()
    assert not (vault_dir / "vault.key.tmp").exists()


@pytest.mark.parametrize("damage", ["random", "empty", "truncated", "flipped", "missing"])
def test_damaged_database_is_refused_and_never_recreated(
        vault_dir: Path, template: Template, damage: str) -> None:
    path = vault_dir / keyfile.DB_FILE
    data = path.read_bytes()
    if damage == "random":
        path.write_bytes(bytes(range(256)) * (len(data) // 256 + 1))
    elif damage == "empty":
        path.write_bytes(b"")
    elif damage == "truncated":
        path.write_bytes(data[: len(data) // 2 + 100])
    elif damage == "flipped":
        path.write_bytes(data[:5000] + bytes([data[5000] ^ 0x40]) + data[5001:])
    else:
        path.unlink()
    for suffix in ("-wal", "-shm"):
        (vault_dir / (keyfile.DB_FILE + suffix)).unlink(missing_ok=True)
    before = digest_tree(vault_dir)
    def open_and_check() -> None:
        session = Session._open_with_key(vault_dir, template.key)
        # A flipped byte in a page not read at open is found by the check.
        problems = session.check()
        session.close()
        if problems:
            raise VaultError("vault_damaged")

    with pytest.raises(VaultError) as info:
        open_and_check()
    assert info.value.code in ("vault_damaged", "no_vault", "not_a_vault")
    after = digest_tree(vault_dir)
    assert after == before or damage == "flipped" and set(after) >= set(before)
    if damage == "missing":
        assert not path.exists()


@pytest.mark.parametrize("content", [b"", b"{}", b"\x00" * 100, b'{"format": "testimony-vault"}',
                                     b"not json", b'{"format":"testimony-vault","version":99}'])
def test_damaged_or_foreign_header_is_refused(vault_dir: Path, content: bytes) -> None:
    (vault_dir / keyfile.HEADER_FILE).write_bytes(content)
    before = digest_tree(vault_dir)
    with pytest.raises(VaultError) as info:
        Session.open(vault_dir, PASSPHRASE)
    assert info.value.code in ("not_a_vault", "vault_newer")
    assert digest_tree(vault_dir) == before


def test_header_tampering_with_kdf_parameters_is_detected(vault_dir: Path) -> None:
    path = vault_dir / keyfile.HEADER_FILE
    header = json.loads(path.read_text())
    header["wraps"]["passphrase"]["kdf"]["iterations"] += 1
    path.write_text(json.dumps(header))
    with pytest.raises(WrongSecret):
        Session.open(vault_dir, PASSPHRASE)


def test_header_with_absurd_kdf_cost_is_refused_before_deriving(vault_dir: Path) -> None:
    path = vault_dir / keyfile.HEADER_FILE
    header = json.loads(path.read_text())
    header["wraps"]["passphrase"]["kdf"]["memory_kib"] = 2**40
    path.write_text(json.dumps(header))
    with pytest.raises(VaultError) as info:
        Session.open(vault_dir, PASSPHRASE)
    assert info.value.code == "not_a_vault"


def test_recovery_code_normalisation() -> None:
    code = keyfile.new_recovery_code()
    assert len(code.split("-")) == keyfile.RECOVERY_GROUPS
    assert keyfile.normalise_recovery_code(code.lower().replace("-", " ")) == code.replace("-", "")
    assert keyfile.normalise_recovery_code(code.replace("1", "l").replace("0", "o")) == \
        code.replace("-", "")


def test_kdf_strength_rewraps_the_key_under_the_same_passphrase(vault_dir: Path) -> None:
    with Session.open(vault_dir, PASSPHRASE) as s:
        with pytest.raises(WrongSecret):
            s.set_kdf_strength("not the passphrase at all", "strong")
        s.set_kdf_strength(PASSPHRASE, "strong")
        assert s.kdf_params().memory_kib == 512 * 1024
        assert s.activity()[-1].action == "kdf_changed"
    with Session.open(vault_dir, PASSPHRASE) as s:
        s.set_setting("autolock_minutes", "12")
        assert s.settings()["autolock_minutes"] == "12"
