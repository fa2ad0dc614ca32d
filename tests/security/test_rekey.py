"""A new header means a new data key: an earlier vault.key, wherever a copy of it
survives, opens nothing; the recovery code follows every change; older headers
still open and are upgraded."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from testimony_app.core.common.errors import VaultError, WrongSecret
from testimony_app.core.session import Session
from testimony_app.core.vault import db, keyfile
from tests.conftest import PASSPHRASE, SEEDS, Template

SECOND = "a second long passphrase"
THIRD = "a third long passphrase, longer"


def change(session: Session, passphrase: str, **kw: object) -> str | None:
    # FLOOR: the tests measure keys, not the calibration of Argon2id
    return session._rekey(passphrase, keyfile.FLOOR, kw.get("recovery_code"),  # type: ignore[arg-type]
                          kw.get("progress"), None, "passphrase_changed", {})  # type: ignore[arg-type]


def opens_nothing(folder: Path, header: bytes, secrets: list[str], code: str) -> None:
    """Every key this header yields, with any of the secrets, fails on the database."""
    parsed = keyfile.parse_header(header, folder)
    for secret in secrets:
        try:
            key = parsed.unwrap_passphrase(secret)
        except WrongSecret:
            continue
        assert not db.key_opens(folder / keyfile.DB_FILE, key)
    assert not db.key_opens(folder / keyfile.DB_FILE, parsed.unwrap_recovery(code))


def test_an_old_header_opens_nothing_after_a_passphrase_change(
        session: Session, vault_dir: Path, template: Template) -> None:
    session.add_json(SEEDS.read_bytes())
    before = (vault_dir / keyfile.HEADER_FILE).read_bytes()
    progress: list[tuple[int, int]] = []
    change(session, SECOND, progress=lambda d, t: progress.append((d, t)))
    assert progress[0] == (0, 1) and progress[-1][0] == progress[-1][1] > 1
    assert session.counts()["testimony"] == 8  # the open session goes on, under the new key
    middle = (vault_dir / keyfile.HEADER_FILE).read_bytes()
    change(session, THIRD)
    session.close()
    assert not db.key_opens(vault_dir / keyfile.DB_FILE, template.key)
    for old in (before, middle):
        opens_nothing(vault_dir, old, [PASSPHRASE, SECOND, THIRD], template.recovery_code)
        # Put back in place, the old header gives the old passphrase nothing either.
        current = (vault_dir / keyfile.HEADER_FILE).read_bytes()
        (vault_dir / keyfile.HEADER_FILE).write_bytes(old)
        with pytest.raises(VaultError):
            Session.open(vault_dir, PASSPHRASE if old is before else SECOND)
        with pytest.raises(VaultError):
            Session.open_with_recovery(vault_dir, template.recovery_code)
        (vault_dir / keyfile.HEADER_FILE).write_bytes(current)
    # The recovery code written down at creation still opens after two changes.
    with Session.open_with_recovery(vault_dir, template.recovery_code) as s:
        assert s.counts()["testimony"] == 8 and s.check() == []
    with Session.open(vault_dir, THIRD) as s:
        assert [e.action for e in s.activity()].count("passphrase_changed") == 2
    for secret in (PASSPHRASE, SECOND):
        with pytest.raises(WrongSecret):
            Session.open(vault_dir, secret)
    assert not (vault_dir / keyfile.PENDING_FILE).exists()


def test_key_strength_change_re_encrypts_too(session: Session, vault_dir: Path,
                                             template: Template) -> None:
    before = (vault_dir / keyfile.HEADER_FILE).read_bytes()
    assert session.set_kdf_strength(PASSPHRASE, "strong") is None
    session.close()
    # Same passphrase, weaker derivation: the old header must not open the vault.
    opens_nothing(vault_dir, before, [PASSPHRASE], template.recovery_code)
    Session.open(vault_dir, PASSPHRASE).close()


def test_header_of_version_2_binds_the_recovery_public_key(template: Template) -> None:
    header = json.loads((template.folder / keyfile.HEADER_FILE).read_text())
    assert header["version"] == 2 and keyfile.HEADER_VERSION == 2
    assert set(header["recovery_key"]) == {"kdf", "salt", "public"}
    assert set(header["wraps"]["recovery"]) == {"ephemeral", "nonce", "key"}


def test_a_swapped_recovery_public_key_is_refused(vault_dir: Path, template: Template) -> None:
    path = vault_dir / keyfile.HEADER_FILE
    header = json.loads(path.read_text())
    other = keyfile._recovery_key(keyfile.new_recovery_code())
    header["recovery_key"] = other
    path.write_text(json.dumps(header))
    with pytest.raises(WrongSecret):
        Session.open_with_recovery(vault_dir, template.recovery_code)


# -- headers of version 1 (recovery wrap under an HKDF key of the code) ----------


def write_v1_header(folder: Path, key: bytes, passphrase: str, code: str) -> None:
    """vault.key as the first release wrote it."""
    vault_id = json.loads((folder / keyfile.HEADER_FILE).read_text())["vault_id"]

    def aad(name: str, kdf: object) -> bytes:
        return json.dumps([keyfile.HEADER_FORMAT, 1, vault_id, name, kdf], sort_keys=True).encode()

    def b64(data: bytes) -> str:
        return base64.b64encode(data).decode()

    salt_p, salt_r, n1, n2 = os.urandom(16), os.urandom(16), os.urandom(12), os.urandom(12)
    kdf = keyfile.FLOOR.as_json()
    kek_p = keyfile.derive_passphrase_key(passphrase, salt_p, keyfile.FLOOR)
    kek_r = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt_r,
                 info=b"testimony vault recovery v1").derive(
                     keyfile.normalise_recovery_code(code).encode())
    sealed_p = AESGCM(kek_p).encrypt(n1, key, aad("passphrase", kdf))
    sealed_r = AESGCM(kek_r).encrypt(n2, key, aad("recovery", None))
    header = {"format": keyfile.HEADER_FORMAT, "version": 1, "vault_id": vault_id,
              "created": "2026-11-01T00:00:00Z", "cipher": "sqlcipher4-raw-key",
              "passphrase_form": "utf-8-nfc", "wraps": {
                  "passphrase": {"salt": b64(salt_p), "nonce": b64(n1), "kdf": kdf,
                                 "key": b64(sealed_p)},
                  "recovery": {"salt": b64(salt_r), "nonce": b64(n2), "key": b64(sealed_r)}}}
    (folder / keyfile.HEADER_FILE).write_text(json.dumps(header, indent=1, sort_keys=True))


def test_version_1_header_opens_and_a_change_issues_a_new_code(
        vault_dir: Path, template: Template) -> None:
    write_v1_header(vault_dir, template.key, PASSPHRASE, template.recovery_code)
    Session.open_with_recovery(vault_dir, template.recovery_code).close()
    with Session.open(vault_dir, PASSPHRASE) as s:
        issued = change(s, SECOND)
        assert s.activity(1)[0].detail == {"new_recovery_code": True}
    assert issued is not None and issued != template.recovery_code
    assert json.loads((vault_dir / keyfile.HEADER_FILE).read_text())["version"] == 2
    with pytest.raises(WrongSecret):  # the old code could not follow the new key
        Session.open_with_recovery(vault_dir, template.recovery_code)
    Session.open_with_recovery(vault_dir, issued).close()
    with Session.open(vault_dir, SECOND) as s:
        assert change(s, THIRD) is None  # version 2 from now on: the code follows
    Session.open_with_recovery(vault_dir, issued).close()


def test_version_1_header_recovered_with_its_code_keeps_the_code(
        vault_dir: Path, template: Template) -> None:
    write_v1_header(vault_dir, template.key, PASSPHRASE, template.recovery_code)
    with Session.open_with_recovery(vault_dir, template.recovery_code) as s:
        with pytest.raises(WrongSecret):  # a code is proved before it is kept
            change(s, SECOND, recovery_code=keyfile.new_recovery_code())
        assert change(s, SECOND, recovery_code=template.recovery_code) is None
    Session.open_with_recovery(vault_dir, template.recovery_code).close()
    Session.open(vault_dir, SECOND).close()


# -- a change cut short: the pending header ---------------------------------------


def test_pending_header_of_a_change_that_never_reached_the_database(
        vault_dir: Path, template: Template) -> None:
    following = keyfile.next_header(vault_dir, SECOND, keyfile.FLOOR)
    keyfile.write_pending(vault_dir, following.header)
    with pytest.raises(WrongSecret):  # the new passphrase never took effect
        Session.open(vault_dir, SECOND)
    assert (vault_dir / keyfile.PENDING_FILE).exists()
    Session.open(vault_dir, PASSPHRASE).close()  # the old one opens, and settles it
    assert not (vault_dir / keyfile.PENDING_FILE).exists()
    Session.open_with_recovery(vault_dir, template.recovery_code).close()


def test_destroy_keys_removes_a_pending_header(vault_dir: Path, template: Template) -> None:
    following = keyfile.next_header(vault_dir, SECOND, keyfile.FLOOR)
    keyfile.write_pending(vault_dir, following.header)
    keyfile.destroy_keys(vault_dir)
    assert sorted(p.name for p in vault_dir.iterdir() if p.name.startswith("vault.key")) == [
        keyfile.HEADER_FILE]
    for opener, secret in ((Session.open, SECOND), (Session.open_with_recovery,
                                                      template.recovery_code)):
        with pytest.raises(VaultError) as info:
            opener(vault_dir, secret)
        assert info.value.code == "keys_destroyed"



def test_cancelled_before_the_re_encryption_changes_nothing(session: Session, vault_dir: Path,
                                                            template: Template) -> None:
    from testimony_app.core.common.errors import Cancelled

    before = (vault_dir / keyfile.HEADER_FILE).read_bytes()
    with pytest.raises(Cancelled):
        session._rekey(SECOND, keyfile.FLOOR, None, None, lambda: True, "passphrase_changed", {})
    assert (vault_dir / keyfile.HEADER_FILE).read_bytes() == before
    assert not (vault_dir / keyfile.PENDING_FILE).exists()
    assert db.key_opens(vault_dir / keyfile.DB_FILE, template.key)
