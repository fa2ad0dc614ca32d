"""File → Back up vault… and Restore…, and the last-backup indicator in the status bar
(with its reminder), added to the main window in one call so that main_window.py needs
only a line to show them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QPushButton

from testimony_app.core import backup
from testimony_app.gui import fmt
from testimony_app.gui.backup_dialog import BackupDialog, RestoreDialog, status_text
from testimony_app.i18n import _, ngettext

if TYPE_CHECKING:
    from testimony_app.gui.menu_host import MenuHost

# The reminder is looked at again this often while the window is open.
REFRESH_MS = 30 * 60 * 1000
DUE_STYLE = "QPushButton { background: #fff4ce; }"


def file_menu(window: MenuHost) -> QMenu:
    """The window's File menu: the one already there (by its object name), else a new
    first menu."""
    own = getattr(window, "file_menu", None)
    if isinstance(own, QMenu):
        return own
    bar = window.menuBar()
    found = bar.findChild(QMenu, "file_menu")
    if found is not None:
        return found
    menu = QMenu(_("&File"), bar)
    menu.setObjectName("file_menu")
    actions = bar.actions()
    if actions:
        bar.insertMenu(actions[0], menu)
    else:
        bar.addMenu(menu)
    return menu


class BackupMenu(QObject):
    def __init__(self, window: MenuHost) -> None:
        super().__init__(window)
        self.window = window
        self.status: backup.Status | None = None
        self.read_only = False
        menu = file_menu(window)
        self.backup_action = QAction(_("Back up vault…"), window)
        self.restore_action = QAction(_("Restore…"), window)
        self.backup_action.triggered.connect(self.open_backup)
        self.restore_action.triggered.connect(self.open_restore)
        anchor = getattr(window, "file_menu_anchor", None)  # before Settings and Quit
        if isinstance(anchor, QAction):
            menu.insertActions(anchor, [self.backup_action, self.restore_action])
        else:
            menu.addAction(self.backup_action)
            menu.addAction(self.restore_action)
        # A flat button: the status, and one click to back up when a backup is due.
        self.indicator = QPushButton()
        self.indicator.setFlat(True)
        self.indicator.setAccessibleName(_("Last backup"))
        self.indicator.clicked.connect(self.open_backup)
        window.statusBar().addPermanentWidget(self.indicator)
        self.dialog: BackupDialog | RestoreDialog | None = None
        self.timer = QTimer(self, interval=REFRESH_MS)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()
        window.editor.saved.connect(lambda _id: self.refresh())
        self.refresh()

    def refresh(self) -> None:
        self.window.worker.with_session(lambda s: (s.read_only, None if s.read_only
                                                   else s.backup_status()),
                                        self._show, lambda _e: None)

    def _show(self, result: tuple[bool, backup.Status | None]) -> None:
        self.read_only, self.status = result
        self.backup_action.setEnabled(not self.read_only)
        if self.read_only or self.status is None:
            self.indicator.setText(_("A backup, opened read-only"))
            self.indicator.setToolTip(_("Nothing can be changed here; restore it "
                                        "(File → Restore…) to work in it."))
            self.indicator.setStyleSheet("")
            return
        status = self.status
        if status.due:
            self.indicator.setText(
                ngettext("No backup for {days} day: back up now",
                         "No backup for {days} days: back up now",
                         status.days_since or 0).format(
                    days=fmt.number(status.days_since or 0))
                if status.last_at else _("Never backed up: back up now"))
            self.indicator.setStyleSheet(DUE_STYLE)
        else:
            self.indicator.setText(status_text(status))
            self.indicator.setStyleSheet("")
        self.indicator.setToolTip(
            ngettext("A reminder comes {days} day after the last backup, when something "
                     "changed since.",
                     "A reminder comes {days} days after the last backup, when something "
                     "changed since.", status.reminder_days).format(
                         days=fmt.number(status.reminder_days))
            if status.reminder_days else _("The backup reminder is off."))

    def _open(self, dialog: BackupDialog | RestoreDialog) -> None:
        if self.dialog is not None:
            self.dialog.close()
            self.dialog.deleteLater()
        self.dialog = dialog
        dialog.open()

    def open_backup(self) -> None:
        if self.read_only:
            return
        self.window.worker.with_session(lambda s: s.settings(), self._backup_dialog,
                                        self.window._error)

    def _backup_dialog(self, settings: dict[str, str]) -> BackupDialog:
        dialog = BackupDialog(self.window.worker, settings, self.status, self.window)
        dialog.backed_up.connect(lambda _r: self.refresh())
        self._open(dialog)
        return dialog

    def open_restore(self) -> RestoreDialog:
        session = self.window.worker.session
        folder: Any = session.folder if session is not None else ""
        dialog = RestoreDialog(self.window.worker, folder, self.window)
        dialog.restored.connect(self._restored)
        self._open(dialog)
        return dialog

    def _restored(self, _result: object, closed_open_vault: bool) -> None:
        if closed_open_vault:
            # The open vault was replaced (or closed for a restore that then failed):
            # back to the start window, which unlocks the vault now in that folder.
            self.window.lock_requested.emit()
        else:
            self.refresh()

    def clear(self) -> None:
        self.timer.stop()
        if self.dialog is not None:
            self.dialog.close()
        self.indicator.setText("")
