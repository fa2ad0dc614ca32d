"""The Figures chart draws every month label whole (month and year, wrapped at spaces),
in English and in Arabic, on a 1366×768 laptop screen."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QFontMetricsF
from pytestqt.qtbot import QtBot

from testimony_app import i18n
from testimony_app.gui.main_window import MainWindow
from testimony_app.gui.worker import VaultWorker
from tests.gui.conftest import wait_idle
from tests.gui.test_walkthrough import fill_screen


@pytest.mark.parametrize("language", ["en", "ar"])
def test_every_month_label_is_drawn_whole(qtbot: QtBot, open_worker: VaultWorker,
                                          language: str) -> None:
    i18n.set_language(language)
    window = MainWindow(open_worker, "vault")
    qtbot.addWidget(window)
    window.show()
    fill_screen(window)
    figures = window.workspace.figures
    window.nav.setCurrentRow(window.workspace.row_of(figures))
    qtbot.waitUntil(lambda: figures.table.rowCount() > 0, timeout=20_000)
    chart = figures.chart
    qtbot.waitUntil(lambda: chart.isVisible() and not chart.is_empty(), timeout=5_000)
    assert window.frameGeometry().width() <= 1366
    metrics = QFontMetricsF(chart.font())
    out = chart.chart_layout()
    assert not out.rotate_labels  # slanted labels are cut at a length
    room = out.slot - 6
    below = chart.height() - out.plot.bottom() - 4
    month = "تشرين الثاني" if language == "ar" else "Nov"
    assert any(month in category for category in chart.categories)
    months = [(category, lines) for category, lines in zip(chart.categories, out.labels,
                                                            strict=True) if "–" not in category]
    assert len(months) == 7
    for category, lines in months:
        assert " ".join(lines) == " ".join(category.split())  # every word, none elided
        for text in lines:
            assert metrics.horizontalAdvance(text) <= room, (text, room)
        assert len(lines) * metrics.height() <= below
    if language == "ar":  # the year is drawn, not cut off after the month
        assert any(lines[-1].strip() == "٢٠١٦" for lines in out.labels)
    # The spans of months too: every word drawn, within the room below the axis (the
    # table marks them "spans months"; under a bar the range says it).
    spans = [(category, lines) for category, lines in zip(chart.categories, out.labels,
                                                          strict=True) if "–" in category]
    assert len(spans) == 3 and not any(out.cut)
    for category, lines in spans:
        assert " ".join(lines) == " ".join(category.split())
        assert len(lines) * metrics.height() <= below
    # A label's tooltip holds it whole: the point under its first line finds it.
    index = chart.categories.index(spans[0][0])
    x = out.plot.left() + (index + 0.5) * out.slot
    if chart.layoutDirection() == Qt.LayoutDirection.RightToLeft:
        x = chart.width() - x
    assert chart.category_at(QPointF(x, out.plot.bottom() + 6)) == index
    wait_idle(qtbot, open_worker)
