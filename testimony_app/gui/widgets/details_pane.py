"""Ids, fingerprints and hashes, kept out of the way: a folded pane under a
"Details" button, each value selectable, and a Copy button that puts them all on
the clipboard (cleared after the time chosen in Settings, like any copied text).

The pages around it speak of people by name, bundles by number and date and
records by title; this pane is where someone comparing with the command line or
another vault finds the exact values."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from testimony_app.gui.sync.common import mono_label, plain_label
from testimony_app.i18n import _


class DetailsPane(QWidget):
    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.toggle = QToolButton()
        self.toggle.setText(_("Details"))
        self.toggle.setAccessibleName(name)
        self.toggle.setCheckable(True)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setArrowType(Qt.ArrowType.NoArrow)
        self.toggle.toggled.connect(self._unfold)
        self.copy_button = QPushButton(_("Copy"))
        self.copy_button.setAccessibleName(_("Copy the details"))
        self.copy_button.clicked.connect(self.copy)
        self.body = QWidget()
        self.form = QFormLayout(self.body)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.rows: list[tuple[str, str]] = []
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.toggle)
        top.addStretch(1)
        top.addWidget(self.copy_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.body)
        self._unfold(False)
        self.set_rows([])

    def _unfold(self, shown: bool) -> None:
        self.body.setVisible(shown)
        self.copy_button.setVisible(shown)
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if shown else
                                 Qt.ArrowType.LeftArrow if self.isRightToLeft() else
                                 Qt.ArrowType.RightArrow)

    def set_rows(self, rows: list[tuple[str, str]]) -> None:
        """(label, value) pairs; values shown as they are, left to right."""
        self.rows = [(label, value) for label, value in rows if value]
        while self.form.rowCount():
            self.form.removeRow(0)
        for label, value in self.rows:
            shown = mono_label(value)
            shown.setAccessibleName(label)
            self.form.addRow(plain_label(label, wrap=False), shown)
        self.setVisible(bool(self.rows))

    def labels(self) -> list[QLabel]:
        return self.body.findChildren(QLabel)

    def text(self) -> str:
        """The details as lines of "label: value", as Copy puts them on the clipboard."""
        return "\n".join(f"{label}: {value}" for label, value in self.rows)

    def copy(self) -> None:
        if self.rows:
            QGuiApplication.clipboard().setText(self.text())

    def clear(self) -> None:
        self.set_rows([])
