"""Figures by month, type, place, sex, age group, status and perpetrator, with charts."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from testimony_app.gui.worker import VaultWorker


class FiguresPage(QWidget):
    def __init__(self, worker: VaultWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        QVBoxLayout(self).addWidget(QLabel())

    def reload(self) -> None:
        """Load from the vault (on the worker); called when the page is shown."""

    def clear(self) -> None:
        """Forget everything shown (on lock)."""
