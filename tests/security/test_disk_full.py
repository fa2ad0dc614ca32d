"""Disk full: on a tiny tmpfs where the machine allows mounting one, else with
RLIMIT_FSIZE in the child. Extracting an attachment, exporting a bundle and adding a
big document each fail with one plain line, leave no half-written output and no
temp file, and the vault still passes `check`."""

from __future__ import annotations

import json
import random
import resource
import shutil
import signal
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from testimony_app.core.session import Session
from testimony_app.core.sync import bundle
from testimony_app.core.vault import db
from tests.conftest import ROOT, Template
from tests.sync_fixtures import PairTemplate

MIB = 1 << 20
DISK_FULL = "Writing failed (disk full or not writable); nothing was changed."


class SmallDisk:
    """A folder with little room: a tmpfs of `size`, or a file-size limit for children."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.mounted = False
        self.limit: int | None = None

    def make(self, size: int) -> None:
        self.folder.mkdir(mode=0o700)
        proc = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700",
                               "tmpfs", str(self.folder)], capture_output=True, check=False)
        self.mounted = proc.returncode == 0
        if not self.mounted:
            self.limit = size

    def preexec(self) -> Callable[[], None] | None:
        limit = self.limit
        if limit is None:
            return None

        def apply() -> None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of a kill
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

        return apply


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[SmallDisk]:
    disk = SmallDisk(tmp_path / "small")
    yield disk
    if disk.mounted:
        subprocess.run(["umount", str(disk.folder)], check=False)


def run_cli(env: dict[str, str], disk: SmallDisk, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "testimony_app.cli", *args], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120, check=False,
                          preexec_fn=disk.preexec())  # noqa: PLW1509


def no_leftovers(folder: Path) -> None:
    assert [p.name for p in folder.iterdir() if p.name.startswith(".")
            or p.name.endswith((".part", ".tmp"))] == []


def one_plain_line(proc: subprocess.CompletedProcess[str]) -> None:
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.strip().splitlines() == [DISK_FULL], proc.stderr


def test_extract_to_a_full_disk(session: Session, vault_dir: Path, template: Template,
                                tmp_path: Path, small_disk: SmallDisk,
                                isolated_env: dict[str, str]) -> None:
    source = tmp_path / "audio.flac"
    source.write_bytes(random.Random(1).randbytes(4 * MIB))
    session.add_document({"format": "testimony/1", "sources": [
        {"id": str(uuid.uuid4()), "kind": "other", "name": "x"}]})
    ref = session.list_records("source")[0].id
    att = session.attach(ref, source)
    session.close()
    small_disk.make(MIB)
    target = small_disk.folder / "copy.flac"
    proc = run_cli(isolated_env, small_disk, "extract", att.id, "--to", str(target),
                   "--vault", str(vault_dir))
    one_plain_line(proc)
    assert not target.exists()
    no_leftovers(small_disk.folder)
    with Session._open_with_key(vault_dir, template.key) as s:
        assert s.check() == []


def test_bundle_export_to_a_full_disk(pair_template: PairTemplate, tmp_path: Path,
                                      small_disk: SmallDisk,
                                      isolated_env: dict[str, str]) -> None:
    folder = tmp_path / "researcher"
    shutil.copytree(pair_template.researcher, folder)
    source = tmp_path / "photo.bin"
    source.write_bytes(random.Random(2).randbytes(4 * MIB))
    with Session._open_with_key(folder, pair_template.key) as s:
        s.add_document({"format": "testimony/1", "sources": [
            {"id": str(uuid.uuid4()), "kind": "other", "name": "x"}]})
        s.attach(s.list_records("source")[0].id, source)
    small_disk.make(MIB)
    target = small_disk.folder / "bundle.age"
    proc = run_cli(isolated_env, small_disk, "export-bundle", "--to", str(target),
                   "--vault", str(folder))
    one_plain_line(proc)
    assert not target.exists()
    no_leftovers(small_disk.folder)
    with Session._open_with_key(folder, pair_template.key) as s:
        assert s.check() == []
        # nothing was counted as sent: the next bundle is number 1 again, and complete
        result = bundle.export(s, tmp_path / "bundle.age")
        assert (result.sequence, result.attachments) == (1, 1)


def test_a_big_add_on_a_full_disk(template: Template, tmp_path: Path, small_disk: SmallDisk,
                                  isolated_env: dict[str, str]) -> None:
    size = sum(p.stat().st_size for p in template.folder.iterdir())
    small_disk.make(max(size, 256 * 1024) + 2 * MIB)
    folder = small_disk.folder / "vault"
    shutil.copytree(template.folder, folder)
    rng = random.Random(3)
    words = ["".join(rng.choice("abcdefghij") for _ in range(8)) for _ in range(5000)]
    document = {"format": "testimony/1", "testimonies": [{
        "id": str(uuid.uuid4()), "title": f"t{i}", "status": "draft",
        "interview": {"date": {"precision": "day", "value": "2016-12-01"},
                      "language": "en", "mode": "phone"},
        "consent": {"scope": "internal"},
        "narrative": {"en": " ".join(rng.choices(words, k=2000))}} for i in range(400)]}
    big = tmp_path / "big.json"
    big.write_text(json.dumps(document))
    proc = run_cli(isolated_env, small_disk, "add", "--json", str(big), "--vault", str(folder))
    one_plain_line(proc)
    no_leftovers(folder)
    with Session._open_with_key(folder, template.key) as s:
        assert s.counts().get("testimony", 0) == 0  # all or nothing
        assert s.check() == []


def test_an_attachment_that_fills_the_disk(template: Template, tmp_path: Path,
                                           small_disk: SmallDisk,
                                           isolated_env: dict[str, str]) -> None:
    """An intake that fills the disk: the half-stored attachment is removed at once,
    and no command (`check` included) then calls the vault damaged: a full disk is
    said as such, and the vault opens as soon as there is room."""
    small_disk.make(1)  # probe: the scenario needs a real file system to fill
    if not small_disk.mounted:
        pytest.skip("needs a tmpfs to fill (mount refused here)")
    subprocess.run(["umount", str(small_disk.folder)], check=False)
    small_disk.folder.rmdir()
    size = sum(p.stat().st_size for p in template.folder.iterdir())
    small_disk.make(max(size, 256 * 1024) + 3 * MIB)
    folder = small_disk.folder / "vault"
    shutil.copytree(template.folder, folder)
    with Session._open_with_key(folder, template.key) as s:
        s.add_document({"format": "testimony/1", "sources": [
            {"id": str(uuid.uuid4()), "kind": "other", "name": "x"}]})
        ref = s.list_records("source")[0].id
    source = tmp_path / "interview.flac"
    source.write_bytes(random.Random(4).randbytes(8 * MIB))
    proc = run_cli(isolated_env, small_disk, "attach", ref, str(source), "--vault", str(folder))
    assert proc.returncode == 1
    assert "damaged" not in proc.stderr and "disk full" in proc.stderr, proc.stderr
    conn = db.connect(folder / "vault.db", template.key)  # no session: nothing cleaned up
    try:
        assert conn.execute("SELECT count(*) FROM attachments").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM attachment_chunks").fetchone()[0] == 0
    finally:
        conn.close()
    # Something else fills what room is left: opening the vault cannot write.
    filler = small_disk.folder / "filler"
    with filler.open("wb") as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
        except OSError:
            pass
    for command in (("check",), ("list", "--kind", "source")):
        proc = run_cli(isolated_env, small_disk, *command, "--vault", str(folder))
        said = proc.stdout + proc.stderr
        assert "restore it from a backup" not in said and "is damaged" not in said, said
        assert "disk that holds the vault is full" in said and proc.returncode == 1, said
    filler.unlink()
    with Session._open_with_key(folder, template.key) as s:
        assert s.conn.execute("SELECT count(*) FROM attachments").fetchone()[0] == 0
        assert s.conn.execute("SELECT count(*) FROM attachment_chunks").fetchone()[0] == 0
        assert s.check() == []
