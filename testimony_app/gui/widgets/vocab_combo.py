"""Combo boxes over core's controlled vocabularies, labelled in the UI language."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox

from testimony_app import i18n
from testimony_app.core.records import vocab


def vocab_combo(vocabulary: str, name: str, placeholder: str | None = None) -> QComboBox:
    """Every code of `vocabulary`, after an optional first item meaning "none" (None)."""
    combo = QComboBox()
    if placeholder is not None:
        combo.addItem(placeholder, None)
    for code in vocab.ALL[vocabulary]:
        combo.addItem(vocab.label(vocabulary, code, i18n.language()), code)
    combo.setAccessibleName(name)
    return combo


def select(combo: QComboBox, code: object) -> None:
    """Select `code` (None: the first item), adding it, labelled by itself, if the combo
    does not offer it (a code from a newer version must not be lost on save)."""
    if code is None:
        combo.setCurrentIndex(0)
        return
    index = combo.findData(code)
    if index < 0:
        combo.addItem(str(code), code)
        index = combo.count() - 1
    combo.setCurrentIndex(index)
