"""Attachments: streamed in chunks, SHA-256 at intake, bounded memory."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from testimony_app.core.common.errors import Cancelled, InputError, IntegrityError
from testimony_app.core.records import attachment
from testimony_app.core.session import Session
from tests.conftest import ROOT, Template


@pytest.fixture
def testimony_id(session: Session) -> str:
    tid = str(uuid.uuid4())
    session.add_document({"format": "testimony/1", "testimonies": [{
        "id": tid, "interview": {"date": {"precision": "year", "value": "2016"},
                                 "language": "en", "mode": "phone"},
        "consent": {"scope": "internal"}, "status": "draft"}]})
    return tid


def test_round_trip_with_sha256(session: Session, testimony_id: str, tmp_path: Path) -> None:
    data = os.urandom(3 * attachment.CHUNK + 12345)
    source = tmp_path / "interview.wav"
    source.write_bytes(data)
    att = session.attach(testimony_id, source)
    assert att.sha256 == hashlib.sha256(data).hexdigest() and att.size == len(data)
    assert att.media_type in ("audio/x-wav", "audio/wav")
    chunks = session.conn.execute("SELECT count(*) FROM attachment_chunks WHERE "
                                  "attachment_id = ?", (att.id,)).fetchone()[0]
    assert chunks == 4
    target = tmp_path / "out.wav"
    session.extract(att.id[:8], target)
    assert target.read_bytes() == data
    memory = io.BytesIO()
    session.read_attachment(att.id, memory)
    assert memory.getvalue() == data
    assert session.show(testimony_id)["meta"]["attachments"][0]["sha256"] == att.sha256
    assert session.check() == []


def test_extract_never_overwrites(session: Session, testimony_id: str, tmp_path: Path) -> None:
    source = tmp_path / "a.txt"
    source.write_bytes(b"hello")
    att = session.attach(testimony_id, source)
    with pytest.raises(InputError):
        session.extract(att.id, source)
    assert source.read_bytes() == b"hello"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "vault"]


def test_corrupted_chunk_is_detected(session: Session, testimony_id: str, tmp_path: Path) -> None:
    source = tmp_path / "photo.jpg"
    source.write_bytes(os.urandom(5000))
    att = session.attach(testimony_id, source)
    session.conn.execute("UPDATE attachment_chunks SET data = ? WHERE attachment_id = ?",
                         (os.urandom(5000), att.id))
    with pytest.raises(IntegrityError):
        session.read_attachment(att.id, io.BytesIO())
    assert any("SHA-256" in p for p in session.check())
    with pytest.raises(IntegrityError):
        session.extract(att.id, tmp_path / "out.jpg")
    assert not list(tmp_path.glob("*out.jpg*"))


def test_cancelled_intake_leaves_nothing(session: Session, testimony_id: str,
                                        tmp_path: Path) -> None:
    source = tmp_path / "big.bin"
    source.write_bytes(os.urandom(3 * attachment.CHUNK))
    with pytest.raises(Cancelled):
        session.attach(testimony_id, source, cancelled=lambda: True)
    assert session.conn.execute("SELECT count(*) FROM attachments").fetchone()[0] == 0
    assert session.conn.execute("SELECT count(*) FROM attachment_chunks").fetchone()[0] == 0


INTAKE_SCRIPT = r"""
import resource, sys, hashlib
from pathlib import Path
from testimony_app.core.session import Session
folder, key = Path(sys.argv[1]), bytes.fromhex(sys.argv[2])
tid, size = sys.argv[3], int(sys.argv[4])

class Pattern:
    # A generated stream: the test never holds the file in memory or on disk.
    def __init__(self, size): self.left = size; self.n = 0
    def read(self, k):
        k = min(k, self.left); self.left -= k; self.n += 1
        return bytes([self.n % 251]) * k

s = Session._open_with_key(folder, key)
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
att = s.attach_stream(tid, Pattern(size), "long-interview.flac")
class Sink:
    def __init__(self): self.h = hashlib.sha256(); self.n = 0
    def write(self, b): self.h.update(b); self.n += len(b); return len(b)
sink = Sink()
s.read_attachment(att.id, sink)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(att.size, sink.n, att.sha256 == sink.h.hexdigest(), (peak - base) // 1024)
"""


def test_large_attachment_in_and_out_with_bounded_memory(
        session: Session, testimony_id: str, vault_dir: Path, template: Template) -> None:
    session.close()
    size = 300 * 1024 * 1024
    args = [str(vault_dir), template.key.hex(), testimony_id, str(size)]
    proc = subprocess.run([sys.executable, "-c", INTAKE_SCRIPT, *args],
                          capture_output=True, text=True, cwd=ROOT, timeout=600, check=True)
    got_size, streamed, ok, growth_mib = proc.stdout.split()
    assert int(got_size) == size and int(streamed) == size and ok == "True"
    assert int(growth_mib) < 64, f"memory grew by {growth_mib} MiB"
