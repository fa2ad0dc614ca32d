"""Figures by month, type, place, sex, age group, status and perpetrator, with charts.

Cases documented here and each source's reported figures sit side by side (a
column per source, a bar per figure) and are never added together; every count keeps
its qualifier ("at least 1,897"). Several figures a source gave for one cell (two
parts of a city) are listed side by side, each with its place; their sum is shown
only when asked for, in a column of its own that says it was computed here. A figure
whose dates cross a month boundary is shown under the months it spans. Below, the
figures that disagree, each with its source. Figures come from the vault through the
worker; CSV is written by the core, the chart image through the session, so both
exports are logged.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QDate, QIODevice, Qt
from PySide6.QtGui import QFont, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from testimony_app import i18n
from testimony_app.core.common.errors import TestimonyError
from testimony_app.core.records import vocab
from testimony_app.core.workspace import stats
from testimony_app.core.workspace.discrepancy import Discrepancy
from testimony_app.core.workspace.stats import DOCUMENTED, Figures
from testimony_app.gui import fmt
from testimony_app.gui.widgets.details_pane import DetailsPane
from testimony_app.gui.worker import VaultWorker
from testimony_app.gui.workspace.bar_chart import BarChart, Series
from testimony_app.i18n import N_, _, ngettext

GROUPINGS = [("month", N_("Month")), ("type", N_("Incident type")), ("place", N_("Place")),
             ("sex", N_("Sex")), ("age_group", N_("Age group")),
             ("status", N_("Victim status")), ("perpetrator", N_("Perpetrator"))]
LEVELS = [("governorate", N_("Governorate")), ("city", N_("City")),
          ("district", N_("District")), ("neighbourhood", N_("Neighbourhood")),
          ("", N_("As recorded"))]
TITLES = {"month": N_("Victims of {type}, by month"),
          "type": N_("Victims by incident type"),
          "place": N_("Victims of {type}, by place"),
          "sex": N_("Victims of {type}, by sex"),
          "age_group": N_("Victims of {type}, by age group"),
          "status": N_("Victims of {type}, by victim status"),
          "perpetrator": N_("Victims of {type}, by perpetrator")}
DEFAULT_TYPE = "arbitrary_arrest"  # the report's monthly table, when the vault has it


def month_label(code: str) -> str:
    """'2016-12' as the UI language writes a month ('Dec 2016', 'كانون الأول ٢٠١٦')."""
    date = QDate.fromString(code + "-01", "yyyy-MM-dd")
    return fmt.digits(fmt.locale().toString(date, "MMM yyyy")) if date.isValid() else code


def period_label(start: str, end: str) -> str:
    """A period in words: one month as the month, else 'first – last'."""
    first, last = QDate.fromString(start, "yyyy-MM-dd"), QDate.fromString(end, "yyyy-MM-dd")
    if first.isValid() and last.isValid() and first.day() == 1 \
            and last == first.addMonths(1).addDays(-1):
        return month_label(start[:7])
    def day(d: QDate) -> str:
        return fmt.date(d.toString("yyyy-MM-dd")) if d.isValid() else "…"

    return f"{day(first)} – {day(last)}"


def months_between(first: str, last: str) -> list[str]:
    """Every month from first to last (YYYY-MM), so that a gap shows as a gap."""
    year, month = (int(x) for x in first.split("-"))
    out: list[str] = []
    while f"{year:04d}-{month:02d}" <= last and len(out) < 1200:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def source_label(source: str) -> str:
    return _("Documented here") if source == DOCUMENTED else source


def category_label(figures: Figures, row: dict[str, Any], marked: bool = True) -> str:
    """A row's category in words; a span of months in the UI language, marked (the
    chart leaves the mark out: its narrow slots have room for the months alone, and
    "Jul 2016 – Dec 2016" under a bar says the span)."""
    if figures.by != "month":
        return stats.row_label(figures, row, i18n.language())
    code = str(row["month"])
    if not stats.spans_months(code):
        return month_label(code)
    first, last = code.split("/")
    first, last = ("…" if first == ".." else month_label(first),
                   "…" if last == ".." else month_label(last))
    if not marked:
        return f"{first} – {last}"
    return _("{first} – {last} (spans months)").format(first=first, last=last)


def lane(row: dict[str, Any]) -> str:
    """The column a row goes in: documented, a source, or a source's computed total."""
    if row["kind"] == stats.TOTAL:
        return _("{source} — computed here").format(source=i18n.isolate(row["source"]))
    return str(row["source"])


def _message(error: BaseException) -> str:
    """Words for a failure: ours say what to do; any other never shows its message,
    which could quote a record."""
    if isinstance(error, TestimonyError):
        return str(error)
    return _("The figures could not be shown ({type}).").format(type=type(error).__name__)


def plain_tip(text: str) -> str:
    """A tooltip showing `text` as it is: escaped inside <qt>, so Qt neither renders
    markup a record may hold nor shows the escapes."""
    return "<qt>" + html.escape(text).replace("\n", "<br>") + "</qt>"


def _item(text: str, tooltip: str = "", number: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if tooltip:
        item.setToolTip(plain_tip(tooltip))
    if number:
        item.setTextAlignment(Qt.AlignmentFlag.AlignTrailing | Qt.AlignmentFlag.AlignVCenter)
    return item


class FiguresPage(QWidget):
    def __init__(self, worker: VaultWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self.figures: Figures | None = None
        self.found: list[Discrepancy] = []
        self._generation = 0

        self.grouping = QComboBox()
        self.grouping.setAccessibleName(_("Group by"))
        for code, text in GROUPINGS:
            self.grouping.addItem(_(text), code)
        self.level = QComboBox()
        self.level.setAccessibleName(_("Place level"))
        for code, text in LEVELS:
            self.level.addItem(_(text), code)
        self.level_label = QLabel(_("Level:"))
        self.type = QComboBox()
        self.type.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.type.setAccessibleName(_("Incident type"))
        self.type_label = QLabel(_("Incident type:"))
        self.export_button = QPushButton(_("Export CSV…"))
        self.png_button = QPushButton(_("Save chart as PNG…"))
        self.totals = QCheckBox(_("Add up each source's figures (computed here)"))
        self.totals.setAccessibleName(self.totals.text())
        self.totals.toggled.connect(lambda _on: self.reload())
        for button in (self.export_button, self.png_button):
            button.setAccessibleName(button.text())
        self.grouping.currentIndexChanged.connect(self._grouping_changed)
        self.level.currentIndexChanged.connect(lambda _i: self.reload())
        self.type.currentIndexChanged.connect(lambda _i: self._render())
        self.export_button.clicked.connect(self.export_csv)
        self.png_button.clicked.connect(self.save_png)
        controls = QHBoxLayout()
        controls.addWidget(QLabel(_("Group by:")))
        controls.addWidget(self.grouping)
        controls.addWidget(self.level_label)
        controls.addWidget(self.level)
        controls.addWidget(self.type_label)
        controls.addWidget(self.type)
        controls.addWidget(self.totals)
        controls.addStretch(1)
        controls.addWidget(self.export_button)
        controls.addWidget(self.png_button)

        explain = QLabel(_("Cases documented in this vault are counted here; every figure "
                           "another source reported is shown as it was published, beside the "
                           "others, never added to them.") + " " + stats.sign_legend())
        explain.setWordWrap(True)
        self.status = QLabel()
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)

        self.chart = BarChart()
        self.table = QTableWidget(0, 0)
        self.table.setAccessibleName(_("Figures"))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.notes = QLabel()
        self.notes.setTextFormat(Qt.TextFormat.PlainText)  # source names are record text
        self.notes.setWordWrap(True)
        table_box = QWidget()
        table_layout = QVBoxLayout(table_box)
        table_layout.setContentsMargins(0, 0, 0, 0)
        table_layout.addWidget(self.table, 1)
        table_layout.addWidget(self.notes)

        self.discrepancies = QTextEdit()
        self.discrepancies.setAccessibleName(_("Discrepancies"))
        self.discrepancies.setReadOnly(True)
        self.discrepancies.setAcceptRichText(False)
        self.discrepancies_title = QLabel(_("Discrepancies"))
        bold = self.discrepancies_title.font()
        bold.setBold(True)
        self.discrepancies_title.setFont(bold)
        disc_box = QWidget()
        disc_layout = QVBoxLayout(disc_box)
        disc_layout.setContentsMargins(0, 0, 0, 0)
        disc_layout.addWidget(self.discrepancies_title)
        disc_layout.addWidget(self.discrepancies, 1)
        self.discrepancy_ids = DetailsPane(_("Records behind the discrepancies"))
        disc_layout.addWidget(self.discrepancy_ids)

        upper = QSplitter(Qt.Orientation.Horizontal)
        upper.addWidget(self.chart)
        upper.addWidget(disc_box)
        upper.setStretchFactor(0, 3)
        upper.setStretchFactor(1, 2)
        upper.setChildrenCollapsible(False)
        upper.setSizes([600, 400])
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(upper)
        self.splitter.addWidget(table_box)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([350, 250])

        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(explain)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.status)
        self._update_controls()

    # -- choices ------------------------------------------------------------------------

    def by(self) -> str:
        return str(self.grouping.currentData())

    def place_level(self) -> str | None:
        return (self.level.currentData() or None) if self.by() == "place" else None

    def incident_type(self) -> str | None:
        """The type shown (None when grouping by type: every type is a category)."""
        return None if self.by() == "type" else (self.type.currentData() or None)

    def _update_controls(self) -> None:
        place = self.by() == "place"
        self.level.setVisible(place)
        self.level_label.setVisible(place)
        self.type.setVisible(self.by() != "type")
        self.type_label.setVisible(self.by() != "type")

    def _grouping_changed(self, _index: int = 0) -> None:
        self._update_controls()
        self.reload()

    # -- loading ------------------------------------------------------------------------

    def reload(self) -> None:
        """Load from the vault (on the worker); called when the page is shown."""
        self._generation += 1
        generation = self._generation
        by, level, language = self.by(), self.place_level(), i18n.language()
        totals = self.totals.isChecked()

        def job(session: Any) -> tuple[Figures, list[Discrepancy]]:
            return (session.stats(by, level, language, totals),
                    session.discrepancies(language))

        def done(result: tuple[Figures, list[Discrepancy]]) -> None:
            if generation == self._generation:  # not a late answer to an older question
                self._show(*result)

        self.worker.with_session(job, done, self._failed)

    def _failed(self, error: BaseException) -> None:
        self.status.setText(_message(error))

    def _show(self, figures: Figures, found: list[Discrepancy]) -> None:
        self.figures, self.found = figures, found
        types = sorted({r["incident_type"] for r in figures.rows},
                       key=lambda t: vocab.label("incident_type", t, i18n.language()))
        wanted = self.type.currentData() or DEFAULT_TYPE
        self.type.blockSignals(True)
        self.type.clear()
        for code in types:
            self.type.addItem(vocab.label("incident_type", code, i18n.language()), code)
        index = self.type.findData(wanted)
        self.type.setCurrentIndex(index if index >= 0 else 0)
        self.type.blockSignals(False)
        self._render()
        self._show_discrepancies()

    # -- table and chart ----------------------------------------------------------------

    def _render(self) -> None:
        figures = self.figures
        if figures is None:
            return
        by = figures.by  # the combo may already ask for the next grouping
        type_ = None if by == "type" else (self.type.currentData() or None)
        if type_ is None and by != "type" and figures.rows:
            type_ = figures.rows[0]["incident_type"]  # never several types in one cell
        rows = [r for r in figures.rows if type_ is None or r["incident_type"] == type_]
        field = stats.CATEGORY[by]
        lanes = sorted({lane(r) for r in rows},
                       key=lambda s: (s != DOCUMENTED, s.casefold()))
        codes = list(dict.fromkeys(r[field] for r in rows))
        labels = {r[field]: category_label(figures, r) for r in rows}
        unmarked = {r[field]: category_label(figures, r, marked=False) for r in rows}
        if by == "month" and codes:
            single = [c for c in codes if not stats.spans_months(c)]
            spans = sorted(c for c in codes if stats.spans_months(c))
            codes = (months_between(min(single), max(single)) if single else []) + spans
            labels.update({c: month_label(c) for c in codes if not stats.spans_months(c)})
        cell: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for r in rows:
            cell.setdefault((r[field], lane(r)), []).append(r)

        breakdown = by not in ("sex", "age_group")
        columns: list[tuple[str, str]] = []  # (lane, "victims" | "women" | "children")
        for name in lanes:
            columns.append((name, "victims"))
            if breakdown:
                for part in ("women", "children"):
                    if any(r.get(part) for r in rows if lane(r) == name):
                        columns.append((name, part))
        words = {"victims": _("victims"), "women": _("women"), "children": _("children")}
        first = dict(GROUPINGS)[by]
        language = i18n.language()
        self.table.clear()
        self.table.setColumnCount(1 + len(columns))
        self.table.setRowCount(len(codes))
        self.table.setHorizontalHeaderItem(0, QTableWidgetItem(_(first)))
        for col, (name, part) in enumerate(columns, start=1):
            # The source heads its first column; its women and children follow it.
            text = source_label(name)
            short = text if len(text) <= 32 else text[:31] + "…"
            header = QTableWidgetItem(
                f"{i18n.isolate(short) if part == 'victims' else ''}\n{words[part]}")
            header.setToolTip(plain_tip(f"{i18n.isolate(text)}{_(': ')}{words[part]}"))
            header.setData(Qt.ItemDataRole.UserRole, (name, part))
            self.table.setHorizontalHeaderItem(col, header)
        for row_index, code in enumerate(codes):
            self.table.setItem(row_index, 0, _item(labels.get(code, code), labels.get(code, "")))
            for col, (name, part) in enumerate(columns, start=1):
                found = cell.get((code, name), [])
                texts = []
                # Several figures in a cell: each says where, or when if all are of one place.
                several_places = len({r.get("figure_place") for r in found}) > 1
                for r in found:
                    value = r.get(part)
                    if value is None:
                        continue
                    q = r["qualifier"] if part == "victims" else r.get(f"{part}_qualifier")
                    text = stats.qualified(int(value), str(q or "exact"), fmt.number)
                    if len(found) > 1 and r["kind"] == stats.REPORTED:
                        text += " ({})".format(r["figure_place"] if several_places
                                               else stats.period_text(r["period"]))
                    texts.append(text)
                tip = "\n".join(f"{source_label(r['source'])}: "
                                 f"{stats.figure_text(r, fmt.number, language)}" for r in found)
                self.table.setItem(row_index, col, _item(i18n.join(texts, "·"),
                                                         tip if texts else "",
                                                         number=len(texts) == 1))
        self.table.resizeColumnsToContents()
        self.table.resizeRowsToContents()

        # One bar per figure: a source with two figures in a cell gets two series.
        series = []
        for name in lanes:
            depth = max((len(cell.get((c, name), [])) for c in codes), default=0)
            for index in range(depth):
                picked = [cell.get((c, name), [])[index] if index < len(cell.get((c, name), []))
                          else None for c in codes]
                series.append(Series(
                    source_label(name) if index == 0 else f"{source_label(name)} ({index + 1})",
                    [None if r is None else int(r["victims"]) for r in picked],
                    [r["qualifier"] if r is not None else "exact" for r in picked],
                    [stats.figure_text(r, fmt.number, language) if r is not None else ""
                     for r in picked]))
        type_label = vocab.label("incident_type", type_ or "", language) if type_ else ""
        self.chart.set_data(_(TITLES[by]).format(type=type_label),
                            [unmarked.get(c, labels.get(c, c)) for c in codes], series,
                            _("A bar per figure; bars are never added together.") + " "
                            + stats.sign_legend())
        self._show_notes(figures, rows)

    def _show_notes(self, figures: Figures, rows: list[dict[str, Any]]) -> None:
        lines = []
        if figures.by == "month" and any(r.get("spans_months") for r in rows):
            lines.append(_("A date or period that crosses a month boundary is shown under "
                           "the months it spans (marked), not under the month it starts."))
        if any(r["kind"] == stats.TOTAL for r in rows):
            lines.append(_("Columns marked \"computed here\" add up one source's figures of "
                           "a cell; no source published those sums."))
        if any(r.get("count_from_parts") for r in rows):
            lines.append(_("A figure marked as computed from its parts is the sum of the "
                           "parts its source gave; the source printed no total."))
        self.notes.setText("\n".join(lines))
        self.notes.setVisible(bool(lines))

    # -- discrepancies --------------------------------------------------------------------

    def _show_discrepancies(self) -> None:
        """Each disagreement and its figures, written as plain text (names come from
        records) with bold headings through character formats, never markup."""
        self.discrepancies.clear()
        self.discrepancy_ids.clear()
        kinds = {"sources_differ": _("Sources give different figures:"),
                 "total_vs_parts": _("A total and the sum of its parts differ:")}
        roles = {"reported": _("reported by"), "total": _("total reported by")}
        language = i18n.language()
        cursor = self.discrepancies.textCursor()
        ids: list[tuple[str, str]] = []  # the records behind each figure, for the details
        plain, bold = QTextCharFormat(), QTextCharFormat()
        bold.setFontWeight(QFont.Weight.Bold)
        for number, found in enumerate(self.found):
            if number:
                cursor.insertText("\n\n", plain)
            # The place comes from records and the period holds digits: each isolated,
            # joined by the language's separator (a dot beside Arabic digits reads as 0).
            cursor.insertText(i18n.join([
                vocab.label("incident_type", found.incident_type, language),
                i18n.isolate(found.place) if found.place else _("(no place)"),
                i18n.isolate(period_label(found.start, found.end))], "·"), bold)
            cursor.insertText("\n" + kinds.get(found.kind, found.kind), plain)
            for figure in found.figures:
                extra = []
                if "women" in found.differs and figure.women is not None:
                    extra.append(ngettext("{n} woman", "{n} women", figure.women).format(
                        n=fmt.number(figure.women)))
                if "children" in found.differs and figure.children is not None:
                    extra.append(ngettext("{n} child", "{n} children", figure.children)
                                 .format(n=fmt.number(figure.children)))
                cursor.insertText("\n  • ", plain)
                cursor.insertText(" ".join([stats.qualified(figure.count, figure.qualifier,
                                                            fmt.number), *extra]), bold)
                parts = len(figure.record_ids)
                role = (ngettext("computed here: the sum of {n} part reported by",
                                 "computed here: the sum of {n} parts reported by", parts)
                        if figure.role == "sum_of_parts" else roles.get(figure.role, figure.role))
                role = role.format(n=fmt.number(parts))
                cursor.insertText(f" — {role} {i18n.isolate(figure.source)}", plain)
                ids.append((_("{source}, {period}").format(
                    source=i18n.isolate(figure.source),
                    period=period_label(figure.start, figure.end)),
                    ", ".join(figure.record_ids)))
        self.discrepancies.moveCursor(QTextCursor.MoveOperation.Start)
        self.discrepancy_ids.set_rows(list(dict.fromkeys(ids)))
        self.discrepancies_title.setText(
            _("Discrepancies: {n}").format(n=fmt.number(len(self.found))) if self.found
            else _("Discrepancies: none among the reported figures"))

    # -- exports --------------------------------------------------------------------------

    def _ask_target(self, title: str, suffix: str, name: str, pattern: str) -> Path | None:
        dialog = QFileDialog(self, title)
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.setOption(QFileDialog.Option.DontConfirmOverwrite, True)  # the save refuses
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix(suffix)
        dialog.setNameFilters([pattern, _("All files (*)")])
        dialog.selectFile(name)
        if dialog.exec() and dialog.selectedFiles():
            return Path(dialog.selectedFiles()[0])
        return None

    def export_csv(self) -> None:
        target = self._ask_target(_("Export figures as CSV"), "csv",
                                  f"figures-by-{self.by()}.csv", _("CSV files (*.csv)"))
        if target is not None:
            self.export_csv_to(target)

    def export_csv_to(self, target: Path) -> None:
        """Every figure of this grouping (all incident types), written by the core."""
        by, level, language = self.by(), self.place_level(), i18n.language()
        self.status.setText(_("Exporting…"))

        def done(rows: int) -> None:
            self.status.setText(ngettext("Saved {rows} figure to {path}.",
                                         "Saved {rows} figures to {path}.", rows).format(
                rows=fmt.number(rows), path=str(target)))

        self.worker.with_session(lambda s: s.stats_csv(target, by, level, language), done,
                                 self._export_failed)

    def save_png(self) -> None:
        target = self._ask_target(_("Save chart as PNG"), "png", f"figures-by-{self.by()}.png",
                                  _("PNG images (*.png)"))
        if target is not None:
            self.save_png_to(target)

    def chart_png(self) -> bytes:
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        self.chart.grab().save(buffer, "PNG")
        buffer.close()
        return bytes(data.data())

    def save_png_to(self, target: Path) -> None:
        png, by = self.chart_png(), self.by()

        def done(_result: object) -> None:
            self.status.setText(_("Saved the chart to {path}.").format(path=i18n.isolate(target)))

        self.worker.with_session(lambda s: s.save_chart(target, png, by), done,
                                 self._export_failed)

    def _export_failed(self, error: BaseException) -> None:
        self.status.setText(_message(error))

    def clear(self) -> None:
        """Forget everything shown (on lock)."""
        self._generation += 1
        self.figures, self.found = None, []
        self.table.clear()
        self.table.setRowCount(0)
        self.table.setColumnCount(0)
        self.chart.clear()
        self.discrepancies.clear()
        self.discrepancy_ids.clear()
        self.notes.clear()
        self.status.clear()
        self.type.blockSignals(True)
        self.type.clear()
        self.type.blockSignals(False)
