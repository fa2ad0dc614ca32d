"""The workspace end to end: a coordinator who imported two researchers' bundles
describing overlapping events sees, without any command line, which incidents are
corroborated, which victims are the same person, and the monthly figures with their
sources. On the workspace demo (core.demo.build_workspace: real researcher vaults,
finalised, real bundles), through the main window."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QTableWidget
from pytestqt.qtbot import QtBot

from testimony_app.core import demo
from testimony_app.core.session import Session
from testimony_app.gui.main_window import MainWindow
from testimony_app.gui.worker import VaultWorker
from tests.gui.conftest import header_text, wait_idle
from tests.workspace_fixtures import workspace, workspace_template  # noqa: F401

SEED = json.loads(demo.workspace_seed_path().read_bytes())
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://testimony.invalid/seeds/workspace-demo")


def uid(key: str) -> str:
    return str(uuid.uuid5(NAMESPACE, key))


def cell(table: QTableWidget, row: int, column: int) -> str:
    item = table.item(row, column)
    return "" if item is None else item.text()


@pytest.fixture
def window(qtbot: QtBot, workspace: Session) -> Iterator[MainWindow]:  # noqa: F811
    worker = VaultWorker()
    worker.set_session(workspace)
    main = MainWindow(worker, "coordinator")
    qtbot.addWidget(main)
    main.show()
    yield main
    wait_idle(qtbot, worker)
    worker.set_session(None)
    worker.stop()


def test_corroborated_incidents_same_victims_and_figures_without_a_command_line(
        qtbot: QtBot, window: MainWindow) -> None:
    session = window.worker.session
    assert session is not None
    space = window.workspace

    # Corroboration: the three events both researchers describe are the best suggestions.
    page = space.corroboration
    window.nav.setCurrentRow(space.row_of(page))
    qtbot.waitUntil(lambda: page.suggestion_table.rowCount() > 3, timeout=30_000)
    wait_idle(qtbot, window.worker)  # the window's reads are done: the test may read too
    top = {frozenset((s.a.id, s.b.id)) for s in session.corroboration_suggestions()[:3]}
    assert top == {frozenset((uid(f"incident:a:{k}"), uid(f"incident:b:{k}")))
                   for k in ("alsato-arrest", "shelling", "abo-al-ward")}
    # Confirm the arrest of the doctor (the best arrest suggestion) in the window.
    row = next(r for r in range(page.suggestion_table.rowCount())
               if cell(page.suggestion_table, r, 1) == "Arbitrary arrest")
    page.suggestion_table.setCurrentCell(row, 0)
    page.confirm_button.click()
    qtbot.waitUntil(lambda: "Confirmed" in page.message.text(), timeout=30_000)
    wait_idle(qtbot, window.worker)  # and the reload the decision started
    cluster = next(c for c in session.corroboration_clusters()
                   if uid("incident:a:alsato-arrest") in {i.id for i in c.incidents})
    # Researcher A's witness spoke twice (one source), researcher B's once: two sources.
    assert {i.id for i in cluster.incidents} == {uid("incident:a:alsato-arrest"),
                                                 uid("incident:b:alsato-arrest")}
    assert cluster.sources == 2 and cluster.suggested == "partially_verified"
    qtbot.waitUntil(lambda: any(
        cell(page.cluster_table, r, 0) == "2" and cell(page.cluster_table, r, 5)
        == "Partially verified" for r in range(page.cluster_table.rowCount())),
        timeout=30_000)

    # Duplicates: the victim both researchers named, in two scripts and spellings.
    dup = space.duplicates
    window.nav.setCurrentRow(space.row_of(dup))
    qtbot.waitUntil(lambda: dup.suggestion_table.rowCount() >= 2, timeout=30_000)
    wait_idle(qtbot, window.worker)
    codes = {p["id"]: p["code"] for p in session.people()}
    a, b = codes[uid("person:a:abo-al-ward")], codes[uid("person:b:abo-al-ward")]
    assert any({cell(dup.suggestion_table, r, 1), cell(dup.suggestion_table, r, 2)} == {a, b}
               for r in range(dup.suggestion_table.rowCount()))

    # Figures: the report's monthly arrest table with its sources, and the chart.
    figures = space.figures
    window.nav.setCurrentRow(space.row_of(figures))
    qtbot.waitUntil(lambda: figures.table.rowCount() >= 6, timeout=30_000)
    headers = [header_text(figures.table, c).split("\n")[0].strip("\u2068\u2069")
               for c in range(figures.table.columnCount())]
    assert "Syrian Network for Human Rights" in headers
    assert "Documented here" in headers
    snhr = headers.index("Syrian Network for Human Rights")
    months = {cell(figures.table, r, 0): cell(figures.table, r, snhr)
              for r in range(figures.table.rowCount())}
    assert months["Dec 2016"] == "at least 1,897"
    assert len(figures.chart.chart_layout().bars) > 6
