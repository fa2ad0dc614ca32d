"""Date editors and their calendars write the digits chosen in Settings, with the
Levantine month names, in Arabic."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCalendarWidget,
    QDateEdit,
    QStyledItemDelegate,
    QTableView,
    QToolButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from testimony_app import i18n
from testimony_app.gui.audit.export_dialog import AuditExportDialog
from testimony_app.gui.list_page import ListPage
from testimony_app.gui.widgets.date_edit import DateWithPrecisionEdit
from testimony_app.gui.worker import VaultWorker

ARABIC_INDIC = re.compile("[٠-٩]")
LATIN = re.compile("[0-9]")


@pytest.fixture
def arabic() -> Iterator[None]:
    i18n.set_language("ar")
    yield
    i18n.set_language("en")
    i18n.set_digits("native")


def _texts(edit: QDateEdit) -> list[str]:
    """What the editor and its calendar popup show: the date, the year, the day cells."""
    calendar = edit.calendarWidget()
    assert isinstance(calendar, QCalendarWidget)
    calendar.show()
    calendar.setCurrentPage(2019, 3)
    year = calendar.findChild(QToolButton, "qt_calendar_yearbutton")
    view = calendar.findChild(QTableView)
    assert year is not None and view is not None
    model, delegate = view.model(), view.itemDelegate()
    assert isinstance(delegate, QStyledItemDelegate)
    cells = [delegate.displayText(model.data(model.index(row, column)), view.locale())
             for row in range(1, model.rowCount()) for column in range(model.columnCount())]
    calendar.hide()
    return [edit.text(), year.text(), *cells]


def _editors(widget: QWidget) -> list[QDateEdit]:
    return widget.findChildren(QDateEdit)


@pytest.mark.parametrize("kind", ["latin", "native"])
def test_date_editors_follow_the_digits_setting(qtbot: QtBot, arabic: None, kind: str) -> None:
    i18n.set_digits(kind)
    editor = DateWithPrecisionEdit()
    qtbot.addWidget(editor)
    editor.set_value({"precision": "day", "value": "2016-12-04"})
    editors = _editors(editor)
    assert editors
    texts = [t for edit in editors for t in _texts(edit)]
    assert "كانون الأول" in editors[0].text()  # the Levantine month name stays
    wrong = LATIN if kind == "native" else ARABIC_INDIC
    right = ARABIC_INDIC if kind == "native" else LATIN
    assert not [t for t in texts if wrong.search(t)]
    assert all(right.search(t) for t in texts if t)


def test_typing_latin_digits_into_an_arabic_editor(qtbot: QtBot, arabic: None) -> None:
    i18n.set_digits("latin")
    editor = DateWithPrecisionEdit()
    qtbot.addWidget(editor)
    editor.set_value({"precision": "day", "value": "2016-12-04"})
    day = _editors(editor)[0]
    day.setFocus()
    qtbot.keyClick(day, Qt.Key.Key_Up)  # the text in Latin digits still parses
    assert day.date() == QDate(2016, 12, 5)
    assert day.text().startswith("5 ")


@pytest.mark.parametrize("kind", ["latin", "native"])
def test_list_and_export_periods_follow_the_setting(qtbot: QtBot, worker: VaultWorker,
                                                     arabic: None, kind: str) -> None:
    i18n.set_digits(kind)
    page = ListPage(worker, "incident")
    dialog = AuditExportDialog(worker)
    qtbot.addWidget(page)
    qtbot.addWidget(dialog)
    editors = _editors(page) + _editors(dialog)
    assert len(editors) == 4
    texts = [t for edit in editors for t in _texts(edit)]
    wrong = LATIN if kind == "native" else ARABIC_INDIC
    assert not [t for t in texts if wrong.search(t)]
