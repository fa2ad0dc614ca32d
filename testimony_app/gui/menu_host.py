"""What the menus added to the main window (audit, backup, sync, workspace) use of it.

The main window builds the menus and passes itself; the menus know it only through this
protocol, so that they never import main_window.py (which imports them). At run time the
host is the main window itself (a QMainWindow): the menus also use it as their widgets'
parent."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from PySide6.QtWidgets import QListWidget, QMenuBar, QStackedWidget, QStatusBar

    from testimony_app.gui.editor.testimony_editor import TestimonyEditor
    from testimony_app.gui.worker import VaultWorker


class Refreshable(Protocol):
    def refresh(self) -> None: ...


class MenuHost(Protocol):
    worker: VaultWorker
    nav: QListWidget
    stack: QStackedWidget
    editor: TestimonyEditor
    workspace: Refreshable
    lock_requested: Any  # a Qt signal: .emit() asks the window to lock

    def menuBar(self) -> QMenuBar: ...  # noqa: N802 (Qt's name)

    def statusBar(self) -> QStatusBar: ...  # noqa: N802 (Qt's name)

    def refresh(self) -> None: ...

    def _error(self, error: BaseException) -> None: ...
