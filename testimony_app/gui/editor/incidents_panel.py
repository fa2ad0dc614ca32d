"""The incidents a testimony reports: a list, and the editor of the selected one."""

from __future__ import annotations

import copy
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from testimony_app import i18n
from testimony_app.core.records import vocab
from testimony_app.gui.widgets.incident_editor import IncidentEditor
from testimony_app.i18n import _


class IncidentsPanel(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._incidents: list[dict[str, Any]] = []
        self._removed: list[dict[str, Any]] = []
        self._new_places: dict[str, dict[str, Any]] = {}
        self._current = -1
        self._language = "ar"
        self._read_only = False
        self.list = QListWidget()
        self.list.setAccessibleName(_("Incidents reported in this testimony"))
        self.list.currentRowChanged.connect(self._select)
        add = QPushButton(_("Add an incident"))
        add.clicked.connect(self.add_incident)
        self.add = add
        self.remove = QPushButton(_("Remove from this testimony"))
        self.remove.clicked.connect(self._remove_current)
        self.editor = IncidentEditor()
        self.editor.setEnabled(False)
        self.editor.changed.connect(self._edited)
        self.no_incident_reason = QLineEdit()
        self.no_incident_reason.setAccessibleName(_("Reason there is no incident"))
        self.no_incident_reason.setPlaceholderText(
            _("If this testimony reports no incident, say why (e.g. background only)"))
        self.no_incident_reason.textChanged.connect(lambda _t: self.changed.emit())
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(self.list, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(self.remove)
        left_layout.addLayout(buttons)
        # The incident's form grows with its victims: it scrolls, the window does not grow.
        self.editor_area = QScrollArea()
        self.editor_area.setWidgetResizable(True)
        self.editor_area.setWidget(self.editor)
        self.editor_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.editor_area)
        splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(QLabel(_("No incident?")))
        layout.addWidget(self.no_incident_reason)

    def set_choices(self, places: list[tuple[str, str]], persons: list[tuple[str, str]]) -> None:
        self.editor.set_places(places)
        self.editor.set_persons(persons)

    def set_person_chooser(self, chooser: Any) -> None:
        self.editor.set_person_chooser(chooser)

    def set_read_only(self, read_only: bool) -> None:
        """A finalised testimony's incidents: shown, not changed (until amended)."""
        self._read_only = read_only
        for widget in (self.add, self.remove, self.no_incident_reason):
            widget.setEnabled(not read_only)
        self.editor.setEnabled(not read_only and 0 <= self._current < len(self._incidents))

    def select_incident(self, incident_id: str) -> bool:
        """Show the incident with this id, if this testimony reports it."""
        for row, incident in enumerate(self._incidents):
            if incident.get("id") == incident_id:
                self.list.setCurrentRow(row)
                return True
        return False

    def set_language(self, language: str) -> None:
        self._language = language

    def load(self, incidents: list[dict[str, Any]], no_incident_reason: str) -> None:
        self._incidents = [copy.deepcopy(i) for i in incidents]
        self._removed = []
        self._new_places = {}
        self._current = -1
        self.list.blockSignals(True)
        self.list.clear()
        for incident in self._incidents:
            self.list.addItem(self._label(incident))
        self.list.blockSignals(False)
        self.no_incident_reason.setText(no_incident_reason)
        if self._incidents:
            self.list.setCurrentRow(0)
        else:
            self.editor.set_value(None)
            self.editor.setEnabled(False)

    def _label(self, incident: dict[str, Any]) -> str:
        from testimony_app.gui.incident_page import date_text

        date = {k: v for k, v in (incident.get("date") or {}).items() if k != "text"}
        kind = (vocab.label("incident_type", incident["type"], i18n.language())
                if incident.get("type") else _("type not chosen"))
        return i18n.join([kind, i18n.isolate(date_text(date)) if date else _("no date")], "·")

    def _store_current(self) -> None:
        if 0 <= self._current < len(self._incidents):
            incident, new_places = self.editor.value(self._language)
            keep = self._incidents[self._current]
            for key in ("testimonies", "sources"):
                if key in keep:
                    incident[key] = keep[key]
            self._incidents[self._current] = incident
            for place in new_places:
                self._new_places[place["id"]] = place
            item = self.list.item(self._current)
            if item is not None:
                item.setText(self._label(incident))

    def _select(self, row: int) -> None:
        self._store_current()
        self._current = row
        if 0 <= row < len(self._incidents):
            self.editor.blockSignals(True)
            self.editor.set_value(self._incidents[row])
            self.editor.blockSignals(False)
            self.editor.setEnabled(not self._read_only)
        else:
            self.editor.setEnabled(False)

    def _edited(self) -> None:
        self._store_current()
        self.changed.emit()

    def add_incident(self) -> None:
        self._store_current()
        self.editor.blockSignals(True)
        self.editor.set_value(None)
        incident, _places = self.editor.value(self._language)
        self.editor.blockSignals(False)
        self._incidents.append(incident)
        self.list.addItem(self._label(incident))
        self._current = -1
        self.list.setCurrentRow(len(self._incidents) - 1)
        self.changed.emit()

    def _remove_current(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self._incidents):
            self._current = -1
            removed = self._incidents.pop(row)
            if removed.get("testimonies"):
                self._removed.append(removed)
            self.list.takeItem(row)
            self.changed.emit()

    def value(self, testimony_id: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]], str]:
        """(incidents citing this testimony, including ones unlinked from it; new places;
        the no-incident reason)."""
        self._store_current()
        out = []
        for incident in self._incidents:
            linked = list(incident.get("testimonies", []))
            if testimony_id not in linked:
                linked.append(testimony_id)
            out.append({**incident, "testimonies": linked})
        for incident in self._removed:
            rest = [t for t in incident.get("testimonies", []) if t != testimony_id]
            unlinked = {k: v for k, v in incident.items() if k != "testimonies"}
            out.append({**unlinked, "testimonies": rest} if rest else unlinked)
        # Typing a new place name creates one candidate per prefix: keep only the
        # places an incident still refers to.
        used = {incident.get("place") for incident in out}
        places = [p for pid, p in self._new_places.items() if pid in used]
        return out, places, self.no_incident_reason.text().strip()

    def problems(self) -> list[str]:
        self._store_current()
        return self.editor.problems() if self._current >= 0 else []

    def clear(self) -> None:
        self.load([], "")
