"""Two laptops that never meet: a researcher's vault and the coordinator's, each with
its own real Syncthing on 127.0.0.1. A finalised testimony reaches the coordinator,
is imported, and its receipt comes back and enables purge, with no human step.
Syncthing killed mid-transfer and the vault killed mid-import leave nothing half
imported; the next pass completes."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from testimony_app.core.session import Session
from testimony_app.core.sync import receipt, syncthing
from testimony_app.core.vault import org
from tests.conftest import ROOT, SEEDS, Template
from tests.security.test_kill_sync import orphans
from tests.sync_fixtures import Pair
from tests.syncthing_fixtures import Instance, syncthing_pair, wait_for

pytestmark = pytest.mark.slow
__all__ = ["syncthing_pair"]


def _connect(pair: Pair, st: tuple[Instance, Instance], tmp_path: Path) -> tuple[Path, Path, str]:
    researcher_st, coordinator_st = st
    r_root, c_root = tmp_path / "r-sync", tmp_path / "c-sync"
    r_root.mkdir()
    c_root.mkdir()
    pair.researcher.set_sync_folder(r_root)
    pair.coordinator.set_sync_folder(c_root)
    device = org.whoami(pair.researcher.conn).device_id
    # Each side adds the other's device and the researcher's folder, as the app's
    # setup does with the person's consent.
    syncthing.share_device_folder(researcher_st.client, r_root, device,
                                  coordinator_st.device_id, "coordinator",
                                  [coordinator_st.address])
    syncthing.share_device_folder(coordinator_st.client, c_root, device,
                                  researcher_st.device_id, "researcher",
                                  [researcher_st.address])
    return r_root / device, c_root / device, device


def _arrives(path: Path, st: Instance, folder: str, timeout: float = 60) -> None:
    def there() -> bool:
        if not path.exists():
            st.client.scan(folder)
            return False
        return True

    wait_for(there, timeout, f"{path.name} did not arrive")


def test_finalised_testimony_reaches_the_coordinator_and_the_receipt_comes_back(
        pair: Pair, syncthing_pair: tuple[Instance, Instance], tmp_path: Path) -> None:
    r, c = pair.researcher, pair.coordinator
    researcher_st, coordinator_st = syncthing_pair
    r_dir, c_dir, device = _connect(pair, syncthing_pair, tmp_path)
    folder = syncthing.folder_id(device)
    r.add_json(SEEDS.read_bytes())
    draft = next(t for t in r.list_testimonies() if t.status != "finalised")
    r.finalise(draft.id)

    assert r.sync_pass().exported == 1
    _arrives(c_dir / "outbox" / "bundle-000001.age", researcher_st, folder)
    imported = c.sync_pass()
    assert [e["sequence"] for e in imported.imported] == [1]
    assert c.record(draft.id).data["status"] == "finalised"
    _arrives(r_dir / "inbox" / "bundle-000001.receipt.age", coordinator_st, folder)
    back = r.sync_pass()
    assert back.receipts == [1] and back.purgeable > 0
    purged = receipt.purge_received(r)
    assert purged.records > 0 and r.counts().get("testimony", 0) == 0
    # the bundle and receipt leave both sides once accepted
    wait_for(lambda: not (c_dir / "outbox" / "bundle-000001.age").exists(), 60,
             "the accepted bundle stayed")


KILLABLE_PASS = r"""
import sys
from pathlib import Path
from testimony_app.core.session import Session
s = Session._open_with_key(Path(sys.argv[1]), bytes.fromhex(sys.argv[2]))
print("ready", flush=True)
s.sync_pass()
print("done", flush=True)
"""


def test_killed_syncthing_and_killed_import_leave_nothing_half_done(
        pair: Pair, syncthing_pair: tuple[Instance, Instance], template: Template,
        tmp_path: Path) -> None:
    r, c = pair.researcher, pair.coordinator
    researcher_st, coordinator_st = syncthing_pair
    r_dir, c_dir, device = _connect(pair, syncthing_pair, tmp_path)
    folder = syncthing.folder_id(device)
    r.add_json(SEEDS.read_bytes())
    blob = tmp_path / "interview.bin"
    blob.write_bytes(random.Random(7).randbytes(24 << 20))  # ~6 s at the coordinator's limit
    r.attach(r.list_testimonies()[0].id, blob)
    assert r.sync_pass().exported == 1
    target = c_dir / "outbox" / "bundle-000001.age"

    def partial() -> bool:
        researcher_st.client.scan(folder)
        return any(p.name.endswith(".tmp") for p in (c_dir / "outbox").glob("*")) \
            if (c_dir / "outbox").exists() else False

    wait_for(partial, 60, "the transfer did not start")
    coordinator_st.kill()
    assert not target.exists()
    result = c.sync_pass()  # the partial file is not touched
    assert not result.imported and not result.quarantined and not result.waiting
    assert c.counts().get("testimony", 0) == 0
    coordinator_st.start()
    _arrives(target, researcher_st, folder, timeout=90)

    # the coordinator's vault killed in the middle of its import
    key, c_folder = template.key, c.folder
    c.close()
    proc = subprocess.Popen([sys.executable, "-c", KILLABLE_PASS, str(c_folder), key.hex()],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    time.sleep(0.4)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with Session._open_with_key(c_folder, key) as again:
        assert again.check() == [] and orphans(again) == {}
        imported = again.conn.execute("SELECT count(*) FROM received_bundles").fetchone()[0]
        expected = r.counts().get("testimony", 0)
        assert again.counts().get("testimony", 0) == (expected if imported else 0)
        result = again.sync_pass()
        assert again.counts().get("testimony", 0) == expected
        assert result.imported and result.imported[0]["receipt"]
    _arrives(r_dir / "inbox" / "bundle-000001.receipt.age", coordinator_st, folder)
    assert r.sync_pass().receipts == [1]
