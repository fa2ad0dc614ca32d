"""Persons who may be the same person: review, merge, undo."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from testimony_app.gui.worker import VaultWorker


class DuplicatesPage(QWidget):
    def __init__(self, worker: VaultWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        QVBoxLayout(self).addWidget(QLabel())

    def reload(self) -> None:
        """Load from the vault (on the worker); called when the page is shown."""

    def clear(self) -> None:
        """Forget everything shown (on lock)."""
