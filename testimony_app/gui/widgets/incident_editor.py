"""One incident: who did what to whom, when and where (docs/FORMAT.md, incidents)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from uuid import uuid4

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from testimony_app.gui.widgets.bidi import (
    MultilingualText,
    follow_text_direction,
    set_document_auto_direction,
)
from testimony_app.gui.widgets.date_edit import DateWithPrecisionEdit
from testimony_app.gui.widgets.place_picker import PlacePicker
from testimony_app.gui.widgets.victims_editor import VictimsEditor
from testimony_app.gui.widgets.vocab_combo import select, vocab_combo
from testimony_app.i18n import _

__all__ = ["IncidentEditor"]

# Fields this editor does not show but must not lose. "testimonies" is the caller's.
_KEPT = ("sources",)


class IncidentEditor(QWidget):
    """Edits one incident. `set_value` loads silently; `changed` fires on user edits.

    `value()` returns what is entered even when incomplete (no "type" or "date" key
    until they are chosen); `problems()` says what is missing.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._loading = False
        self._id: str | None = None
        self._kept: dict[str, Any] = {}
        self._description_text = MultilingualText()

        self._type = vocab_combo("incident_type", _("Incident type"),
                                  _("Choose the type of incident…"))
        self._date = DateWithPrecisionEdit()
        self._date.setAccessibleName(_("Incident date"))
        self._place = PlacePicker()
        self._place.setAccessibleName(_("Incident place"))
        self._perpetrator = vocab_combo("perpetrator", _("Perpetrator"), _("(not given)"))
        self._perpetrator_text = QLineEdit()
        self._perpetrator_text.setAccessibleName(_("Perpetrator, in the source's words"))
        self._perpetrator_text.setPlaceholderText(_("Unit, group or commander, as the "
                                                    "source names them"))
        follow_text_direction(self._perpetrator_text)
        perpetrator_row = QHBoxLayout()
        perpetrator_row.addWidget(self._perpetrator)
        perpetrator_row.addWidget(self._perpetrator_text, 1)
        self._description = QPlainTextEdit()
        self._description.setAccessibleName(_("Description of the incident"))
        self._description.setTabChangesFocus(True)
        self._description.setMinimumHeight(80)
        set_document_auto_direction(self._description)
        self._verification = vocab_combo("verification", _("Verification"), None)
        self._victims = VictimsEditor()
        self._victims.setAccessibleName(_("Victims"))

        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(_("Type"), self._type)
        form.addRow(_("Date"), self._date)
        form.addRow(_("Place"), self._place)
        form.addRow(_("Perpetrator"), perpetrator_row)
        form.addRow(_("Description"), self._description)
        form.addRow(_("Verification"), self._verification)
        form.addRow(_("Victims"), self._victims)

        for combo in (self._type, self._perpetrator, self._verification):
            combo.currentIndexChanged.connect(self._edited)
        self._perpetrator_text.textChanged.connect(self._edited)
        self._description.textChanged.connect(self._edited)
        for widget in (self._date, self._place, self._victims):
            widget.changed.connect(self._edited)
        self.set_value(None)

    # --- public API --------------------------------------------------------------

    def set_places(self, places: list[tuple[str, str]]) -> None:
        """Places to choose from: (id, label) pairs."""
        self._place.set_places(places)

    def set_persons(self, persons: list[tuple[str, str]]) -> None:
        """Persons to choose among victims: (id, label) pairs."""
        self._victims.set_persons(persons)

    def set_person_chooser(self, chooser: Any) -> None:
        """How a victim is found or created (see VictimsEditor.person_chooser)."""
        self._victims.person_chooser = chooser

    def set_value(self, incident: dict[str, Any] | None) -> None:
        """Show `incident` (interchange form, "testimonies" ignored), or a new one."""
        incident = incident or {}
        with self._quiet():
            self._id = incident.get("id")
            self._kept = {k: incident[k] for k in _KEPT if k in incident}
            select(self._type, incident.get("type"))
            self._date.set_value(incident.get("date"))
            self._place.set_place_id(incident.get("place"))
            perpetrator = incident.get("perpetrator") or {}
            select(self._perpetrator, perpetrator.get("category"))
            self._perpetrator_text.setText(perpetrator.get("description", ""))
            self._description_text = MultilingualText(incident.get("description"))
            self._description.setPlainText(self._description_text.text)
            select(self._verification, incident.get("verification", "unverified"))
            self._victims.set_value(incident.get("victims", []))

    def value(self, language: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """(the incident without "testimonies", new place records it refers to).

        The id is the one given to `set_value`, or a new one made on the first call and
        kept. Texts typed into empty fields are stored under `language`."""
        if self._id is None:
            self._id = str(uuid4())
        incident: dict[str, Any] = {"id": self._id}
        if self._type.currentData():
            incident["type"] = self._type.currentData()
        date = self._date.value()
        if date is not None:
            incident["date"] = date
        new_places = []
        place = self._place.place_id()
        if place is None:
            created = self._place.new_place(language)
            if created is not None:
                new_places.append(created)
                place = created["id"]
        if place is not None:
            incident["place"] = place
        self._description_text.text = self._description.toPlainText()
        description = self._description_text.value(language)
        if description:
            incident["description"] = description
        category = self._perpetrator.currentData()
        words = " ".join(self._perpetrator_text.text().split())
        if category or words:
            incident["perpetrator"] = {"category": category or "unknown"}
            if words:
                incident["perpetrator"]["description"] = words
        victims = self._victims.value(language)
        if victims:
            incident["victims"] = victims
        incident["verification"] = self._verification.currentData()
        incident.update(self._kept)
        return incident, new_places

    def problems(self) -> list[str]:
        """What must be fixed before the incident can be saved, in the user's words."""
        problems = []
        if not self._type.currentData():
            problems.append(_("Choose the type of incident."))
        if self._date.precision() is None:
            problems.append(_("Give the date of the incident, as precisely as the source "
                              "gives it."))
        date_problem = self._date.problem()
        if date_problem:
            problems.append(date_problem)
        return problems + self._victims.problems()

    # --- internals ---------------------------------------------------------------

    @contextmanager
    def _quiet(self) -> Iterator[None]:
        previous, self._loading = self._loading, True
        try:
            yield
        finally:
            self._loading = previous

    def _edited(self, *_args: object) -> None:
        if not self._loading:
            self.changed.emit()
