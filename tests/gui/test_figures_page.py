"""The Figures page: the report's monthly table and chart, discrepancies,
exports; real widgets against a real demo vault, offscreen."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from testimony_app import i18n
from testimony_app.gui.main_window import MainWindow
from testimony_app.gui.worker import VaultWorker
from testimony_app.gui.workspace.bar_chart import PALETTE, BarChart
from testimony_app.gui.workspace.figures_page import FiguresPage
from tests.gui.conftest import idle_session, item_text, wait_idle

SNHR = "Syrian Network for Human Rights"
MONTHS = ["Jul 2016", "Aug 2016", "Sep 2016", "Oct 2016", "Nov 2016", "Dec 2016", "Jan 2017"]
SPANS = ["Jul 2016 – Dec 2016 (spans months)", "Nov 2016 – Dec 2016 (spans months)",
         "Nov 2016 – Jan 2017 (spans months)"]


def make_page(qtbot: QtBot, worker: VaultWorker) -> FiguresPage:
    page = FiguresPage(worker)
    qtbot.addWidget(page)
    page.resize(1030, 700)
    page.show()
    page.reload()
    qtbot.waitUntil(lambda: page.table.rowCount() > 0, timeout=20_000)
    return page


def column(page: FiguresPage, name: str, part: str = "victims") -> int:
    for col in range(page.table.columnCount()):
        source = "documented" if name == "Documented here" else name
        header = page.table.horizontalHeaderItem(col)
        assert header is not None
        if header.data(Qt.ItemDataRole.UserRole) == (source, part):
            return col
    raise AssertionError(f"no column {name}: {part}")


def table(page: FiguresPage, col: int) -> dict[str, str]:
    return {item_text(page.table, r, 0): item_text(page.table, r, col)
            for r in range(page.table.rowCount())}


def pixels(image: QImage, color: str) -> int:
    wanted = QColor(color).rgb()
    return sum(1 for y in range(image.height()) for x in range(image.width())
               if image.pixel(x, y) == wanted)


def painted(chart: BarChart, image: QImage, series: int) -> float:
    """The share of a series' bar area that the image shows in its colour."""
    area = sum(b.rect.width() * b.rect.height() for b in chart.chart_layout().bars
               if b.series == series)
    return pixels(image, PALETTE[series]) / area


def test_the_reports_monthly_arrest_table_and_chart(qtbot: QtBot, open_worker: VaultWorker) -> None:
    page = make_page(qtbot, open_worker)
    assert page.by() == "month" and page.incident_type() == "arbitrary_arrest"
    # The months, then what spans months (never filed under the month it starts).
    shown = [item_text(page.table, r, 0) for r in range(page.table.rowCount())]
    assert shown == MONTHS + SPANS
    snhr = table(page, column(page, SNHR))
    assert snhr == {"Jul 2016": "at least 61", "Aug 2016": "at least 48",
                    "Sep 2016": "at least 65", "Oct 2016": "at least 89",
                    "Nov 2016": "at least 61", "Dec 2016": "at least 1,897", "Jan 2017": "",
                    SPANS[0]: "at least 2,367", SPANS[1]: "", SPANS[2]: ""}
    assert table(page, column(page, SNHR, "women"))["Dec 2016"] == "at least 47"
    assert table(page, column(page, SNHR, "children"))["Dec 2016"] == "at least 21"
    assert table(page, column(page, "An Agonizing Farewell"))["Dec 2016"] == "at least 1,800"
    documented = table(page, column(page, "Documented here"))
    assert documented["Dec 2016"] == "4" and documented[SPANS[1]] == "at least 15"
    assert "spans" in page.notes.text()

    chart = page.chart
    names = [s.name for s in chart.series]
    assert names == ["Documented here", "An Agonizing Farewell", SNHR]
    geometry = chart.chart_layout()
    assert len(geometry.bars) == 12  # SNHR's 6 months and total, 1 from the report, 4 documented
    bar = {(b.series, chart.categories[b.category]): b.rect for b in geometry.bars}
    december, july = bar[2, "Dec 2016"], bar[2, "Jul 2016"]
    assert abs(december.height() / july.height() - 1897 / 61) < 1.5
    assert december.height() > bar[1, "Dec 2016"].height() > 50
    # It really painted: each series' colour fills its bars' area in the grabbed image.
    image = chart.grab().toImage()
    for index in range(3):
        assert painted(chart, image, index) > 0.6
    assert pixels(image, PALETTE[2]) > 2000


def test_discrepancies_show_both_figures_with_their_sources(
        qtbot: QtBot, open_worker: VaultWorker) -> None:
    page = make_page(qtbot, open_worker)
    text = page.discrepancies.toPlainText()
    assert "at least 2,367" in text and "at least 2,221" in text
    assert "at least 1,897" in text and "at least 1,800" in text
    assert SNHR in text and "An Agonizing Farewell" in text
    assert "5f66e23c" not in text  # ids only in the details, with a Copy button
    assert "5f66e23c" in page.discrepancy_ids.text()
    # WHO's 811 patients referred to hospitals count another thing than ICRC's 34,000
    # evacuees (seeded as "other"): two figures of different things are no discrepancy.
    assert "811" not in text
    assert page.discrepancies_title.text() == "Discrepancies: 2"


def test_other_groupings(qtbot: QtBot, open_worker: VaultWorker) -> None:
    page = make_page(qtbot, open_worker)
    page.grouping.setCurrentIndex(page.grouping.findData("place"))
    assert page.level.isVisible()
    page.level.setCurrentIndex(page.level.findData("district"))
    qtbot.waitUntil(lambda: page.figures is not None and page.figures.level == "district",
                    timeout=20_000)
    places = table(page, column(page, "Documented here"))
    assert places["East Aleppo"] == "at least 8" and places["West Aleppo"] == "at least 6"
    assert places["Aleppo (city)"] == "17"
    page.grouping.setCurrentIndex(page.grouping.findData("type"))
    qtbot.waitUntil(lambda: page.figures is not None and page.figures.by == "type",
                    timeout=20_000)
    assert not page.type.isVisible()
    # Each of SNHR's figures as published, side by side with its period: none added up.
    snhr = table(page, column(page, SNHR))["Arbitrary arrest"]
    assert snhr.startswith("at least 2,367 (from July 1 to December 31, 2016) · ")
    assert "at least 1,897 (2016-12)" in snhr and snhr.count(" · ") == 6
    page.grouping.setCurrentIndex(page.grouping.findData("sex"))
    qtbot.waitUntil(lambda: page.figures is not None and page.figures.by == "sex",
                    timeout=20_000)
    assert table(page, column(page, SNHR))["female"].startswith(
        "at least 89 (from July 1 to December 31, 2016) · at least 11 (2016-07)")
    assert len(page.chart.chart_layout().bars) >= 3


def test_tooltips_show_record_text_as_text() -> None:
    from testimony_app.gui.workspace.figures_page import plain_tip

    assert plain_tip("<b>A & B</b>") == "<qt>&lt;b&gt;A &amp; B&lt;/b&gt;</qt>"


def test_exports(qtbot: QtBot, open_worker: VaultWorker, tmp_path: Path) -> None:
    page = make_page(qtbot, open_worker)
    target = tmp_path / "figures.csv"
    page.export_csv_to(target)
    qtbot.waitUntil(target.exists, timeout=20_000)
    wait_idle(qtbot, open_worker)
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert rows[0][:4] == ["month", "incident_type", "kind", "source"]
    assert ["2016-12", "arbitrary_arrest", "reported", SNHR, "at_least", "1897"] in [
        r[:6] for r in rows]
    assert "Saved" in page.status.text()
    png = tmp_path / "chart.png"
    page.save_png_to(png)
    qtbot.waitUntil(png.exists, timeout=20_000)
    wait_idle(qtbot, open_worker)
    image = QImage(str(png))
    assert image.width() == page.chart.width() and image.height() == page.chart.height()
    assert painted(page.chart, image, 2) > 0.6
    # A file that exists is never replaced: the person is told, in words.
    before = png.read_bytes()
    page.save_png_to(png)
    qtbot.waitUntil(lambda: "already exists" in page.status.text(), timeout=20_000)
    assert png.read_bytes() == before
    actions = [e.action for e in idle_session(qtbot, open_worker).activity()]
    assert actions.count("figures_exported") == 2


def test_arabic_mirrors_the_chart_and_uses_arabic_digits(
        qtbot: QtBot, open_worker: VaultWorker) -> None:
    i18n.set_language("ar")
    page = FiguresPage(open_worker)
    page.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    qtbot.addWidget(page)
    page.resize(1030, 700)
    page.show()
    page.reload()
    qtbot.waitUntil(lambda: page.table.rowCount() > 0, timeout=20_000)
    cells = [item_text(page.table, r, c) for r in range(page.table.rowCount())
             for c in range(page.table.columnCount()) if page.table.item(r, c)]
    assert any("١٬٨٩٧" in c for c in cells)
    bars = page.chart.chart_layout().bars
    first = min(b.category for b in bars)
    last = max(b.category for b in bars)
    x = {b.category: b.rect.x() for b in bars}
    assert x[first] > x[last]  # July on the right, January on the left
    image = page.chart.grab().toImage()
    assert painted(page.chart, image, 2) > 0.6 and pixels(image, PALETTE[2]) > 2000


def test_lock_clears_and_a_late_answer_is_dropped(qtbot: QtBot, open_worker: VaultWorker) -> None:
    page = make_page(qtbot, open_worker)
    page.reload()
    page.clear()
    wait_idle(qtbot, open_worker)
    assert page.table.rowCount() == 0 and page.figures is None
    assert page.chart.is_empty() and page.discrepancies.toPlainText() == ""


def test_the_coordinator_finds_it_in_the_window(qtbot: QtBot, open_worker: VaultWorker) -> None:
    window = MainWindow(open_worker, "vault")
    qtbot.addWidget(window)
    window.show()
    figures = window.workspace.figures
    window.nav.setCurrentRow(window.workspace.row_of(figures))
    qtbot.waitUntil(lambda: figures.table.rowCount() == len(MONTHS + SPANS), timeout=20_000)
    assert window.stack.currentWidget() is figures
    assert isinstance(figures.chart, BarChart) and not figures.chart.is_empty()
