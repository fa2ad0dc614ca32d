"""The victims of an incident: documented persons, and groups counted as the source
counts them ("seven members of the Sande family, perhaps more, three of them women")."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QLocale, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from testimony_app import i18n
from testimony_app.core.records import vocab
from testimony_app.gui.widgets.bidi import MultilingualText, follow_text_direction
from testimony_app.gui.widgets.vocab_combo import select, vocab_combo
from testimony_app.i18n import _

__all__ = ["BREAKDOWN", "MAX_COUNT", "VictimsEditor"]

BREAKDOWN = ("women", "men", "girls", "boys", "children")
MAX_COUNT = 10_000_000
_EMPTY, _GROUP, _PERSON = 0, 1, 2


def _breakdown_labels() -> dict[str, str]:
    return {"women": _("Women"), "men": _("Men"), "girls": _("Girls"), "boys": _("Boys"),
            "children": _("Children, sex not given")}


@dataclass
class _Victim:
    kind: str  # "group" or "person"
    person: str | None = None
    status: str | None = None
    label: MultilingualText = field(default_factory=MultilingualText)
    count: int = 0
    qualifier: str = "exact"
    breakdown: dict[str, int] = field(default_factory=dict)
    # The breakdown as loaded: parts this editor has no box for (wounded, civilian
    # adults...) and each part's own qualifier are written back as they were.
    given: dict[str, Any] = field(default_factory=dict)
    # A part's own qualifier ("almost 150 children"); absent: the group's.
    part_qualifiers: dict[str, str] = field(default_factory=dict)


def _spin(name: str) -> QSpinBox:
    spin = QSpinBox()
    spin.setLocale(QLocale(i18n.locale_name()))  # digits as testimony_app.gui.fmt shows them
    spin.setRange(0, MAX_COUNT)
    spin.setAccessibleName(name)
    # Never squeezed below a seven-digit count, whatever the window's width.
    spin.setMinimumWidth(spin.fontMetrics().horizontalAdvance("0000000") + 36)
    return spin


class VictimsEditor(QWidget):
    """A list of victims with a detail area for the one selected.

    `set_value`, `set_persons` load silently; `changed` fires on every user edit.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._victims: list[_Victim] = []
        self._persons: dict[str, str] = {}
        self._loading = False
        # Set by the editor: finds or creates a person, (id, label) or None if cancelled.
        self.person_chooser: Callable[[QWidget], tuple[str, str] | None] | None = None

        self._table = QTableWidget(0, 3)
        self._table.setHorizontalHeaderLabels([_("Victim"), _("Number"), _("Status")])
        self._table.setAccessibleName(_("Victims"))
        self._table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self._table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self._table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self._table.setTabKeyNavigation(False)
        header = self._table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self._table.setMinimumHeight(120)

        self._add_group = QPushButton(_("Add a group of victims"))
        self._add_person = QPushButton(_("Add a person"))
        self._remove = QPushButton(_("Remove"))
        for button in (self._add_group, self._add_person, self._remove):
            button.setAccessibleName(button.text())
        self._remove.setEnabled(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self._add_group)
        buttons.addWidget(self._add_person)
        buttons.addStretch(1)
        buttons.addWidget(self._remove)

        # Group page.
        self._label = QLineEdit()
        self._label.setAccessibleName(_("Who the group is"))
        self._label.setPlaceholderText(_("e.g. the Hajjar family, men of the neighbourhood"))
        follow_text_direction(self._label)
        self._count = _spin(_("Number of victims"))
        self._qualifier = QComboBox()
        for code in vocab.QUALIFIERS:
            self._qualifier.addItem(vocab.label("qualifier", code, i18n.language()), code)
        self._qualifier.setAccessibleName(_("How exact the number is"))
        number_row = QHBoxLayout()
        number_row.addWidget(self._count)
        number_row.addWidget(self._qualifier)
        number_row.addStretch(1)
        self._breakdown: dict[str, QSpinBox] = {}
        grid = QGridLayout()
        for column, (key, text) in enumerate(_breakdown_labels().items()):
            spin = _spin(_("Of whom: {part}").format(part=text))
            caption = QLabel(text)
            caption.setBuddy(spin)
            # Three to a row: five side by side do not fit beside the incident list.
            grid.addWidget(caption, 2 * (column // 3), column % 3)
            grid.addWidget(spin, 2 * (column // 3) + 1, column % 3)
            self._breakdown[key] = spin
        self._group_status = vocab_combo("victim_status", _("Status of the group"),
                                         _("(not given)"))
        group_page = QWidget()
        group_form = QFormLayout(group_page)
        group_form.addRow(_("Who"), self._label)
        group_form.addRow(_("Number"), number_row)
        group_form.addRow(_("Of whom"), grid)
        # Each part's own qualifier ("almost 150 children"), in the order of the parts.
        self._part_qualifiers: dict[str, QComboBox] = {}
        how_row = QGridLayout()
        for column, (key, text) in enumerate(_breakdown_labels().items()):
            how = QComboBox()
            how.addItem(_("as the group"), "")
            for code in vocab.QUALIFIERS:
                how.addItem(vocab.label("qualifier", code, i18n.language()), code)
            how.setAccessibleName(_("How exact the number of {part} is").format(part=text))
            how.setToolTip(text)
            how_row.addWidget(how, 0, column)  # under the count it qualifies
            self._part_qualifiers[key] = how
        group_form.addRow(_("How exact each is"), how_row)
        group_form.addRow(_("Status"), self._group_status)

        # Person page.
        self._person = QComboBox()
        self._person.setAccessibleName(_("Person"))
        self._person.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self._person.setMinimumContentsLength(24)
        self._person_status = vocab_combo("victim_status", _("Status of the person"),
                                          _("(not given)"))
        self._find = QPushButton(_("Find or create…"))
        self._find.setAccessibleName(_("Find or create a person"))
        self._find.clicked.connect(self._find_person)
        person_row = QHBoxLayout()
        person_row.addWidget(self._person, 1)
        person_row.addWidget(self._find)
        person_page = QWidget()
        person_form = QFormLayout(person_page)
        person_form.addRow(_("Person"), person_row)
        person_form.addRow(_("Status"), self._person_status)

        hint = QLabel(_("Select a victim in the list to edit it, or add one."))
        hint.setWordWrap(True)
        self._pages = QStackedWidget()
        for page in (hint, group_page, person_page):
            self._pages.addWidget(page)
        self._show_page(_EMPTY)
        self._problem = QLabel()
        self._problem.setWordWrap(True)
        self._problem.hide()
        detail = QGroupBox(_("Selected victim"))
        detail_layout = QVBoxLayout(detail)
        detail_layout.addWidget(self._pages)
        detail_layout.addWidget(self._problem)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._table, 1)
        layout.addLayout(buttons)
        layout.addWidget(detail)
        self._fill_persons()

        chain = [self._table, self._add_group, self._add_person, self._remove, self._label,
                 self._count, self._qualifier,
                 *(w for key in self._breakdown
                   for w in (self._breakdown[key], self._part_qualifiers[key])),
                 self._group_status, self._person, self._person_status]
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)

        self._table.itemSelectionChanged.connect(self._show_selected)
        self._add_group.clicked.connect(self.add_group)
        self._add_person.clicked.connect(self.add_person)
        self._remove.clicked.connect(self.remove_selected)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self._table,
                  self.remove_selected, context=Qt.ShortcutContext.WidgetShortcut)
        self._label.textChanged.connect(self._group_edited)
        self._count.valueChanged.connect(self._group_edited)
        self._qualifier.currentIndexChanged.connect(self._group_edited)
        for spin in self._breakdown.values():
            spin.valueChanged.connect(self._group_edited)
        for how in self._part_qualifiers.values():
            how.currentIndexChanged.connect(self._group_edited)
        self._group_status.currentIndexChanged.connect(self._group_edited)
        self._person.currentIndexChanged.connect(self._person_edited)
        self._person_status.currentIndexChanged.connect(self._person_edited)

    # --- public API --------------------------------------------------------------

    def set_persons(self, persons: list[tuple[str, str]]) -> None:
        """Offer `persons`, (id, label) pairs such as ("…", "P-7K3Q-M2XD · male · medic")."""
        self._persons = dict(persons)
        self._fill_persons()
        with self._quiet():
            self._fill_table()
        self._show_selected()

    def set_value(self, victims: list[dict[str, Any]]) -> None:
        """Show `victims` (interchange form). Raises ValueError on an unknown shape."""
        loaded = [self._parse(victim) for victim in victims]
        self._victims = loaded
        with self._quiet():
            self._fill_table()
            self._table.clearSelection()
            if loaded:
                self._select_row(0)
        self._show_selected()

    def value(self, language: str) -> list[dict[str, Any]]:
        """The victims in the interchange form. A new group label is stored under
        `language`. Person rows with no person chosen are left out (see `problems`)."""
        result: list[dict[str, Any]] = []
        for victim in self._victims:
            entry: dict[str, Any]
            if victim.kind == "person":
                if victim.person is None:
                    continue
                entry = {"person": victim.person}
            else:
                group: dict[str, Any] = {}
                label = victim.label.value(language)
                if label:
                    group["label"] = label
                group["count"] = victim.count
                group["qualifier"] = victim.qualifier
                breakdown = {k: v for k, v in victim.given.items() if k not in BREAKDOWN}
                for k in BREAKDOWN:
                    if victim.breakdown.get(k):
                        how = victim.part_qualifiers.get(k)
                        breakdown[k] = ({"count": victim.breakdown[k], "qualifier": how}
                                        if how else victim.breakdown[k])
                if breakdown:
                    group["breakdown"] = breakdown
                entry = {"group": group}
            if victim.status:
                entry["status"] = victim.status
            result.append(entry)
        return result

    def problems(self) -> list[str]:
        """What must be fixed before saving, one sentence per problem."""
        return [problem for number in range(len(self._victims))
                for problem in self._row_problems(number)]

    def add_group(self) -> None:
        self._append(_Victim("group"))
        self._label.setFocus()

    def add_person(self) -> None:
        """A person victim: found or created in the person dialog when the editor has
        one (`person_chooser`), else chosen in the list below."""
        if self.person_chooser is not None:
            chosen = self.person_chooser(self)
            if chosen is None:
                return
            person_id, label = chosen
            self._persons[person_id] = label
            self._fill_persons()
            self._append(_Victim("person", person=person_id))
            return
        self._append(_Victim("person"))
        self._person.setFocus()

    def _find_person(self) -> None:
        """Change the selected person victim to one found or created."""
        row = self._selected_row()
        if self.person_chooser is None or row is None:
            return
        chosen = self.person_chooser(self)
        if chosen is None:
            return
        self._persons[chosen[0]] = chosen[1]
        self._fill_persons()
        self._victims[row].person = chosen[0]
        self._row_edited(row)
        with self._quiet():
            self._load_person(self._victims[row])

    def remove_selected(self) -> None:
        row = self._selected_row()
        if row is None:
            return
        del self._victims[row]
        with self._quiet():
            self._table.removeRow(row)
            self._table.clearSelection()
        if self._victims:
            self._select_row(min(row, len(self._victims) - 1))
        self._show_selected()
        self.changed.emit()

    # --- internals ---------------------------------------------------------------

    @contextmanager
    def _quiet(self) -> Iterator[None]:
        """Changes made inside are loading, not editing: no `changed`, no write-back."""
        previous, self._loading = self._loading, True
        try:
            yield
        finally:
            self._loading = previous

    @staticmethod
    def _parse(victim: dict[str, Any]) -> _Victim:
        status = victim.get("status")
        if "person" in victim:
            return _Victim("person", person=str(victim["person"]), status=status)
        if "group" in victim:
            group = victim["group"]
            return _Victim("group", status=status, label=MultilingualText(group.get("label")),
                           count=int(group.get("count", 0)),
                           qualifier=str(group.get("qualifier", "exact")),
                           breakdown={k: int(v["count"] if isinstance(v, dict) else v)
                                      for k, v in group.get("breakdown", {}).items()
                                      if k in BREAKDOWN},
                           given=dict(group.get("breakdown", {})),
                           part_qualifiers={k: str(v["qualifier"]) for k, v in
                                            group.get("breakdown", {}).items()
                                            if k in BREAKDOWN and isinstance(v, dict)})
        raise ValueError(f"a victim is a person or a group: {victim!r}")

    def _row_problems(self, row: int) -> list[str]:
        victim, number = self._victims[row], i18n.number(row + 1)
        if victim.kind == "person":
            if victim.person is None:
                return [_("Victim {n}: choose the person.").format(n=number)]
            return []
        problems = []
        if victim.count == 0:
            problems.append(_("Victim {n}: give the number of people in the group.")
                            .format(n=number))
        total = sum(victim.breakdown.get(k, 0) for k in BREAKDOWN)
        if total > victim.count:
            problems.append(_("Victim {n}: the breakdown adds up to {total}, more than the "
                              "count ({count}).").format(n=number, total=i18n.number(total),
                                                         count=i18n.number(victim.count)))
        return problems

    def _append(self, victim: _Victim) -> None:
        self._victims.append(victim)
        row = len(self._victims) - 1
        with self._quiet():
            self._table.insertRow(row)
            self._fill_row(row)
        self._select_row(row)
        self.changed.emit()

    def _select_row(self, row: int) -> None:
        # Not QTableView.selectRow: in a right-to-left layout it looks the column up at
        # the viewport's width, and selects nothing before the view is laid out.
        self._table.setCurrentCell(row, 0, QItemSelectionModel.SelectionFlag.ClearAndSelect
                                   | QItemSelectionModel.SelectionFlag.Rows)

    def _selected_row(self) -> int | None:
        rows = self._table.selectionModel().selectedRows()
        if rows and rows[0].row() < len(self._victims):
            return rows[0].row()
        return None

    def _fill_persons(self) -> None:
        with self._quiet():
            self._person.clear()
            self._person.addItem(_("Choose a person…"), None)
            for person_id, text in self._persons.items():
                self._person.addItem(text, person_id)

    def _fill_table(self) -> None:
        self._table.setRowCount(len(self._victims))
        for row in range(len(self._victims)):
            self._fill_row(row)

    def _fill_row(self, row: int) -> None:
        victim = self._victims[row]
        if victim.kind == "person":
            who = (self._persons.get(victim.person, victim.person) if victim.person
                   else _("(no person chosen)"))
            number = QLocale(i18n.locale_name()).toString(1)
        else:
            who = victim.label.text.strip() or _("(unnamed group)")
            number = {
                "at_least": _("at least {n}"),
                "approximately": _("about {n}"),
                "perhaps_more": _("{n}, perhaps more"),
            }.get(victim.qualifier, "{n}").format(n=QLocale(i18n.locale_name()).toString(
                victim.count))
        status = vocab.label("victim_status", victim.status, i18n.language()) \
            if victim.status else ""
        for column, text in enumerate((who, number, status)):
            self._table.setItem(row, column, QTableWidgetItem(text))

    def _show_selected(self) -> None:
        row = self._selected_row()
        self._remove.setEnabled(row is not None)
        with self._quiet():
            if row is None:
                self._show_page(_EMPTY)
            elif self._victims[row].kind == "group":
                self._load_group(self._victims[row])
            else:
                self._load_person(self._victims[row])
        self._show_problems(row)

    def _show_page(self, index: int) -> None:
        """Show a detail page, sized to itself rather than to the largest page."""
        for number in range(self._pages.count()):
            policy = QSizePolicy.Policy.Preferred if number == index \
                else QSizePolicy.Policy.Ignored
            page = self._pages.widget(number)
            if page is not None:
                page.setSizePolicy(policy, policy)
        self._pages.setCurrentIndex(index)

    def _load_group(self, victim: _Victim) -> None:
        self._show_page(_GROUP)
        self._label.setText(victim.label.text)
        self._count.setValue(victim.count)
        select(self._qualifier, victim.qualifier)
        for key, spin in self._breakdown.items():
            spin.setValue(victim.breakdown.get(key, 0))
        for key, how in self._part_qualifiers.items():
            select(how, victim.part_qualifiers.get(key, ""))
        select(self._group_status, victim.status)

    def _load_person(self, victim: _Victim) -> None:
        self._show_page(_PERSON)
        select(self._person, victim.person)
        select(self._person_status, victim.status)

    def _show_problems(self, row: int | None) -> None:
        problems = self._row_problems(row) if row is not None else []
        self._problem.setText("\n".join(problems))
        self._problem.setVisible(bool(problems))

    def _group_edited(self, *_args: object) -> None:
        row = self._selected_row()
        if self._loading or row is None or self._victims[row].kind != "group":
            return
        victim = self._victims[row]
        victim.label.text = self._label.text()
        victim.count = self._count.value()
        victim.qualifier = str(self._qualifier.currentData())
        victim.breakdown = {k: spin.value() for k, spin in self._breakdown.items()
                            if spin.value()}
        victim.part_qualifiers = {k: str(how.currentData()) for k, how
                                  in self._part_qualifiers.items() if how.currentData()}
        victim.status = self._group_status.currentData()
        self._row_edited(row)

    def _person_edited(self, *_args: object) -> None:
        row = self._selected_row()
        if self._loading or row is None or self._victims[row].kind != "person":
            return
        victim = self._victims[row]
        victim.person = self._person.currentData()
        victim.status = self._person_status.currentData()
        self._row_edited(row)

    def _row_edited(self, row: int) -> None:
        with self._quiet():
            self._fill_row(row)
        self._show_problems(row)
        self.changed.emit()
