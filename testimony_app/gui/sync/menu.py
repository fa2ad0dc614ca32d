"""The Sync menu and the Researchers page, added to the main window in one call so
that main_window.py needs only a line to show them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction

from testimony_app.gui.sync.export_dialog import ExportDialog
from testimony_app.gui.sync.import_dialog import ImportDialog
from testimony_app.gui.sync.receipt_dialog import ReceiptDialog
from testimony_app.gui.sync.researchers_page import ResearchersPage
from testimony_app.gui.sync.sync_folder_dialog import SyncFolderDialog
from testimony_app.gui.sync.sync_folder_watch import SyncFolderWatch
from testimony_app.i18n import _

if TYPE_CHECKING:
    from testimony_app.gui.menu_host import MenuHost


class SyncMenu(QObject):
    """Owns the Sync actions and opens their dialogs (one at a time, never blocking)."""

    def __init__(self, window: MenuHost) -> None:
        super().__init__(window)
        self.window = window
        self.page = ResearchersPage(window.worker)
        # The navigation row and the stack index go together; the editor stays after them.
        self.row = window.nav.count()
        window.nav.addItem(_("Researchers"))
        window.stack.insertWidget(self.row, self.page)
        window.nav.currentRowChanged.connect(self._row_changed)
        menu = window.menuBar().addMenu(_("Sync"))
        self.export_action = QAction(_("Export bundle…"), window)
        self.import_action = QAction(_("Import bundles…"), window)
        self.receipt_action = QAction(_("Receipt…"), window)
        self.researchers_action = QAction(_("Researchers"), window)
        self.export_action.triggered.connect(self.open_export)
        self.import_action.triggered.connect(self.open_import)
        self.receipt_action.triggered.connect(self.open_receipt)
        self.researchers_action.triggered.connect(lambda: window.nav.setCurrentRow(self.row))
        for action in (self.export_action, self.import_action, self.receipt_action):
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.researchers_action)
        self.dialog: ExportDialog | ImportDialog | ReceiptDialog | SyncFolderDialog | None = None
        # The sync folder: settings, and a pass on arrivals, on a timer, after a save
        # or finalise, and before the lock.
        self.folder_action = QAction(_("Sync folder…"), window)
        self.folder_action.triggered.connect(self.open_sync_folder)
        menu.addSeparator()
        menu.addAction(self.folder_action)
        self.watch = SyncFolderWatch(window.worker, window)
        self.watch.message.connect(lambda text: window.statusBar().showMessage(text, 15_000))
        self.watch.passed.connect(self._passed)
        self.watch.purged.connect(lambda _p: self._changed())
        window.editor.saved.connect(lambda _id: self.watch.soon())
        self.watch.start()

    def _row_changed(self, row: int) -> None:
        if row == self.row:
            self.page.reload()

    def _show(self, dialog: ExportDialog | ImportDialog | ReceiptDialog | SyncFolderDialog
              ) -> None:
        if self.dialog is not None:
            self.dialog.close()
            self.dialog.deleteLater()
        self.dialog = dialog
        dialog.open()

    def open_export(self) -> ExportDialog:
        dialog = ExportDialog(self.window.worker, self.window)
        self._show(dialog)
        return dialog

    def open_import(self) -> ImportDialog:
        dialog = ImportDialog(self.window.worker, self.window)
        dialog.imported.connect(self._changed)
        self._show(dialog)
        return dialog

    def open_receipt(self) -> ReceiptDialog:
        dialog = ReceiptDialog(self.window.worker, self.window)
        dialog.purged.connect(lambda _p: self._changed())
        self._show(dialog)
        return dialog

    def open_sync_folder(self) -> SyncFolderDialog:
        dialog = SyncFolderDialog(self.window.worker, self.window)
        dialog.changed.connect(self.watch.start)
        self._show(dialog)
        return dialog

    def _passed(self, result: Any) -> None:
        if result.imported or result.receipts:
            self._changed()

    def _changed(self) -> None:
        self.window.refresh()
        self.window.workspace.refresh()
        if self.window.nav.currentRow() == self.row:
            self.page.reload()

    def clear(self) -> None:
        self.watch.before_lock()
        if self.dialog is not None:
            self.dialog.close()
        self.page.clear()
