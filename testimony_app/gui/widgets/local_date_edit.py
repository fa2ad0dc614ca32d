"""A date editor and its calendar in the UI's month names and the chosen digits.

Qt writes a date's digits through the editor's locale. The Syrian locale gives the
Levantine month names used everywhere in the app, but only Arabic-Indic digits, and no
Arabic locale has those month names with Latin digits. So the editor keeps the Syrian
locale for its names and its parsing (it reads both kinds of digits), and the text it
shows, and the calendar's day numbers and year, pass through i18n.digits.
"""

from __future__ import annotations

from PySide6.QtCore import QDate, QDateTime, QLocale
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QAbstractItemView, QCalendarWidget, QDateEdit, QToolButton, QWidget

from testimony_app import i18n
from testimony_app.gui.latin_digits import LATIN_ARABIC
from testimony_app.i18n import _

__all__ = ["LocalCalendar", "LocalDateEdit"]


def _digit_locale() -> QLocale:
    """A locale that writes numbers (no names) in the digits the person chose."""
    if i18n.language() == "ar" and i18n.digit_kind() == "latin":
        return QLocale(LATIN_ARABIC)
    return QLocale(i18n.locale_name())


class LocalCalendar(QCalendarWidget):
    """The calendar popup: month and weekday names of the UI locale, numbers in the
    chosen digits."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setLocale(QLocale(i18n.locale_name()))
        # Qt leaves its own navigation unnamed; a screen reader says what each does.
        for name, text in (("qt_calendar_prevmonth", _("Previous month")),
                           ("qt_calendar_nextmonth", _("Next month")),
                           ("qt_calendar_monthbutton", _("Month")),
                           ("qt_calendar_yearbutton", _("Year")),
                           ("qt_calendar_yearedit", _("Year")),
                           ("qt_calendar_calendarview", _("Days of the month"))):
            for child in self.findChildren(QWidget, name):
                child.setAccessibleName(text)
        self.currentPageChanged.connect(lambda _year, _month: self._follow_digits())
        self._follow_digits()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt)
        self._follow_digits()
        super().showEvent(event)

    def _follow_digits(self) -> None:
        numbers = _digit_locale()
        # The day cells are numbers the view writes through its own locale; the names
        # (weekdays, months) come from the calendar's locale and stay as they are.
        for view in self.findChildren(QAbstractItemView):
            view.setLocale(numbers)
        for child in self.findChildren(QWidget, "qt_calendar_yearedit"):
            child.setLocale(numbers)
        year = self.findChild(QToolButton, "qt_calendar_yearbutton")
        if year is not None:
            year.setText(i18n.digits(year.text()))


class LocalDateEdit(QDateEdit):
    """A QDateEdit with a calendar popup whose text is in the chosen digits."""

    def __init__(self, date: QDate | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setLocale(QLocale(i18n.locale_name()))
        self.setCalendarPopup(True)
        self.setCalendarWidget(LocalCalendar(self))
        if date is not None:
            self.setDate(date)

    def textFromDateTime(self, dateTime: QDateTime) -> str:  # noqa: N802, N803 (Qt)
        return i18n.digits(super().textFromDateTime(dateTime))
