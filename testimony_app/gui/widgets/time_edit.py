"""A time of day typed as people write it on forms: "0930" is 09:30 and "2130" is
21:30, whatever the clock shown. A plain QTimeEdit in a 12-hour format keeps the
AM/PM section it had, so "0930" typed over 12:00 PM became 9:30 PM; here four digits
typed in a row (or three, then leaving the field: "930") are read as a 24-hour
time and the AM/PM follows from them. The display is the locale's clock, or the one
chosen in Settings (gui/fmt.py)."""

from __future__ import annotations

import unicodedata

from PySide6.QtCore import Qt, QTime
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import QTimeEdit, QWidget

from testimony_app.gui import fmt

_LEAVING = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab, Qt.Key.Key_Backtab)


def _digit(text: str) -> str | None:
    """The ASCII digit for one typed character (Arabic-Indic digits included)."""
    if len(text) != 1:
        return None
    value = unicodedata.digit(text, -1)
    return str(value) if value >= 0 else None


def as_time(digits: str) -> QTime | None:
    """ "930", "0930", "2130" as a 24-hour time; None if it is none."""
    if len(digits) not in (3, 4) or not digits.isdigit():
        return None
    hour, minute = int(digits[:-2]), int(digits[-2:])
    return QTime(hour, minute) if hour < 24 and minute < 60 else None


class ClockTimeEdit(QTimeEdit):
    def __init__(self, time: QTime | None = None, parent: QWidget | None = None) -> None:
        super().__init__(time if time is not None else QTime(12, 0), parent)
        self._typed = ""
        self.apply_clock()
        self.editingFinished.connect(self._finish)

    def apply_clock(self) -> None:
        """Show the clock of the locale or of the Settings choice (on a change too)."""
        self.setDisplayFormat(fmt.time_format())

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        digit = _digit(event.text())
        if digit is None:
            if event.key() in _LEAVING:
                self._finish()  # "930" then Enter or Tab
            self._typed = ""
            super().keyPressEvent(event)
            return
        self._typed += digit
        if len(self._typed) == 4:
            typed, self._typed = self._typed, ""
            value = as_time(typed)
            if value is not None:
                self.setTime(value)
                self.selectAll()
                event.accept()
                return
        super().keyPressEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 (Qt's name)
        self._typed = ""
        super().focusInEvent(event)

    def _finish(self) -> None:
        typed, self._typed = self._typed, ""
        value = as_time(typed)
        if value is not None:
            self.setTime(value)
