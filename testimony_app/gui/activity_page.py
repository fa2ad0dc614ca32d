"""The activity log (ids and actions, never content) and the vault check."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from testimony_app import i18n
from testimony_app.core.records.words import word
from testimony_app.core.vault.activity import Entry
from testimony_app.gui import fmt
from testimony_app.gui.worker import VaultWorker
from testimony_app.i18n import _

SHOWN = 5000  # newest entries; the whole chain is still verified by the check


class ActivityPage(QWidget):
    open_record = Signal(str)  # the record an entry is about (double-click or Enter)

    def __init__(self, worker: VaultWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self.table = QTableWidget(0, 5)
        self.table.setAccessibleName(_("Activity log"))
        self.table.setHorizontalHeaderLabels(
            [_("#"), _("When (UTC)"), _("Who"), _("Action"), _("Details")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.check_button = QPushButton(_("Check vault"))
        self.check_button.setAccessibleName(_("Check vault"))
        self.check_button.clicked.connect(self.check)
        self.result = QLabel()
        self.result.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.check_button)
        row.addWidget(self.result, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.table)
        self.table.itemActivated.connect(self._activated)

    def _activated(self, item: QTableWidgetItem) -> None:
        target = item.data(Qt.ItemDataRole.UserRole)
        if target:
            self.open_record.emit(str(target))

    def reload(self) -> None:
        self.worker.with_session(lambda s: s.activity(SHOWN), self._show)

    def _show(self, entries: list[Entry]) -> None:
        self.table.setRowCount(len(entries))
        for row, entry in enumerate(reversed(entries)):
            # Counts that are zero say nothing: only what happened is shown; ids,
            # counts and hashes are data, isolated so they keep their order.
            detail = i18n.isolate(", ".join(
                f"{k.replace('_', ' ')}: {v}" for k, v in sorted(entry.detail.items())
                if v not in (0, False, None, "")))
            for col, text in enumerate([fmt.number(entry.seq), fmt.timestamp(entry.at),
                                        i18n.isolate(entry.actor),
                                        word("activity", entry.action), detail]):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, entry.target or "")
                self.table.setItem(row, col, item)
        self.table.resizeColumnsToContents()

    def check(self) -> None:
        self.check_button.setEnabled(False)
        self.result.setText(_("Checking…"))

        def done(problems: list[str]) -> None:
            self.check_button.setEnabled(True)
            if problems:
                self.result.setText(_("Problems found: {list}").format(
                    list=i18n.join(problems, ";")))
            else:
                self.result.setText(_("The vault is sound: database, encryption, activity log, "
                                      "search index and attachments checked."))
            self.reload()

        def failed(error: BaseException) -> None:
            self.check_button.setEnabled(True)
            self.result.setText(str(error))

        self.worker.with_session(lambda s: s.check(), done, failed)

    def clear(self) -> None:
        self.table.setRowCount(0)
        self.result.clear()
