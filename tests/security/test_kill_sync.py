"""SIGKILL in the middle of attachment intake, bundle export, bundle import and purge:
the vault opens, `check` passes, nothing is half there (no partial attachment, no
partial bundle import, no half-purged record), the search index agrees with the
tables, and no half-written bundle appears under its final name."""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import pyrage

from testimony_app.core.session import Session
from testimony_app.core.sync import bundle, receipt
from testimony_app.core.vault import org
from tests.conftest import ROOT, SEEDS, Template
from tests.sync_fixtures import Pair

OPEN = r"""
import sys
from pathlib import Path
from testimony_app.core.session import Session
s = Session._open_with_key(Path(sys.argv[1]), bytes.fromhex(sys.argv[2]))
print("ready", flush=True)
"""

INTAKE = OPEN + r"""
ref = s.list_testimonies()[0].id
while True:
    s.attach(ref, Path(sys.argv[3]))
    print("attached", flush=True)
"""

EXPORT = OPEN + r"""
from testimony_app.core.sync import bundle
out, i = Path(sys.argv[3]), 0
while True:
    i += 1
    bundle.export(s, out / f"bundle-{sys.argv[4]}-{i}.age", everything=True)
"""

IMPORT = OPEN + r"""
from testimony_app.core.sync import bundle
for name in sys.argv[3:]:
    bundle.import_bundle(s, Path(name))
    print("imported", flush=True)
"""

PURGE = OPEN + r"""
from testimony_app.core.sync import receipt
receipt.purge_received(s)
print("purged", flush=True)
"""


def kill_during(script: str, args: list[str], delay: float) -> None:
    """Start the child, wait until its vault is open, let it work `delay` s, SIGKILL it."""
    proc = subprocess.Popen([sys.executable, "-c", script, *args], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.strip() == "ready", proc.stderr.read() if proc.stderr else line
        time.sleep(delay)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()


def orphans(session: Session) -> dict[str, int]:
    conn = session.conn
    queries = {
        "revisions": "SELECT count(*) FROM revisions WHERE record_id NOT IN "
                     "(SELECT id FROM records)",
        "identities": "SELECT count(*) FROM identities WHERE person_id NOT IN "
                      "(SELECT id FROM records)",
        "attachments": "SELECT count(*) FROM attachments WHERE record_id NOT IN "
                       "(SELECT id FROM records) OR complete = 0",
        "chunks": "SELECT count(*) FROM attachment_chunks WHERE attachment_id NOT IN "
                  "(SELECT id FROM attachments)",
        "unindexed": "SELECT count(*) FROM records r WHERE r.kind IN "
                     "('testimony', 'incident', 'aggregate') AND NOT EXISTS "
                     "(SELECT 1 FROM search s WHERE s.rowid = r.rowid)",
    }
    found = {name: conn.execute(sql).fetchone()[0] for name, sql in queries.items()}
    return {name: n for name, n in found.items() if n}


def sound(folder: Path, key: bytes) -> Session:
    session = Session._open_with_key(folder, key)
    assert session.check() == []
    assert orphans(session) == {}
    return session


def test_kill_during_attachment_intake(session: Session, vault_dir: Path, template: Template,
                                       tmp_path: Path) -> None:
    session.add_json(SEEDS.read_bytes())
    session.close()
    source = tmp_path / "interview.bin"
    source.write_bytes(random.Random(1).randbytes(40 << 20))
    rng = random.Random(3)
    for _ in range(4):
        kill_during(INTAKE, [str(vault_dir), template.key.hex(), str(source)],
                    rng.uniform(0.05, 1.2))
        with sound(vault_dir, template.key) as s:
            sizes = {r[0] for r in s.conn.execute("SELECT size FROM attachments")}
            assert sizes <= {40 << 20}  # every attachment there is whole


def _enrolled_with_data(pair: Pair, tmp_path: Path, mib: int = 6) -> None:
    pair.researcher.add_json(SEEDS.read_bytes())
    blob = tmp_path / "photo.bin"
    blob.write_bytes(random.Random(2).randbytes(mib << 20))
    pair.researcher.attach(pair.researcher.list_testimonies()[0].id, blob)


def test_kill_during_bundle_export(pair: Pair, template: Template, tmp_path: Path) -> None:
    _enrolled_with_data(pair, tmp_path, 12)
    identity = org.org_identity(pair.coordinator.conn)
    folder = pair.researcher.folder
    pair.researcher.close()
    out = tmp_path / "usb"
    out.mkdir()
    rng = random.Random(5)
    for n in range(4):
        kill_during(EXPORT, [str(folder), template.key.hex(), str(out), str(n)],
                    rng.uniform(0.05, 0.8))
        sound(folder, template.key).close()
        for path in out.iterdir():
            if path.name.startswith("."):
                assert path.name.endswith(".part")  # hidden, never under a bundle's name
                continue
            pyrage.decrypt(path.read_bytes(), [identity])  # whole: every chunk authenticates
    with Session._open_with_key(folder, template.key) as s:
        result = bundle.export(s, out / "final.age", everything=True)
        assert result.attachments == 1


def test_kill_during_bundle_import(pair: Pair, template: Template, tmp_path: Path) -> None:
    r, batches, bundles = pair.researcher, [], []
    blob = tmp_path / "audio.bin"
    for k in range(4):
        ids, document = _batch(k)
        r.add_document(document)
        blob.write_bytes(random.Random(k).randbytes(8 << 20))
        r.attach(ids[0], blob)
        bundles.append(bundle.export(r, tmp_path / f"b{k}.age"))
        batches.append(ids)
    folder = pair.coordinator.folder
    pair.coordinator.close()
    pair.researcher.close()
    rng = random.Random(9)
    for _ in range(4):
        kill_during(IMPORT, [str(folder), template.key.hex(), *(str(b.path) for b in bundles)],
                    rng.uniform(0.1, 1.5))
        with sound(folder, template.key) as s:
            for result, ids in zip(bundles, batches, strict=True):
                imported = s.conn.execute("SELECT count(*) FROM received_bundles WHERE "
                                          "bundle_id = ?", (result.bundle_id,)).fetchone()[0]
                present = sum(s.conn.execute("SELECT count(*) FROM records WHERE id = ?",
                                             (i,)).fetchone()[0] for i in ids)
                assert present == (10 if imported else 0)
    with Session._open_with_key(folder, template.key) as s:
        for result in bundles:
            bundle.import_bundle(s, result.path)
        assert s.counts()["testimony"] == 40


def _batch(k: int, n: int = 10) -> tuple[list[str], dict[str, Any]]:
    ids = [str(uuid.uuid4()) for _ in range(n)]
    return ids, {"format": "testimony/1", "testimonies": [{
        "id": i, "title": f"batch {k}", "status": "draft",
        "interview": {"date": {"precision": "day", "value": "2016-12-01"},
                      "language": "en", "mode": "phone"},
        "consent": {"scope": "internal"}, "narrative": {"en": "words " * 300}} for i in ids]}


def test_kill_during_purge(pair: Pair, template: Template, tmp_path: Path) -> None:
    ids, document = _batch(0, 40)
    pair.researcher.add_document(document)
    blob = tmp_path / "photo.bin"
    blob.write_bytes(random.Random(2).randbytes(3 << 20))
    pair.researcher.attach(ids[0], blob)
    sent = bundle.export(pair.researcher, tmp_path / "b.age")
    bundle.import_bundle(pair.coordinator, sent.path)
    receipt.write(pair.coordinator, sent.bundle_id, tmp_path / "r.age")
    receipt.accept(pair.researcher, tmp_path / "r.age")
    prepared = pair.researcher.folder
    assert receipt.pending_purge(pair.researcher) == 40
    pair.researcher.close()
    rng = random.Random(13)
    for n in range(3):
        folder = tmp_path / f"purge-{n}"
        shutil.copytree(prepared, folder)
        kill_during(PURGE, [str(folder), template.key.hex()], rng.uniform(0.0, 0.5))
        with sound(folder, template.key) as s:
            left = s.counts().get("testimony", 0)
            assert receipt.pending_purge(s) == left  # each record wholly there or gone
            receipt.purge_received(s)  # finishing the job later works too
            assert s.counts().get("testimony", 0) == 0
            assert s.check() == [] and orphans(s) == {}
