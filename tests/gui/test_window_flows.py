"""Smaller promises of the window: a kept draft is offered when its testimony opens,
precision changes keep the day entered, a person's page lists where they are named,
amending a finalised testimony asks why and keeps it, times are local."""

from __future__ import annotations

from PySide6.QtCore import QDateTime, QTimeZone
from pytestqt.qtbot import QtBot

from testimony_app.gui import fmt
from testimony_app.gui.widgets.date_edit import DateWithPrecisionEdit
from testimony_app.gui.worker import VaultWorker
from tests.gui.conftest import idle_session, wait_idle
from tests.gui.test_main_window import make_window, type_text


def test_precision_changes_keep_the_day(qtbot: QtBot) -> None:
    edit = DateWithPrecisionEdit()
    qtbot.addWidget(edit)
    edit.set_value({"precision": "day", "value": "2026-12-04"})
    combo = edit._precision
    combo.setCurrentIndex(combo.findData("month"))
    assert edit.value() == {"precision": "month", "value": "2026-12"}
    combo.setCurrentIndex(combo.findData("day"))
    assert edit.value() == {"precision": "day", "value": "2026-12-04"}


def test_times_are_local_and_24_hour_when_chosen() -> None:
    at = "2026-12-04T09:30:00.000000Z"
    utc = QDateTime.fromString(at[:19], "yyyy-MM-ddTHH:mm:ss")
    utc.setTimeZone(QTimeZone.utc())
    fmt.set_clock("24")
    try:
        assert fmt.time_of(at) == utc.toLocalTime().time().toString("HH:mm")
        assert fmt.time_format() == "HH:mm"
    finally:
        fmt.set_clock("locale")
    assert "/" not in fmt.date("2026-12-04")  # never 12/4/26


def test_a_kept_draft_is_offered_when_its_testimony_opens(
        qtbot: QtBot, open_worker: VaultWorker) -> None:
    window = make_window(qtbot, open_worker)
    session = idle_session(qtbot, open_worker)
    tid = session.list_testimonies()[0].id
    document = session.testimony_document(tid)
    document["testimonies"][0]["title"] = "Changed but not saved"
    session.save_draft("kept-draft", tid, "testimony", {"document": document, "exists": True})
    window.open_testimony(tid)
    editor = window.editor
    qtbot.waitUntil(lambda: editor.draft_bar.isVisible(), timeout=10_000)
    assert editor.title.text() != "Changed but not saved"
    editor.restore_button.click()
    assert editor.title.text() == "Changed but not saved" and editor.dirty


def test_person_page_lists_where_a_person_is_named_and_edits(
        qtbot: QtBot, open_worker: VaultWorker) -> None:
    window = make_window(qtbot, open_worker)
    session = idle_session(qtbot, open_worker)
    witness = next(w for t in session.list_testimonies()
                   if (w := session.testimony_document(t.id)["testimonies"][0].get("witness")))
    window.open_person(witness)
    page = window.person_page
    qtbot.waitUntil(lambda: page.testimonies.count() >= 1 and bool(page.heading.text()),
                    timeout=10_000)
    assert window.stack.currentWidget() is page
    page.testimonies.setCurrentRow(0)
    page.testimonies.itemActivated.emit(page.testimonies.item(0))
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.editor, timeout=10_000)


def test_amend_asks_why_and_keeps_the_reason(qtbot: QtBot, open_worker: VaultWorker) -> None:
    window = make_window(qtbot, open_worker)
    session = idle_session(qtbot, open_worker)
    finalised = [t for t in session.list_testimonies() if t.status == "finalised"][0]
    window.open_testimony(finalised.id)
    editor = window.editor
    qtbot.waitUntil(lambda: editor.testimony_id == finalised.id, timeout=10_000)
    assert editor.read_only and not editor.title.isEnabled()
    editor.begin_amendment("The witness corrected the date")
    assert not editor.read_only and editor.title.isEnabled()
    type_text(editor.title, " (corrected)")
    with qtbot.waitSignal(editor.saved, timeout=20_000):
        editor.save()
    wait_idle(qtbot, open_worker)
    record = idle_session(qtbot, open_worker).record(finalised.id).data
    assert record["status"] == "finalised"
    assert record["amendments"][-1]["reason"] == "The witness corrected the date"
    assert editor.read_only
    qtbot.waitUntil(lambda: editor.history.count() > 0, timeout=10_000)
    texts = [editor.history.item(i).text() for i in range(editor.history.count())]
    assert any("The witness corrected the date" in t for t in texts)
