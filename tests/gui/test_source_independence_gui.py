"""The Corroboration page's control to mark a source as not independent, on the demo
data: ANNA News broadcast a detainee's "confession" that the report says was coerced."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from testimony_app.gui.worker import VaultWorker
from testimony_app.gui.workspace.corroboration_page import CorroborationPage
from tests.gui.conftest import idle_session, item_text, wait_idle

ANNA = "6cd72eba-eda5-5faa-aa41-b187eb8f9892"


def _row_citing(page: CorroborationPage, source: str) -> int:
    return next(r for r, c in enumerate(page.clusters) if any(x.id == source for x in c.cited))


def test_mark_a_source_not_independent_from_the_page(
        qtbot: QtBot, open_worker: VaultWorker) -> None:
    page = CorroborationPage(open_worker)
    qtbot.addWidget(page)
    page.show()
    page.reload()
    qtbot.waitUntil(lambda: page.cluster_table.rowCount() > 0, timeout=20_000)
    row = _row_citing(page, ANNA)
    before = page.clusters[row].sources
    page.cluster_table.setCurrentCell(row, 0)
    assert page.source_combo.count() >= 4
    page.source_combo.setCurrentIndex(page.source_combo.findData(ANNA))
    page.dependence_combo.setCurrentIndex(page.dependence_combo.findData("coerced"))
    assert page.dependent_button.isEnabled()
    page.dependent_button.click()
    qtbot.waitUntil(lambda: page.message.text() != "", timeout=20_000)
    assert "no longer counts" in page.message.text(), page.message.text()
    wait_idle(qtbot, open_worker)
    row = _row_citing(page, ANNA)
    assert page.clusters[row].sources == before - 1
    why = item_text(page.cluster_table, row, 7)
    assert "ANNA News" in why and "coerced" in why
    entry = idle_session(qtbot, open_worker).activity()[-1]
    assert (entry.action, entry.target) == ("source_independence", ANNA)
