"""Leaving a testimony with unsaved changes: Save, Discard or Cancel, asked every time
(back to the list, another record, another page, closing the window, quitting)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QMessageBox, QWidget

from testimony_app.i18n import _

SAVE, DISCARD, CANCEL = "save", "discard", "cancel"


def ask(parent: QWidget) -> str:
    box, save, discard, cancel = make_box(parent)
    box.exec()
    clicked = box.clickedButton()
    if clicked is save:
        return SAVE
    if clicked is discard:
        return DISCARD
    return CANCEL


def make_box(parent: QWidget) -> tuple[QMessageBox, Any, Any, Any]:
    """The question and its three buttons (save, discard, cancel), not yet shown."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(_("Unsaved changes"))
    box.setText(_("This testimony has changes that are not saved."))
    box.setInformativeText(_("Save them as a new revision, discard them, or go back to "
                             "the testimony?"))
    save = box.addButton(_("Save"), QMessageBox.ButtonRole.AcceptRole)
    discard = box.addButton(_("Discard changes"), QMessageBox.ButtonRole.DestructiveRole)
    cancel = box.addButton(_("Cancel"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(save)
    box.setEscapeButton(cancel)
    box.setObjectName("unsaved_prompt")
    return box, save, discard, cancel
