"""The attack on a real file system: every earlier vault.key that ext4 leaves in
free blocks, carved from the raw image after init, two passphrase changes and
destroy-keys, unwraps keys that open nothing.

Runs as root on a loop-mounted ext4 image (CI runs as root); skipped, saying why,
where that is impossible."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from testimony_app.core.common.errors import VaultError, WrongSecret
from testimony_app.core.vault import db, keyfile
from tests.conftest import PASSPHRASE, SEEDS

pytestmark = pytest.mark.slow

IMAGE_MIB = 96


def _mounted_ext4(tmp_path: Path, mib: int) -> Iterator[tuple[Path, Path]]:
    if os.geteuid() != 0:
        pytest.skip("loop-mounting an ext4 image needs root")
    for tool in ("mkfs.ext4", "mount", "umount"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed (Debian package e2fsprogs / mount)")
    image, mountpoint = tmp_path / "disk.img", tmp_path / "mnt"
    with open(image, "wb") as handle:
        handle.truncate(mib * 1024 * 1024)
    subprocess.run(["mkfs.ext4", "-q", "-F", "-m", "0", "-b", "4096", str(image)], check=True,
                   capture_output=True)
    mountpoint.mkdir()
    mounted = subprocess.run(["mount", "-o", "loop", str(image), str(mountpoint)],
                             capture_output=True, text=True, check=False)
    if mounted.returncode != 0:
        pytest.skip(f"loop devices are unavailable here: {mounted.stderr.strip()}")
    try:
        yield image, mountpoint
    finally:
        if os.path.ismount(mountpoint):
            subprocess.run(["umount", str(mountpoint)], check=True)


@pytest.fixture
def ext4(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    yield from _mounted_ext4(tmp_path, IMAGE_MIB)


def carve_headers(raw: bytes) -> list[bytes]:
    """Every JSON object in the bytes that looks like a vault header (has "wraps")."""
    found: dict[bytes, None] = {}
    decoder = json.JSONDecoder()
    at = raw.find(b'"wraps"')
    while at != -1:
        start = raw.rfind(b"{\n", max(0, at - 4096), at)
        while start != -1:
            try:
                obj, end = decoder.raw_decode(raw[start:start + 8192].decode("latin-1"))
            except (ValueError, UnicodeDecodeError):
                obj = None
            if isinstance(obj, dict) and "wraps" in obj:
                found[raw[start:start + end]] = None
                break
            start = raw.rfind(b"{\n", max(0, at - 4096), start)
        at = raw.find(b'"wraps"', at + 1)
    return list(found)


def test_no_carved_header_opens_the_vault_after_passwd_and_destroy_keys(
        cli, ext4: tuple[Path, Path], tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    image, mountpoint = ext4
    folder = mountpoint / "vault"
    second, third = "the second passphrase, long", "the third passphrase, longer"
    made = cli("init", "--vault", str(folder))
    assert made.code == 0, made.err
    code = made.out.strip().splitlines()[-1].strip()
    assert cli("add", str(SEEDS), "--vault", str(folder)).code == 0
    for old, new in ((PASSPHRASE, second), (second, third)):
        changed = cli("passwd", "--vault", str(folder), TESTIMONY_PASSPHRASE=old,
                      TESTIMONY_NEW_PASSPHRASE=new)
        assert changed.code == 0, changed.err
    assert cli("check", "--vault", str(folder), TESTIMONY_PASSPHRASE=third).code == 0
    destroyed = cli("destroy-keys", "--yes", "--vault", str(folder), TESTIMONY_PASSPHRASE=third)
    assert destroyed.code == 0, destroyed.err
    evidence = tmp_path / "evidence"
    shutil.copytree(folder, evidence)
    subprocess.run(["umount", str(mountpoint)], check=True)

    headers = carve_headers(image.read_bytes())
    opened: list[bool] = []  # booleans, so that a failure prints no key
    for raw in headers:
        try:
            header = keyfile.parse_header(raw, evidence)
        except VaultError:
            continue  # the tombstone, or a fragment
        for secret in (PASSPHRASE, second, third, code):
            try:
                key = (header.unwrap_recovery(secret) if secret == code
                       else header.unwrap_passphrase(secret))
            except WrongSecret:
                continue
            opened.append(db.key_opens(evidence / keyfile.DB_FILE, key))
    assert not any(opened), f"{sum(opened)} earlier headers still open the vault"
    # The attack had something to work with: earlier headers were there, intact, and
    # unwrapped keys with their old passphrases and the recovery code.
    assert len(opened) >= 2, (len(headers), len(opened))
    print(f"carved {len(headers)} header-like objects; {len(opened)} keys unwrapped, none opens")


def test_a_rekey_that_cannot_finish_changes_nothing(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    """SQLCipher answers "ok" to a rekey it rolled back (here: no room for the WAL);
    the check after it notices, and the vault stays under the old passphrase."""
    gen = _mounted_ext4(tmp_path, 32)
    _image, mountpoint = next(gen)
    try:
        folder = mountpoint / "vault"
        assert cli("init", "--vault", str(folder)).code == 0
        assert cli("add", str(SEEDS), "--vault", str(folder)).code == 0
        # Fill the disk, then free half the database's size: the WAL cannot hold it.
        size = (folder / keyfile.DB_FILE).stat().st_size
        ballast = mountpoint / "ballast"
        with open(ballast, "wb") as handle:
            try:
                while True:
                    handle.write(b"\0" * 65536)
                    handle.flush()
                    os.fsync(handle.fileno())
            except OSError:
                pass
            handle.truncate(max(handle.tell() - size // 2, 0))
            os.fsync(handle.fileno())
        failed = cli("passwd", "--vault", str(folder),
                     TESTIMONY_NEW_PASSPHRASE="a new passphrase, long")
        assert failed.code == 1 and "Writing failed" in failed.err, failed.err
        ballast.unlink()
        assert not (folder / keyfile.PENDING_FILE).exists()
        assert cli("check", "--vault", str(folder)).code == 0
    finally:
        gen.close()
