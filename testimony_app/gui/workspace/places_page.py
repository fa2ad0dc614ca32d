"""Places where incidents happened, with their coordinates.

A table, not a map: a map needs tiles (a server, or gigabytes shipped), and points on
a blank canvas tell a reader little; the coordinates are here to copy into any GIS
that works offline. A place without coordinates says so, and the coordinator can
give it some ("lat, lon[, precision in metres]"); every change is a new revision of
the place and an entry in the activity log. Every vault call runs on the worker.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLineEdit,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from testimony_app import i18n
from testimony_app.core.common.errors import TestimonyError
from testimony_app.core.records import places
from testimony_app.core.records.places import PlaceRow
from testimony_app.gui import fmt
from testimony_app.gui.sync.common import plain_label, read_only_table
from testimony_app.gui.worker import VaultWorker
from testimony_app.i18n import _, ngettext


class PlacesPage(QWidget):
    def __init__(self, worker: VaultWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self.rows: list[PlaceRow] = []
        self._generation = 0
        self.summary = plain_label()
        self.message = plain_label()
        self.table = read_only_table(_("Places of incidents"), [
            _("Place"), _("Level"), _("Within"), _("Latitude"), _("Longitude"),
            _("Precision (m)"), _("Incidents"), _("Reported figures")])
        self.table.currentCellChanged.connect(lambda *_a: self._update_buttons())
        self.set_button = QPushButton(_("Set coordinates…"))
        self.set_button.clicked.connect(self.ask_coordinates)
        self.clear_button = QPushButton(_("Remove coordinates"))
        self.clear_button.clicked.connect(lambda: self.set_coordinates(None))
        buttons = QHBoxLayout()
        buttons.addWidget(self.set_button)
        buttons.addWidget(self.clear_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        self._update_buttons()

    def reload(self) -> None:
        self._generation += 1
        generation = self._generation
        language = i18n.language()

        def done(rows: list[PlaceRow]) -> None:
            if generation == self._generation:
                self._show(rows)

        self.worker.with_session(lambda s: s.incident_places(language), done, self._failed)

    def _failed(self, error: BaseException) -> None:
        self.message.setText(str(error) if isinstance(error, TestimonyError) else
                             _("Something went wrong ({code}).").format(
                                 code=type(error).__name__))

    def _show(self, rows: list[PlaceRow]) -> None:
        self.rows = rows
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            c = row.coordinates or {}
            cells = [row.name, _(places_level(row.level)), row.within,
                     fmt.digits(f"{c['lat']:.5f}") if c else "—",
                     fmt.digits(f"{c['lon']:.5f}") if c else "—",
                     fmt.number(int(c["precision_m"])) if "precision_m" in c else "",
                     fmt.number(row.incidents), fmt.number(row.figures)]
            for col, text in enumerate(cells):
                self.table.setItem(r, col, QTableWidgetItem(text))
        located = sum(1 for row in rows if row.coordinates)
        self.summary.setText(ngettext("{count} place named by incidents or reported figures; "
                                      "{located} with coordinates.",
                                      "{count} places named by incidents or reported figures; "
                                      "{located} with coordinates.", len(rows)).format(
            count=fmt.number(len(rows)), located=fmt.number(located)))
        self._update_buttons()

    def selected(self) -> PlaceRow | None:
        row = self.table.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def _update_buttons(self) -> None:
        chosen = self.selected()
        self.set_button.setEnabled(chosen is not None)
        self.clear_button.setEnabled(chosen is not None and chosen.coordinates is not None)

    def ask_coordinates(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        current = places.coordinates_text(chosen.coordinates).split(" (")[0]
        text, ok = QInputDialog.getText(
            self, _("Coordinates"), _("Latitude, longitude in decimal degrees, and if known "
                                      "how precise in metres (36.2021, 37.1343, 500):"),
            QLineEdit.EchoMode.Normal, current)
        if ok and text.strip():
            self.set_coordinates(text)

    def set_coordinates(self, text: str | None) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        place = chosen.id

        def done(_changed: object) -> None:
            self.message.setText(_("Coordinates saved.") if text else
                                 _("Coordinates removed."))
            self.reload()

        self.worker.with_session(lambda s: s.set_place_coordinates(place, text), done,
                                 self._failed)

    def clear(self) -> None:
        self._generation += 1
        self.rows = []
        self.table.setRowCount(0)
        self.summary.clear()
        self.message.clear()
        self._update_buttons()


def places_level(level: str) -> str:
    from testimony_app.core.workspace.stats import LEVEL_LABELS

    return LEVEL_LABELS.get(level, level)
