"""Before finalising: the words that may be names no tag covers, each to tag or dismiss.

Finalising seals tagged names (and every spelling of them) only. This dialog lists
what core/identity/untagged.py found (persons the vault knows, capitalised words, Arabic name
patterns) with the words around it; for each the researcher chooses a person and
"Tag", or "Not a name". "Finalise" is enabled once none is left. Every action is a
Session call on the worker; names are shown as plain text only.

Self-contained: `UntaggedNamesDialog(worker, testimony_id)`, then `start()`. It
emits `settled` when nothing is left to decide (at once when nothing was found).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from testimony_app.core.common.errors import TestimonyError
from testimony_app.gui.worker import VaultWorker
from testimony_app.i18n import N_, _

REASONS = {"known_person": N_("a person this vault knows"),
           "capitalised": N_("a word with a capital"),
           "arabic_pattern": N_("an Arabic name pattern")}
_CONTEXT = 30  # characters shown on each side


def _plain(text: str) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    return label


_Loaded = tuple[list[Any], dict[str, str], list[tuple[str, str]]]


def _load(session: Any, testimony_id: str) -> _Loaded:
    """In the worker: the open candidates, the texts they are in, and the persons to
    tag them to (this testimony's people and anyone a candidate may name)."""
    found = [c for c in session.untagged_names(testimony_id) if not c.dismissed]
    record = session.record(testimony_id).data
    texts = {f"{field}/{lang}": text for field in ("narrative", "summary")
             for lang, text in (record.get(field) or {}).items()}
    wanted = list(dict.fromkeys([*session.testimony_persons(testimony_id),
                                 *(c.person for c in found if c.person)]))
    persons = sorted((session.record(p).code or p, p) for p in wanted)
    return found, texts, persons


class UntaggedNamesDialog(QDialog):
    settled = Signal()

    def __init__(self, worker: VaultWorker, testimony_id: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Names without a tag"))
        self.worker = worker
        self.testimony_id = testimony_id
        self.rows: list[dict[str, Any]] = []
        layout = QVBoxLayout(self)
        layout.addWidget(_plain(_(
            "Finalising seals the names that are tagged. These words may be names too: "
            "tag each to a person, or say it is not a name.")))
        self.grid_host = QWidget()
        self.grid = QGridLayout(self.grid_host)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.grid_host)
        layout.addWidget(scroll)
        self.message = _plain("")
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox()
        self.finalise_button = self.buttons.addButton(
            _("Finalise"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.finalise_button.setEnabled(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(640, 420)

    def start(self) -> None:
        """Look for candidates; show the dialog if there are any, else settle at once."""
        self.worker.with_session(lambda s: _load(s, self.testimony_id), self._loaded,
                                 self._failed)

    def _loaded(self, result: _Loaded) -> None:
        found, texts, persons = result
        for i, candidate in enumerate(found):
            text = texts.get(f"{candidate.field}/{candidate.lang}", "")
            before = text[max(0, candidate.start - _CONTEXT):candidate.start]
            after = text[candidate.end:candidate.end + _CONTEXT]
            words = _plain(f"…{before}«{candidate.text}»{after}…")
            reason = _plain(_(REASONS.get(candidate.reason, candidate.reason)))
            who = QComboBox()
            for code, person_id in persons:
                who.addItem(code, person_id)
            if candidate.person:
                who.setCurrentIndex(max(0, who.findData(candidate.person)))
            tag = QPushButton(_("Tag…"))
            tag.setEnabled(bool(persons))
            dismiss = QPushButton(_("Not a name"))
            row = {"candidate": candidate, "widgets": (words, reason, who, tag, dismiss),
                   "who": who, "tag": tag, "dismiss": dismiss}
            tag.clicked.connect(lambda _c=False, r=row: self.tag(r))
            dismiss.clicked.connect(lambda _c=False, r=row: self.dismiss(r))
            for column, widget in enumerate(row["widgets"]):
                self.grid.addWidget(widget, i, column)
            self.rows.append(row)
        self._update()

    def tag(self, row: dict[str, Any]) -> None:
        person = row["who"].currentData()
        if person is None:
            return
        candidate = row["candidate"]
        self._busy(row)
        self.worker.with_session(
            lambda s: s.tag_untagged(self.testimony_id, candidate, person),
            lambda _r: self._done(row), self._failed)

    def dismiss(self, row: dict[str, Any]) -> None:
        candidate = row["candidate"]
        self._busy(row)
        self.worker.with_session(
            lambda s: s.dismiss_untagged(self.testimony_id, [candidate]),
            lambda _r: self._done(row), self._failed)

    def _busy(self, row: dict[str, Any]) -> None:
        row["tag"].setEnabled(False)
        row["dismiss"].setEnabled(False)

    def _done(self, row: dict[str, Any]) -> None:
        for widget in row["widgets"]:
            widget.hide()
        self.rows.remove(row)
        self._update()

    def _failed(self, error: BaseException) -> None:
        self.message.setText(str(error) if isinstance(error, TestimonyError)
                             else _("Unexpected error ({type}).").format(
                                 type=type(error).__name__))
        for row in self.rows:
            row["tag"].setEnabled(row["who"].count() > 0)
            row["dismiss"].setEnabled(True)

    def _update(self) -> None:
        self.finalise_button.setEnabled(not self.rows)
        if not self.rows:
            self.settled.emit()
