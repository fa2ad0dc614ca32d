"""Choose a known place by typing any part of its name, or type a new one (with its
coordinates, from the field's context menu: "Coordinates of the new place…")."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QComboBox, QCompleter, QInputDialog, QLineEdit, QMenu, QWidget

from testimony_app.core.common.errors import InputError
from testimony_app.core.records import places
from testimony_app.core.records.textnorm import normalize_for_search
from testimony_app.gui.widgets.bidi import apply_text_direction, follow_text_direction
from testimony_app.i18n import _

__all__ = ["PlacePicker"]


def _key(text: str) -> str:
    """Text compared for "is this a known place": case, spacing, Arabic spelling
    variants and tashkeel folded."""
    return normalize_for_search(text)


class PlacePicker(QComboBox):
    """An editable combo box over known places (id, label such as "Kallaseh — Aleppo").

    The completer matches any part of a label, ignoring case. Text that names no
    known place is a new place (`new_place`). `set_places`, `set_place_id` load
    silently; `changed` fires when the user edits or picks.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._loading = False
        self._ids: dict[str, str] = {}  # _key(label) -> place id
        self._new_ids: dict[str, str] = {}  # _key(typed text) -> id of the new place
        self._coordinates: dict[str, dict[str, Any]] = {}  # _key(typed text) -> coordinates
        edit = QLineEdit()
        self.setLineEdit(edit)  # editable, with a line edit we hold typed
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMinimumContentsLength(24)
        self.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMaxVisibleItems(15)

        completer = QCompleter(self.model(), self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setCompletionColumn(0)
        self.setCompleter(completer)

        edit.setPlaceholderText(_("Type part of a place name, or a new place"))
        edit.setClearButtonEnabled(True)
        follow_text_direction(edit)
        edit.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        edit.customContextMenuRequested.connect(self._context_menu)
        self.setAccessibleName(_("Place"))
        self.editTextChanged.connect(self._edited)
        self.setCurrentIndex(-1)
        self.setEditText("")

    def setAccessibleName(self, name: str) -> None:  # noqa: N802 (Qt API)
        """Name the combo box and its text field alike."""
        super().setAccessibleName(name)
        edit = self.lineEdit()
        if edit is not None:
            edit.setAccessibleName(name)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt API)
        super().changeEvent(event)
        edit = self.lineEdit()
        if event.type() == QEvent.Type.LayoutDirectionChange and edit is not None:
            # QComboBox imposes its own direction on its line edit; the text's wins.
            apply_text_direction(edit)

    # --- public API --------------------------------------------------------------

    def set_places(self, places: list[tuple[str, str]]) -> None:
        """Offer `places`, (id, label) pairs. Keeps the current choice or typed text."""
        chosen, text = self.place_id(), self.currentText()
        self._loading = True
        try:
            self.clear()
            self._ids = {}
            for place_id, label in places:
                self._add(place_id, label)
            index = self.findData(chosen) if chosen else -1
            self.setCurrentIndex(index)
            if index < 0:
                self.setEditText(text)
        finally:
            self._loading = False

    def set_place_id(self, place_id: str | None) -> None:
        """Show the place `place_id` (kept even when it is not among the places
        offered, labelled by its id), or nothing."""
        self._loading = True
        try:
            if place_id is None:
                self.setCurrentIndex(-1)
                self.setEditText("")
                return
            index = self.findData(place_id)
            if index < 0:
                self._add(place_id, _("Place {id}").format(id=place_id))
                index = self.count() - 1
            self.setCurrentIndex(index)
        finally:
            self._loading = False

    def place_id(self) -> str | None:
        """The id of the known place the text names, or None."""
        key = _key(self.currentText())
        return self._ids.get(key) if key else None

    def new_place(self, language: str) -> dict[str, Any] | None:
        """A new place record for text that names no known place, else None.

        {"id": uuid4, "name": {language: text}, "level": "site"}; the same text (up
        to case and spacing) always gets the same id, so calling this on every edit
        is harmless."""
        text = " ".join(self.currentText().split())
        if not _key(text) or self.place_id() is not None:
            return None
        place_id = self._new_ids.setdefault(_key(text), str(uuid4()))
        record: dict[str, Any] = {"id": place_id, "name": {language: text}, "level": "site"}
        if _key(text) in self._coordinates:
            record["coordinates"] = self._coordinates[_key(text)]
        return record

    def set_new_coordinates(self, text: str) -> None:
        """Coordinates ('lat, lon[, precision in metres]') for the new place typed;
        raises InputError on anything else, and for a known place (its coordinates are
        set on the workspace's Places page)."""
        if self.place_id() is not None or not _key(self.currentText()):
            raise InputError("coordinates")
        self._coordinates[_key(self.currentText())] = places.parse_coordinates(text)
        self.changed.emit()

    def _context_menu(self, point: Any) -> None:
        edit = self.lineEdit()
        menu: QMenu = edit.createStandardContextMenu()
        action = menu.addAction(_("Coordinates of the new place…"))
        action.setEnabled(self.place_id() is None and bool(_key(self.currentText())))
        action.triggered.connect(self._ask_coordinates)
        menu.exec(edit.mapToGlobal(point))
        menu.deleteLater()

    def _ask_coordinates(self) -> None:
        current = places.coordinates_text(self._coordinates.get(_key(self.currentText())))
        text, ok = QInputDialog.getText(
            self, _("Coordinates"), _("Latitude, longitude in decimal degrees, and if known "
                                      "how precise in metres (36.2021, 37.1343, 500):"),
            QLineEdit.EchoMode.Normal, current.split(" (")[0])
        if ok and text.strip():
            try:
                self.set_new_coordinates(text)
            except InputError as error:
                self.setToolTip(str(error))

    # --- internals ---------------------------------------------------------------

    def _add(self, place_id: str, label: str) -> None:
        self.addItem(label, place_id)
        self._ids.setdefault(_key(label), place_id)

    def _edited(self, _text: str) -> None:
        if not self._loading:
            self.changed.emit()
