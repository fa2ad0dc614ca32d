"""Persons who may be the same person: review, merge, undo.

Above, the suggested pairs, best first, with their score and reasons; in the middle,
the two persons of the pair selected side by side (names only where this vault can
see them: a coordinator's, after import); buttons to merge them (keeping either) or
to record that they are not the same person. Below, the merges and "not the same"
decisions, each of which can be undone. Every vault call runs on the worker; every
text from a record is shown as plain text.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from testimony_app import i18n
from testimony_app.core.common.errors import TestimonyError
from testimony_app.core.identity.duplicates import Decision, Review, Side, Suggestion
from testimony_app.core.records import vocab
from testimony_app.core.session import Session
from testimony_app.gui import fmt
from testimony_app.gui.activity_text import who
from testimony_app.gui.sync.common import plain_label, read_only_table
from testimony_app.gui.worker import VaultWorker
from testimony_app.i18n import N_, _, ngettext

SEXES = {"male": N_("Male"), "female": N_("Female"), "unknown": N_("Unknown")}
AGE_GROUPS = {"child": N_("Child"), "adult": N_("Adult"), "elderly": N_("Elderly"),
              "unknown": N_("Unknown")}


def _error_text(error: BaseException) -> str:
    """A TestimonyError's own words; anything else by its type only (its message may
    hold a value from the vault)."""
    if isinstance(error, TestimonyError):
        return str(error)
    return _("Something went wrong ({code}).").format(code=type(error).__name__)


def _attributes(side: Side) -> list[str]:
    """The rows of the side-by-side comparison, for one person."""
    if side.names is not None:
        names = "\n".join(side.names) or "—"
    elif side.sealed:
        names = _("sealed: not visible in this vault")
    else:
        names = _("not shown")
    return [
        side.code, names,
        _(SEXES.get(side.sex, side.sex)),
        fmt.number(side.age) if side.age is not None else "—",
        _(AGE_GROUPS[side.age_group]) if side.age_group in AGE_GROUPS else "—",
        vocab.label("occupation", side.occupation, i18n.language()) if side.occupation
        else "—",
        side.birth_year or "—",
        i18n.join(side.places) or "—",
        i18n.join(side.recorded_by) or _("this vault"),
        i18n.join(side.merged) or "—",
    ]


SHOWN = 500  # best suggestions listed; the rest come up as these are decided

ROWS = [N_("Pseudonym"), N_("Names"), N_("Sex"), N_("Age"), N_("Age group"),
        N_("Occupation"), N_("Birth year"), N_("Victim at"), N_("Recorded by"),
        N_("Merged into it")]


class DuplicatesPage(QWidget):
    def __init__(self, worker: VaultWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self.review: Review | None = None
        self._generation = 0  # bumped by clear(): answers asked for before are dropped
        self.message = plain_label()
        self.message.setAccessibleName(_("Duplicates status"))
        refresh = QPushButton(_("Refresh"))
        refresh.clicked.connect(self.reload)

        self.suggestion_table = read_only_table(_("Possible duplicates"), [
            _("Score"), _("Person"), _("Person"), _("Why")])
        self.suggestion_table.currentCellChanged.connect(lambda *_a: self._selected())
        self.compare_table = QTableWidget(len(ROWS), 2)
        self.compare_table.setAccessibleName(_("The two persons side by side"))
        self.compare_table.setVerticalHeaderLabels([_(r) for r in ROWS])
        self.compare_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.compare_table.horizontalHeader().setStretchLastSection(True)
        self.keep_left_button = QPushButton(_("Merge, keep the left one"))
        self.keep_left_button.clicked.connect(lambda: self.merge(keep_left=True))
        self.keep_right_button = QPushButton(_("Merge, keep the right one"))
        self.keep_right_button.clicked.connect(lambda: self.merge(keep_left=False))
        self.distinct_button = QPushButton(_("Not the same person"))
        self.distinct_button.clicked.connect(self.not_the_same)
        buttons = QHBoxLayout()
        for button in (self.keep_left_button, self.keep_right_button, self.distinct_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        suggestions_box = QGroupBox(_("Persons who may be the same person"))
        box = QVBoxLayout(suggestions_box)
        box.addWidget(self.suggestion_table, 2)
        box.addWidget(self.compare_table, 2)
        box.addLayout(buttons)

        self.decision_table = read_only_table(_("Merges and decisions"), [
            _("Decision"), _("Person"), _("Person"), _("When"), _("Who")])
        self.decision_table.currentCellChanged.connect(lambda *_a: self._update_buttons())
        self.undo_button = QPushButton(_("Undo"))
        self.undo_button.clicked.connect(self.undo)
        decisions_box = QGroupBox(_("Merges and \"not the same person\" decisions"))
        box = QVBoxLayout(decisions_box)
        box.addWidget(self.decision_table, 1)
        row = QHBoxLayout()
        row.addWidget(self.undo_button)
        row.addStretch(1)
        box.addLayout(row)

        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(suggestions_box)
        split.addWidget(decisions_box)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        top = QHBoxLayout()
        top.addWidget(self.message, 1)
        top.addWidget(refresh)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        self._update_buttons()

    # -- loading ---------------------------------------------------------------------

    def reload(self) -> None:
        """Load from the vault (on the worker); called when the page is shown."""
        language = i18n.language()
        self.worker.with_session(lambda s: s.duplicates(names=True, language=language),
                                 self._current(self._show), self._current(self._failed))

    def _current(self, fn: Callable[[Any], None]) -> Callable[[Any], None]:
        """`fn`, dropped if the page is cleared (locked) before the answer comes: a late
        review would put names back on a locked window."""
        generation = self._generation

        def call(value: Any) -> None:
            if generation == self._generation:
                fn(value)

        return call

    def _failed(self, error: BaseException) -> None:
        self.message.setText(_error_text(error))
        self._update_buttons()

    def _show(self, review: Review) -> None:
        self.review = review
        table = self.suggestion_table
        table.setRowCount(min(len(review.suggestions), SHOWN))
        for r, s in enumerate(review.suggestions[:SHOWN]):
            cells = [fmt.number(s.score), s.a.code, s.b.code,
                     i18n.join((reason.text() for reason in s.reasons), ";")]
            for c, text in enumerate(cells):
                table.setItem(r, c, QTableWidgetItem(text))
        table.resizeColumnsToContents()
        table = self.decision_table
        rows = self.decisions
        table.setRowCount(len(rows))
        for r, d in enumerate(rows):
            kind = (_("{merged} merged into {kept}").format(merged=d.person_code,
                                                            kept=d.other_code)
                    if d.kind == "merged" else _("Not the same person"))
            for c, text in enumerate([kind, d.person_code, d.other_code,
                                      fmt.timestamp(d.at), i18n.isolate(who(d.author))]):
                table.setItem(r, c, QTableWidgetItem(text))
        table.resizeColumnsToContents()
        message = (ngettext("{count} possible duplicate, best first.",
                            "{count} possible duplicates, best first.",
                            len(review.suggestions)).format(
            count=fmt.number(len(review.suggestions))) if review.suggestions
            else _("No possible duplicates."))
        if len(review.suggestions) > SHOWN:
            message += " " + ngettext("The best {shown} is listed.", "The best {shown} are listed.",
                                      SHOWN).format(shown=fmt.number(SHOWN))
        if review.sealed:
            message += " " + ngettext(
                "{count} person's identity is sealed in this vault: it is compared by match "
                "key only; near matches by name are found in the coordinator's vault.",
                "{count} persons' identities are sealed in this vault: they are "
                "compared by match key only; near matches by name are found "
                "in the coordinator's vault.", review.sealed).format(
                count=fmt.number(review.sealed))
        self.message.setText(message)
        if review.suggestions:
            self.suggestion_table.setCurrentCell(0, 0)
        self._selected()

    @property
    def decisions(self) -> list[Decision]:
        if self.review is None:
            return []
        return [*self.review.merges, *self.review.distinct]

    # -- the selection ---------------------------------------------------------------

    def selected(self) -> Suggestion | None:
        if self.review is None:
            return None
        row = self.suggestion_table.currentRow()
        return self.review.suggestions[row] if 0 <= row < len(self.review.suggestions) else None

    def selected_decision(self) -> Decision | None:
        rows = self.decisions
        row = self.decision_table.currentRow()
        return rows[row] if 0 <= row < len(rows) else None

    def _selected(self) -> None:
        suggestion = self.selected()
        table = self.compare_table
        table.clearContents()
        if suggestion is not None:
            table.setHorizontalHeaderLabels([suggestion.a.code, suggestion.b.code])
            for c, side in enumerate((suggestion.a, suggestion.b)):
                for r, text in enumerate(_attributes(side)):
                    table.setItem(r, c, QTableWidgetItem(text))
            table.resizeRowsToContents()
        else:
            table.setHorizontalHeaderLabels(["", ""])
        self._update_buttons()

    def _update_buttons(self) -> None:
        chosen = self.selected() is not None
        for button in (self.keep_left_button, self.keep_right_button, self.distinct_button):
            button.setEnabled(chosen)
        self.undo_button.setEnabled(self.selected_decision() is not None)

    # -- decisions -------------------------------------------------------------------

    def _act(self, action: Callable[[Session], Any]) -> None:
        for button in (self.keep_left_button, self.keep_right_button, self.distinct_button,
                       self.undo_button):
            button.setEnabled(False)
        self.worker.with_session(action, self._current(lambda _r: self.reload()),
                                 self._current(self._failed))

    def merge(self, keep_left: bool = True) -> None:
        suggestion = self.selected()
        if suggestion is None:
            return
        kept, merged = ((suggestion.a, suggestion.b) if keep_left
                        else (suggestion.b, suggestion.a))
        self._act(lambda s: s.merge_persons(kept.id, merged.id))

    def not_the_same(self) -> None:
        suggestion = self.selected()
        if suggestion is None:
            return
        a, b = suggestion.a.id, suggestion.b.id
        self._act(lambda s: s.mark_not_duplicates(a, b))

    def undo(self) -> None:
        decision = self.selected_decision()
        if decision is None:
            return
        if decision.kind == "merged":
            merged = decision.person_id
            self._act(lambda s: s.unmerge_person(merged))
        else:
            a, b = decision.person_id, decision.other_id
            self._act(lambda s: s.mark_not_duplicates(a, b, undo=True))

    def clear(self) -> None:
        """Forget everything shown (on lock); answers still on their way are dropped."""
        self._generation += 1
        self.review = None
        self.suggestion_table.setRowCount(0)
        self.decision_table.setRowCount(0)
        self.compare_table.clearContents()
        self.compare_table.setHorizontalHeaderLabels(["", ""])
        self.message.clear()
        self._update_buttons()
