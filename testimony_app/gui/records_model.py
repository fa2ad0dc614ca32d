"""A table over a core listing, fetched a page at a time on the worker.

`rowCount` comes from a count query; a row not yet fetched shows a placeholder
while its page is requested, and the view is told when it arrives. Sorting and
filtering are done by core in SQL, never by a proxy model (100 000 rows sorted
in Python take seconds).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from testimony_app import i18n
from testimony_app.core.records import vocab
from testimony_app.core.records.listing import Filter
from testimony_app.gui import fmt
from testimony_app.gui.worker import VaultWorker
from testimony_app.i18n import _

PAGE = 200
Index = QModelIndex | QPersistentModelIndex


class RecordTableModel(QAbstractTableModel):
    def __init__(self, worker: VaultWorker, kind: str, columns: list[tuple[str, str]],
                 sort_key: str = "date") -> None:
        super().__init__()
        self._worker = worker
        self._kind = kind
        self._columns = columns  # (key, translated header)
        self._filter = Filter()
        self._sort = sort_key
        self._descending = False
        self._count = 0
        self._pages: dict[int, list[dict[str, Any]]] = {}
        self._requested: set[int] = set()
        self._generation = 0

    # -- loading --------------------------------------------------------------

    def set_filter(self, filter_: Filter) -> None:
        self._filter = filter_
        self.reload()

    def reload(self) -> None:
        self._generation += 1
        generation = self._generation
        filter_, kind = self._filter, self._kind
        self._worker.with_session(lambda s: s.count(kind, filter_),
                                  lambda n: self._counted(generation, n),
                                  lambda _e: self._counted(generation, 0))

    def _counted(self, generation: int, count: int) -> None:
        if generation != self._generation:
            return
        self.beginResetModel()
        self._count = count
        self._pages.clear()
        self._requested.clear()
        self.endResetModel()

    def _request(self, page: int) -> None:
        if page in self._requested:
            return
        self._requested.add(page)
        generation = self._generation
        kind, filter_, sort, desc = self._kind, self._filter, self._sort, self._descending
        language = i18n.language()
        self._worker.with_session(
            lambda s: s.page(kind, filter_, sort, desc, page * PAGE, PAGE, language),
            lambda rows: self._loaded(generation, page, rows))

    def _loaded(self, generation: int, page: int, rows: list[dict[str, Any]]) -> None:
        if generation != self._generation:
            return
        self._pages[page] = rows
        first = page * PAGE
        last = min(first + len(rows), self._count) - 1
        if last >= first:
            self.dataChanged.emit(self.index(first, 0),
                                  self.index(last, len(self._columns) - 1))

    def clear(self) -> None:
        """Forget every row (on lock)."""
        self._generation += 1
        self.beginResetModel()
        self._count = 0
        self._pages.clear()
        self._requested.clear()
        self.endResetModel()

    # -- Qt model ------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self._columns[section][1]
        return None

    def row(self, row: int) -> dict[str, Any] | None:
        page = self._pages.get(row // PAGE)
        if page is None:
            if 0 <= row < self._count:
                self._request(row // PAGE)
            return None
        offset = row % PAGE
        return page[offset] if offset < len(page) else None

    def row_id(self, row: int) -> str | None:
        data = self.row(row)
        return None if data is None else str(data["id"])

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.TextAlignmentRole):
            return None
        data = self.row(index.row())
        key = self._columns[index.column()][0]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if data is not None and key == "title":
                # Each title sits on the side its own script starts from, whatever the
                # direction of the window (absolute: not mirrored in right-to-left).
                side = (Qt.AlignmentFlag.AlignRight if data.get("rtl_title")
                        else Qt.AlignmentFlag.AlignLeft)
                return int(side | Qt.AlignmentFlag.AlignAbsolute | Qt.AlignmentFlag.AlignVCenter)
            return None
        if data is None:
            return "…"
        value = data.get(key, "")
        if isinstance(value, bool):
            return _("yes") if value else ""
        if key == "status":
            return {"draft": _("draft"), "finalised": _("finalised")}.get(value, value)
        if key == "sex" and value:
            return vocab.label("sex", str(value), i18n.language())
        if key == "age" and value and not str(value).isdigit():
            return vocab.label("age_group", str(value), i18n.language())
        if key == "date":
            return fmt.date(str(value))
        if key == "updated":
            return fmt.timestamp(str(value))
        if isinstance(value, int):
            return fmt.number(value)
        if key in ("title", "name", "witness", "place", "code"):
            # A value in the other script keeps its own order and punctuation.
            return i18n.isolate(value)
        return str(value)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort = self._columns[column][0]
        self._descending = order == Qt.SortOrder.DescendingOrder
        self.reload()

    @property
    def count(self) -> int:
        return self._count
