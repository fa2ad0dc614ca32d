"""Coordinates in the place picker (a new place) and on the workspace's Places page."""

from __future__ import annotations

from typing import Any

import pytest

from testimony_app.core.common.errors import InputError
from testimony_app.gui.widgets.place_picker import PlacePicker
from testimony_app.gui.workspace.places_page import PlacesPage
from tests.gui.conftest import idle_session, wait_idle

KALLASEH = "0b9c6a52-6f1e-4b7a-9d43-6b0f1c2a7e01"


def test_a_new_place_takes_coordinates(qtbot: Any) -> None:
    picker = PlacePicker()
    qtbot.addWidget(picker)
    picker.set_places([(KALLASEH, "Kallaseh — Aleppo")])
    picker.setEditText("Zero point")
    with qtbot.waitSignal(picker.changed):
        picker.set_new_coordinates("36.1512, 36.9876, 250")
    place = picker.new_place("en")
    assert place is not None
    assert place["coordinates"] == {"lat": 36.1512, "lon": 36.9876, "precision_m": 250}
    with pytest.raises(InputError):
        picker.set_new_coordinates("north of the river")
    picker.set_place_id(KALLASEH)  # a known place: its coordinates are set elsewhere
    with pytest.raises(InputError):
        picker.set_new_coordinates("36, 37")


def test_the_places_page_lists_and_sets_coordinates(qtbot, open_worker) -> None:  # type: ignore[no-untyped-def]
    page = PlacesPage(open_worker)
    qtbot.addWidget(page)
    page.show()
    page.reload()
    qtbot.waitUntil(lambda: page.table.rowCount() > 0, timeout=20_000)
    names = [page.table.item(r, 0).text() for r in range(page.table.rowCount())]
    aleppo = names.index("Aleppo")
    assert page.table.item(aleppo, 3).text() == "36.20210"
    assert page.table.item(aleppo, 5).text() == "10,000"
    row = names.index("Kallaseh")
    assert page.table.item(row, 3).text() == "—"
    page.table.setCurrentCell(row, 0)
    assert page.set_button.isEnabled() and not page.clear_button.isEnabled()
    page.set_coordinates("36.1935, 37.1551")
    qtbot.waitUntil(lambda: page.message.text() == "Coordinates saved.", timeout=20_000)
    wait_idle(qtbot, open_worker)
    qtbot.waitUntil(lambda: page.table.item(row, 3).text() == "36.19350", timeout=20_000)
    assert "with coordinates" in page.summary.text()
    entry = idle_session(qtbot, open_worker).activity()[-1]
    assert entry.action == "place_coordinates"
