"""GUI tests: real widgets, offscreen, against real vaults in temp folders."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QTableWidget  # noqa: E402

from testimony_app import i18n  # noqa: E402
from testimony_app.core.session import Session  # noqa: E402
from testimony_app.gui.worker import VaultWorker  # noqa: E402
from tests.children import dying_with_parent  # noqa: E402
from tests.conftest import Template  # noqa: E402


@pytest.fixture(autouse=True, scope="session")
def collect_on_the_window_thread(qapp) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """As the app does: cycles are collected on the window's thread, never in the
    worker's (gui/gc_guard.py)."""
    from testimony_app.gui import gc_guard

    collector = gc_guard.install(qapp)
    yield collector
    # Whatever windows the tests left are deleted now, while the application is
    # whole, not by the interpreter's teardown after it (which has crashed Qt).
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    for leftover in QApplication.topLevelWidgets():
        leftover.hide()  # not close(): a window's close would ask about unsaved changes
        leftover.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    collector.stop()


# The window's tests end without the interpreter's teardown. Every test has passed or
# failed and been reported by then; what remains is CPython destroying modules and the
# QApplication in an order Qt does not survive: the process segfaulted after a fully
# green run (152 passed, exit 139). The exit status is pytest's own.
_EXIT_STATUS: list[int] = []


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    _EXIT_STATUS.append(int(exitstatus))


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    if _EXIT_STATUS:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(_EXIT_STATUS[-1])


@pytest.fixture(autouse=True)
def isolated_gui(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    home = tmp_path / "home"
    for name, sub in [("HOME", ""), ("XDG_CONFIG_HOME", ".config"),
                      ("XDG_DATA_HOME", ".local/share"), ("XDG_CACHE_HOME", ".cache")]:
        (home / sub).mkdir(parents=True, exist_ok=True)
        monkeypatch.setenv(name, str(home / sub))
    monkeypatch.delenv("TESTIMONY_VAULT", raising=False)
    i18n.set_language("en")
    yield
    i18n.set_language("en")


@pytest.fixture(autouse=True)
def quiet_unsaved_prompt(request: pytest.FixtureRequest,
                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Leaving a changed testimony asks Save / Discard / Cancel in a modal box; tests
    that do not look at it (and their teardown, which closes the window) discard.
    A test marked `real_unsaved_prompt` answers the real box itself."""
    if "real_unsaved_prompt" in request.keywords:
        return
    from testimony_app.gui.main_window import MainWindow

    monkeypatch.setattr(MainWindow, "ask_unsaved", lambda _self: "discard")


@pytest.fixture
def worker(qtbot: QtBot) -> Iterator[VaultWorker]:
    w = VaultWorker()
    yield w
    w.stop()


@pytest.fixture
def open_worker(worker: VaultWorker, vault_dir: Path, template: Template,
                demo_document: bytes) -> VaultWorker:
    """A worker holding an open session on a copy of the template vault, demo loaded."""
    session = Session.open_with_key(vault_dir, template.key)
    session.add_json(demo_document)
    worker.set_session(session)
    return worker


def wait_idle(qtbot: QtBot, worker: VaultWorker) -> None:
    """Wait until every job sent to the worker so far has finished, and the jobs their
    callbacks sent (a reload after a decision) too. A test then may use the session
    directly: one connection used from two threads at once fails (sqlcipher3's
    statement cache is not thread-safe)."""
    done = []
    worker.run(lambda _job: None, lambda _r: done.append(True))
    qtbot.waitUntil(lambda: bool(done) and worker.idle, timeout=20_000)


def item_text(table: QTableWidget, row: int, column: int) -> str:
    """The text of a table's cell, which must be there."""
    item = table.item(row, column)
    assert item is not None, (row, column)
    return item.text()


def header_text(table: QTableWidget, column: int) -> str:
    """The text of a table's column header, which must be there."""
    item = table.horizontalHeaderItem(column)
    assert item is not None, column
    return item.text()


def idle_session(qtbot: QtBot, worker: VaultWorker) -> Session:
    """The worker's session, once the worker is idle (see wait_idle)."""
    wait_idle(qtbot, worker)
    session = worker.session
    assert session is not None
    return session


# -- a sound server for the recorder tests ------------------------------------------
#
# No sound card here: a private PulseAudio server, run as the current user in a temp
# runtime folder. Qt 6.12's PulseAudio input asks for ~2 KiB buffers, and
# module-sine-source (and a null sink left alone) deliver 2-second blocks, so Qt
# keeps only a few milliseconds of each: the test microphone is the monitor of a null
# sink that a low-latency `pacat` plays a 440 Hz tone into, remapped as a source.

MIC = b"testmic"
TONE_HZ = 440
FEEDER = r"""
import math, struct, sys
rate = 16000
block = struct.pack("<1600h", *(int(12000 * math.sin(2 * math.pi * 440 * i / rate))
                               for i in range(1600)))
try:
    while True:
        sys.stdout.buffer.write(block)
except (BrokenPipeError, KeyboardInterrupt):
    pass
"""


@pytest.fixture
def sound_server(_private_sound_server: str | None) -> str:
    """PULSE_SERVER of a private PulseAudio with a 440 Hz microphone; skips (saying
    why) when `pulseaudio` is missing or cannot start."""
    if _private_sound_server is None:
        pytest.skip(_NO_SERVER[0] if _NO_SERVER else "no PulseAudio test server")
    return _private_sound_server


_NO_SERVER: list[str] = []


@pytest.fixture(scope="session", autouse=True)
def _private_sound_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str | None]:
    """Started before any widget touches Qt Multimedia: its PulseAudio connection is
    made once per process, so PULSE_SERVER must be set before the first editor."""
    import shutil
    import subprocess
    import sys
    import time

    if not (shutil.which("pulseaudio") and shutil.which("pacat") and shutil.which("pactl")):
        _NO_SERVER.append("Debian's pulseaudio (pulseaudio, pacat, pactl) is not installed")
        yield None
        return
    runtime = tmp_path_factory.mktemp("pulse")
    socket = runtime / "native"
    server = f"unix:{socket}"
    env = {**os.environ, "XDG_RUNTIME_DIR": str(runtime), "HOME": str(runtime),
           "PULSE_RUNTIME_PATH": str(runtime / "run"), "PULSE_STATE_PATH": str(runtime / "st"),
           "PULSE_SERVER": server}
    daemon = subprocess.Popen(dying_with_parent(
        ["pulseaudio", "--daemonize=no", "--exit-idle-time=-1", "-n", "--use-pid-file=no",
         f"--load=module-native-protocol-unix socket={socket} auth-anonymous=1",
         f"--load=module-sine-source frequency={TONE_HZ} rate=16000",
         "--load=module-null-sink sink_name=virt",
         f"--load=module-remap-source master=virt.monitor source_name={MIC.decode()}"]),
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    procs: list[subprocess.Popen[bytes]] = [daemon]
    try:
        deadline = time.monotonic() + 10
        while subprocess.run(["pactl", "info"], env=env, capture_output=True).returncode:
            if daemon.poll() is not None or time.monotonic() > deadline:
                _NO_SERVER.append("the PulseAudio test server did not start")
                yield None
                return
            time.sleep(0.1)
        subprocess.run(["pactl", "set-default-source", MIC.decode()], env=env, check=True,
                       capture_output=True)
        feeder = subprocess.Popen(dying_with_parent([sys.executable, "-c", FEEDER]),
                                  stdout=subprocess.PIPE)
        procs.append(feeder)
        procs.append(subprocess.Popen(dying_with_parent(
            ["pacat", "--latency-msec=10", "--format=s16le", "--rate=16000", "--channels=1",
             "-d", "virt"]), stdin=feeder.stdout, env=env))
        previous = {k: os.environ.get(k) for k in ("PULSE_SERVER",)}
        os.environ["PULSE_SERVER"] = server
        yield server
        for k, v in previous.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    finally:
        for proc in reversed(procs):
            proc.terminate()
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
