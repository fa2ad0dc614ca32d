"""The editor's finalise flow asks about names without a tag before it seals."""

from __future__ import annotations

import uuid

from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from testimony_app.core.session import Session
from testimony_app.gui.editor.untagged_names_dialog import UntaggedNamesDialog
from testimony_app.gui.worker import VaultWorker
from tests.gui.conftest import idle_session, wait_idle
from tests.gui.test_main_window import make_window

TEXT = "They took Marvelline Oskatrub and then Tasqueline at the checkpoint."


def _testimony(session: Session) -> tuple[str, str]:
    tid, witness = str(uuid.uuid4()), str(uuid.uuid4())
    session.add_document({
        "format": "testimony/1", "persons": [{"id": witness, "sex": "male"}],
        "testimonies": [{"id": tid, "witness": witness, "status": "draft",
                         "no_incident_reason": "context",
                         "interview": {"date": {"precision": "day", "value": "2016-12-15"},
                                       "language": "en", "mode": "in_person"},
                         "consent": {"scope": "internal", "recorded_by": "team"},
                         "narrative": {"en": TEXT}}]})
    return tid, witness


def test_finalise_asks_then_tags_and_dismisses(qtbot: QtBot, open_worker: VaultWorker) -> None:
    tid, witness = _testimony(idle_session(qtbot, open_worker))
    window = make_window(qtbot, open_worker)
    window.open_testimony(tid)
    wait_idle(qtbot, open_worker)
    editor = window.editor
    # Confirm the finalise dialog; the names without a tag are asked about next.
    editor.finalise_opened.connect(lambda dialog: QTimer.singleShot(0, dialog.confirm.click))
    editor.finalise()
    qtbot.waitUntil(lambda: editor.untagged_dialog is not None
                    and len(editor.untagged_dialog.rows) == 2, timeout=20_000)
    dialog: UntaggedNamesDialog = editor.untagged_dialog
    assert dialog.isVisible() and not dialog.finalise_button.isEnabled()
    assert idle_session(qtbot, open_worker).record(tid).data["status"] == "draft"
    words = [row["candidate"].text for row in dialog.rows]
    assert words == ["Marvelline Oskatrub", "Tasqueline"]
    first, second = dialog.rows
    first["who"].setCurrentIndex(first["who"].findData(witness))
    first["tag"].click()
    qtbot.waitUntil(lambda: len(dialog.rows) == 1, timeout=20_000)
    with qtbot.waitSignal(dialog.settled, timeout=20_000):
        second["dismiss"].click()
    assert dialog.finalise_button.isEnabled()
    with qtbot.waitSignal(editor.saved, timeout=30_000):
        dialog.finalise_button.click()
    session = idle_session(qtbot, open_worker)
    record = session.record(tid).data
    assert record["status"] == "finalised"
    assert [(t["start"], t["person"]) for t in record["tags"]] == [
        (TEXT.index("Marvelline"), witness)]


def test_nothing_to_ask_settles_at_once(qtbot: QtBot, open_worker: VaultWorker) -> None:
    session = idle_session(qtbot, open_worker)
    tid, _witness = _testimony(session)
    session.dismiss_untagged(tid, session.untagged_names(tid))
    dialog = UntaggedNamesDialog(open_worker, tid)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.settled, timeout=20_000):
        dialog.start()
    assert dialog.rows == [] and dialog.finalise_button.isEnabled()
