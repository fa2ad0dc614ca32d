"""Two incidents side by side, field by field, with what differs marked: how a
reviewer decides whether two accounts describe the same event."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QGroupBox, QLabel, QWidget

from testimony_app import i18n
from testimony_app.core.records import vocab
from testimony_app.core.workspace.corroboration import IncidentInfo
from testimony_app.gui import fmt
from testimony_app.i18n import _


def _cell(text: str, differs: bool = False) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    if differs:
        label.setStyleSheet("background: #fff4ce")
    return label


def _rows(info: IncidentInfo) -> list[tuple[str, str]]:
    language = i18n.language()
    return [
        (_("Type"), vocab.label("incident_type", info.type, language)),
        (_("Date"), fmt.date_with_precision(info.date)),  # as one incident's page
        (_("Place"), info.place_label(language) or _("no place")),
        (_("Perpetrator"), vocab.label("perpetrator", info.perpetrator, language)
         if info.perpetrator else _("(not given)")),
        (_("Verification"), vocab.label("verification", info.verification, language)),
        (_("Testimonies"), fmt.number(len(info.testimonies))),
        (_("Reported by"), info.researcher_label()),
    ]


class IncidentComparison(QGroupBox):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(_("Side by side"), parent)
        self.grid = QGridLayout(self)
        self.grid.setColumnStretch(1, 1)
        self.grid.setColumnStretch(2, 1)
        self.setVisible(False)

    def show_pair(self, a: IncidentInfo | None, b: IncidentInfo | None) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        if a is None or b is None:
            self.setVisible(False)
            return
        self.grid.addWidget(_cell(_("First incident")), 0, 1)
        self.grid.addWidget(_cell(_("Second incident")), 0, 2)
        for row, ((name, left), (_name, right)) in enumerate(zip(_rows(a), _rows(b),
                                                                 strict=True), 1):
            differs = left != right
            self.grid.addWidget(_cell(name), row, 0)
            self.grid.addWidget(_cell(left, differs), row, 1)
            self.grid.addWidget(_cell(right, differs), row, 2)
        self.setVisible(True)
