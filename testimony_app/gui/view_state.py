"""What a person was looking at (the page, each list's search, filters and selected
row), kept across a rebuild of the window, as when the UI language or digits change."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDate, QSize
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QListWidget

from testimony_app import i18n

ARABIC_FONT = "Noto Naskh Arabic"


def list_state(page: Any) -> dict[str, Any]:
    index = page.table.currentIndex()
    data = page.model.row(index.row()) if index.isValid() else None
    return {"search": page.search.text(), "status": page.status.currentData(),
            "type": page.type.currentData(), "use_dates": page.use_dates.isChecked(),
            "from": page.date_from.date().toString("yyyy-MM-dd"),
            "to": page.date_to.date().toString("yyyy-MM-dd"),
            "place": page.place.currentData(),
            "selected": None if data is None else str(data["id"])}


def restore_list(page: Any, state: dict[str, Any]) -> None:
    for combo, value in ((page.status, state["status"]), (page.type, state["type"])):
        combo.setCurrentIndex(max(combo.findData(value), 0))
    page.date_from.setDate(QDate.fromString(state["from"], "yyyy-MM-dd"))
    page.date_to.setDate(QDate.fromString(state["to"], "yyyy-MM-dd"))
    page.use_dates.setChecked(bool(state["use_dates"]))
    page.search.setText(state["search"])
    if state["place"] is not None:
        # The places arrive later from the vault: choose it when they do.
        page.place.setProperty("wanted", state["place"])
        found = page.place.findData(state["place"])
        if found >= 0:
            page.place.setCurrentIndex(found)
    wanted = state["selected"]
    if wanted:
        # The model first learns how many rows there are (a reset), then its pages
        # arrive (data changed): look for the row each time until it is there.
        def select(*_args: Any) -> None:
            for row in range(page.model.rowCount()):
                data = page.model.row(row)
                if data is not None and str(data["id"]) == wanted:
                    # The current index, not selectRow: in a right-to-left table
                    # selectRow selected nothing and left the current row unset.
                    page.table.setCurrentIndex(page.model.index(row, 0))
                    page.model.modelReset.disconnect(select)
                    page.model.dataChanged.disconnect(select)
                    return

        page.model.modelReset.connect(select)
        page.model.dataChanged.connect(select)
    page.apply_filter()


def window_state(window: Any) -> dict[str, Any]:
    return {"row": window.nav.currentRow(),
            "lists": {page.kind: list_state(page)
                      for page in (window.testimonies, window.incidents, window.people)}}


def restore_window(window: Any, state: dict[str, Any]) -> None:
    for page in (window.testimonies, window.incidents, window.people):
        if page.kind in state["lists"]:
            restore_list(page, state["lists"][page.kind])
    if 0 <= state["row"] < window.nav.count():
        window.nav.setCurrentRow(state["row"])


def fit_rows(nav: QListWidget) -> None:
    """Rows as tall as the text needs: the Arabic font's line is taller than the Latin
    one, and a fixed height makes lines touch and clips the selected row."""
    metrics = [QFontMetrics(nav.font())]
    if i18n.is_rtl_language():
        metrics.append(QFontMetrics(QFont(ARABIC_FONT, nav.font().pointSize())))
    for row in range(nav.count()):
        item = nav.item(row)
        text = item.text()
        height = max(max(m.height(), m.boundingRect(text).height()) for m in metrics)
        item.setSizeHint(QSize(0, int(height * 1.5) + 4))
