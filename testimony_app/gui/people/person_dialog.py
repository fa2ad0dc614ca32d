"""Find a person, or create one on the spot: the witness, a victim, a name in a
narrative. Search by name (where this vault can read it), pseudonym code or
attribute; a new person gets attributes and, framed as protected, an identity.

Saving goes through core (Session.save_person) on the vault worker.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from testimony_app import i18n
from testimony_app.core.identity.people import PersonSummary
from testimony_app.gui.widgets.bidi import follow_text_direction
from testimony_app.gui.widgets.identity_box import IdentityBox
from testimony_app.gui.widgets.vocab_combo import select, vocab_combo
from testimony_app.gui.worker import VaultWorker
from testimony_app.i18n import _, ngettext

_FIND, _FORM = 0, 1


class PersonForm(QWidget):
    """A person's attributes and, framed as protected, identity."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._base: dict[str, Any] = {}
        self._language = i18n.language()
        self.sex = vocab_combo("sex", _("Sex"))
        select(self.sex, "unknown")
        self.age = QSpinBox()
        self.age.setRange(0, 130)
        self.age.setSpecialValueText(_("unknown"))
        self.age.setAccessibleName(_("Age"))
        self.age_group = vocab_combo("age_group", _("Age group"), _("not recorded"))
        age_row = QHBoxLayout()
        age_row.addWidget(self.age)
        age_row.addWidget(QLabel(_("or age group")))
        age_row.addWidget(self.age_group, 1)
        self.occupation = vocab_combo("occupation", _("Occupation"), _("not recorded"))
        attributes = QGroupBox(_("Case attributes (not identifying)"))
        aform = QFormLayout(attributes)
        aform.addRow(_("Sex"), self.sex)
        aform.addRow(_("Age"), age_row)
        aform.addRow(_("Occupation"), self.occupation)

        self.protected = IdentityBox(
            _("Protected: these fields identify the person"),
            _("Sealed: this identity was encrypted to the organisation; "
              "this computer can no longer read or change it."))
        # The fields by their own names, for the dialog's tests and search.
        self.name = self.protected.name
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(attributes)
        layout.addWidget(self.protected)
        layout.addStretch(1)

    def load(self, person: dict[str, Any] | None, language: str) -> None:
        """Show `person` (a record with its identity, if readable), or a new one."""
        person = dict(person or {})
        self._language = language
        self._base = person
        select(self.sex, person.get("sex", "unknown"))
        self.age.setValue(int(person.get("age", 0)))
        select(self.age_group, person.get("age_group"))
        select(self.occupation, person.get("occupation"))
        self.protected.load(person, language)

    def value(self) -> dict[str, Any]:
        """The person as core saves it (id kept when editing)."""
        person: dict[str, Any] = {k: v for k, v in self._base.items()
                                  if k in ("id", "description")}
        person["sex"] = self.sex.currentData()
        if self.age.value():
            person["age"] = self.age.value()
        if self.age_group.currentData():
            person["age_group"] = self.age_group.currentData()
        if self.occupation.currentData():
            person["occupation"] = self.occupation.currentData()
        if self.protected.sealed:
            return person
        identity = self.protected.identity(self._base.get("identity") or {}, self._language)
        if identity is not None:
            person["identity"] = identity
        return person


class PersonDialog(QDialog):
    """Choose a person (search) or create one; `chosen` holds the result on accept."""

    def __init__(self, worker: VaultWorker, parent: QWidget | None = None, *,
                 title: str | None = None, language: str | None = None,
                 edit: dict[str, Any] | None = None,
                 first: list[tuple[str, str]] | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self.language = language or i18n.language()
        # (id, label) of the person chosen or saved, once accepted
        self.chosen: tuple[str, str] | None = None
        self.saved: PersonSummary | None = None
        self._first = list(first or [])  # this record's people, listed first
        self.setWindowTitle(title or _("Choose a person"))
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Search by name, pseudonym or attribute"))
        self.search.setAccessibleName(_("Search people"))
        self.search.setClearButtonEnabled(True)
        follow_text_direction(self.search)
        self.results = QListWidget()
        self.results.setAccessibleName(_("People found"))
        self.results.itemDoubleClicked.connect(lambda _i: self._ok())
        self.new_button = QPushButton(_("New person…"))
        self.new_button.setAccessibleName(_("New person"))
        self.new_button.clicked.connect(lambda: self.show_form(None))
        self.empty = QLabel()
        self.empty.setWordWrap(True)
        find_page = QWidget()
        find_layout = QVBoxLayout(find_page)
        find_layout.setContentsMargins(0, 0, 0, 0)
        find_layout.addWidget(self.search)
        find_layout.addWidget(self.results, 1)
        find_layout.addWidget(self.empty)
        find_layout.addWidget(self.new_button, 0, Qt.AlignmentFlag.AlignLeading)
        self.form = PersonForm()
        form_area = QScrollArea()
        form_area.setWidgetResizable(True)
        form_area.setWidget(self.form)
        form_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.pages = QStackedWidget()
        self.pages.addWidget(find_page)
        self.pages.addWidget(form_area)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b00020")
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setVisible(False)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._ok)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self._debounce = QTimer(self, singleShot=True, interval=200)
        self._debounce.timeout.connect(self._find)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.resize(660, 600)
        if edit is not None:
            self.setWindowTitle(title or _("Edit person"))
            self.show_form(edit)
        else:
            self._find()

    def show_form(self, person: dict[str, Any] | None) -> None:
        self.form.load(person, self.language)
        if person is None:
            self.setWindowTitle(_("New person"))
        self.pages.setCurrentIndex(_FORM)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Save person"))
        self.form.name.setFocus()

    def _find(self) -> None:
        query, language = self.search.text(), self.language

        def show(found: list[PersonSummary]) -> None:
            self.results.clear()
            entries = [(pid, label) for pid, label in self._first
                       if not query.strip() or query.strip().casefold() in label.casefold()]
            shown = {pid for pid, _label in entries}
            entries += [(p.id, p.label(i18n.language())) for p in found if p.id not in shown]
            for pid, label in entries:
                item = QListWidgetItem(label)  # plain text
                item.setData(Qt.ItemDataRole.UserRole, (pid, label))
                self.results.addItem(item)
            if entries:
                self.results.setCurrentRow(0)
            self.empty.setText("" if entries else _("No one found. Create a new person?"))

        self.worker.with_session(lambda s: s.find_persons(query, language, 200), show,
                                 self._failed)

    def _ok(self) -> None:
        if self.pages.currentIndex() == _FIND:
            item = self.results.currentItem()
            if item is None:
                self.problem.setText(_("Choose a person in the list, or create a new one."))
                self.problem.setVisible(True)
                return
            self.chosen = item.data(Qt.ItemDataRole.UserRole)
            self.accept()
            return
        person = self.form.value()
        self.buttons.setEnabled(False)

        def saved(summary: PersonSummary) -> None:
            self.buttons.setEnabled(True)
            self.saved = summary
            self.chosen = (summary.id, summary.label(i18n.language()))
            self.accept()

        def failed(error: BaseException) -> None:
            self.buttons.setEnabled(True)
            self._failed(error)

        language = self.language
        self.worker.with_session(lambda s: s.save_person(person, language), saved, failed)

    def _failed(self, error: BaseException) -> None:
        from testimony_app.core.common.errors import TestimonyError, ValidationFailed

        if isinstance(error, ValidationFailed):
            text = ngettext("Not saved: please check the fields ({count} problem).",
                            "Not saved: please check the fields ({count} problems).",
                            len(error.problems)).format(count=i18n.number(len(error.problems)))
        elif isinstance(error, TestimonyError):
            text = str(error)
        else:
            text = _("Unexpected error ({type}).").format(type=type(error).__name__)
        self.problem.setText(text)
        self.problem.setVisible(True)


def choose_person(worker: VaultWorker, parent: QWidget | None, title: str | None = None,
                  language: str | None = None,
                  first: list[tuple[str, str]] | None = None) -> tuple[str, str] | None:
    """Ask for a person, found or created: (id, label), or None when cancelled."""
    dialog = PersonDialog(worker, parent, title=title, language=language, first=first)
    return dialog.chosen if dialog.exec() == QDialog.DialogCode.Accepted else None

