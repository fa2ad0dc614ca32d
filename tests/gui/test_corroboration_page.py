"""The Corroboration page and the editor's Provenance tab through real widgets, on a
coordinator's vault that imported two researchers' bundles (real vaults, real bundles):
a coordinator sees, without any command line, which incidents are corroborated."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QLabel, QTableWidget
from pytestqt.qtbot import QtBot

from testimony_app.gui.main_window import MainWindow
from testimony_app.gui.worker import VaultWorker
from testimony_app.gui.workspace.corroboration_page import CorroborationPage
from tests.corroboration_fixtures import (  # noqa: F401
    Accounts,
    Trio,
    load_two_accounts,
    trio,
    trio_template,
)
from tests.gui.conftest import idle_session, wait_idle
from tests.sync_fixtures import pair_template  # noqa: F401


@pytest.fixture
def coordinator(qtbot: QtBot, trio: Trio) -> Iterator[tuple[VaultWorker, Accounts, dict[str, str]]]:  # noqa: F811
    """The coordinator's worker, after both researchers' bundles were imported."""
    accounts, ids = load_two_accounts(trio)
    worker = VaultWorker()
    worker.set_session(trio.coordinator)
    yield worker, accounts, ids
    wait_idle(qtbot, worker)
    worker.set_session(None)
    worker.stop()


def cell(table: QTableWidget, row: int, column: int) -> str:
    item = table.item(row, column)
    return "" if item is None else item.text()


def test_review_confirm_accept_and_undo(
        qtbot: QtBot, coordinator: tuple[VaultWorker, Accounts, dict[str, str]]) -> None:
    worker, accounts, _ids = coordinator
    page = CorroborationPage(worker)
    qtbot.addWidget(page)
    page.show()
    assert not page.confirm_button.isEnabled()
    page.reload()
    qtbot.waitUntil(lambda: page.suggestion_table.rowCount() == 2, timeout=20_000)
    assert page.cluster_table.rowCount() == 0
    # ranked, with the reasons and who reported each side
    assert cell(page.suggestion_table, 0, 1) == "Arbitrary arrest"
    assert "Researcher Two" in cell(page.suggestion_table, 0, 2)
    assert "Researcher One" in cell(page.suggestion_table, 0, 3)
    assert "al-Kalasa — Aleppo" in cell(page.suggestion_table, 0, 3)
    why = cell(page.suggestion_table, 0, 4)
    assert "one place lies within the other" in why and "same perpetrator" in why
    assert float(cell(page.suggestion_table, 0, 0)) > float(cell(page.suggestion_table, 1, 0))

    # selecting a suggestion lists both incidents; the first one's provenance is shown
    page.suggestion_table.setCurrentCell(0, 0)
    assert page.incidents.count() == 2 and page.confirm_button.isEnabled()
    qtbot.waitUntil(lambda: "Researcher Two" in page.provenance.text(), timeout=20_000)
    assert "Received from Researcher Two in bundle 1." in page.provenance.text()
    page.incidents.setCurrentRow(1)
    qtbot.waitUntil(lambda: "Researcher One" in page.provenance.text(), timeout=20_000)

    page.confirm_button.click()
    qtbot.waitUntil(lambda: page.cluster_table.rowCount() == 1, timeout=20_000)
    assert page.suggestion_table.rowCount() == 1
    assert page.message.text() == "Confirmed: the two incidents are the same event."
    assert cell(page.cluster_table, 0, 0) == "2"
    assert cell(page.cluster_table, 0, 4) == "2"  # independent sources
    assert cell(page.cluster_table, 0, 5) == "Partially verified"
    assert cell(page.cluster_table, 0, 6) == "Unverified"

    # accept the suggested status: both incidents get it
    page.cluster_table.setCurrentCell(0, 0)
    assert page.status_combo.currentData() == "partially_verified"
    assert page.accept_button.isEnabled()
    page.accept_button.click()
    qtbot.waitUntil(lambda: cell(page.cluster_table, 0, 6) == "Partially verified",
                    timeout=20_000)
    session = idle_session(qtbot, worker)
    assert {session.record(i).data["verification"]
            for i in (accounts.english_arrest, accounts.arabic_arrest)} == {"partially_verified"}
    # or change it
    page.cluster_table.setCurrentCell(0, 0)
    assert not page.accept_button.isEnabled()  # already agreed
    page.status_combo.setCurrentIndex(page.status_combo.findData("disputed"))
    page.set_button.click()
    qtbot.waitUntil(lambda: cell(page.cluster_table, 0, 6) == "Disputed", timeout=20_000)

    # reject the other suggestion, then undo that
    page.suggestion_table.setCurrentCell(0, 0)
    page.reject_button.click()
    qtbot.waitUntil(lambda: page.suggestion_table.rowCount() == 0, timeout=20_000)
    assert page.undo_button.isEnabled()
    page.undo_button.click()
    qtbot.waitUntil(lambda: page.suggestion_table.rowCount() == 1, timeout=20_000)

    # take an incident out of the group: the link is undone, the pair suggested again
    page.cluster_table.setCurrentCell(0, 0)
    page.incidents.setCurrentRow(0)
    assert page.unlink_button.isEnabled()
    page.unlink_button.click()
    qtbot.waitUntil(lambda: page.cluster_table.rowCount() == 0, timeout=20_000)
    assert page.suggestion_table.rowCount() == 2
    page.clear()
    assert page.suggestion_table.rowCount() == 0 and page.provenance.text().strip() == ""


def test_coordinator_sees_corroboration_and_provenance_in_the_window(
        qtbot: QtBot, coordinator: tuple[VaultWorker, Accounts, dict[str, str]]) -> None:
    worker, accounts, ids = coordinator
    idle_session(qtbot, worker).confirm_corroboration(accounts.english_arrest,
                                                      accounts.arabic_arrest)
    window = MainWindow(worker, "vault")
    qtbot.addWidget(window)
    window.show()
    page = window.workspace.corroboration
    window.nav.setCurrentRow(window.workspace.row_of(page))
    qtbot.waitUntil(lambda: page.cluster_table.rowCount() == 1, timeout=20_000)
    assert cell(page.cluster_table, 0, 4) == "2"
    assert cell(page.cluster_table, 0, 5) == "Partially verified"

    # the testimony editor shows where the testimony came from
    window.open_testimony(ids["testimony_one"])
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.editor, timeout=20_000)
    panel = window.editor.provenance
    qtbot.waitUntil(lambda: "Researcher One" in panel.text(), timeout=20_000)
    text = panel.text()
    assert "Received from Researcher One in bundle 1." in text
    prov = idle_session(qtbot, worker).provenance(ids["testimony_one"])
    # the researcher by name, the bundle by number and date; ids only in the details
    assert "bundle 1 of Researcher One, " in text.replace("\u2068", "").replace("\u2069", "")
    for internal in (prov.fingerprint, prov.bundle_id, prov.device_id, prov.record_id):
        assert internal and internal not in text
        assert internal in panel.details.text()
    assert not re.search("device:[0-9a-f?]", text)
    assert "On the researcher's device: #1" in text
    tabs = [window.editor.tabs.tabText(i) for i in range(window.editor.tabs.count())]
    assert "Provenance" in tabs
    window.editor.clear()
    assert panel.text().strip() == ""
    wait_idle(qtbot, worker)


def test_an_answer_arriving_after_lock_is_dropped(
        qtbot: QtBot, coordinator: tuple[VaultWorker, Accounts, dict[str, str]]) -> None:
    worker, _accounts, _ids = coordinator
    page = CorroborationPage(worker)
    qtbot.addWidget(page)
    page.show()
    page.reload()
    qtbot.waitUntil(lambda: page.suggestion_table.rowCount() == 2, timeout=20_000)
    page.suggestion_table.setCurrentCell(0, 0)
    page.reload()
    page.decide("confirm")  # its reload would come after the lock
    page.clear()
    wait_idle(qtbot, worker)  # every result, and what its callback sent, has arrived
    assert page.suggestions == [] and page.clusters == []
    assert page.suggestion_table.rowCount() == 0 and page.cluster_table.rowCount() == 0
    assert page.summary.text() == "" and page.message.text() == ""
    assert page.last_decision is None and not page.undo_button.isEnabled()
    # an error other than ours is named by its type, never by its message
    page._failed(ValueError("Mohammed al-Halabi"))
    assert "Mohammed" not in page.message.text() and "ValueError" in page.message.text()


def test_the_page_fits_a_laptop_with_the_pair_side_by_side(qtbot, coordinator) -> None:  # type: ignore[no-untyped-def]
    from tests.gui.test_walkthrough import fill_screen

    worker, accounts, _ids = coordinator
    idle_session(qtbot, worker).confirm_corroboration(accounts.english_arrest,
                                                      accounts.arabic_arrest)
    window = MainWindow(worker, "vault")
    qtbot.addWidget(window)
    window.show()
    fill_screen(window)
    page = window.workspace.corroboration
    window.nav.setCurrentRow(window.workspace.row_of(page))
    qtbot.waitUntil(lambda: page.suggestion_table.rowCount() >= 1
                    and page.cluster_table.rowCount() >= 1, timeout=20_000)
    assert not page.comparison.isVisible()  # nothing chosen, nothing compared
    assert page.comparison_hint.isVisible()
    page.suggestion_table.setCurrentCell(0, 0)
    qtbot.waitUntil(lambda: page.comparison.isVisible(), timeout=5_000)
    assert not page.comparison_hint.isVisible()
    # no sideways scrolling: every column within its table, the pair within its pane
    for table in (page.suggestion_table, page.cluster_table):
        assert table.horizontalHeader().length() <= table.viewport().width(), table
        assert not table.horizontalScrollBar().isVisible()
    area = page.comparison_area
    assert page.comparison.minimumSizeHint().width() <= area.viewport().width()
    assert page.comparison.width() <= area.viewport().width()
    labels = [w.text() for w in page.comparison.findChildren(QLabel)]
    assert "First incident" in labels and "Second incident" in labels
    assert window.frameGeometry().width() <= 1366
    wait_idle(qtbot, worker)


ISO_DATE = re.compile(r"\d{4}-\d{2}(-\d{2})?|[٠-٩]{4}-[٠-٩]{2}")


@pytest.mark.parametrize("language", ["en", "ar"])
def test_dates_are_written_as_the_other_pages_write_them(
        qtbot: QtBot, coordinator: tuple[VaultWorker, Accounts, dict[str, str]],
        language: str) -> None:
    from testimony_app import i18n

    worker, accounts, _ids = coordinator
    idle_session(qtbot, worker).confirm_corroboration(accounts.english_arrest,
                                                      accounts.arabic_arrest)
    i18n.set_language(language)
    page = CorroborationPage(worker)
    qtbot.addWidget(page)
    page.show()
    page.reload()
    qtbot.waitUntil(lambda: page.suggestion_table.rowCount() >= 1
                    and page.cluster_table.rowCount() >= 1, timeout=20_000)
    page.suggestion_table.setCurrentCell(0, 0)
    qtbot.waitUntil(lambda: page.comparison.isVisible(), timeout=5_000)
    month = "كانون الأول" if language == "ar" else "Dec"
    sides = [cell(page.suggestion_table, 0, 2), cell(page.suggestion_table, 0, 3),
             cell(page.cluster_table, 0, 2)]
    labels = [w.text() for w in page.comparison.findChildren(QLabel)]
    for text in sides + labels:
        assert not ISO_DATE.search(text), text
    assert all(month in text for text in sides)
    assert sum(("كانون الأول" if language == "ar" else "December") in t for t in labels) == 2
    wait_idle(qtbot, worker)
