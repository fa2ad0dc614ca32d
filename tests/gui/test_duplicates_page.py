"""The Duplicates page through real widgets, on a coordinator's vault that imported two
researchers' bundles (real vaults, real bundles): a coordinator sees, without any
command line, which victims are the same person, merges them, and undoes it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from testimony_app.core.identity import duplicates
from testimony_app.gui.main_window import MainWindow
from testimony_app.gui.worker import VaultWorker
from testimony_app.gui.workspace.duplicates_page import ROWS, DuplicatesPage
from tests.duplicates_fixtures import IDS, NAMES, DupTrio, dup_template, dup_trio  # noqa: F401
from tests.gui.conftest import wait_idle
from tests.sync_fixtures import pair_template  # noqa: F401


@pytest.fixture
def coordinator(qtbot, dup_trio: DupTrio) -> Iterator[VaultWorker]:  # type: ignore[no-untyped-def]  # noqa: F811
    worker = VaultWorker()
    worker.set_session(dup_trio.coordinator)
    yield worker
    wait_idle(qtbot, worker)
    worker.set_session(None)
    worker.stop()


def cell(table, row: int, column: int) -> str:  # type: ignore[no-untyped-def]
    item = table.item(row, column)
    return "" if item is None else item.text()


def row_of(page: DuplicatesPage, a: str, b: str) -> int:
    wanted = {a, b}
    return next(r for r in range(page.suggestion_table.rowCount())
                if {cell(page.suggestion_table, r, 1), cell(page.suggestion_table, r, 2)}
                == wanted)


def open_page(qtbot, worker: VaultWorker) -> DuplicatesPage:  # type: ignore[no-untyped-def]
    page = DuplicatesPage(worker)
    qtbot.addWidget(page)
    page.show()
    page.reload()
    qtbot.waitUntil(lambda: page.review is not None, timeout=20_000)
    return page


def test_review_merge_and_undo(qtbot, coordinator, dup_trio: DupTrio) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    page = open_page(qtbot, coordinator)
    code = dup_trio.code
    expected = len(dup_trio.coordinator.duplicates().suggestions)
    assert page.suggestion_table.rowCount() == expected
    assert page.message.text() == f"{expected} possible duplicates, best first."

    # The Latin spelling (researcher one) and the Arabic one (researcher two), side by side.
    row = row_of(page, code("A"), code("B"))
    assert "same name in Arabic and Latin script" in cell(page.suggestion_table, row, 3)
    page.suggestion_table.setCurrentCell(row, 0)
    left = 0 if cell(page.compare_table, 0, 0) == code("A") else 1
    column = {ROWS[r]: (cell(page.compare_table, r, left), cell(page.compare_table, r, 1 - left))
              for r in range(len(ROWS))}
    assert column["Names"] == (NAMES["A"], NAMES["B"])
    assert column["Birth year"] == ("1980", "1980")
    assert column["Recorded by"] == ("Researcher One", "Researcher Two")
    assert column["Victim at"] == ("Salah al-Din", "Salah al-Din")
    assert column["Sex"] == ("Male", "Male")

    # Merge, keeping A: the pair is gone, the merge is listed, the records are linked.
    assert page.keep_left_button.isEnabled() and not page.undo_button.isEnabled()
    page.merge(keep_left=(left == 0))
    qtbot.waitUntil(lambda: page.decision_table.rowCount() == 1, timeout=20_000)
    assert cell(page.decision_table, 0, 0) == f"{code('B')} merged into {code('A')}"
    assert duplicates.canonical(dup_trio.coordinator.conn) == {IDS["B"]: IDS["A"]}
    assert not any({cell(page.suggestion_table, r, 1), cell(page.suggestion_table, r, 2)}
                   == {code("A"), code("B")} for r in range(page.suggestion_table.rowCount()))

    # Undo it: the pair is back.
    page.decision_table.setCurrentCell(0, 0)
    assert page.undo_button.isEnabled()
    page.undo_button.click()
    qtbot.waitUntil(lambda: page.decision_table.rowCount() == 0, timeout=20_000)
    assert page.suggestion_table.rowCount() == expected
    assert duplicates.canonical(dup_trio.coordinator.conn) == {}

    # Not the same person: the pair leaves the suggestions, the decision can be undone.
    page.suggestion_table.setCurrentCell(row_of(page, code("A"), code("C")), 0)
    page.distinct_button.click()
    qtbot.waitUntil(lambda: page.decision_table.rowCount() == 1, timeout=20_000)
    assert cell(page.decision_table, 0, 0) == "Not the same person"
    assert page.suggestion_table.rowCount() == expected - 1
    page.decision_table.setCurrentCell(0, 0)
    page.undo()
    qtbot.waitUntil(lambda: page.decision_table.rowCount() == 0, timeout=20_000)
    assert page.suggestion_table.rowCount() == expected

    page.clear()
    assert page.suggestion_table.rowCount() == 0 and page.review is None
    assert cell(page.compare_table, 1, 0) == "" and not page.distinct_button.isEnabled()


def test_an_error_is_said_in_words(qtbot, coordinator, dup_trio: DupTrio) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    page = open_page(qtbot, coordinator)
    code = dup_trio.code
    dup_trio.coordinator.mark_not_duplicates(code("A"), code("B"))  # meanwhile, elsewhere
    page.suggestion_table.setCurrentCell(row_of(page, code("A"), code("B")), 0)
    page.merge()
    qtbot.waitUntil(lambda: "not the same person" in page.message.text(), timeout=20_000)
    assert "undo that decision first" in page.message.text()


def test_the_main_window_offers_the_page(qtbot, coordinator) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(coordinator, "vault")
    qtbot.addWidget(window)
    window.show()
    page = window.workspace.duplicates
    window.nav.setCurrentRow(window.workspace.row_of(page))
    qtbot.waitUntil(lambda: page.review is not None, timeout=20_000)
    assert page.suggestion_table.rowCount() > 0
    window.workspace.clear()
    assert page.suggestion_table.rowCount() == 0
    wait_idle(qtbot, coordinator)


def test_a_review_arriving_after_lock_is_dropped(qtbot, coordinator) -> None:  # type: ignore[no-untyped-def]
    """The lock clears the page while a review (with names) is still on the worker: it
    must not fill the page again."""
    page = open_page(qtbot, coordinator)
    page.suggestion_table.setCurrentCell(0, 0)
    page.reload()
    page.merge()  # and an action whose reload would follow it
    page.clear()
    wait_idle(qtbot, coordinator)
    qtbot.wait(50)
    assert page.review is None and page.suggestion_table.rowCount() == 0
    assert page.decision_table.rowCount() == 0 and page.message.text() == ""
    shown = [cell(page.compare_table, r, c) for r in range(len(ROWS)) for c in range(2)]
    assert not any(name in text for name in NAMES.values() for text in shown)
