"""Kill the process at any point: the vault still opens, with exactly one secret."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from testimony_app.core.common.errors import WrongSecret
from testimony_app.core.session import Session
from tests.conftest import PASSPHRASE, ROOT, SEEDS, Template

PASSWD_LOOP = r"""
import sys
from pathlib import Path
from testimony_app.core.vault import keyfile
from testimony_app.core.session import Session
folder = Path(sys.argv[1])
secrets = [sys.argv[2], sys.argv[3]]
i = 0
session = Session.open(folder, secrets[0])
while True:
    i += 1
    session._rekey(secrets[i % 2], keyfile.FLOOR, None, None, None, "passphrase_changed", {})
    print(i, flush=True)
"""

# A real SIGKILL at a chosen point of a passphrase change, from its progress callback:
# "start" (pending header written, database untouched), "middle" (half the pages
# re-encrypted into the WAL, not committed), "end" (committed, header not yet renamed).
PASSWD_KILLED_AT = r"""
import os, signal, sys
from pathlib import Path
from testimony_app.core.vault import keyfile
from testimony_app.core.session import Session
folder, old, new, point = Path(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
session = Session.open(folder, old)

def progress(done, total):
    if ((point == "start" and total == 1) or (point == "end" and done == total > 1)
            or (point == "middle" and 0 < done < total and 2 * done >= total)):
        os.kill(os.getpid(), signal.SIGKILL)

session._rekey(new, keyfile.FLOOR, None, progress, None, "passphrase_changed", {})
print("not killed", flush=True)
"""

ADD_LOOP = r"""
import sys, uuid
from pathlib import Path
from testimony_app.core.session import Session
s = Session._open_with_key(Path(sys.argv[1]), bytes.fromhex(sys.argv[2]))
batch, run = 0, uuid.uuid4().hex[:8]
while True:
    batch += 1
    docs = [{"id": str(uuid.uuid4()), "title": f"{run} batch {batch}",
             "interview": {"date": {"precision": "day", "value": "2016-12-01"},
                           "language": "en", "mode": "phone"},
             "consent": {"scope": "internal"}, "status": "draft",
             "narrative": {"en": f"batch{batch} " * 200}} for _ in range(50)]
    s.add_document({"format": "testimony/1", "testimonies": docs})
    print(batch, flush=True)
"""


def _kill_after(args: list[str], delay: float) -> None:
    proc = subprocess.Popen([sys.executable, "-c", *args], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()


def _opens_with(folder: Path, secrets: tuple[str, ...]) -> list[str]:
    opened = []
    for secret in secrets:
        try:
            with Session.open(folder, secret) as session:
                assert session.check() == []
            opened.append(secret)
        except WrongSecret:
            pass
    return opened


@pytest.mark.slow
def test_kill_during_passphrase_change(vault_dir: Path, template: Template) -> None:
    current, other = PASSPHRASE, "the other passphrase, long"
    rng = random.Random(7)
    for _ in range(5):
        _kill_after([PASSWD_LOOP, str(vault_dir), current, other], rng.uniform(1.5, 5.0))
        # Old or new, whichever the database is under; never neither, never both.
        opened = _opens_with(vault_dir, (current, other))
        assert len(opened) == 1
        header = json.loads((vault_dir / "vault.key").read_text())
        assert "recovery" in header["wraps"]
        assert not (vault_dir / "vault.key.pending").exists()  # settled by the open
        Session.open_with_recovery(vault_dir, template.recovery_code).close()
        if opened == [other]:
            current, other = other, current


@pytest.mark.slow
@pytest.mark.parametrize("point", ["start", "middle", "end"])
def test_kill_at_each_point_of_a_passphrase_change(
        session: Session, vault_dir: Path, template: Template, tmp_path: Path,
        point: str) -> None:
    session.add_json(SEEDS.read_bytes())
    # Large enough that the re-encryption lasts several progress reports.
    big = tmp_path / "recording.bin"
    big.write_bytes(os.urandom(48 * 1024 * 1024))
    ref = session.list_testimonies()[0].id
    session.attach(ref, big)
    session.close()
    new = "the new passphrase, long"
    proc = subprocess.run([sys.executable, "-c", PASSWD_KILLED_AT, str(vault_dir), PASSPHRASE,
                           new, point], cwd=ROOT, capture_output=True, timeout=300, check=False)
    assert proc.returncode == -signal.SIGKILL, proc.stdout
    pending = vault_dir / "vault.key.pending"
    assert pending.exists()
    expected = [new] if point == "end" else [PASSPHRASE]
    if point == "middle":
        # On a loaded machine the progress report that kills can come after the commit;
        # either way exactly one passphrase opens, and opening settles the change.
        opened = _opens_with(vault_dir, (PASSPHRASE, new))
        assert len(opened) == 1 and not pending.exists()
        assert _opens_with(vault_dir, (PASSPHRASE, new)) == opened
    else:
        # Asking with the passphrase that does not open settles nothing.
        assert _opens_with(vault_dir, tuple({PASSPHRASE, new} - set(expected))) == []
        assert pending.exists()
        assert _opens_with(vault_dir, (PASSPHRASE, new)) == expected
        assert not pending.exists()
    with Session.open_with_recovery(vault_dir, template.recovery_code) as s:
        assert s.counts()["testimony"] == 8 and len(s.attachments(ref)) == 1


@pytest.mark.slow
def test_kill_during_batches_of_writes(vault_dir: Path, template: Template) -> None:
    rng = random.Random(11)
    for _ in range(5):
        _kill_after([ADD_LOOP, str(vault_dir), template.key.hex()], rng.uniform(0.5, 2.5))
        with Session._open_with_key(vault_dir, template.key) as session:
            assert session.check() == []
            titles: dict[str, int] = {}
            for row in session.list_testimonies(limit=100_000):
                titles[row.title] = titles.get(row.title, 0) + 1
            # all or nothing: every batch that landed landed whole
            assert set(titles.values()) <= {50}
            # the index agrees with the table
            indexed = session.conn.execute("SELECT count(*) FROM search").fetchone()[0]
            assert indexed == sum(titles.values())
    assert os.path.exists(vault_dir / "vault.db")
