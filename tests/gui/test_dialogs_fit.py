"""Every dialog fits a 1366×768 laptop, in English and in Arabic: each opened with
the demo vault, its frame inside the screen and no widget squeezed below the size
it needs to show itself (what grows with the content scrolls instead)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QRect
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialog,
    QLabel,
    QLineEdit,
    QWidget,
)

from testimony_app.core.identity.finalising import Preview
from testimony_app.gui.app import install_language
from testimony_app.gui.audit.export_dialog import AuditExportDialog
from testimony_app.gui.backup_dialog import BackupDialog
from testimony_app.gui.destroy_dialog import DestroyKeysDialog
from testimony_app.gui.editor.finalise_dialog import FinaliseDialog
from testimony_app.gui.editor.untagged_names_dialog import UntaggedNamesDialog
from testimony_app.gui.main_window import MainWindow
from testimony_app.gui.people.person_dialog import PersonDialog
from testimony_app.gui.settings_dialog import SettingsDialog, strength_in_words
from testimony_app.gui.sync.export_dialog import ExportDialog
from testimony_app.gui.sync.import_dialog import ImportDialog
from testimony_app.gui.sync.receipt_dialog import ReceiptDialog
from tests.gui.conftest import idle_session, wait_idle
from tests.gui.test_untagged_names_dialog import _testimony
from tests.gui.test_walkthrough import SCREEN, fill_screen

# A desktop's title bar and panel take this much of the 768 rows; the offscreen
# platform draws no title bar, so the frame it reports is the window's own.
DECORATION = 60

# Everything finalising can find missing, and every count: the longest the dialog gets.
LONGEST = Preview(missing=["interview.date", "consent", "consent.recorded_by",
                           "no_incident_reason", "untagged_names"],
                  organisation="Aleppo Documentation Network (field office)", identities=12,
                  public_names=3, already_sealed=2, without_identity=4, witness=True,
                  tagged_names=9, whole=True)


@pytest.fixture(params=["en", "ar"])
def language(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    for leftover in QApplication.topLevelWidgets():
        leftover.hide()
        leftover.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    installed = install_language(qapp, request.param)
    try:
        yield request.param
    finally:
        install_language(qapp, "en", installed)


def squeezed(dialog: QWidget) -> list[str]:
    """Visible widgets smaller than their minimum size hint (cut, overlapping), except
    inside a scroll area, where content may be larger than what shows."""
    found = []
    for widget in dialog.findChildren(QWidget):
        if not widget.isVisibleTo(dialog) or widget.isWindow():
            continue
        if isinstance(widget.parentWidget(), QComboBox | QAbstractSpinBox | QLineEdit):
            continue  # a combo's own line edit, a field's clear button: sized by its owner
        if any(isinstance(a, QAbstractScrollArea) for a in _ancestors(widget, dialog)):
            continue  # scrolls, or a table's header: laid out by the area
        hint = widget.minimumSizeHint()
        if not hint.isValid() or hint.isEmpty():
            continue  # nothing to show (a tab bar without tabs)
        size = widget.size()
        # A wrapping label gives its one-line width as a hint; it wraps to be narrower.
        wraps = isinstance(widget, QLabel) and widget.wordWrap()
        if (size.width() < hint.width() and not wraps) or size.height() < hint.height():
            found.append(f"{type(widget).__name__} {widget.accessibleName() or ''!r} "
                         f"{size.width()}x{size.height()} < {hint.width()}x{hint.height()}")
    return found


def _ancestors(widget: QWidget, top: QWidget) -> list[QWidget]:
    out = []
    parent = widget.parentWidget()
    while parent is not None and parent is not top:
        out.append(parent)
        parent = parent.parentWidget()
    return out


def fits(qtbot: Any, dialog: QDialog) -> None:
    dialog.show()
    qtbot.waitExposed(dialog)
    QApplication.processEvents()
    frame = dialog.frameGeometry()
    assert SCREEN.contains(frame), (type(dialog).__name__, frame)
    assert frame.height() + DECORATION <= SCREEN.height(), (type(dialog).__name__, frame)
    hint = dialog.minimumSizeHint()
    assert hint.width() <= SCREEN.width() and hint.height() <= SCREEN.height(), (
        type(dialog).__name__, hint)
    assert not squeezed(dialog), (type(dialog).__name__, squeezed(dialog))
    for widget in QApplication.topLevelWidgets():
        if widget.isVisible() and widget.isWindow():
            assert SCREEN.contains(widget.frameGeometry()), (type(widget).__name__,
                                                             widget.frameGeometry())


def test_every_dialog_fits_the_laptop_screen(qtbot, open_worker, language: str) -> None:  # type: ignore[no-untyped-def]
    session = idle_session(qtbot, open_worker)
    tid, _witness = _testimony(session)
    settings, places = session.settings(), session.labels("place", language)
    params = session.kdf_params()
    window = MainWindow(open_worker, "vault")
    qtbot.addWidget(window)
    window.show()
    fill_screen(window)
    window.refresh()
    wait_idle(qtbot, open_worker)
    assert SCREEN.contains(window.frameGeometry())

    dialogs: list[QDialog] = [
        SettingsDialog(settings, places, strength_in_words(params.memory_kib, params.iterations),
                       window),
        ExportDialog(open_worker, window), AuditExportDialog(open_worker, window),
        ImportDialog(open_worker, window), ReceiptDialog(open_worker, window),
        BackupDialog(open_worker, settings, window.backup.status, window),
        FinaliseDialog(LONGEST, window), DestroyKeysDialog(window)]
    for dialog in dialogs:
        fits(qtbot, dialog)
        wait_idle(qtbot, open_worker)
        QApplication.processEvents()
        fits(qtbot, dialog)  # and once what it loads has arrived
        dialog.close()

    person = PersonDialog(open_worker, window, title=None)
    person.search.setText("Abu" if language == "en" else "أبو")
    fits(qtbot, person)
    wait_idle(qtbot, open_worker)
    fits(qtbot, person)
    person.show_form(None)  # creating one on the spot: the identity fields appear
    fits(qtbot, person)
    person.close()

    untagged = UntaggedNamesDialog(open_worker, tid, window)
    untagged.start()
    qtbot.waitUntil(lambda: len(untagged.rows) == 2, timeout=20_000)
    fits(qtbot, untagged)
    untagged.close()
    assert QRect(0, 0, 1366, 768) == SCREEN  # the laptop measured against
