"""A large attachment through export and import with bounded memory.

`make test` sends 200 MB; `make bench` (or TESTIMONY_BIG_MB=1024) sends 1 GB. The
work runs in a child process so that its peak RSS is its own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT, Template
from tests.sync_fixtures import PairTemplate

SCRIPT = r"""
import hashlib, json, resource, sys
from pathlib import Path
from testimony_app.core.sync import bundle
from testimony_app.core.session import Session

coord, res, work = sys.argv[1], sys.argv[2], Path(sys.argv[5])
key, size_mb = bytes.fromhex(sys.argv[3]), int(sys.argv[4])
r = Session._open_with_key(Path(res), key)
c = Session._open_with_key(Path(coord), key)
r.add_json(Path("seeds/aleppo-2016.json").read_bytes())
big = work / "big.bin"
digest = hashlib.sha256()
with big.open("wb") as f:
    block = bytes(range(256)) * 4096
    for i in range(size_mb):
        piece = block[:1 << 20]
        piece = i.to_bytes(4, "big") + piece[4:]
        digest.update(piece); f.write(piece)
tid = r.list_testimonies()[0].id
r.attach(tid, big)
big.unlink()
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
exported = bundle.export(r, work / "big.age")
result = bundle.import_bundle(c, exported.path)
att = c.attachments(tid)[0]
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"sha_ok": att.sha256 == digest.hexdigest(), "size": att.size,
                  "added": len(result.attachments_added), "base_kib": base, "peak_kib": peak}))
"""


def test_large_attachment_round_trip_with_bounded_memory(
        pair_template: PairTemplate, template: Template, tmp_path: Path) -> None:
    import shutil

    size_mb = int(os.environ.get("TESTIMONY_BIG_MB", "200"))
    coord, res = tmp_path / "c", tmp_path / "r"
    shutil.copytree(pair_template.coordinator, coord)
    shutil.copytree(pair_template.researcher, res)
    proc = subprocess.run([sys.executable, "-c", SCRIPT, str(coord), str(res),
                           pair_template.key.hex(), str(size_mb), str(tmp_path)],
                          capture_output=True, cwd=ROOT, timeout=900, check=False)
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    out = json.loads(proc.stdout)
    assert out["sha_ok"] and out["size"] == size_mb << 20 and out["added"] == 1
    # memory stays bounded by a few chunks, whatever the size
    assert out["peak_kib"] - out["base_kib"] < 120 * 1024, out
