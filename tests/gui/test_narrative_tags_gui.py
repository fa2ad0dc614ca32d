"""Tagging names in the narrative through the real editor: select and tag, offsets
that follow typing (Arabic, right to left), suggestions, save and reload, autosave,
and tokens after finalising on a researcher's vault."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QPlainTextEdit
from pytestqt.qtbot import QtBot

from testimony_app.gui.editor.narrative_tags import PersonPicker, to_code_points, to_qt
from testimony_app.gui.worker import VaultWorker
from tests.gui.conftest import idle_session, wait_idle
from tests.gui.test_main_window import commit_text, make_window, type_text
from tests.sync_fixtures import Pair, pair, pair_template  # noqa: F401

NAME_AR = "قُرْوَنْدَل زِبْرَخان"
NARRATIVE_AR = f"أخذوا {NAME_AR} عند الحاجز"


def select(edit: QPlainTextEdit, start: int, end: int) -> None:
    cursor = edit.textCursor()
    cursor.setPosition(start)
    cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
    edit.setTextCursor(cursor)


def put_cursor(edit: QPlainTextEdit, position: int) -> None:
    cursor = edit.textCursor()
    cursor.setPosition(position)
    edit.setTextCursor(cursor)


def person_document(name_ar: str = "قروندل زبرخان") -> tuple[dict[str, Any], str]:
    pid = str(uuid.uuid4())
    return {"format": "testimony/1", "persons": [{"id": pid, "sex": "male", "identity": {
        "name": {"ar": name_ar, "en": "Qorvandel Zibrakhan"}, "aliases": ["Abu Qorvan"],
        "public_domain": False}}]}, pid


def tagged_words(editor: Any) -> list[tuple[str, str]]:
    text = editor.narrative.toPlainText()
    return [(text[t["start"]:t["end"]], t["person"])
            for t in editor.narrative_tags.value("ar")]


def new_narrative(qtbot: QtBot, open_worker: VaultWorker) -> tuple[Any, str, int]:
    """A new testimony in the window, the Arabic narrative typed, its person known:
    the editor, the person's id and where the name starts."""
    document, pid = person_document()
    idle_session(qtbot, open_worker).add_document(document)
    window = make_window(qtbot, open_worker)
    window.new_testimony()
    commit_text(window.editor.narrative, NARRATIVE_AR)
    return window.editor, pid, NARRATIVE_AR.index(NAME_AR)


def test_select_tag_and_the_tag_follows_typing(qtbot: QtBot, open_worker: VaultWorker) -> None:
    editor, pid, start = new_narrative(qtbot, open_worker)
    # a selection with a space on either side: the tag covers the words only
    select(editor.narrative, start - 1, start + len(NAME_AR) + 1)
    assert editor.narrative_tags.tag_selection(pid)
    assert editor.dirty
    assert tagged_words(editor) == [(NAME_AR, pid)]
    assert len(editor.narrative.extraSelections()) >= 1  # highlighted
    # an overlapping selection cannot be tagged again
    select(editor.narrative, start + 2, start + 5)
    assert not editor.narrative_tags.tag_selection(pid)

    # typing before the tag (an Arabic keyboard's commit, then key by key) moves it
    put_cursor(editor.narrative, 0)
    commit_text(editor.narrative, "قال إنهم ")
    put_cursor(editor.narrative, 0)
    type_text(editor.narrative, "ثم ")
    assert tagged_words(editor) == [(NAME_AR, pid)]
    # typing after it leaves it alone
    editor.narrative.moveCursor(QTextCursor.MoveOperation.End)
    type_text(editor.narrative, " ليلاً")
    assert tagged_words(editor) == [(NAME_AR, pid)]
    # typing inside it drops it: a tag never points at other words
    text = editor.narrative.toPlainText()
    put_cursor(editor.narrative, text.index(NAME_AR) + 3)
    type_text(editor.narrative, "x")
    assert tagged_words(editor) == []


def test_suggestion_accepted_saved_and_reloaded(qtbot: QtBot, open_worker: VaultWorker) -> None:
    document, pid = person_document()
    idle_session(qtbot, open_worker).add_document(document)
    window = make_window(qtbot, open_worker)
    window.new_testimony()
    editor = window.editor
    editor.date.set_value({"precision": "day", "value": "2016-12-16"})
    # saved once, so the editor asks the vault for the names it knows
    with qtbot.waitSignal(editor.saved, timeout=20_000):
        editor.save()
    commit_text(editor.narrative, NARRATIVE_AR + " وقال أبو قُرفان")
    qtbot.waitUntil(lambda: len(editor.narrative_tags.offers) == 1, timeout=10_000)
    offer = editor.narrative_tags.offers[0]
    text = editor.narrative.toPlainText()
    assert text[offer.start:offer.end] == NAME_AR and offer.person == pid
    assert not editor.narrative_tags.hint.isHidden()  # (on the Account tab)
    assert editor.narrative_tags.accept(offer)
    assert tagged_words(editor) == [(NAME_AR, pid)]
    # the tagged words become a name of that person: its repeat is suggested
    commit_text(editor.narrative, f" ثم عاد {NAME_AR}")
    qtbot.waitUntil(lambda: len(editor.narrative_tags.offers) == 1, timeout=10_000)
    editor.narrative_tags.accept(editor.narrative_tags.offers[0])

    with qtbot.waitSignal(editor.saved, timeout=20_000):
        editor.save()
    tid = editor.testimony_id
    stored = idle_session(qtbot, open_worker).show(tid)["testimonies"][0]
    assert [stored["narrative"]["ar"][t["start"]:t["end"]] for t in stored["tags"]] == [
        NAME_AR, NAME_AR]
    # the editor reloaded the saved document: the tags are still there
    assert [w for w, _p in tagged_words(editor)] == [NAME_AR, NAME_AR]
    window.open_testimony(tid)
    wait_idle(qtbot, open_worker)
    assert [w for w, _p in tagged_words(editor)] == [NAME_AR, NAME_AR]
    assert not editor.dirty


def test_autosave_keeps_the_tags(qtbot: QtBot, open_worker: VaultWorker) -> None:
    document, pid = person_document()
    idle_session(qtbot, open_worker).add_document(document)
    window = make_window(qtbot, open_worker)
    window.new_testimony()
    editor = window.editor
    editor._autosave.setInterval(50)
    commit_text(editor.narrative, NARRATIVE_AR)
    start = NARRATIVE_AR.index(NAME_AR)
    select(editor.narrative, start, start + len(NAME_AR))
    with qtbot.waitSignal(editor.autosaved, timeout=10_000):
        editor.narrative_tags.tag_selection(pid)
    wait_idle(qtbot, open_worker)
    draft = idle_session(qtbot, open_worker).drafts()[-1].data["document"]
    assert draft["testimonies"][0]["tags"][0]["person"] == pid
    second = make_window(qtbot, open_worker)
    second.restore_draft(idle_session(qtbot, open_worker).drafts()[-1])
    assert tagged_words(second.editor) == [(NAME_AR, pid)]


def test_the_witness_typed_in_the_form_can_be_tagged(
        qtbot: QtBot, open_worker: VaultWorker) -> None:
    window = make_window(qtbot, open_worker)
    window.new_testimony()
    editor = window.editor
    editor.has_witness.setChecked(True)
    type_text(editor.name, "Zaynoun Tarbel")
    commit_text(editor.narrative, "Zaynoun Tarbel saw the checkpoint.")
    qtbot.waitUntil(lambda: len(editor.narrative_tags.offers) == 1, timeout=10_000)
    editor.narrative_tags.accept(editor.narrative_tags.offers[0])
    witness = editor.document()["persons"][0]["id"]
    assert editor.document()["testimonies"][0]["tags"][0]["person"] == witness
    assert editor.narrative_tags.choices()[0][0] == witness  # the witness comes first
    editor.recorded_by.setText("team")
    with qtbot.waitSignal(editor.saved, timeout=20_000):
        editor.save()
    stored = idle_session(qtbot, open_worker).show(editor.testimony_id)["testimonies"][0]
    assert stored["tags"][0]["person"] == witness


def test_person_picker_filters(qtbot: QtBot) -> None:
    picker = PersonPicker([("a", "P-AAAA-AAAA — Qorvandel"), ("b", "P-BBBB-BBBB — Yusr")])
    qtbot.addWidget(picker)
    assert picker.person() == "a"
    picker.filter.setText("yus")
    assert picker.person() == "b"
    picker.filter.setText("nobody")
    assert picker.person() is None


def test_offsets_in_code_points_and_qt_positions() -> None:
    text = "a😀b ق"
    assert to_qt(text, 2) == 3 and to_code_points(text, 3) == 2
    assert to_code_points(text, to_qt(text, 5)) == 5


@pytest.fixture
def researcher_worker(qtbot: QtBot, pair: Pair) -> Iterator[VaultWorker]:  # noqa: F811
    """A worker holding the researcher's enrolled vault; idle and emptied before the
    vault is closed."""
    worker = VaultWorker()
    worker.set_session(pair.researcher)
    yield worker
    wait_idle(qtbot, worker)
    worker.set_session(None)
    worker.stop()


def test_finalised_on_a_researcher_vault_shows_tokens(qtbot: QtBot, researcher_worker: VaultWorker, pair: Pair) -> None:  # noqa: F811, E501
    researcher, worker = pair.researcher, researcher_worker
    document, pid = person_document()
    researcher.add_document(document)
    window = make_window(qtbot, worker)
    window.new_testimony()
    editor = window.editor
    editor.date.set_value({"precision": "day", "value": "2016-12-16"})
    editor.recorded_by.setText("team")
    commit_text(editor.narrative, NARRATIVE_AR)
    start = NARRATIVE_AR.index(NAME_AR)
    select(editor.narrative, start, start + len(NAME_AR))
    assert editor.narrative_tags.tag_selection(pid)
    document_now = editor.document()  # saved with a reason for having no incident
    document_now["testimonies"][0]["no_incident_reason"] = "context only"
    researcher_tid = editor.testimony_id
    researcher.add_document(document_now)
    window.open_testimony(researcher_tid)
    wait_idle(qtbot, worker)
    editor.finalise_opened.connect(lambda dialog: QTimer.singleShot(0, dialog.confirm.click))
    editor.finalise()
    qtbot.waitUntil(lambda: editor.read_only, timeout=30_000)
    wait_idle(qtbot, worker)
    text = editor.narrative.toPlainText()
    code = researcher.record(pid).code
    assert NAME_AR not in text and f"[{code}]" in text
    tags = editor.narrative_tags.tags
    assert len(tags) == 1 and tags[0].sealed is not None
    assert text[tags[0].start:tags[0].end] == f"[{code}]"
    # a name added and tagged after finalising (an amendment) is sealed when saved
    editor.begin_amendment("a name the witness added")
    editor.narrative.moveCursor(QTextCursor.MoveOperation.End)
    commit_text(editor.narrative, " ثم زارنا يسريندل")
    text = editor.narrative.toPlainText()
    select(editor.narrative, text.index("يسريندل"), len(text))
    assert editor.narrative_tags.tag_selection(pid)
    with qtbot.waitSignal(editor.saved, timeout=30_000):
        editor.save()
    stored = researcher.show(researcher_tid)["testimonies"][0]
    assert "يسريندل" not in stored["narrative"]["ar"]
    assert all("sealed" in t for t in stored["tags"]) and len(stored["tags"]) == 2
    assert "يسريندل" not in editor.narrative.toPlainText()


def test_clearing_the_editor_on_lock_highlights_nothing_outside_the_text(
        qtbot: QtBot, open_worker: VaultWorker, qtlog: Any) -> None:
    """Locking clears the editor; the tags go first, so that no highlight follows the
    text out of the document (Qt: "QTextCursor::setPosition: Position out of range")."""
    editor, pid, start = new_narrative(qtbot, open_worker)
    select(editor.narrative, start, start + len(NAME_AR))
    assert editor.narrative_tags.tag_selection(pid)
    editor.clear()
    assert editor.narrative.toPlainText() == "" and editor.narrative_tags.tags == []
    assert not [r for r in qtlog.records if "out of range" in r.message]
