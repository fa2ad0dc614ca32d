"""Recording an interview into the vault through the real widgets, with a real
(private, headless) PulseAudio server playing a 440 Hz tone as the microphone."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import tempfile
import time
import wave
from array import array
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from testimony_app.core.session import Session
from testimony_app.gui.worker import VaultWorker
from tests.conftest import PASSPHRASE, ROOT, Template
from tests.gui.conftest import MIC, TONE_HZ, idle_session
from tests.gui.test_controller import make_controller, unlock
from tests.gui.test_main_window import NARRATIVE_AR, commit_text, make_window


def decode(session: Session, att_id: str) -> tuple[int, array[int]]:
    sink = io.BytesIO()
    session.read_attachment(att_id, sink)
    sink.seek(0)
    with wave.open(sink) as w:
        assert w.getsampwidth() == 2 and w.getnchannels() == 1
        samples = array("h")
        samples.frombytes(w.readframes(w.getnframes()))
        return w.getframerate(), samples


def dominant_hz(samples: array[int], rate: int) -> float:
    """Zero crossings / 2 per second: a pure tone's frequency, no FFT needed."""
    crossings = sum(1 for a, b in zip(samples, samples[1:], strict=False) if (a < 0) != (b < 0))
    return crossings / 2 / (len(samples) / rate)


def audio_files_outside(roots: list[Path], since: float) -> list[Path]:
    found = []
    for root in roots:
        for dirpath, _dirs, files in os.walk(root):
            for name in files:
                path = Path(dirpath) / name
                if name.startswith("vault.db"):
                    continue
                try:
                    if path.is_symlink() or path.stat().st_mtime < since - 1:
                        continue
                    head = path.read_bytes()[:12]
                except OSError:
                    continue
                if (head[:4] == b"RIFF" and head[8:12] == b"WAVE") or head[:4] == b"fLaC":
                    found.append(path)
    return found


def test_record_while_typing_with_markers_then_play_from_a_marker(
        qtbot: QtBot, open_worker: VaultWorker, sound_server: str, vault_dir: Path) -> None:
    started = time.time()
    window = make_window(qtbot, open_worker)
    window.new_testimony()
    editor = window.editor
    editor.date.set_value({"precision": "day", "value": "2016-12-16"})
    recorder = editor.recorder
    assert recorder.select_device(MIC), "the test microphone is not listed"
    qtbot.mouseClick(recorder.record_button, Qt.MouseButton.LeftButton)  # saves first
    qtbot.waitUntil(lambda: recorder.recording, timeout=20_000)
    tid = editor.testimony_id
    # the researcher types notes and autosave runs: the recording goes on
    editor.tabs.setCurrentIndex(1)
    commit_text(editor.narrative, NARRATIVE_AR)
    editor.autosave()
    qtbot.waitUntil(lambda: recorder._take is not None and recorder._take.ms() >= 1000,
                    timeout=10_000)
    recorder.marker_label.setText("witness describes checkpoint")
    before_marker = recorder._take.ms() if recorder._take else 0
    qtbot.mouseClick(recorder.marker_button, Qt.MouseButton.LeftButton)
    after_marker = recorder._take.ms() if recorder._take else 0
    qtbot.mouseClick(recorder.pause_button, Qt.MouseButton.LeftButton)
    assert recorder.pause_button.text() == "Resume"
    qtbot.mouseClick(recorder.pause_button, Qt.MouseButton.LeftButton)
    assert recorder.recording and editor.narrative.toPlainText() == NARRATIVE_AR
    qtbot.waitUntil(lambda: recorder._take is not None and recorder._take.ms() >= 3000,
                    timeout=15_000)
    take = recorder._take
    assert take is not None
    assert recorder.level.value() > 10  # the tone moves the meter
    with qtbot.waitSignal(recorder.finished, timeout=20_000) as finished:
        qtbot.mouseClick(recorder.stop_button, Qt.MouseButton.LeftButton)
    att = finished.args[0]
    rec = att.recording
    assert rec["state"] == "complete" and rec["markers"][0]["label"] == \
        "witness describes checkpoint"
    # the marker is where the recording was when it was clicked
    assert 1000 <= before_marker <= rec["markers"][0]["ms"] <= after_marker
    assert open_worker.session is not None
    rate, samples = decode(open_worker.session, att.id)
    seconds = len(samples) / rate
    # every sample captured up to the stop is in the vault, and only those
    assert abs(seconds * 1000 - take.ms()) <= 1 and seconds >= 3, seconds
    assert abs(rec["duration_ms"] - seconds * 1000) < 2
    hz = dominant_hz(samples[rate // 2:], rate)
    assert abs(hz - TONE_HZ) < 25, hz
    # the history says when it was recorded and how long it is
    qtbot.waitUntil(lambda: any(editor.history.item(i).text().startswith("Recorded ")
                                for i in range(editor.history.count())), timeout=10_000)
    # markers listed with the recording; a click seeks the player
    panel = editor.attachments
    qtbot.waitUntil(lambda: panel.table.rowCount() == 1, timeout=10_000)
    panel.table.selectRow(0)
    qtbot.waitUntil(lambda: panel.marker_list.count() == 1, timeout=10_000)
    qtbot.waitUntil(lambda: panel.player.duration_ms > 0, timeout=20_000)
    panel.marker_list.itemClicked.emit(panel.marker_list.item(0))
    qtbot.waitUntil(lambda: panel.player.player is not None
                    and abs(panel.player.player.position() - rec["markers"][0]["ms"]) < 300,
                    timeout=10_000)
    assert idle_session(qtbot, open_worker).record(tid)
    # no audio anywhere outside the vault
    roots = [Path(os.environ["HOME"]), Path(tempfile.gettempdir()), vault_dir,
             *(Path(os.environ[v]) for v in ("XDG_CONFIG_HOME", "XDG_DATA_HOME",
                                              "XDG_CACHE_HOME", "XDG_RUNTIME_DIR")
               if os.environ.get(v))]
    assert audio_files_outside(roots, started) == []


def test_lock_during_a_recording_saves_it_first(qtbot: QtBot, qapp: QApplication, vault_dir: Path,
                                                sound_server: str) -> None:
    controller = make_controller(qapp, vault_dir)
    try:
        unlock(qtbot, controller)
        main = controller.main
        assert main is not None
        main.new_testimony()
        recorder = main.editor.recorder
        assert recorder.select_device(MIC)
        recorder.record()
        qtbot.waitUntil(lambda: recorder._take is not None and recorder._take.ms() >= 1500,
                        timeout=30_000)
        main.activateWindow()
        qtbot.keyClick(main, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
        assert controller.main is None
        qtbot.waitUntil(lambda: controller.worker.session is None, timeout=20_000)
    finally:
        controller.shutdown()
    with Session.open(vault_dir, PASSPHRASE) as session:
        tid = session.list_testimonies()[0].id
        atts = session.attachments(tid)
        assert len(atts) == 1 and (atts[0].recording or {}).get("state") == "complete"
        rate, samples = decode(session, atts[0].id)
        assert len(samples) / rate >= 1.4


KILL_SCRIPT = r"""
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from pathlib import Path
from PySide6.QtWidgets import QApplication
from testimony_app.core.session import Session
from testimony_app.gui.worker import VaultWorker
from testimony_app.gui.main_window import MainWindow
app = QApplication([])
worker = VaultWorker()
worker.set_session(Session.open_with_key(Path(sys.argv[1]), bytes.fromhex(sys.argv[2])))
window = MainWindow(worker, "vault")
window.new_testimony()
recorder = window.editor.recorder
assert recorder.select_device(sys.argv[3].encode())
def saved(size):
    if size >= 32000:  # a second of 16 kHz mono committed
        print("committed", size, flush=True)
recorder.chunk_saved.connect(saved)
recorder.record()
app.exec()
"""


def test_kill_during_a_recording_keeps_what_was_committed(
        sound_server: str, vault_dir: Path, template: Template) -> None:
    proc = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, str(vault_dir),
                             template.key.hex(), MIC.decode()], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().split()
        assert line and line[0] == "committed", line
        committed = int(line[1])
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    with Session.open_with_key(vault_dir, template.key) as session:
        tid = session.list_testimonies()[0].id
        atts = session.attachments(tid)
        assert len(atts) == 1
        rec = atts[0].recording
        assert rec is not None and rec["state"] == "recovered"
        rate, samples = decode(session, atts[0].id)
        assert len(samples) * 2 >= committed and len(samples) > 0
        assert abs(dominant_hz(samples, rate) - TONE_HZ) < 25
        assert any(e.action == "recording_recovered" for e in session.activity())
