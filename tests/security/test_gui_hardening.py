"""The window's share of hardening: the clipboard (marked secret, cleared on timeout,
lock and quit), the panic action, and no core dumps in the GUI process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtGui import QGuiApplication  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from testimony_app.core.common.errors import VaultError  # noqa: E402
from testimony_app.core.session import Session  # noqa: E402
from testimony_app.gui.app import SECRET_HINT, Controller  # noqa: E402
from testimony_app.gui.config import AppConfig  # noqa: E402
from testimony_app.gui.destroy_dialog import DestroyKeysDialog, confirm_word  # noqa: E402
from tests.conftest import PASSPHRASE, ROOT  # noqa: E402

COPIED = "نص منسوخ from the editor"


@pytest.fixture
def controller(qtbot, qapp, vault_dir: Path, tmp_path: Path,  # type: ignore[no-untyped-def]
               monkeypatch: pytest.MonkeyPatch) -> Iterator[Controller]:
    for name, sub in [("HOME", ""), ("XDG_CONFIG_HOME", ".config"),
                      ("XDG_DATA_HOME", ".local/share"), ("XDG_CACHE_HOME", ".cache")]:
        (tmp_path / "home" / sub).mkdir(parents=True, exist_ok=True)
        monkeypatch.setenv(name, str(tmp_path / "home" / sub))
    c = Controller(qapp, AppConfig(language="en", vault_folder=str(vault_dir)))
    c.show()
    c.start.passphrase.setText(PASSPHRASE)
    with qtbot.waitSignal(c.start.unlocked, timeout=30_000):
        c.start._unlock()
    assert c.main is not None
    c.main.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is c.main, timeout=5_000)
    yield c
    c.shutdown()


def copy(text: str) -> None:
    """What a QLineEdit's Ctrl+C does: plain text onto the clipboard."""
    QGuiApplication.clipboard().setText(text)


def marked_secret() -> bool:
    mime = QGuiApplication.clipboard().mimeData()
    return mime is not None and bytes(mime.data(SECRET_HINT).data()) == b"secret"


def test_copied_text_is_marked_secret_and_cleared_after_a_timeout(qtbot, controller) -> None:  # type: ignore[no-untyped-def]
    controller.clipboard_timer.setInterval(200)
    copy(COPIED)
    assert QGuiApplication.clipboard().text() == COPIED
    assert marked_secret()
    qtbot.waitUntil(lambda: QGuiApplication.clipboard().text() == "", timeout=5_000)


def test_clipboard_cleared_on_lock_and_on_quit(qtbot, controller) -> None:  # type: ignore[no-untyped-def]
    copy(COPIED)
    assert marked_secret()
    controller.lock()
    assert QGuiApplication.clipboard().text() == ""
    controller.start.passphrase.setText(PASSPHRASE)
    with qtbot.waitSignal(controller.start.unlocked, timeout=30_000):
        controller.start._unlock()
    assert controller.main is not None
    controller.main.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is controller.main, timeout=5_000)
    copy(COPIED)
    controller.shutdown()
    assert QGuiApplication.clipboard().text() == ""


def test_destroy_dialog_needs_the_word(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = DestroyKeysDialog()
    qtbot.addWidget(dialog)
    assert not dialog.destroy_button.isEnabled()
    dialog.word.setText("yes")
    assert not dialog.destroy_button.isEnabled()
    dialog.accept()
    assert dialog.result() == 0
    dialog.word.setText(confirm_word().lower())
    assert dialog.destroy_button.isEnabled()


def test_destroy_keys_from_the_window_then_the_app_locks(qtbot, controller,  # type: ignore[no-untyped-def]
                                                         vault_dir: Path) -> None:
    main = controller.main

    def confirm() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, DestroyKeysDialog)
        dialog.word.setText(confirm_word())
        dialog.destroy_button.click()

    QTimer.singleShot(0, confirm)
    main.destroy_action.trigger()
    qtbot.waitUntil(lambda: controller.main is None and controller.worker.session is None,
                    timeout=20_000)
    assert controller.start.isVisible()
    with pytest.raises(VaultError) as info:
        Session.open(vault_dir, PASSPHRASE)
    assert info.value.code == "keys_destroyed"
    # The start window says so in plain words when someone tries to unlock.
    controller.start.passphrase.setText(PASSPHRASE)
    controller.start._unlock()
    qtbot.waitUntil(lambda: "destroyed" in controller.start.unlock_page.message.text(),
                    timeout=20_000)


def test_gui_process_has_core_dumps_disabled(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path),
           "XDG_CONFIG_HOME": str(tmp_path / ".config"), "TMPDIR": str(tmp_path)}
    proc = subprocess.Popen([sys.executable, "-m", "testimony_app.gui.app", "--vault",
                             str(tmp_path / "none")], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        limits = ""
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            limits = Path(f"/proc/{proc.pid}/limits").read_text()
            settings = list(tmp_path.glob("testimony-qt-*"))
            if "Max core file size        0" in limits and settings:
                break
            time.sleep(0.1)
        core = next(line for line in limits.splitlines() if line.startswith("Max core"))
        assert core.split()[4:6] == ["0", "0"], core
        assert settings, "QSettings not pointed at a private folder"
        time.sleep(2)  # into the event loop, where SIGTERM quits cleanly
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    # Quitting removes the private settings folder (Qt's file-dialog history and all).
    assert not list(tmp_path.glob("testimony-qt-*"))
