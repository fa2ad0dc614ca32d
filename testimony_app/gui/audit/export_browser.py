"""Read-only browsing of an export: figures, records and the redaction log.

Everything here came from files the auditor was handed, authentic or not: it is
read defensively (a missing or odd field shows as empty) and shown as plain text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QPlainTextEdit,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from testimony_app import i18n
from testimony_app.core.records import dates, vocab
from testimony_app.core.records.words import word
from testimony_app.core.workspace import stats
from testimony_app.gui import fmt
from testimony_app.gui.widgets.bidi import set_document_auto_direction
from testimony_app.i18n import N_, _, ngettext

# The kinds of records an export counts, in words.
KINDS = {"testimonies": N_("Testimonies"), "incidents": N_("Incidents"), "persons": N_("People"),
         "places": N_("Places"), "sources": N_("Sources"), "aggregates": N_("Reported figures")}


def _str(value: Any) -> str:
    return "" if value is None else str(value)


def _label(vocabulary: str, code: Any) -> str:
    if vocabulary in ("sex", "age_group", "language"):
        return word(vocabulary, code)
    words = {"mode": {"in_person": _("in person"), "phone": _("phone"),
                      "remote": _("remote")}}
    if vocabulary in words:
        return words[vocabulary].get(_str(code), _str(code))
    try:
        return vocab.label(vocabulary, str(code), i18n.language()) if code else ""
    except KeyError:
        return _str(code)


def _date(value: Any) -> str:
    if not isinstance(value, dict):
        return fmt.digits(_str(value))
    try:
        return fmt.digits(_str(value.get("value") or dates.sort_key(value)))
    except (KeyError, TypeError, ValueError):
        return ""


def _text(value: Any) -> str:
    """One language of a multilingual value (the UI's, else the first)."""
    if isinstance(value, dict):
        return _str(value.get(i18n.language()) or next(iter(value.values()), ""))
    return _str(value)


def _count(value: Any, threshold: int) -> str:
    if value is None:
        return f"<{fmt.number(threshold)}"
    return fmt.number(value) if isinstance(value, int) else _str(value)


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], name: str) -> QTableWidget:
    widget = QTableWidget(len(rows), len(headers))
    widget.setAccessibleName(name)
    widget.setHorizontalHeaderLabels(list(headers))
    widget.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    widget.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    widget.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    widget.verticalHeader().setVisible(False)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            widget.setItem(r, c, QTableWidgetItem(value))  # items are never rich text
    widget.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    widget.horizontalHeader().setStretchLastSection(True)
    return widget


class ExportBrowser(QTabWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(_("Export contents"))
        self.testimonies: list[dict[str, Any]] = []

    def clear_content(self) -> None:
        while self.count():
            widget = self.widget(0)
            self.removeTab(0)
            if widget is not None:
                widget.deleteLater()

    def show_content(self, manifest: dict[str, Any], records: dict[str, Any]) -> None:
        self.clear_content()
        try:
            threshold = int(manifest.get("threshold", 5))
        except (TypeError, ValueError):
            threshold = 5
        self.figures = self._figures(_list(manifest.get("figures")), threshold)
        self.addTab(self.figures, _("Figures"))
        self.addTab(self._testimonies(records), _("Testimonies"))
        self.incidents = self._incidents(records, threshold)
        self.addTab(self.incidents, _("Incidents"))
        self.persons = self._persons(records)
        self.addTab(self.persons, _("People"))
        self.log = self._log(manifest)
        self.addTab(self.log, _("Redaction log"))

    # -- tabs ------------------------------------------------------------------------

    def _figures(self, figures: list[dict[str, Any]], threshold: int) -> QTableWidget:
        """One row per figure: a documented count made here (a null is suppressed),
        or a figure another source published, as published (a null part is one its
        source did not give), with its place and period."""
        rows = []
        for f in figures:
            documented = f.get("source") == "documented"

            def part(name: str, qualifier: Any, f: dict[str, Any] = f,
                     documented: bool = documented) -> str:
                value = f.get(name)
                if value is None:
                    return _count(None, threshold) if documented else ""
                # The sign in a left-to-right isolate with its number: never mirrored.
                return stats.signed(_count(value, threshold), _str(qualifier) or "exact")

            period = f.get("period")
            try:
                when = fmt.digits(stats.period_text(period)) if isinstance(period, dict) else ""
            except (KeyError, TypeError):
                when = ""
            if documented:
                records = f.get("records")
                note = (ngettext("computed here from {n} record",
                                 "computed here from {n} records", records
                                 ).format(n=fmt.number(records)) if isinstance(records, int)
                        # suppressed below the threshold: "fewer than 5 records"
                        else ngettext("computed here from fewer than {n} record",
                                      "computed here from fewer than {n} records", threshold
                                      ).format(n=fmt.number(threshold)))
            elif f.get("count_from_parts"):
                note = _("as published; its count computed here from its parts")
            else:
                note = _("as published")
            month = _str(f.get("month"))
            rows.append([fmt.digits(stats.month_label(month) if month.count("/") == 1
                                    else month),
                         _label("incident_type", f.get("incident_type")),
                         _str(f.get("source")) if not documented else _("documented"),
                         part("victims", f.get("qualifier")),
                         part("women", None if documented else f.get("women_qualifier")),
                         part("children",
                              None if documented else f.get("children_qualifier")),
                         _count(f.get("records"), threshold), _str(f.get("figure_place")),
                         when, note])
        return table([_("Month"), _("Type"), _("Source"), _("Victims"), _("Women"),
                      _("Children"), _("Records"), _("Place"), _("Period"), _("Note")],
                     rows, _("Figures"))

    def _testimonies(self, records: dict[str, Any]) -> QWidget:
        self.testimonies = _list(records.get("testimonies"))
        rows = []
        for t in self.testimonies:
            interview = _dict(t.get("interview"))
            rows.append([_date(interview.get("date")),
                         _label("language", interview.get("language")),
                         _label("mode", interview.get("mode")),
                         _label("consent_scope", t.get("consent_scope")),
                         _str(t.get("witness")),
                         _("included") if t.get("narrative") else _("withheld"),
                         _str(t.get("id"))[:8]])
        self.testimony_table = table(
            [_("Interview date"), _("Language"), _("Mode"), _("Consent"), _("Witness"),
             _("Narrative"), _("Id")], rows, _("Testimonies"))
        self.testimony_table.currentCellChanged.connect(lambda r, *_a: self._show_narrative(r))
        self.narrative = QPlainTextEdit()
        self.narrative.setReadOnly(True)
        self.narrative.setAccessibleName(_("Narrative"))
        self.narrative.setPlaceholderText(_("Choose a testimony to read its narrative."))
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.testimony_table)
        splitter.addWidget(self.narrative)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(splitter)
        return page

    def _show_narrative(self, row: int) -> None:
        if not 0 <= row < len(self.testimonies):
            self.narrative.clear()
            return
        narrative = self.testimonies[row].get("narrative")
        if isinstance(narrative, dict) and narrative:
            self.narrative.setPlainText("\n\n".join(_str(v) for v in narrative.values()))
        else:
            self.narrative.setPlainText(_("The narrative was withheld."))
        set_document_auto_direction(self.narrative)

    def _incidents(self, records: dict[str, Any], threshold: int) -> QTableWidget:
        places = {p.get("id"): p for p in _list(records.get("places"))}
        rows = []
        for i in _list(records.get("incidents")):
            victims: int | None = 0
            for v in _list(i.get("victims")):
                group = v.get("group")
                count = group.get("count", 0) if isinstance(group, dict) else 1
                victims = (victims or 0) + (count if isinstance(count, int) else 0)
            withheld = i.get("victims_withheld")
            if isinstance(withheld, dict):  # under a suppressed figure
                shown = withheld.get("victims")
                victims = shown if isinstance(shown, int) else None
            place = places.get(i.get("place"), {})
            perpetrator = _dict(i.get("perpetrator"))
            rows.append([_date(i.get("date")), _label("incident_type", i.get("type")),
                         _text(place.get("name")), _count(victims, threshold),
                         _label("verification", i.get("verification")),
                         _label("perpetrator", perpetrator.get("category")),
                         _str(i.get("id"))[:8]])
        return table([_("Date"), _("Type"), _("Place"), _("Victims"), _("Verification"),
                      _("Perpetrator"), _("Id")], rows, _("Incidents"))

    def _persons(self, records: dict[str, Any]) -> QTableWidget:
        rows = [[_str(p.get("pseudonym")), _label("sex", p.get("sex")),
                 _label("age_group", p.get("age_group")),
                 _label("occupation", p.get("occupation")), _text(p.get("public_name"))]
                for p in _list(records.get("persons"))]
        return table([_("Pseudonym"), _("Sex"), _("Age group"), _("Occupation"),
                      _("Public name")], rows, _("People"))

    def _log(self, manifest: dict[str, Any]) -> QTableWidget:
        rows: list[list[str]] = []
        scope = _dict(manifest.get("scope"))
        rows.append([_("Prepared for"), _str(manifest.get("auditor"))])
        rows.append([_("Created"), fmt.timestamp(_str(manifest.get("created")))])
        rows.append([_("Period"), _("{start} to {end}").format(
            start=i18n.isolate(_date(scope.get("from"))) or "…",
            end=i18n.isolate(_date(scope.get("until"))) or "…")])
        rows.append([_("Suppressed below"), fmt.digits(_str(manifest.get("threshold")))])
        counts = _dict(manifest.get("counts"))
        for kind, count in sorted(counts.items()):
            rows.append([_("Records: {kind}").format(
                kind=_(KINDS[kind]) if kind in KINDS else i18n.isolate(_str(kind))),
                _count(count, 0)])
        log = manifest.get("redaction_log")
        # The log's entries are the exporter's own words (marked for the catalog there).
        for kind, count in sorted(_dict(log).items()):
            rows.append([_(_str(kind)), _count(count, 0)])
        widget = table([_("What"), _("How many")], rows, _("Redaction log"))
        widget.horizontalHeader().setStretchLastSection(False)
        widget.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        return widget
