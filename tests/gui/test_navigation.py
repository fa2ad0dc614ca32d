"""Everything listed opens: search results in each list, a testimony's incident and
back to the testimony, a person from the People page; the activity log reads as
sentences naming records and researchers, never as raw keys."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt

from testimony_app.core.records.record_names import RecordName
from testimony_app.core.vault.activity import Entry
from testimony_app.gui.activity_text import Names, sentence
from tests.gui.conftest import idle_session, item_text, wait_idle
from tests.gui.test_main_window import make_window

FP = "BJTP-TZN5-JY9T-0P5R-HKVC-VJWG-01T6-AJXP"


def plain(text: str) -> str:
    return text.replace("\u2068", "").replace("\u2069", "")


def _search_and_open(qtbot, window, row: int, page, query: str) -> None:  # type: ignore[no-untyped-def]
    window.nav.setCurrentRow(row)
    page.search.setText(query)
    qtbot.waitUntil(lambda: not page._debounce.isActive(), timeout=10_000)  # typing ended
    wait_idle(qtbot, window.worker)
    qtbot.waitUntil(lambda: page.model.count >= 1 and page.model.row(0) is not None,
                    timeout=10_000)
    page.table.setCurrentIndex(page.model.index(0, 0))
    if page.kind == "testimony":  # where it matched: the passage, the match highlighted
        qtbot.waitUntil(lambda: "<b" in page.excerpt.text() or "<span" in page.excerpt.text(),
                        timeout=10_000)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)


def test_search_results_open_what_they_list(qtbot, open_worker) -> None:  # type: ignore[no-untyped-def]
    window = make_window(qtbot, open_worker)
    _search_and_open(qtbot, window, 0, window.testimonies, "checkpoint")
    listed = window.testimonies.model.row_id(0)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.editor
                    and window.editor.testimony_id == listed, timeout=10_000)
    window.back_from_editor()

    _search_and_open(qtbot, window, 1, window.incidents, "Aleppo")
    incident = window.incidents.model.row_id(0)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.incident_page
                    and window.incident_page.incident_id == incident, timeout=10_000)

    _search_and_open(qtbot, window, 2, window.people, "P-")
    person = window.people.model.row_id(0)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.person_page
                    and bool(window.person_page.heading.text()), timeout=10_000)
    assert person and window.nav.currentRow() == 2


def test_a_testimony_opens_its_incident_and_the_incident_its_testimony(qtbot, open_worker) -> None:  # type: ignore[no-untyped-def]
    window = make_window(qtbot, open_worker)
    session = idle_session(qtbot, open_worker)
    tid, incident = next(
        (t.id, d["incidents"][0]["id"]) for t in session.list_testimonies()
        if (d := session.testimony_document(t.id)).get("incidents"))
    window.open_testimony(tid)
    editor = window.editor
    qtbot.waitUntil(lambda: editor.testimony_id == tid
                    and editor.incidents.list.count() >= 1, timeout=10_000)
    panel = editor.incidents
    row = next(r for r, i in enumerate(panel._incidents) if i["id"] == incident)
    panel.list.setCurrentRow(row)
    assert panel.open_button.isEnabled()
    panel.open_button.click()
    page = window.incident_page
    qtbot.waitUntil(lambda: window.stack.currentWidget() is page
                    and page.testimonies.count() >= 1, timeout=10_000)
    assert window.nav.currentRow() == 1  # the navigation says where the page belongs
    ids = [page.testimonies.item(i).data(Qt.ItemDataRole.UserRole)
           for i in range(page.testimonies.count())]
    page.testimonies.setCurrentRow(ids.index(tid))
    qtbot.keyClick(page.testimonies, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is editor
                    and editor.testimony_id == tid, timeout=10_000)

    # an incident added but not saved has no page yet
    panel.add_incident()
    assert not panel.open_button.isEnabled()
    editor.discard_changes()
    wait_idle(qtbot, open_worker)


def test_the_activity_log_reads_as_sentences(qtbot, open_worker) -> None:  # type: ignore[no-untyped-def]
    window = make_window(qtbot, open_worker)
    window.nav.setCurrentRow(3)
    table = window.activity.table
    qtbot.waitUntil(lambda: table.rowCount() >= 2, timeout=10_000)
    rows = [[plain(item_text(table, r, c)) for c in range(table.columnCount())]
            for r in range(table.rowCount())]
    whats = [row[3] for row in rows]
    assert any(re.fullmatch(r"Records saved: [\d,]+ added\.", w) for w in whats), whats
    for row in rows:
        assert not re.search(r"\w+_\w+|: 0\b|=", row[3]), row
        assert not row[2].startswith("device:"), row


def test_sentences_name_records_and_researchers() -> None:
    names = Names({"i1": RecordName("incident", "", "", "arbitrary_arrest", "2016-12-14"),
                   "t1": RecordName("testimony", "At the checkpoint", "", "", "")},
                  {FP: "Amal (field team)"})

    def said(action: str, target: str | None, **detail: object) -> str:
        return plain(sentence(Entry(1, "2026-12-04T10:00:00Z", "device:3916b127", action,
                                    target, dict(detail), "h"), names))

    assert said("import", "b-uuid", signer=FP, sequence=3, added=12, updated=0,
                unchanged=6, conflicting=0) == \
        "Bundle 3 from Amal (field team) imported: 12 added, 6 unchanged."
    assert said("unlock", None, discarded_attachments=0, recovered_recordings=0) == \
        "The vault was unlocked."
    assert said("trust", FP) == "The key of Amal (field team) was trusted."
    assert said("corroboration", "i1", other="t1", decision="confirmed") == (
        "incident: Arbitrary arrest, 14 Dec 2016 and testimony “At the checkpoint” "
        "confirmed as the same event.")
    assert said("attach", "t1", attachment="a-uuid", size=10) == \
        "File attached: testimony “At the checkpoint”."
    assert said("trust", "UNKNOWN-FP") == "The key of an unknown researcher was trusted."


def test_search_shows_the_passage_in_its_own_direction(qtbot, open_worker) -> None:  # type: ignore[no-untyped-def]
    window = make_window(qtbot, open_worker)
    # the search forgives alef maqsura for ya: the passage shows the word as written
    for query, written, direction in (("الجرحى", "الجرحي", "rtl"),
                                      ("checkpoint", "checkpoint", "ltr")):
        _search_and_open(qtbot, window, 0, window.testimonies, query)
        text = window.testimonies.excerpt.text()
        assert f'<p dir="{direction}">' in text
        assert re.search(rf"<span style=\"[^\"]*background[^\"]*\">{written}</span>", text)
        qtbot.waitUntil(lambda: window.stack.currentWidget() is window.editor, timeout=10_000)
        window.back_from_editor()
        wait_idle(qtbot, open_worker)
