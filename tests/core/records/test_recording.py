"""Recordings: audio grows in the vault chunk by chunk; a crash keeps what was committed."""

from __future__ import annotations

import io
import math
import struct
import uuid
import wave
from pathlib import Path

import pytest

from testimony_app.core.common.errors import NotFound
from testimony_app.core.session import Session
from tests.conftest import Template

RATE = 16000


@pytest.fixture
def testimony_id(session: Session) -> str:
    tid = str(uuid.uuid4())
    session.add_document({"format": "testimony/1", "testimonies": [{
        "id": tid, "interview": {"date": {"precision": "year", "value": "2016"},
                                 "language": "en", "mode": "phone"},
        "consent": {"scope": "internal"}, "status": "draft"}]})
    return tid


def tone(seconds: float, freq: float = 440.0) -> bytes:
    n = int(seconds * RATE)
    return struct.pack(f"<{n}h", *(int(8000 * math.sin(2 * math.pi * freq * i / RATE))
                                   for i in range(n)))


def decode(session: Session, att_id: str) -> tuple[int, int]:
    sink = io.BytesIO()
    session.read_attachment(att_id, sink)
    sink.seek(0)
    with wave.open(sink) as w:
        return w.getframerate(), w.getnframes()


def test_record_append_markers_finish(session: Session, testimony_id: str) -> None:
    att_id = session.begin_recording(testimony_id, "interview.wav", RATE)
    assert session.attachments(testimony_id) == []  # not listed until finished
    for _ in range(3):
        session.append_recording(att_id, tone(1.0))
    session.add_marker(att_id, 1500, "witness describes checkpoint")
    session.add_marker(att_id, 200, "start")
    att = session.finish_recording(att_id)
    assert decode(session, att_id) == (RATE, 3 * RATE)
    rec = att.recording
    assert rec is not None and rec["state"] == "complete" and rec["duration_ms"] == 3000
    assert [m["ms"] for m in rec["markers"]] == [200, 1500]
    assert att.media_type == "audio/wav" and len(att.sha256) == 64
    assert session.attachments(testimony_id)[0].recording == rec
    entry = [e for e in session.activity() if e.action == "recorded"][-1]
    assert entry.detail["duration_ms"] == 3000 and entry.detail["attachment"] == att_id
    assert session.check() == []
    with pytest.raises(NotFound):
        session.append_recording(att_id, b"\0\0")  # a finished recording does not grow


def test_crash_keeps_the_committed_part_and_unlock_completes_it(
        session: Session, testimony_id: str, vault_dir: Path, template: Template,
        tmp_path: Path) -> None:
    att_id = session.begin_recording(testimony_id, "interview.wav", RATE)
    session.append_recording(att_id, tone(2.0))
    session.add_marker(att_id, 900, "the checkpoint")
    session.append_recording(att_id, tone(0.5)[:-1])  # a torn last sample
    source = tmp_path / "file.bin"
    source.write_bytes(b"x" * 100)
    file_att = session.attach(testimony_id, source)
    session.conn.execute("UPDATE attachments SET complete = 0 WHERE id = ?", (file_att.id,))
    assert any("1 interrupted recording (" in p for p in session.check())
    session.close()  # as a crash would leave it: nothing finished
    reopened = Session.open_with_key(vault_dir, template.key)
    try:
        atts = reopened.attachments(testimony_id)
        assert [a.id for a in atts] == [att_id]  # the file intake was discarded
        rec = atts[0].recording
        assert rec is not None and rec["state"] == "recovered"
        assert rec["markers"] == [{"ms": 900, "label": "the checkpoint"}]
        rate, frames = decode(reopened, att_id)
        assert rate == RATE and frames == int(2.5 * RATE) - 1
        unlock = [e for e in reopened.activity() if e.action == "unlock"][-1]
        assert unlock.detail == {"discarded_attachments": 1, "recovered_recordings": 1}
        assert any(e.action == "recording_recovered" for e in reopened.activity())
        assert reopened.check() == []
    finally:
        reopened.close()
