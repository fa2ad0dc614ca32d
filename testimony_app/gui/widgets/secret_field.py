"""Comforts under a passphrase field: a "Show passphrase" toggle and a Caps Lock
warning (guessed from the letters typed: Qt has no portable way to ask)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QLineEdit, QWidget

from testimony_app.i18n import _


class _CapsWatch(QObject):
    def __init__(self, fields: list[QLineEdit], warning: QLabel) -> None:
        super().__init__(warning)
        self.warning = warning
        for field in fields:
            field.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if event.key() == Qt.Key.Key_CapsLock:
                self.warning.setVisible(not self.warning.isVisible())
            else:
                text = event.text()
                if len(text) == 1 and text.isalpha() and text.lower() != text.upper():
                    shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
                    self.warning.setVisible(text.isupper() != shift)
        elif event.type() == QEvent.Type.FocusOut:
            self.warning.setVisible(False)
        return False


def comforts(*fields: QLineEdit) -> QWidget:
    """A row for under the fields: Show passphrase (all of them) and Caps Lock is on."""
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    show = QCheckBox(_("Show passphrase"))
    show.setAccessibleName(_("Show passphrase"))

    def reveal(on: bool) -> None:
        for field in fields:
            field.setEchoMode(QLineEdit.EchoMode.Normal if on
                              else QLineEdit.EchoMode.Password)

    show.toggled.connect(reveal)
    warning = QLabel(_("Caps Lock is on"))
    warning.setStyleSheet("color: #b00020; font-weight: bold")
    warning.setVisible(False)
    warning.setAccessibleName(_("Caps Lock is on"))
    _CapsWatch(list(fields), warning)
    layout.addWidget(show)
    layout.addStretch(1)
    layout.addWidget(warning)
    row.setProperty("show_toggle", show)
    row.setProperty("caps_warning", warning)
    row.show_toggle = show  # type: ignore[attr-defined]
    row.caps_warning = warning  # type: ignore[attr-defined]
    return row
