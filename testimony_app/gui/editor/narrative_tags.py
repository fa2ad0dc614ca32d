"""Tagging names in a narrative (or summary) to persons, in the editor.

Select words, then "Tag as person…" (context menu or Ctrl+Shift+T) and choose who
they name; names the vault knows are underlined with dots as suggestions, and a
right click on one tags it. Tagged words are highlighted, sealed ones (a pseudonym
token since the testimony was finalised) in grey. Tags follow the text as the
person types: an edit before a tag moves it, an edit inside one drops it, so a tag
never points at other words. Offsets are code points, as core stores them
(docs/FORMAT.md); Qt's UTF-16 positions are converted where Qt needs them.

Names are shown only as plain text (list items, tooltips), never as rich text.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QKeySequence, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QTextEdit,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from testimony_app import i18n
from testimony_app.core.records.narrative_tags import KnownPerson, Matcher
from testimony_app.gui.widgets.bidi import follow_text_direction
from testimony_app.i18n import _, ngettext

SUGGEST_MS = 400
TAG_SHORTCUT = "Ctrl+Shift+T"
_TAG_COLOUR = QColor("#fff3b0")
_SEALED_COLOUR = QColor("#d9d9d9")
_SUGGESTION_COLOUR = QColor("#1565c0")


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def to_qt(text: str, offset: int) -> int:
    """A code-point offset into `text` as a QString (UTF-16) position."""
    if not _ASTRAL.search(text, 0, offset):
        return offset
    return offset + len(_ASTRAL.findall(text, 0, offset))


def to_code_points(text: str, position: int) -> int:
    """A QString (UTF-16) position in `text` as a code-point offset."""
    if not _ASTRAL.search(text, 0, position):
        return min(position, len(text))
    units = index = 0
    while index < len(text) and units < position:
        units += 2 if ord(text[index]) > 0xFFFF else 1
        index += 1
    return index


@dataclass
class Tag:
    start: int  # code points into the edit's text
    end: int
    person: str
    text: str  # the words it covers, to check it still does
    sealed: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Offer:
    start: int
    end: int
    person: str
    others: tuple[str, ...]


class PersonPicker(QDialog):
    """Choose the person some words name: this testimony's people first."""

    def __init__(self, choices: list[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Tag as person"))
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(_("Filter by pseudonym or name"))
        self.filter.setAccessibleName(_("Filter"))
        follow_text_direction(self.filter)
        self.list = QListWidget()
        self.list.setAccessibleName(_("People"))
        for person_id, label in choices:
            item = QListWidgetItem(label)  # plain text
            item.setData(Qt.ItemDataRole.UserRole, person_id)
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok |
                                   QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.list.itemDoubleClicked.connect(lambda _item: self.accept())
        self.filter.textChanged.connect(self._filter)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("Who do these words name?")))
        layout.addWidget(self.filter)
        layout.addWidget(self.list)
        layout.addWidget(buttons)

    def _filter(self, text: str) -> None:
        wanted = text.casefold().strip()
        first = None
        for row in range(self.list.count()):
            item = self.list.item(row)
            hidden = bool(wanted) and wanted not in item.text().casefold()
            item.setHidden(hidden)
            if not hidden and first is None:
                first = row
        if first is not None:
            self.list.setCurrentRow(first)

    def person(self) -> str | None:
        item = self.list.currentItem()
        return None if item is None or item.isHidden() else str(
            item.data(Qt.ItemDataRole.UserRole))


class NarrativeTagger(QObject):
    """Tags and suggestions on one QPlainTextEdit (one field, one language)."""

    changed = Signal()  # a tag was added, removed or dropped by an edit
    suggestions_changed = Signal(int)

    def __init__(self, edit: QPlainTextEdit, field_name: str) -> None:
        super().__init__(edit)
        self.edit = edit
        self.field = field_name
        self.tags: list[Tag] = []
        self.offers: list[Offer] = []
        self._matcher: Matcher | None = None
        self._base: Matcher | None = None
        self._people: dict[str, KnownPerson] = {}
        self._labels: dict[str, str] = {}
        self._prefer: set[str] = set()
        self._timer = QTimer(self, singleShot=True, interval=SUGGEST_MS)
        self._timer.timeout.connect(self.refresh_suggestions)
        self._text = edit.toPlainText()  # as of the last change seen
        edit.document().contentsChange.connect(self._contents_change)
        edit.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        edit.customContextMenuRequested.connect(self._menu)
        edit.viewport().installEventFilter(self)
        self.tag_action = QAction(_("Tag as person…"), edit)
        self.tag_action.setShortcut(QKeySequence(TAG_SHORTCUT))
        self.tag_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.tag_action.triggered.connect(lambda: self.tag_selection())
        edit.addAction(self.tag_action)
        # Set by the editor: finds or creates a person, this testimony's people first
        # (parent, [(id, label)]) -> (id, label) or None if cancelled.
        self.person_chooser: Any = None
        self.hint = QLabel()
        self.hint.setTextFormat(Qt.TextFormat.PlainText)
        self.hint.setWordWrap(True)
        self.hint.setVisible(False)

    # -- state in and out -----------------------------------------------------------

    def load(self, tags: list[dict[str, Any]], language: str, stored_text: str) -> None:
        """Take the record's tags for this field and language (code points into
        `stored_text`, the text as stored; the edit already shows it)."""
        shown = self._text = self.edit.toPlainText()
        self.tags = []
        for raw in tags:
            if raw.get("field") != self.field or raw.get("lang") != language:
                continue
            words = stored_text[raw["start"]:raw["end"]]
            start = raw["start"]
            if shown[start:start + len(words)] != words:
                # the edit normalised line ends or the like: find the same words nearby
                found = [i for i in _occurrences(shown, words)]
                if not found:
                    continue
                start = min(found, key=lambda i: abs(i - raw["start"]))
            extra = {k: v for k, v in raw.items()
                     if k not in ("field", "lang", "start", "end", "person", "sealed")}
            self.tags.append(Tag(start, start + len(words), raw["person"], words,
                                 raw.get("sealed"), extra))
        self.tags.sort(key=lambda t: t.start)
        self.offers = []
        self._highlight()
        self._timer.start()

    def value(self, language: str) -> list[dict[str, Any]]:
        """The tags as the record stores them (code points into the edit's text)."""
        out = []
        for tag in sorted(self.tags, key=lambda t: t.start):
            raw: dict[str, Any] = {**tag.extra, "field": self.field, "lang": language,
                                   "start": tag.start, "end": tag.end, "person": tag.person}
            if tag.sealed is not None:
                raw["sealed"] = tag.sealed
            out.append(raw)
        return out

    def set_people(self, people: list[KnownPerson], labels: dict[str, str],
                   prefer: set[str], base: Matcher | None = None) -> None:
        """Who can be tagged (labels: person id -> pseudonym and attributes) and whose
        names are suggested (`people`, those whose names can be read here). `base`, a
        matcher a worker built over the vault's people, saves rebuilding it here:
        only the others, and this testimony's people, are laid over it."""
        self._people = {p.id: p for p in people}
        self._base = base
        self._labels = dict(labels)
        self._prefer = set(prefer)
        self._matcher = None
        self._timer.start()

    def clear(self) -> None:
        self.tags, self.offers = [], []
        self._people, self._labels, self._prefer = {}, {}, set()
        self._matcher = self._base = None
        self._timer.stop()
        self._text = self.edit.toPlainText()
        self.hint.setVisible(False)
        self.edit.setExtraSelections([])

    # -- following the text ---------------------------------------------------------

    def _contents_change(self, position: int, removed: int, added: int) -> None:
        old, new = self._text, self.edit.toPlainText()
        self._text = new
        if not self.tags and not self.offers:
            self._timer.start()
            return
        # Qt reports a whole paragraph as replaced for an input method's commit:
        # narrow its report down to what really changed (in code points).
        first = to_code_points(new, position)
        old_end = min(len(old), max(first, to_code_points(old, position + removed)))
        new_end = min(len(new), max(first, to_code_points(new, position + added)))
        while first < old_end and first < new_end and old[first] == new[first]:
            first += 1
        while old_end > first and new_end > first and old[old_end - 1] == new[new_end - 1]:
            old_end -= 1
            new_end -= 1
        delta = new_end - old_end
        kept: list[Tag] = []
        for tag in self.tags:
            if old_end <= tag.start:  # before it (typing at its first letter too)
                tag.start, tag.end = tag.start + delta, tag.end + delta
            elif first >= tag.end:
                pass
            elif new[tag.start + delta:tag.end + delta] == tag.text:
                tag.start, tag.end = tag.start + delta, tag.end + delta  # same words, moved
            elif new[tag.start:tag.end] != tag.text:
                continue  # its words were edited: dropped, never pointing at others
            kept.append(tag)
        dropped = len(kept) != len(self.tags)
        self.tags = kept
        self.offers = [Offer(o.start + delta, o.end + delta, o.person, o.others)
                       if old_end <= o.start else o for o in self.offers
                       if old_end <= o.start or first >= o.end]
        self._highlight()
        self._timer.start()
        if dropped:
            self.changed.emit()

    # -- tagging ----------------------------------------------------------------------

    def choices(self) -> list[tuple[str, str]]:
        """(person id, label) for the picker: this testimony's people first."""
        names = {p.id: p.names[0] for p in self._people.values() if p.names}
        ids = list(dict.fromkeys([*sorted(self._prefer & set(self._labels)),
                                  *self._labels, *names]))
        ids.sort(key=lambda i: i not in self._prefer)
        out = []
        for person_id in ids:
            known = self._people.get(person_id)
            label = self._labels.get(person_id) or (known.code if known else person_id[:8])
            if person_id in names:
                label = f"{label} — {names[person_id]}"
            out.append((person_id, label))
        return out

    def selection(self) -> tuple[int, int] | None:
        """The selected words, without the spaces around them; None if nothing."""
        cursor = self.edit.textCursor()
        text = self.edit.toPlainText()
        start = to_code_points(text, cursor.selectionStart())
        end = to_code_points(text, cursor.selectionEnd())
        words = text[start:end]
        if not words.strip():
            return None
        return (start + len(words) - len(words.lstrip()),
                end - (len(words) - len(words.rstrip())))

    def can_tag(self, span: tuple[int, int] | None) -> bool:
        return span is not None and not any(span[0] < t.end and t.start < span[1]
                                            for t in self.tags)

    def tag_selection(self, person: str | None = None) -> bool:
        """Tag the selected words; asks who they name unless `person` is given."""
        span = self.selection()
        if span is None or not self.can_tag(span):
            return False
        if person is None and self.person_chooser is not None:
            chosen = self.person_chooser(self.edit, self.choices())
            if chosen is None:
                return False
            person = chosen[0]
            self._labels[person] = chosen[1]
        if person is None:
            picker = PersonPicker(self.choices(), self.edit)
            if picker.exec() != QDialog.DialogCode.Accepted:
                return False
            person = picker.person()
            if person is None:
                return False
        return self.add_tag(span[0], span[1], person)

    def add_tag(self, start: int, end: int, person: str) -> bool:
        if not self.can_tag((start, end)) or start >= end:
            return False
        words = self.edit.toPlainText()[start:end]
        self.tags.append(Tag(start, end, person, words))
        self.tags.sort(key=lambda t: t.start)
        self.offers = [o for o in self.offers if o.end <= start or o.start >= end]
        self._matcher = None  # the tagged words become a known name of that person
        self._highlight()
        self._timer.start()
        self.changed.emit()
        return True

    def accept(self, offer: Offer, person: str | None = None) -> bool:
        return self.add_tag(offer.start, offer.end, person or offer.person)

    def tag_at(self, position: int) -> Tag | None:
        return next((t for t in self.tags if t.start <= position < t.end), None)

    def offer_at(self, position: int) -> Offer | None:
        return next((o for o in self.offers if o.start <= position < o.end), None)

    def remove(self, tag: Tag) -> None:
        self.tags.remove(tag)
        self._highlight()
        self._timer.start()
        self.changed.emit()

    # -- suggestions -----------------------------------------------------------------

    def refresh_suggestions(self) -> None:
        text = self.edit.toPlainText()
        if self._matcher is None:
            extra = [(t.person, t.text) for t in self.tags if t.sealed is None]
            base = self._base
            own = [p for p in self._people.values()
                   if base is None or p.id not in base.codes or p.id in self._prefer]
            self._matcher = base.extended(own, extra) if base else Matcher(own, extra)
        taken = [(t.start, t.end) for t in self.tags]
        found = self._matcher.suggest(text, taken, self._prefer) if self._matcher else []
        self.offers = [Offer(s.start, s.end, s.person, s.others) for s in found]
        self.hint.setText(ngettext("{count} name could be tagged: right-click an underlined "
                                   "name to tag it.",
                                   "{count} names could be tagged: right-click an underlined "
                                   "name to tag it.", len(self.offers)).format(
            count=i18n.number(len(self.offers))))
        self.hint.setVisible(bool(self.offers))
        self._highlight()
        self.suggestions_changed.emit(len(self.offers))

    # -- showing ---------------------------------------------------------------------

    def label(self, person: str) -> str:
        known = self._people.get(person)
        label = self._labels.get(person) or (known.code if known else person[:8])
        if known and known.names:
            label = f"{label} — {known.names[0]}"
        return label

    def _selection(self, start: int, end: int, fmt: QTextCharFormat) -> Any:
        extra = QTextEdit.ExtraSelection()
        cursor = QTextCursor(self.edit.document())
        cursor.setPosition(to_qt(self._text, start))
        cursor.setPosition(to_qt(self._text, end), QTextCursor.MoveMode.KeepAnchor)
        extra.cursor = cursor
        extra.format = fmt
        return extra

    def _highlight(self) -> None:
        selections = []
        for tag in self.tags:
            fmt = QTextCharFormat()
            fmt.setBackground(_SEALED_COLOUR if tag.sealed is not None else _TAG_COLOUR)
            selections.append(self._selection(tag.start, tag.end, fmt))
        for offer in self.offers:
            fmt = QTextCharFormat()
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)
            fmt.setUnderlineColor(_SUGGESTION_COLOUR)
            selections.append(self._selection(offer.start, offer.end, fmt))
        self.edit.setExtraSelections(selections)

    def _menu(self, point: QPoint) -> None:
        menu = self.edit.createStandardContextMenu(point)
        position = to_code_points(self._text, self.edit.cursorForPosition(point).position())
        menu.addSeparator()
        tag = self.tag_at(position)
        offer = self.offer_at(position)
        if offer is not None:
            for person in (offer.person, *offer.others):
                action = menu.addAction(_("Tag as {person}").format(
                    person=self.label(person).replace("&", "&&")))  # & marks a shortcut
                action.triggered.connect(lambda _c=False, p=person, o=offer: self.accept(o, p))
        self.tag_action.setEnabled(self.can_tag(self.selection()))
        menu.addAction(self.tag_action)
        if tag is not None:
            remove = menu.addAction(_("Remove the tag ({person})").format(
                person=self.label(tag.person).replace("&", "&&")))
            remove.triggered.connect(lambda _c=False, t=tag: self.remove(t))
        menu.exec(self.edit.viewport().mapToGlobal(point))
        menu.deleteLater()
        self.tag_action.setEnabled(True)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt)
        if event.type() == QEvent.Type.ToolTip:
            point = event.pos()  # type: ignore[attr-defined]
            position = to_code_points(self._text,
                                      self.edit.cursorForPosition(point).position())
            tag = self.tag_at(position)
            offer = self.offer_at(position)
            if tag is not None:
                text = (_("Sealed name: {person}") if tag.sealed is not None
                        else _("Tagged: {person}")).format(person=self.label(tag.person))
            elif offer is not None:
                text = _("Suggestion: {person}").format(person=self.label(offer.person))
            else:
                return False
            # A tooltip guesses rich text: escaped inside a paragraph, a name stays text.
            QToolTip.showText(event.globalPos(),  # type: ignore[attr-defined]
                              f"<p>{html.escape(text)}</p>", self.edit)
            return True
        return super().eventFilter(watched, event)


def merged_tags(base: list[dict[str, Any]], language: str,
                taggers: tuple[NarrativeTagger, ...]) -> list[dict[str, Any]]:
    """A record's tags after an edit: the editors' for the language they show, the
    record's own for the texts in other languages (kept as they were)."""
    fields = {t.field for t in taggers}
    kept = [t for t in base if t.get("lang") != language or t.get("field") not in fields]
    return kept + [tag for tagger in taggers for tag in tagger.value(language)]


def people_of(document: dict[str, Any]) -> set[str]:
    """The persons a testimony document concerns: its witness, victims and tagged."""
    testimony = document["testimonies"][0]
    ids = {testimony["witness"]} if "witness" in testimony else set()
    ids |= {t["person"] for t in testimony.get("tags", [])}
    ids |= {v["person"] for i in document.get("incidents", []) for v in i.get("victims", [])
            if "person" in v}
    return ids


def _occurrences(text: str, words: str) -> list[int]:
    out, start = [], text.find(words)
    while start >= 0 and words:
        out.append(start)
        start = text.find(words, start + 1)
    return out
