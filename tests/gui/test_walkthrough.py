"""A new researcher's first session, in English and in Arabic, through widgets and keys
only, in a 1366×768 window: create a vault; record the evacuee's account from the
seed report (a named witness; an incident with a named victim created on the spot
and a group "seven members, perhaps more"); leave with unsaved changes (asked); lock
with unsaved changes and unlock (back in the editor, the draft restored); finalise
through the dialog (what is missing first); open the incident from the Incidents
page and go to its testimony. No top-level window ever leaves the screen."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QRect, Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QDialogButtonBox,
    QMessageBox,
    QPushButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from testimony_app import i18n
from testimony_app.gui import fmt
from testimony_app.gui.app import Controller, install_language
from testimony_app.gui.config import AppConfig
from testimony_app.gui.editor.finalise_dialog import FinaliseDialog
from testimony_app.gui.people.person_dialog import PersonDialog
from testimony_app.i18n import _
from tests.conftest import PASSPHRASE
from tests.gui.conftest import item_text, wait_idle
from tests.gui.test_main_window import type_text

SCREEN = QRect(0, 0, 1366, 768)
LEFT = Qt.MouseButton.LeftButton

ACCOUNT = {
    "en": {"title": "Evacuee at the last checkpoint",
           "witness": "Maisara K",
           "narrative": "All men were gathered together including injuries, we were around "
                        "100. They confiscated all personal papers and money.",
           "more": " Then killed three people.",
           "summary": "Men held at the checkpoint; three killed.",
           "victim": "Abu Baker",
           "group": "the Sande family",
           "recorded_by": "VDC field team"},
    "ar": {"title": "مُهجَّر عند الحاجز الأخير",
           "witness": "ميسرة ك",
           "narrative": "جمعوا كل الرجال بمن فيهم الجرحى، كنا نحو مئة. صادروا كل الأوراق "
                        "الشخصية والنقود.",
           "more": " ثم قتلوا ثلاثة أشخاص.",
           "summary": "احتجاز الرجال عند الحاجز؛ مقتل ثلاثة.",
           "victim": "أبو بكر",
           "group": "عائلة سندة",
           "recorded_by": "فريق مركز توثيق الانتهاكات"},
}


def inside_screen() -> None:
    for widget in QApplication.topLevelWidgets():
        if widget.isVisible() and widget.isWindow():
            frame = widget.frameGeometry()
            assert SCREEN.contains(frame), (type(widget).__name__, frame)
            hint = widget.minimumSizeHint()
            assert hint.width() <= SCREEN.width() and hint.height() <= SCREEN.height(), (
                type(widget).__name__, hint)


def when_modal(kind: type, action: Callable[[Any], None]) -> None:
    """Run `action` on the next modal window of `kind`, once it is shown."""
    def poll() -> None:
        widget = QApplication.activeModalWidget()
        if widget is not None and isinstance(widget, kind) and widget.isVisible():
            inside_screen()
            action(widget)
        else:
            QTimer.singleShot(30, poll)

    QTimer.singleShot(0, poll)


def fill_screen(window: QWidget) -> None:
    """The whole 1366×768 screen, frame included (as maximised)."""
    frame = window.frameGeometry().size() - window.geometry().size()
    window.resize(SCREEN.size() - frame)
    window.move(0, 0)


def button(parent: QWidget, text: str) -> QPushButton:
    found = [b for b in parent.findChildren(QPushButton) if b.text() == text]
    assert found, text
    return found[0]


def shortcut(qtbot: QtBot, window: QWidget, key: Qt.Key) -> None:
    """Ctrl+key in `window`, made active first as the desktop does when a dialog closes."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5_000)
    qtbot.keyClick(window, key, Qt.KeyboardModifier.ControlModifier)


def click(qtbot: QtBot, widget: QWidget) -> None:
    qtbot.mouseClick(widget, LEFT)


@pytest.mark.real_unsaved_prompt
@pytest.mark.parametrize("language", ["en", "ar"])
def test_first_session(qtbot: QtBot, qapp: QApplication, tmp_path: Path, language: str) -> None:
    # Start from a bare application: windows earlier tests left behind would all be
    # told of the layout direction change the language makes.
    for leftover in QApplication.topLevelWidgets():
        leftover.hide()  # not close(): a window's close asks about unsaved changes
        leftover.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    words = ACCOUNT[language]
    controller = Controller(qapp, AppConfig(language=language,
                                            vault_folder=str(tmp_path / "vault")))
    try:
        _walk(qtbot, controller, words, language)
    finally:
        controller.shutdown()
        install_language(qapp, "en")


def _walk(qtbot: QtBot, controller: Controller, words: dict[str, str], language: str) -> None:
    start = controller.start
    controller.show()
    start.resize(700, 520)
    inside_screen()

    # -- create a vault ------------------------------------------------------------
    click(qtbot, button(start.first_page, _("Create a new vault")))
    type_text(start.new_pass, PASSPHRASE)
    type_text(start.new_pass2, PASSPHRASE)
    click(qtbot, start.create_button)
    qtbot.waitUntil(lambda: start.stack.currentWidget() is start.code_page, timeout=60_000)
    groups = start.code_label.text().split("-")
    asked = start._asked
    type_text(start.check_a, groups[asked[0]])
    type_text(start.check_b, groups[asked[1]])
    with qtbot.waitSignal(start.unlocked, timeout=20_000):
        qtbot.keyClick(start.check_b, Qt.Key.Key_Return)
    main = controller.main
    assert main is not None
    fill_screen(main)
    wait_idle(qtbot, controller.worker)
    # a researcher's fresh vault: no coordinator's pages in the navigation
    hidden = [main.nav.item(row).text() for row in range(main.nav.count())
              if main.nav.item(row).isHidden()]
    assert _("Corroboration") in hidden and _("Duplicates") in hidden
    assert _("Researchers") in hidden
    inside_screen()

    # -- record the evacuee's account ------------------------------------------------
    shortcut(qtbot, main, Qt.Key.Key_N)
    editor = main.editor
    assert main.stack.currentWidget() is editor
    type_text(editor.title, words["title"])
    editor.date.set_value({"precision": "day", "value": "2016-12-16"})
    click(qtbot, editor.has_witness)
    editor.sex.setCurrentIndex(editor.sex.findData("male"))
    type_text(editor.age, fmt.number(20))
    type_text(editor.name, words["witness"])
    editor.tabs.setCurrentIndex(1)
    type_text(editor.narrative, words["narrative"])
    editor.tabs.setCurrentWidget(editor.incidents)
    click(qtbot, editor.incidents.add)
    incident = editor.incidents.editor
    incident._type.setCurrentIndex(incident._type.findData("summary_execution"))
    incident._date.set_value({"precision": "day", "value": "2016-12-15"})
    victims = incident._victims

    def create_victim(dialog: PersonDialog) -> None:
        click(qtbot, dialog.new_button)
        assert dialog.form.protected.isVisible()  # the identity is framed as protected
        type_text(dialog.form.name, words["victim"])
        dialog.form.sex.setCurrentIndex(dialog.form.sex.findData("male"))
        click(qtbot, dialog.buttons.button(QDialogButtonBox.StandardButton.Ok))

    when_modal(PersonDialog, create_victim)
    click(qtbot, victims._add_person)
    assert len(victims._victims) == 1 and victims._victims[0].person
    assert words["victim"] in item_text(victims._table, 0, 0)
    click(qtbot, victims._add_group)
    type_text(victims._label, words["group"])
    victims._count.selectAll()
    type_text(victims._count, fmt.number(7))
    victims._qualifier.setCurrentIndex(victims._qualifier.findData("perhaps_more"))
    victims._group_status.setCurrentIndex(victims._group_status.findData("killed"))
    inside_screen()
    click(qtbot, editor.save_button)
    qtbot.waitUntil(lambda: editor.state.text() == _("Saved") or editor.notice.isVisible(),
                    timeout=20_000)
    assert not editor.notice.isVisible(), editor.notice.text()
    tid = editor.testimony_id
    session = _session(qtbot, controller)
    document = session.testimony_document(tid)
    assert words["witness"] in document["persons"][0]["identity"]["name"].values()
    group = document["incidents"][0]["victims"][1]["group"]
    assert (group["count"], group["qualifier"]) == (7, "perhaps_more")
    victim_id = document["incidents"][0]["victims"][0]["person"]
    assert session.person_view(victim_id).summary.name == words["victim"]

    # -- leave with unsaved changes: asked; Cancel stays, Save saves ---------------
    editor.tabs.setCurrentIndex(1)
    type_text(editor.narrative, words["more"])
    assert editor.dirty
    prompts: list[str] = []
    shown = main  # the window these waits look at (a lambda does not keep `main` narrowed)

    def cancel(box: QMessageBox) -> None:
        prompts.append(box.text())
        qtbot.keyClick(box, Qt.Key.Key_Escape)

    when_modal(QMessageBox, cancel)
    click(qtbot, editor.back_button)
    assert prompts and main.stack.currentWidget() is editor and editor.dirty

    def save(box: QMessageBox) -> None:
        prompts.append(box.text())
        click(qtbot, next(b for b in box.buttons()
                          if box.buttonRole(b) == QMessageBox.ButtonRole.AcceptRole))

    when_modal(QMessageBox, save)
    click(qtbot, editor.back_button)
    qtbot.waitUntil(lambda: shown.stack.currentWidget() is shown.testimonies, timeout=20_000)
    assert len(prompts) == 2
    narrative = _session(qtbot, controller).record(tid).data["narrative"]
    assert words["more"].strip() in next(iter(narrative.values()))

    # -- lock with unsaved changes, unlock: back in the editor, draft restored -------
    table = main.testimonies.table
    qtbot.waitUntil(lambda: shown.testimonies.model.count == 1
                    and shown.testimonies.model.row(0) is not None, timeout=10_000)
    table.setCurrentIndex(main.testimonies.model.index(0, 0))
    qtbot.keyClick(table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: shown.stack.currentWidget() is editor
                    and editor.testimony_id == tid, timeout=20_000)
    editor.tabs.setCurrentIndex(1)
    type_text(editor.summary, words["summary"])
    shortcut(qtbot, main, Qt.Key.Key_L)
    assert controller.main is None
    qtbot.waitUntil(lambda: controller.worker.session is None, timeout=20_000)
    assert start.isVisible()
    inside_screen()
    type_text(start.passphrase, PASSPHRASE)
    with qtbot.waitSignal(start.unlocked, timeout=30_000):
        qtbot.keyClick(start.passphrase, Qt.Key.Key_Return)
    main = controller.main
    assert main is not None
    fill_screen(main)
    editor = main.editor
    qtbot.waitUntil(lambda: main.stack.currentWidget() is editor
                    and editor.summary.toPlainText() == words["summary"], timeout=20_000)
    assert editor.dirty and editor.tabs.currentIndex() == 1
    assert editor.notice.isVisible()  # says the draft was restored
    inside_screen()

    # -- finalise through the dialog: the missing item first ------------------------
    seen: list[list[str]] = []

    def go_to_missing(dialog: FinaliseDialog) -> None:
        seen.append([b.text() for b in dialog.missing_buttons])
        assert not dialog.confirm.isEnabled()
        click(qtbot, dialog.missing_buttons[0])

    when_modal(FinaliseDialog, go_to_missing)
    click(qtbot, editor.finalise_button)
    qtbot.waitUntil(lambda: bool(seen), timeout=20_000)
    assert len(seen[0]) == 1
    qtbot.waitUntil(lambda: editor.tabs.currentIndex() == 0, timeout=5_000)
    type_text(editor.recorded_by, words["recorded_by"])

    def confirm(dialog: FinaliseDialog) -> None:
        assert not hasattr(dialog, "missing_buttons") and dialog.confirm.isEnabled()
        click(qtbot, dialog.confirm)

    when_modal(FinaliseDialog, confirm)
    click(qtbot, editor.finalise_button)
    qtbot.waitUntil(lambda: editor.read_only, timeout=30_000)
    assert not editor.save_button.isVisible()
    assert editor.finalise_button.text() == _("Amend…")
    assert _session(qtbot, controller).record(tid).data["status"] == "finalised"

    # -- the incident, from the Incidents page, and on to its testimony --------------
    click(qtbot, editor.back_button)
    assert main.stack.currentWidget() is main.testimonies
    main.nav.setCurrentRow(1)
    qtbot.waitUntil(lambda: main.incidents.model.count == 1
                    and main.incidents.model.row(0) is not None, timeout=10_000)
    incidents = main.incidents.table
    incidents.setCurrentIndex(main.incidents.model.index(0, 0))
    qtbot.keyClick(incidents, Qt.Key.Key_Return)
    page = main.incident_page
    qtbot.waitUntil(lambda: main.stack.currentWidget() is page
                    and page.testimonies.count() == 1, timeout=20_000)
    inside_screen()
    qtbot.keyClick(page.testimonies, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: main.stack.currentWidget() is editor
                    and editor.testimony_id == tid
                    and editor.tabs.currentWidget() is editor.incidents, timeout=20_000)
    assert i18n.language() == language
    inside_screen()


def _session(qtbot: QtBot, controller: Controller) -> Any:
    wait_idle(qtbot, controller.worker)
    return controller.worker.session
