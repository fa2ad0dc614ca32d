"""Locking (shortcut and idle timer), switching to Arabic, crash recovery."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QGroupBox,
    QLabel,
    QLineEdit,
    QTabWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot

from testimony_app import i18n
from testimony_app.core.session import Session
from testimony_app.gui.app import Controller
from testimony_app.gui.config import AppConfig
from tests.conftest import PASSPHRASE, ROOT, Template
from tests.gui.conftest import wait_idle
from tests.gui.test_main_window import NARRATIVE_AR, commit_text


def unlock(qtbot: QtBot, controller: Controller) -> None:
    controller.start.passphrase.setText(PASSPHRASE)
    with qtbot.waitSignal(controller.start.unlocked, timeout=30_000):
        controller.start._unlock()
    assert controller.main is not None
    wait_idle(qtbot, controller.worker)


def make_controller(qapp: QApplication, vault_dir: Path) -> Controller:
    controller = Controller(qapp, AppConfig(language="en", vault_folder=str(vault_dir)))
    controller.show()
    return controller


def test_lock_by_shortcut_clears_everything(
        qtbot: QtBot, qapp: QApplication, vault_dir: Path) -> None:
    controller = make_controller(qapp, vault_dir)
    try:
        unlock(qtbot, controller)
        main = controller.main
        assert main is not None
        main.new_testimony()
        commit_text(main.editor.narrative, NARRATIVE_AR)
        main.activateWindow()
        QGuiApplication.clipboard().setText(NARRATIVE_AR)  # as if copied from the editor
        qtbot.keyClick(main, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
        # cleared at once (the window itself is deleted at the next turn of the loop)
        assert controller.main is None
        assert main.editor.narrative.toPlainText() == ""
        assert main.testimonies.model.rowCount() == 0
        assert not main.isVisible()
        assert QGuiApplication.clipboard().text() == ""
        qtbot.waitUntil(lambda: controller.worker.session is None, timeout=20_000)
        assert controller.start.isVisible()
        # the unsaved text was kept as a draft before the lock
        with Session.open(vault_dir, PASSPHRASE) as session:
            drafts = session.drafts()
        assert drafts and drafts[0].data["document"]["testimonies"][0]["narrative"]["ar"] \
            == NARRATIVE_AR
    finally:
        controller.shutdown()


def test_idle_timer_locks(qtbot: QtBot, qapp: QApplication, vault_dir: Path) -> None:
    controller = make_controller(qapp, vault_dir)
    try:
        unlock(qtbot, controller)
        controller.idle.set_minutes(0.002)  # ~120 ms
        controller.idle.start()
        qtbot.waitUntil(lambda: controller.worker.session is None, timeout=10_000)
        assert controller.main is None
    finally:
        controller.shutdown()


def visible_texts(root: QWidget) -> list[str]:
    texts = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisibleTo(root):
            continue
        if isinstance(widget, QLabel | QAbstractButton):
            texts.append(widget.text())
        if isinstance(widget, QGroupBox):
            texts.append(widget.title())
        if isinstance(widget, QLineEdit):
            texts.append(widget.placeholderText())
        if isinstance(widget, QTabWidget):
            texts += [widget.tabText(i) for i in range(widget.count())]
    return [t for t in texts if t and t.strip()]


def test_arabic_mirrors_the_layout_and_leaves_nothing_untranslated(
        qtbot: QtBot, qapp: QApplication, vault_dir: Path) -> None:
    from babel.messages.pofile import read_po

    with (i18n.CATALOG_DIR / "ar.po").open("rb") as handle:
        english = {m.id for m in read_po(handle) if m.id}
    controller = make_controller(qapp, vault_dir)
    try:
        controller.change_language("ar")
        assert qapp.layoutDirection() == Qt.LayoutDirection.RightToLeft
        assert controller.start.layoutDirection() == Qt.LayoutDirection.RightToLeft
        leftovers = [t for t in visible_texts(controller.start) if t in english]
        assert leftovers == []
        unlock(qtbot, controller)
        main = controller.main
        assert main is not None
        assert main.layoutDirection() == Qt.LayoutDirection.RightToLeft
        main.new_testimony()
        for tab in range(main.editor.tabs.count()):
            main.editor.tabs.setCurrentIndex(tab)
            leftovers = [t for t in visible_texts(main) if t in english]
            assert leftovers == [], leftovers
        actions = [a.text() for a in main.findChildren(type(main.new_action))]
        assert not [a for a in actions if a in english]
    finally:
        controller.change_language("en")
        controller.shutdown()


CRASH_SCRIPT = r"""
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from pathlib import Path
from PySide6.QtWidgets import QApplication
from PySide6.QtGui import QInputMethodEvent
from testimony_app.core.session import Session
from testimony_app.gui.worker import VaultWorker
from testimony_app.gui.main_window import MainWindow
app = QApplication([])
worker = VaultWorker()
worker.set_session(Session.open_with_key(Path(sys.argv[1]), bytes.fromhex(sys.argv[2])))
window = MainWindow(worker, "vault")
window.new_testimony()
window.editor._autosave.setInterval(100)
def saved(_at):
    print("autosaved", flush=True)
window.editor.autosaved.connect(saved)
event = QInputMethodEvent()
event.setCommitString(sys.argv[3])
app.sendEvent(window.editor.narrative, event)
app.exec()
"""


def test_kill_while_typing_then_the_draft_is_offered_back(
        qtbot: QtBot, qapp: QApplication, vault_dir: Path, template: Template) -> None:
    proc = subprocess.Popen([sys.executable, "-c", CRASH_SCRIPT, str(vault_dir),
                             template.key.hex(), NARRATIVE_AR], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "autosaved"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    controller = make_controller(qapp, vault_dir)
    try:
        unlock(qtbot, controller)
        main = controller.main
        assert main is not None
        qtbot.waitUntil(lambda: main.banner.isVisible(), timeout=10_000)
        main._restore_offered()
        assert main.editor.narrative.toPlainText() == NARRATIVE_AR
    finally:
        controller.shutdown()
