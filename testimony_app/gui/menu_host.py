"""What the menus added to the main window (audit, backup, sync, workspace) use of it.

The main window builds the menus and passes itself; the menus know it only through this
base class, so that they never import main_window.py (which imports them). The host is a
QMainWindow: the menus also use it as the parent of their actions and dialogs, which a
protocol could not say to the type checker."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtWidgets import QMainWindow

if TYPE_CHECKING:
    from PySide6.QtWidgets import QListWidget, QStackedWidget

    from testimony_app.gui.editor.testimony_editor import TestimonyEditor
    from testimony_app.gui.worker import VaultWorker


class Refreshable(Protocol):
    def refresh(self) -> None: ...


class MenuHost(QMainWindow):
    """The main window as its menus see it; MainWindow sets every attribute."""

    worker: VaultWorker
    nav: QListWidget
    stack: QStackedWidget
    editor: TestimonyEditor
    workspace: Refreshable
    lock_requested: Any  # a Qt signal: .emit() asks the window to lock

    def refresh(self) -> None:
        raise NotImplementedError

    def _error(self, error: BaseException) -> None:
        raise NotImplementedError
