"""Typing a time: "0930" is 09:30 on a 12-hour clock too (not 9:30 PM), 24-hour where
the locale or the Settings choice says so."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QEvent, Qt, QTime
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from testimony_app.gui import fmt
from testimony_app.gui.widgets.time_edit import ClockTimeEdit, as_time


@pytest.fixture
def clock() -> Iterator[None]:
    yield
    fmt.set_clock("locale")


def typed(qtbot, text: str, choice: str, start: QTime | None = None) -> ClockTimeEdit:  # type: ignore[no-untyped-def]
    fmt.set_clock(choice)
    edit = ClockTimeEdit(start or QTime(12, 0))
    qtbot.addWidget(edit)
    edit.show()
    edit.setFocus()
    edit.selectAll()
    for char in text:  # as a keyboard sends them (QTest maps Latin keys only)
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(edit, QKeyEvent(
                kind, Qt.Key.Key_0 + int(char) if char.isascii() else Qt.Key.Key_unknown,
                Qt.KeyboardModifier.NoModifier, char))
    return edit


@pytest.mark.parametrize(("text", "hour", "minute", "shown"), [
    ("0930", 9, 30, "9:30 AM"), ("2130", 21, 30, "9:30 PM"), ("0005", 0, 5, "12:05 AM"),
    ("1200", 12, 0, "12:00 PM"), ("٠٩٣٠", 9, 30, "9:30 AM")])
def test_four_digits_are_a_24_hour_time_on_a_12_hour_clock(qtbot, clock, text: str, hour: int,  # type: ignore[no-untyped-def]
                                                          minute: int, shown: str) -> None:
    edit = typed(qtbot, text, "12")  # over 12:00 PM: the PM must not stay
    assert edit.time() == QTime(hour, minute)
    assert edit.text() == shown


def test_three_digits_then_leaving_the_field(qtbot, clock) -> None:  # type: ignore[no-untyped-def]
    edit = typed(qtbot, "930", "12", QTime(15, 0))
    qtbot.keyClick(edit, Qt.Key.Key_Return)  # editing finished
    assert edit.time() == QTime(9, 30) and edit.text() == "9:30 AM"


def test_24_hour_clock_shows_and_takes_24_hours(qtbot, clock) -> None:  # type: ignore[no-untyped-def]
    edit = typed(qtbot, "0930", "24")
    assert edit.time() == QTime(9, 30) and edit.text() == "09:30"
    edit.selectAll()
    qtbot.keyClicks(edit, "1745")
    assert edit.time() == QTime(17, 45) and edit.text() == "17:45"
    fmt.set_clock("12")  # the Settings choice changes the clock shown, not the time
    edit.apply_clock()
    assert edit.time() == QTime(17, 45) and edit.text() == "5:45 PM"


def test_what_is_no_time_is_left_to_the_field() -> None:
    assert as_time("2460") is None and as_time("99") is None and as_time("2400") is None
    assert as_time("0000") == QTime(0, 0) and as_time("745") == QTime(7, 45)
