"""The workspace pages, added to the main window's navigation in one call (like the
Sync menu), so that main_window.py needs only a line to show them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from testimony_app.gui.workspace.corroboration_page import CorroborationPage
from testimony_app.gui.workspace.duplicates_page import DuplicatesPage
from testimony_app.gui.workspace.figures_page import FiguresPage
from testimony_app.gui.workspace.places_page import PlacesPage
from testimony_app.i18n import _

if TYPE_CHECKING:
    from testimony_app.gui.menu_host import MenuHost


class Workspace(QObject):
    """Owns the Figures, Corroboration, Duplicates and Places pages."""

    def __init__(self, window: MenuHost) -> None:
        super().__init__(window)
        self.window = window
        self.figures = FiguresPage(window.worker)
        self.corroboration = CorroborationPage(window.worker)
        self.duplicates = DuplicatesPage(window.worker)
        self.places = PlacesPage(window.worker)
        self.rows: dict[int, QWidget] = {}
        for label, page in ((_("Figures"), self.figures),
                            (_("Corroboration"), self.corroboration),
                            (_("Duplicates"), self.duplicates),
                            (_("Places"), self.places)):
            # The navigation row and the stack index go together; the editor stays after them.
            row = window.nav.count()
            window.nav.addItem(label)
            window.stack.insertWidget(row, page)
            self.rows[row] = page
        window.nav.currentRowChanged.connect(self._row_changed)

    def row_of(self, page: QWidget) -> int:
        return next(row for row, p in self.rows.items() if p is page)

    def _row_changed(self, row: int) -> None:
        page = self.rows.get(row)
        if page is not None:
            page.reload()  # type: ignore[attr-defined]

    def refresh(self) -> None:
        """After an import or a change: reload the page being shown."""
        self._row_changed(self.window.nav.currentRow())

    def clear(self) -> None:
        for page in self.rows.values():
            page.clear()  # type: ignore[attr-defined]
