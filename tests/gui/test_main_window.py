"""The researcher's flows through real widgets: lists, search, editor, save,
finalise, attachments, autosave, lock."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QInputMethodEvent, QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from testimony_app.core.session import Session
from testimony_app.gui.main_window import MainWindow
from testimony_app.gui.worker import VaultWorker
from tests.conftest import PASSPHRASE, Template
from tests.gui.conftest import idle_session, wait_idle

NARRATIVE_AR = "جمعوا كل الرجال عند الحاجز وأخذوا الأوراق والهواتف"


def type_text(widget: QWidget, text: str) -> None:
    """Type any script: one key event per character (keyClicks aborts on Arabic)."""
    widget.setFocus()
    for ch in text:
        QApplication.sendEvent(widget, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_unknown,
                                                 Qt.KeyboardModifier.NoModifier, ch))


def commit_text(widget: QWidget, text: str) -> None:
    """As an input method (an Arabic keyboard layout) would deliver it."""
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def make_window(qtbot: QtBot, worker: VaultWorker) -> MainWindow:
    window = MainWindow(worker, "vault")
    qtbot.addWidget(window)
    window.show()
    window.refresh()
    wait_idle(qtbot, worker)
    return window


def test_lists_show_the_demo_and_search_finds_arabic_and_english(
        qtbot: QtBot, open_worker: VaultWorker) -> None:
    window = make_window(qtbot, open_worker)
    page = window.testimonies
    qtbot.waitUntil(lambda: page.model.count == 8, timeout=10_000)
    page.search.setText("checkpoint")
    qtbot.waitUntil(lambda: 0 < page.model.count < 8, timeout=10_000)
    english = page.model.count
    page.search.clear()
    qtbot.waitUntil(lambda: page.model.count == 8, timeout=10_000)
    type_text(page.search, "مئه")  # مئة in the narrative, typed with ha
    qtbot.waitUntil(lambda: 0 < page.model.count < 8, timeout=10_000)
    assert english > 0
    window.nav.setCurrentRow(1)
    qtbot.waitUntil(lambda: window.incidents.model.count == 29, timeout=10_000)
    window.incidents.type.setCurrentIndex(window.incidents.type.findData("summary_execution"))
    qtbot.waitUntil(lambda: window.incidents.model.count == 8, timeout=10_000)
    window.nav.setCurrentRow(2)
    qtbot.waitUntil(lambda: window.people.model.count == 42, timeout=10_000)


def test_new_testimony_with_incident_group_and_attachment(qtbot: QtBot, open_worker: VaultWorker,
                                                          tmp_path: Path) -> None:
    window = make_window(qtbot, open_worker)
    window.new_action.trigger()
    editor = window.editor
    assert window.stack.currentWidget() is editor
    type_text(editor.title, "Checkpoint account")
    editor.date.set_value({"precision": "day", "value": "2016-12-16"})
    commit_text(editor.narrative, NARRATIVE_AR)
    editor.has_witness.setChecked(True)
    editor.sex.setCurrentIndex(editor.sex.findData("male"))
    type_text(editor.name, "Canary Witness")
    editor.recorded_by.setText("Field team A")
    editor.tabs.setCurrentWidget(editor.incidents)
    editor.incidents.add_incident()
    editor.incidents.editor.set_value({
        "type": "summary_execution", "verification": "unverified",
        "date": {"precision": "approximate", "from": "2016-12-15", "to": "2016-12-17"},
        "victims": [{"group": {"label": {"en": "men at the checkpoint"}, "count": 3,
                               "qualifier": "exact"}, "status": "killed"}]})
    assert editor.dirty
    with qtbot.waitSignal(editor.saved, timeout=20_000):
        editor.save()
    tid = editor.testimony_id
    document = idle_session(qtbot, open_worker).testimony_document(tid)
    testimony = document["testimonies"][0]
    assert testimony["narrative"]["ar"] == NARRATIVE_AR
    assert testimony["title"] == "Checkpoint account"
    assert document["persons"][0]["identity"]["name"]["ar"] == "Canary Witness"
    assert document["incidents"][0]["victims"][0]["group"]["count"] == 3
    assert document["incidents"][0]["testimonies"] == [tid]

    photo = tmp_path / "photo.png"
    from PySide6.QtGui import QColor, QImage

    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(QColor("red"))
    image.save(str(photo))
    job = editor.attachments.add_file(photo)
    qtbot.waitUntil(lambda: editor.attachments.table.rowCount() == 1, timeout=20_000)
    assert not job.cancelled()
    editor.attachments.table.selectRow(0)
    qtbot.waitUntil(lambda: editor.attachments.preview.pixmap() is not None
                    and not editor.attachments.preview.pixmap().isNull(), timeout=10_000)
    qtbot.waitUntil(lambda: editor.history.count() >= 1, timeout=10_000)

    # finalise: everything needed is there; the dialog says what it does, then confirms
    seen: list[bool] = []

    def confirm(dialog: Any) -> None:
        seen.append(dialog.confirm.isEnabled())
        QTimer.singleShot(0, dialog.confirm.click)

    editor.finalise_opened.connect(confirm)
    editor.finalise()
    qtbot.waitUntil(lambda: editor.state.text() == "Finalised", timeout=20_000)
    assert seen == [True]
    assert idle_session(qtbot, open_worker).record(tid).data["status"] == "finalised"
    assert editor.read_only and not editor.save_button.isVisible()
    os.remove(photo)


def test_finalise_says_what_is_missing(qtbot: QtBot, open_worker: VaultWorker) -> None:
    window = make_window(qtbot, open_worker)
    window.new_testimony()
    editor = window.editor
    editor.date.set_value({"precision": "day", "value": "2016-12-20"})
    commit_text(editor.narrative, "نص قصير")
    missing: list[str] = []

    def look(dialog: Any) -> None:
        missing.extend(b.text() for b in dialog.missing_buttons)
        assert not dialog.confirm.isEnabled()
        QTimer.singleShot(0, dialog.missing_buttons[0].click)  # goes to the field

    editor.finalise_opened.connect(look)
    editor.finalise()
    qtbot.waitUntil(lambda: len(missing) == 2, timeout=20_000)
    qtbot.waitUntil(lambda: editor.recorded_by.hasFocus() or not window.isActiveWindow(),
                    timeout=5_000)
    assert "Who recorded the consent" in missing[0]
    assert "At least one incident" in missing[1]
    assert idle_session(qtbot, open_worker).record(editor.testimony_id).data["status"] == "draft"


def test_autosave_keeps_a_draft_that_is_offered_back(
        qtbot: QtBot, open_worker: VaultWorker) -> None:
    window = make_window(qtbot, open_worker)
    window.new_testimony()
    editor = window.editor
    editor._autosave.setInterval(50)
    commit_text(editor.narrative, NARRATIVE_AR)
    with qtbot.waitSignal(editor.autosaved, timeout=10_000):
        pass
    drafts = idle_session(qtbot, open_worker).drafts()
    assert len(drafts) == 1
    assert drafts[0].data["document"]["testimonies"][0]["narrative"]["ar"] == NARRATIVE_AR

    second = make_window(qtbot, open_worker)
    second.offer_drafts(drafts)
    assert second.banner.isVisible()
    second._restore_offered()
    assert second.editor.narrative.toPlainText() == NARRATIVE_AR
    assert second.stack.currentWidget() is second.editor


def test_a_long_list_is_fetched_lazily(qtbot: QtBot, worker: VaultWorker, session: Session) -> None:
    """Scrolling fetches the rows in view; how long the event loop stalls while it does
    is measured by bench/gui.py (list and responsiveness rows), not asserted here."""
    import uuid

    n = 3000
    session.add_document({"format": "testimony/1", "testimonies": [
        {"id": str(uuid.uuid4()), "title": f"testimony {i:05d}", "status": "draft",
         "interview": {"date": {"precision": "day", "value": f"2016-12-{i % 28 + 1:02d}"},
                       "language": "en", "mode": "phone"},
         "consent": {"scope": "internal"}, "narrative": {"en": f"account number {i}"}}
        for i in range(n)]})
    worker.set_session(session)
    window = make_window(qtbot, worker)
    page = window.testimonies
    qtbot.waitUntil(lambda: page.model.count == n, timeout=10_000)
    bar = page.table.verticalScrollBar()
    for step in range(0, 101, 5):
        bar.setValue(bar.maximum() * step // 100)
        # the row at the top of the view arrives from the worker
        qtbot.waitUntil(lambda: page.model.row(max(page.table.rowAt(0), 0)) is not None,
                        timeout=10_000)
    page.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    qtbot.waitUntil(lambda: (page.model.row(0) or {}).get("title") == f"testimony {n - 1:05d}",
                    timeout=10_000)
    # only the pages that were looked at were fetched, never the whole list
    assert len(page.model._pages) < n // 200


def test_audio_attachment_plays_from_memory(
        qtbot: QtBot, open_worker: VaultWorker, tmp_path: Path) -> None:
    import math
    import struct
    import wave

    try:
        import PySide6.QtMultimedia  # noqa: F401
    except ImportError:
        pytest.skip("QtMultimedia cannot load: it needs Debian's libpulse0 "
                    "(scripts/system-packages.sh installs it)")
    window = make_window(qtbot, open_worker)
    first = idle_session(qtbot, open_worker).list_testimonies()[0].id
    window.open_testimony(first)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.editor, timeout=10_000)
    recording = tmp_path / "interview.wav"
    with wave.open(str(recording), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"".join(struct.pack("<h", int(8000 * math.sin(i / 8000 * 2 * math.pi
                                                                        * 440)))
                                 for i in range(16000)))
    panel = window.editor.attachments
    panel.add_file(recording)
    qtbot.waitUntil(lambda: panel.table.rowCount() == 1, timeout=20_000)
    recording.unlink()  # the player works from the vault's bytes only
    panel.table.selectRow(0)
    qtbot.waitUntil(lambda: panel.player.duration_ms > 1900, timeout=20_000)
    assert panel.player.isEnabled()
    panel.clear()
    assert panel.player.duration_ms == 0


def test_settings_dialog_values_and_birth_date_round_trip(
        qtbot: QtBot, open_worker: VaultWorker) -> None:
    from testimony_app.gui.settings_dialog import SettingsDialog

    dialog = SettingsDialog({"autolock_minutes": "7", "default_language": "en"},
                            [("p1", "Aleppo")], "256 MiB", None)
    qtbot.addWidget(dialog)
    assert dialog.values()["autolock_minutes"] == "7"
    dialog.default_place.setCurrentIndex(dialog.default_place.findData("p1"))
    assert dialog.values() == {"autolock_minutes": "7", "default_language": "en",
                               "default_place": "p1", "lock_on_sleep": "1",
                               "clipboard_seconds": "60", "clock": "locale",
                               "digits": "native"}
    window = make_window(qtbot, open_worker)
    window.settings = {**dialog.values(), "default_place": ""}
    window.new_testimony()
    editor = window.editor
    assert editor.language.currentData() == "en"
    editor.has_witness.setChecked(True)
    editor.name.setText("Canary Person")
    editor.birth_date.set_value({"precision": "year", "value": "1990"})
    with qtbot.waitSignal(editor.saved, timeout=20_000):
        editor.save()
    document = idle_session(qtbot, open_worker).testimony_document(editor.testimony_id)
    assert document["persons"][0]["identity"]["birth_date"] == {"precision": "year",
                                                                 "value": "1990"}


def test_stronger_key_derivation_re_encrypts_with_progress(qtbot: QtBot, open_worker: VaultWorker,
                                                           template: Template) -> None:
    from PySide6.QtWidgets import QProgressDialog

    from testimony_app.gui.rekey_progress import run_rekey

    parent = QWidget()
    qtbot.addWidget(parent)
    finished: list[bool] = []
    run_rekey(parent, open_worker,
              lambda s, progress: s.set_kdf_strength(PASSPHRASE, "strong", progress),
              on_done=lambda: finished.append(True))
    dialog = parent.findChild(QProgressDialog)
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: finished == [True], timeout=60_000)
    # The bar followed the re-encryption to its end, then the dialog closed.
    assert not dialog.isVisible() and (dialog.value(), dialog.maximum()) == (1000, 1000)
    session = open_worker.session
    assert session is not None
    assert session.kdf_params().memory_kib == 512 * 1024
    assert session.data_key() != template.key
