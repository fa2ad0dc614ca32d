"""A date with its precision (docs/FORMAT.md): "on 25 December", "in December 2016",
"between the 12th and the 13th", "before 15 December", plus the words the source used."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDate, QLocale, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QSpinBox,
    QStackedWidget,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from testimony_app import i18n
from testimony_app.gui.widgets.bidi import follow_text_direction
from testimony_app.gui.widgets.local_date_edit import LocalDateEdit
from testimony_app.i18n import _

__all__ = ["PRECISIONS", "DateWithPrecisionEdit"]

PRECISIONS = ("day", "month", "year", "range", "approximate", "before", "after")
_SINGLE = ("day", "before", "after")
_SPAN = ("range", "approximate")
_PAGE = {None: 0, "day": 1, "before": 1, "after": 1, "month": 2, "year": 3,
         "range": 4, "approximate": 4}
_FIRST, _LAST = QDate(1000, 1, 1), QDate(9999, 12, 31)
_ISO = "yyyy-MM-dd"


def _locale() -> QLocale:
    """Month names and digits of the UI language (as in testimony_app.gui.fmt)."""
    return QLocale(i18n.locale_name())


def _precision_labels() -> dict[str, str]:
    return {
        "day": _("On the day"),
        "month": _("In the month"),
        "year": _("In the year"),
        "range": _("Between two days"),
        "approximate": _("Roughly, between"),
        "before": _("Before the day"),
        "after": _("After the day"),
    }


def _parse_day(text: object) -> QDate:
    date = QDate.fromString(str(text), _ISO)
    if not date.isValid() or len(str(text)) != 10:
        raise ValueError(f"not a YYYY-MM-DD date: {text!r}")
    return date


class DateWithPrecisionEdit(QWidget):
    """Edits one date with precision. `value()` is None while no precision is chosen.

    `set_value` and `clear` load silently; `changed` fires on every edit by the user.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._loading = False
        self._shown: str | None = None

        self._precision = QComboBox()
        self._precision.addItem(_("No date"), None)
        for code, text in _precision_labels().items():
            self._precision.addItem(text, code)

        self._day = self._date_edit()
        self._month = QComboBox()
        for number in range(1, 13):
            self._month.addItem(_locale().standaloneMonthName(number), number)
        self._month_year = self._year_spin()
        self._year = self._year_spin()
        self._from = self._date_edit()
        self._to = self._date_edit()

        self._stack = QStackedWidget()
        self._stack.addWidget(QWidget())
        self._stack.addWidget(self._page(self._day))
        self._stack.addWidget(self._page(self._month, self._month_year))
        self._stack.addWidget(self._page(self._year))
        self._from_label = QLabel(_("from"))
        self._to_label = QLabel(_("to"))
        self._from_label.setBuddy(self._from)
        self._to_label.setBuddy(self._to)
        self._stack.addWidget(self._page(self._from_label, self._from,
                                         self._to_label, self._to))

        self._text = QLineEdit()
        self._text.setPlaceholderText(_("Words the source used, e.g. “early December”"))
        follow_text_direction(self._text)

        icon = QLabel()
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize)
        icon.setPixmap(self.style().standardIcon(
            QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(size, size))
        self._warning_text = QLabel()
        self._warning_text.setWordWrap(True)
        self._warning = QWidget()
        warning_row = QHBoxLayout(self._warning)
        warning_row.setContentsMargins(0, 0, 0, 0)
        warning_row.addWidget(icon)
        warning_row.addWidget(self._warning_text, 1)
        self._warning.hide()

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self._precision)
        top.addWidget(self._stack, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self._text)
        layout.addWidget(self._warning)
        self.setFocusProxy(self._precision)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.setAccessibleName(_("Date"))
        self._set_inputs(QDate.currentDate(), QDate.currentDate())

        self._precision.currentIndexChanged.connect(self._precision_changed)
        for edit in (self._day, self._from, self._to):
            edit.dateChanged.connect(self._edited)
        for spin in (self._month_year, self._year):
            spin.valueChanged.connect(self._edited)
        self._month.currentIndexChanged.connect(self._edited)
        self._text.textChanged.connect(self._edited)

    # --- construction helpers ---------------------------------------------------

    @staticmethod
    def _date_edit() -> LocalDateEdit:
        edit = LocalDateEdit()  # reads both Latin and Arabic-Indic digits
        edit.setDisplayFormat("d MMMM yyyy")
        edit.setDateRange(_FIRST, _LAST)
        return edit

    @staticmethod
    def _year_spin() -> QSpinBox:
        spin = QSpinBox()
        spin.setLocale(_locale())
        spin.setRange(_FIRST.year(), _LAST.year())
        return spin

    @staticmethod
    def _page(*widgets: QWidget) -> QWidget:
        page = QWidget()
        row = QHBoxLayout(page)
        row.setContentsMargins(0, 0, 0, 0)
        for widget in widgets:
            row.addWidget(widget)
        row.addStretch(1)
        return page

    def setAccessibleName(self, name: str) -> None:  # noqa: N802 (Qt API)
        """Name the whole editor and each of its inputs after the field (e.g. "Interview
        date: precision")."""
        super().setAccessibleName(name)
        for widget, part in ((self._precision, _("precision")), (self._day, _("day")),
                             (self._month, _("month")), (self._month_year, _("year")),
                             (self._year, _("year")), (self._from, _("first day")),
                             (self._to, _("last day")),
                             (self._text, _("words the source used"))):
            widget.setAccessibleName(_("{field}: {part}").format(field=name, part=part))

    # --- public API --------------------------------------------------------------

    def precision(self) -> str | None:
        """The chosen precision code, or None for "no date"."""
        code = self._precision.currentData()
        return str(code) if code else None

    def value(self) -> dict[str, Any] | None:
        """The date in the interchange form, or None when no precision is chosen.
        A range is returned as entered even when it ends before it starts
        (see `is_valid`)."""
        code = self.precision()
        if code is None:
            return None
        result: dict[str, Any] = {"precision": code}
        if code in _SINGLE:
            result["value"] = self._day.date().toString(_ISO)
        elif code == "month":
            result["value"] = f"{self._month_year.value():04d}-{self._month.currentData():02d}"
        elif code == "year":
            result["value"] = f"{self._year.value():04d}"
        else:
            result["from"] = self._from.date().toString(_ISO)
            result["to"] = self._to.date().toString(_ISO)
        text = self._text.text().strip()
        if text:
            result["text"] = text
        return result

    def set_value(self, value: dict[str, Any] | None) -> None:
        """Show `value` (interchange form) or nothing. Raises ValueError if malformed."""
        if value is None:
            self.clear()
            return
        code = value.get("precision")
        if code not in PRECISIONS:
            raise ValueError(f"unknown date precision: {code!r}")
        if code in _SPAN:
            first, last = _parse_day(value.get("from")), _parse_day(value.get("to"))
        elif code == "month":
            first = _parse_day(f"{value.get('value')}-01")
            last = first.addMonths(1).addDays(-1)
        elif code == "year":
            first = _parse_day(f"{value.get('value')}-01-01")
            last = QDate(first.year(), 12, 31)
        else:
            first = last = _parse_day(value.get("value"))
        self._loading = True
        try:
            self._precision.setCurrentIndex(self._precision.findData(code))
            self._set_inputs(first, last)
            self._text.setText(str(value.get("text", "")))
        finally:
            self._loading = False
        self._update_warning()

    def clear(self) -> None:
        """Back to "no date", without words; does not emit `changed`."""
        self._loading = True
        try:
            self._precision.setCurrentIndex(0)
            self._set_inputs(QDate.currentDate(), QDate.currentDate())
            self._text.clear()
        finally:
            self._loading = False
        self._update_warning()

    def problem(self) -> str | None:
        """What is wrong with the date as entered, in the user's words, or None."""
        code = self.precision()
        if code in _SPAN and self._to.date() < self._from.date():
            return _("The last day is before the first day.")
        if code is None and self._text.text().strip():
            return _("Choose how precise the date is; the words alone are not kept.")
        return None

    def is_valid(self) -> bool:
        return self.problem() is None

    # --- internals ---------------------------------------------------------------

    def _bounds(self, code: str | None) -> tuple[QDate, QDate]:
        """First and last day the inputs for `code` currently mean."""
        if code in _SINGLE:
            return self._day.date(), self._day.date()
        if code == "month":
            first = QDate(self._month_year.value(), int(self._month.currentData()), 1)
            return first, first.addMonths(1).addDays(-1)
        if code == "year":
            return QDate(self._year.value(), 1, 1), QDate(self._year.value(), 12, 31)
        if code in _SPAN:
            return self._from.date(), self._to.date()
        return self._day.date(), self._day.date()

    def _set_inputs(self, first: QDate, last: QDate, keep_day: bool = False) -> None:
        # Changing precision never changes the day entered while it still fits:
        # 4 December -> December 2016 -> on the day is 4 December again, not the 1st.
        if not (keep_day and first <= self._day.date() <= last):
            self._day.setDate(first)
        self._month_year.setValue(first.year())
        self._month.setCurrentIndex(first.month() - 1)
        self._year.setValue(first.year())
        self._from.setDate(first)
        self._to.setDate(last)
        self._shown = self.precision()
        self._stack.setCurrentIndex(_PAGE[self._shown])

    def _precision_changed(self) -> None:
        if self._loading:
            return
        # Carry what was entered over: "December 2016" becomes 1 to 31 December 2016.
        first, last = self._bounds(self._shown)
        self._loading = True
        try:
            if not (self._shown in _SPAN and self.precision() in _SPAN):
                self._set_inputs(first, last, keep_day=True)
            self._shown = self.precision()
            self._stack.setCurrentIndex(_PAGE[self._shown])
        finally:
            self._loading = False
        self._edited()

    def _edited(self, *_args: object) -> None:
        if self._loading:
            return
        self._update_warning()
        self.changed.emit()

    def _update_warning(self) -> None:
        problem = self.problem()
        self._warning_text.setText(problem or "")
        self._warning.setVisible(problem is not None)
