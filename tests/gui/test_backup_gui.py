"""File → Back up vault… and Restore…, and the last-backup indicator, through real
widgets and a real vault."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMenu
from pytestqt.qtbot import QtBot

from testimony_app.core import backup
from testimony_app.core.session import Session
from testimony_app.gui.backup_dialog import BackupDialog, RestoreDialog
from testimony_app.gui.main_window import MainWindow
from testimony_app.gui.worker import VaultWorker
from tests.conftest import PASSPHRASE, Template
from tests.gui.conftest import idle_session, wait_idle
from tests.gui.test_controller import make_controller, unlock


def make_window(qtbot: QtBot, worker: VaultWorker) -> MainWindow:
    window = MainWindow(worker, "vault")
    qtbot.addWidget(window)
    window.show()
    wait_idle(qtbot, worker)
    return window


def test_back_up_from_the_window_with_progress_and_the_indicator_follows(
        qtbot: QtBot, open_worker: VaultWorker, tmp_path: Path) -> None:
    window = make_window(qtbot, open_worker)
    menu = window.menuBar().findChild(QMenu, "file_menu")
    assert menu is not None
    assert window.backup.backup_action in menu.actions()
    assert window.backup.restore_action in menu.actions()
    indicator = window.backup.indicator
    # Demo data, never backed up, vault made today: not due yet, and it says so.
    qtbot.waitUntil(lambda: "No backup" in indicator.text(), timeout=10_000)
    window.backup.open_backup()
    qtbot.waitUntil(lambda: isinstance(window.backup.dialog, BackupDialog), timeout=10_000)
    dialog = window.backup.dialog
    assert isinstance(dialog, BackupDialog)
    dialog.folder.setText(str(tmp_path / "stick" / "backups"))
    dialog.keep.setValue(2)
    dialog.remind.setValue(3)
    progress: list[int] = []
    dialog.progress.valueChanged.connect(progress.append)
    with qtbot.waitSignal(dialog.backed_up, timeout=60_000) as signal:
        dialog.backup_button.click()
    result = signal.args[0]
    assert result.path == tmp_path / "stick" / "backups" / "backup-0001"
    assert "checked" in dialog.status.text()
    assert progress and max(progress) <= 1000
    qtbot.waitUntil(lambda: "today" in indicator.text(), timeout=10_000)
    session = idle_session(qtbot, open_worker)
    settings = session.settings()
    assert settings["backup_reminder_days"] == "3"
    assert settings["backup_keep"] == "2"
    status = session.backup_status(datetime.now(UTC) + timedelta(days=10))
    assert not status.due  # nothing new since
    session.add_document({"format": "testimony/1", "sources": [
        {"id": "7d1c8a4e-7a9e-4d55-9d0e-0d5c1a2b3c4d", "kind": "other", "name": "x"}]})
    assert session.backup_status(datetime.now(UTC) + timedelta(days=3)).due
    # The dialog remembers the folder; two more backups rotate to the newest two.
    for _ in range(2):
        window.backup.open_backup()

        def replaced(old: object = dialog) -> bool:
            return window.backup.dialog is not old and isinstance(window.backup.dialog,
                                                                  BackupDialog)

        qtbot.waitUntil(replaced, timeout=10_000)
        assert isinstance(window.backup.dialog, BackupDialog)
        dialog = window.backup.dialog
        assert dialog.folder.text() == str(tmp_path / "stick" / "backups")
        with qtbot.waitSignal(dialog.backed_up, timeout=60_000):
            dialog.backup_button.click()
    assert sorted(p.name for p in (tmp_path / "stick" / "backups").iterdir()) == [
        "backup-0002", "backup-0003"]


def test_the_indicator_reminds_when_a_backup_is_due(qtbot: QtBot, open_worker: VaultWorker) -> None:
    session = idle_session(qtbot, open_worker)
    session.set_setting("backup_reminder_days", "1")
    # The vault was made more than a day ago (as far as the log knows).
    session.conn.execute("PRAGMA query_only = OFF")
    status = backup.status(session.conn, session.settings(),
                           datetime.now(UTC) + timedelta(days=2))
    assert status.due
    window = make_window(qtbot, open_worker)
    window.backup._show((False, status))
    assert "back up now" in window.backup.indicator.text()
    assert window.backup.indicator.styleSheet()
    window.backup.indicator.click()
    qtbot.waitUntil(lambda: isinstance(window.backup.dialog, BackupDialog), timeout=10_000)


def test_cancel_a_backup_leaves_nothing(
        qtbot: QtBot, open_worker: VaultWorker, tmp_path: Path) -> None:
    window = make_window(qtbot, open_worker)
    dialog = BackupDialog(open_worker, {}, None, window)
    qtbot.addWidget(dialog)
    dialog.folder.setText(str(tmp_path / "bk"))
    dialog.backup_button.click()
    assert dialog.job is not None
    dialog.reject()  # closing while it runs cancels it
    qtbot.waitUntil(lambda: dialog.job is None, timeout=60_000)
    if "Cancelled" in dialog.status.text():
        assert not any((tmp_path / "bk").glob("backup-*"))
    assert not any((tmp_path / "bk").glob("*.part"))


def test_restore_over_the_open_vault_locks_and_the_restored_vault_unlocks(
        qtbot: QtBot, qapp: QApplication, vault_dir: Path, template: Template,
        tmp_path: Path) -> None:
    with Session.open_with_key(vault_dir, template.key) as s:
        s.add_document({"format": "testimony/1", "sources": [
            {"id": "0b7c2f4e-1a2b-4c3d-8e9f-0a1b2c3d4e5f", "kind": "other", "name": "x"}]})
        made = s.backup(tmp_path / "bk")
        s.add_document({"format": "testimony/1", "sources": [
            {"id": "1b7c2f4e-1a2b-4c3d-8e9f-0a1b2c3d4e5f", "kind": "other", "name": "y"}]})
    controller = make_controller(qapp, vault_dir)
    try:
        unlock(qtbot, controller)
        main = controller.main
        assert main is not None
        dialog = main.backup.open_restore()
        assert isinstance(dialog, RestoreDialog)
        assert dialog.target.text() == str(vault_dir)
        dialog.source.setText(str(made.path))
        dialog.passphrase.setText(PASSPHRASE)
        dialog.restore_button.click()
        qtbot.waitUntil(lambda: dialog.job is None, timeout=60_000)
        assert "already holds a vault" in dialog.status.text()
        dialog.replace.setChecked(True)
        dialog.passphrase.setText("a wrong passphrase, long")
        dialog.restore_button.click()
        qtbot.waitUntil(lambda: dialog.job is None, timeout=60_000)
        assert "Wrong passphrase" in dialog.status.text()
        assert controller.main is main and controller.worker.session is not None
        dialog.passphrase.setText(PASSPHRASE)
        with qtbot.waitSignal(dialog.restored, timeout=60_000):
            dialog.restore_button.click()
        qtbot.waitUntil(lambda: controller.main is None and controller.start.isVisible(),
                        timeout=20_000)
        unlock(qtbot, controller)
        session = idle_session(qtbot, controller.worker)
        assert session.counts() == {"source": 1}
        assert [p for p in vault_dir.parent.iterdir()
                if p.name.startswith("vault.before-restore-")]
    finally:
        controller.shutdown()
