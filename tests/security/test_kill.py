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

from testimony_app.core.errors import WrongSecret
from testimony_app.core.session import Session
from tests.conftest import PASSPHRASE, ROOT, Template

PASSWD_LOOP = r"""
import sys
from pathlib import Path
from testimony_app.core import vault
folder, key = Path(sys.argv[1]), bytes.fromhex(sys.argv[2])
secrets = [sys.argv[3], sys.argv[4]]
i = 0
while True:
    i += 1
    vault.set_passphrase(folder, key, secrets[i % 2], params=vault.FLOOR)
    print(i, flush=True)
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


@pytest.mark.slow
def test_kill_during_passphrase_change(vault_dir: Path, template: Template) -> None:
    other = "the other passphrase, long"
    rng = random.Random(7)
    for _ in range(6):
        _kill_after([PASSWD_LOOP, str(vault_dir), template.key.hex(), PASSPHRASE, other],
                    rng.uniform(0.3, 3.0))
        opened = []
        for secret in (PASSPHRASE, other):
            try:
                Session.open(vault_dir, secret).close()
                opened.append(secret)
            except WrongSecret:
                pass
        assert len(opened) == 1
        header = json.loads((vault_dir / "vault.key").read_text())
        assert "recovery" in header["wraps"]
    Session.open_with_recovery(vault_dir, template.recovery_code).close()


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
