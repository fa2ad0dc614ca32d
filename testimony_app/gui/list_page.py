"""A list screen: search box, filters and a lazily fetched table."""

from __future__ import annotations

import html
import re
from typing import Any

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from testimony_app import i18n
from testimony_app.core.records import vocab
from testimony_app.core.records.listing import Filter
from testimony_app.core.records.textnorm import is_rtl
from testimony_app.gui import fmt
from testimony_app.gui.records_model import RecordTableModel
from testimony_app.gui.widgets.bidi import follow_text_direction
from testimony_app.gui.widgets.local_date_edit import LocalDateEdit
from testimony_app.gui.worker import VaultWorker
from testimony_app.i18n import _, ngettext


def columns(kind: str) -> list[tuple[str, str]]:
    return {
        "testimony": [("date", _("Interview date")), ("title", _("Title")),
                      ("status", _("Status")), ("witness", _("Witness")),
                      ("incidents", _("Incidents")), ("updated", _("Last change"))],
        "incident": [("date", _("Date")), ("type", _("Type")), ("place", _("Place")),
                     ("victims", _("Victims")), ("verification", _("Verification")),
                     ("updated", _("Last change"))],
        "person": [("code", _("Pseudonym")), ("sex", _("Sex")), ("age", _("Age")),
                   ("occupation", _("Occupation")), ("public", _("Name is public")),
                   ("name", _("Name (protected)")),
                   ("duplicates", _("Possible duplicates"))],
    }[kind]


def excerpt_html(snippet: str) -> str:
    """A search snippet ("…the [checkpoint] at…") as escaped rich text with the match
    highlighted, laid out in the direction of its own script."""
    body = re.sub(r"\[([^\[\]]*)\]",
                  r'<span style="background:#fff59d; font-weight:bold">\1</span>',
                  html.escape(snippet, quote=False))
    direction = "rtl" if is_rtl(snippet) else "ltr"
    return f'<p dir="{direction}">{body}</p>'


class ListPage(QWidget):
    """Testimonies, incidents or people, with search and filters."""

    open_record = Signal(str)

    def __init__(self, worker: VaultWorker, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.worker = worker
        self._excerpts: dict[str, str] = {}
        sort = {"person": "code"}.get(kind, "date")
        self.model = RecordTableModel(worker, kind, columns(kind), sort)
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Search (Arabic or English)…"))
        self.search.setAccessibleName(_("Search"))
        self.search.setClearButtonEnabled(True)
        follow_text_direction(self.search)
        self._debounce = QTimer(self, singleShot=True, interval=300)
        self._debounce.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(lambda _t: self._debounce.start())

        bar = QHBoxLayout()
        bar.addWidget(self.search, 3)
        self.status = QComboBox()
        self.status.setAccessibleName(_("Status"))
        self.status.addItem(_("Any status"), None)
        self.status.addItem(_("Drafts"), "draft")
        self.status.addItem(_("Finalised"), "finalised")
        self.type = QComboBox()
        self.type.setAccessibleName(_("Incident type"))
        self.type.addItem(_("Any incident type"), None)
        for code in vocab.INCIDENT_TYPES:
            self.type.addItem(vocab.label("incident_type", code, i18n.language()), code)
        self.use_dates = QCheckBox(_("Between"))
        self.date_from = LocalDateEdit(QDate(2011, 1, 1))
        self.date_to = LocalDateEdit(QDate.currentDate())
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("d MMM yyyy")  # as the lists write dates (gui/fmt.py)
        self.date_from.setAccessibleName(_("From date"))
        self.date_to.setAccessibleName(_("To date"))
        self.place = QComboBox()
        self.place.setAccessibleName(_("Place"))
        self.place.addItem(_("Any place"), None)
        if kind == "testimony":
            bar.addWidget(self.status)
        if kind != "person":
            bar.addWidget(self.type)
            bar.addWidget(self.use_dates)
            bar.addWidget(self.date_from)
            bar.addWidget(QLabel(_("and")))
            bar.addWidget(self.date_to)
            bar.addWidget(self.place)
        for combo in (self.status, self.type, self.place):
            combo.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.use_dates.toggled.connect(lambda _b: self.apply_filter())
        self.date_from.dateChanged.connect(lambda _d: self.apply_filter())
        self.date_to.dateChanged.connect(lambda _d: self.apply_filter())

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName(_("Records"))
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        # As tall as the font's line needs (Arabic lines are taller than Latin ones).
        self.table.verticalHeader().setDefaultSectionSize(
            max(26, int(self.table.fontMetrics().height() * 1.6)))
        header = self.table.horizontalHeader()
        # The column that says what a row is takes the room; "Last change" only its own.
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setResizeContentsPrecision(0)  # the rows in view only: never fetch them all
        header.setStretchLastSection(False)
        wide = {"testimony": "title", "incident": "place", "person": "name"}[kind]
        keys = [key for key, _label in columns(kind)]
        header.setSectionResizeMode(keys.index(wide), QHeaderView.ResizeMode.Stretch)
        header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.table.activated.connect(self._activated)
        self.table.setToolTip(_("Double-click or press Enter to open"))
        self.count_label = QLabel()
        self.model.modelReset.connect(self._update_count)
        # Where the search matched, for the row selected: the passage, match highlighted.
        self.excerpt = QLabel()
        self.excerpt.setWordWrap(True)
        self.excerpt.setTextFormat(Qt.TextFormat.RichText)
        self.excerpt.setAccessibleName(_("Where the search matched"))
        self.excerpt.setVisible(False)
        self.table.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self._show_excerpt(current.row()))

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.excerpt)
        layout.addWidget(self.count_label)

    def set_places(self, places: list[tuple[str, str]]) -> None:
        current = self.place.currentData()
        self.place.blockSignals(True)
        while self.place.count() > 1:
            self.place.removeItem(1)
        for place_id, label in places:
            self.place.addItem(label, place_id)
        wanted = self.place.property("wanted")
        if wanted is not None and self.place.findData(wanted) >= 0:
            current = wanted  # kept from before the window was rebuilt
            self.place.setProperty("wanted", None)
        index = self.place.findData(current)
        self.place.setCurrentIndex(max(index, 0))
        self.place.blockSignals(False)

    def current_filter(self) -> Filter:
        dated = self.use_dates.isChecked()
        return Filter(
            status=self.status.currentData() if self.kind == "testimony" else None,
            incident_type=self.type.currentData() if self.kind != "person" else None,
            date_from=self.date_from.date().toString("yyyy-MM-dd") if dated else None,
            date_to=self.date_to.date().toString("yyyy-MM-dd") if dated else None,
            place_id=self.place.currentData() if self.kind != "person" else None,
            query=self.search.text().strip() or None,
        )

    def apply_filter(self) -> None:
        filter_ = self.current_filter()
        self.model.set_filter(filter_)
        self._excerpts = {}
        self.excerpt.setVisible(False)
        query, kind = filter_.query, self.kind
        if query:
            def found(hits: list[Any]) -> None:
                if self.search.text().strip() == query:
                    self._excerpts = {hit.id: hit.snippet for hit in hits}
                    self._show_excerpt(self.table.currentIndex().row())

            self.worker.with_session(lambda s: s.search(query, 200, kind), found,
                                     lambda _e: None)

    def _show_excerpt(self, row: int) -> None:
        snippet = self._excerpts.get(self.model.row_id(row) or "") if row >= 0 else None
        self.excerpt.setVisible(bool(snippet))
        if snippet:
            self.excerpt.setText(excerpt_html(snippet))

    def _activated(self, index: object) -> None:
        row_id = self.model.row_id(self.table.currentIndex().row())
        if row_id:
            self.open_record.emit(row_id)

    def _update_count(self) -> None:
        self.count_label.setText(ngettext("{count} record", "{count} records",
                                          self.model.count).format(
            count=fmt.number(self.model.count)))

    def clear(self) -> None:
        self.search.clear()
        self.model.clear()
