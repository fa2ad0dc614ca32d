"""Text direction that follows the text, whatever the UI language, and one field's
view of a multilingual text (docs/FORMAT.md).

An Arabic place name typed into an English UI must read right to left, and a Latin
name in an Arabic UI left to right; an empty field follows the application.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QTextEdit

from testimony_app import i18n
from testimony_app.core.records.textnorm import is_rtl

__all__ = ["MultilingualText", "apply_text_direction", "follow_text_direction",
           "set_document_auto_direction"]

_Align = Qt.AlignmentFlag


def apply_text_direction(widget: QLineEdit, text: str | None = None) -> None:
    """Align `widget` and set its layout direction from `text` (default: its own text)."""
    text = widget.text() if text is None else text
    vertical = widget.alignment() & _Align.AlignVertical_Mask
    if not text:
        # Inherit again from the parent, and so from the application's layout direction.
        widget.unsetLayoutDirection()
        horizontal = _Align.AlignLeading  # logical: the right edge in a right-to-left UI
    elif is_rtl(text):
        widget.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
        horizontal = _Align.AlignRight | _Align.AlignAbsolute
    else:
        widget.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        horizontal = _Align.AlignLeft | _Align.AlignAbsolute
    widget.setAlignment(horizontal | vertical)


class _DirectionFollower(QObject):
    """Child of a line edit: re-applies the direction whenever its text changes."""

    def __init__(self, edit: QLineEdit) -> None:
        super().__init__(edit)
        self._edit = edit
        edit.textChanged.connect(self._follow)
        self._follow(edit.text())

    def _follow(self, text: str) -> None:
        apply_text_direction(self._edit, text)


def follow_text_direction(widget: QLineEdit) -> None:
    """Make `widget` right-aligned and right-to-left while its text is right-to-left
    (Arabic, Kurdish in Arabic script...), left-aligned and left-to-right while it is
    Latin, and follow the application's layout direction while it is empty.
    Calling it again on the same widget does nothing."""
    if widget.findChild(_DirectionFollower, "", Qt.FindChildOption.FindDirectChildrenOnly):
        return
    _DirectionFollower(widget)


def set_document_auto_direction(edit: QPlainTextEdit | QTextEdit) -> None:
    """Give each paragraph of `edit` the direction of its own text: an Arabic paragraph
    right to left and right-aligned, an English one left to right and left-aligned,
    in either UI language. (Applies to the current document; call again after
    `setDocument`.)"""
    document = edit.document()
    option = document.defaultTextOption()
    option.setTextDirection(Qt.LayoutDirection.LayoutDirectionAuto)
    if isinstance(edit, QPlainTextEdit):
        # QPlainTextEdit lays every paragraph out with this one option and treats its
        # alignment as absolute, except that "justify" puts a right-to-left paragraph
        # on the right: the only per-paragraph alignment it has.
        option.setAlignment(_Align.AlignJustify)
    document.setDefaultTextOption(option)


class MultilingualText:
    """One text field's view of a multilingual text ({language: text}).

    The field shows one language: `preferred` (the UI language by default) when the
    text has it, else the first one. Editing replaces that language's text and keeps
    the others; an untouched text comes back exactly as it was given. A text that was
    empty goes under the language passed to `value`.
    """

    def __init__(self, value: Mapping[str, str] | None = None,
                 preferred: str | None = None) -> None:
        self._original: dict[str, str] = dict(value or {})
        wanted = preferred or i18n.language()
        if wanted in self._original:
            self._key: str | None = wanted
        else:
            self._key = next(iter(self._original), None)
        self._loaded = self._original.get(self._key, "") if self._key else ""
        self.text = self._loaded

    @property
    def shown_language(self) -> str | None:
        """The language whose text the field shows (None for a new text)."""
        return self._key

    def value(self, language: str) -> dict[str, str] | None:
        """The multilingual text with the field's current `text`, or None if empty."""
        if self.text == self._loaded:
            return dict(self._original) or None
        result = dict(self._original)
        key = self._key or language
        text = self.text.strip()
        if text:
            result[key] = text
        else:
            result.pop(key, None)
        return result or None
