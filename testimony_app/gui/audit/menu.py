"""The audit actions in the main window, added in one call: Sync → Export for
auditors… and File → Open export… (so main_window.py needs only a line)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from testimony_app.gui.audit.auditor_window import AuditorWindow
from testimony_app.gui.audit.export_dialog import AuditExportDialog
from testimony_app.i18n import _

if TYPE_CHECKING:
    from testimony_app.gui.menu_host import MenuHost


class AuditMenu(QObject):
    def __init__(self, window: MenuHost) -> None:
        super().__init__(window)
        self.window = window
        self.export_action = QAction(_("Export for auditors…"), window)
        self.export_action.triggered.connect(self.open_export_dialog)
        self.open_action = QAction(_("Open export…"), window)
        self.open_action.triggered.connect(self.open_auditor_window)
        sync = self._sync_menu()
        if sync is not None:
            sync.insertAction(sync.actions()[-2] if len(sync.actions()) >= 2 else None,
                              self.export_action)  # before the separator and Researchers
        bar = window.menuBar()
        file_menu = getattr(window, "file_menu", None)
        if isinstance(file_menu, QMenu):  # the window's own File menu, before Settings
            file_menu.insertAction(getattr(window, "file_menu_anchor", None), self.open_action)
        else:
            file_menu = QMenu(_("File"), window)
            file_menu.addAction(self.open_action)
            first = bar.actions()[0] if bar.actions() else None
            if first is not None:
                bar.insertMenu(first, file_menu)
            else:
                bar.addMenu(file_menu)
        if sync is None:
            file_menu.addAction(self.export_action)
        self.dialog: AuditExportDialog | None = None
        self.auditor: AuditorWindow | None = None

    def _sync_menu(self) -> QMenu | None:
        sync = getattr(self.window, "sync", None)
        if sync is None:
            return None
        for action in self.window.menuBar().actions():
            menu = action.menu()
            if isinstance(menu, QMenu) and sync.export_action in menu.actions():
                return menu
        return None

    def open_export_dialog(self) -> AuditExportDialog:
        if self.dialog is not None:
            self.dialog.close()
            self.dialog.deleteLater()
        self.dialog = AuditExportDialog(self.window.worker, self.window)
        self.dialog.open()
        return self.dialog

    def open_auditor_window(self) -> AuditorWindow:
        """An auditor's window beside the vault's: it reads only the export."""
        if self.auditor is None:
            self.auditor = AuditorWindow(self.window)  # a window of its own
        self.auditor.show()
        self.auditor.raise_()
        return self.auditor

    def clear(self) -> None:
        """On lock: close the export dialog (it shows the vault's narratives)."""
        if self.dialog is not None:
            self.dialog.close()
