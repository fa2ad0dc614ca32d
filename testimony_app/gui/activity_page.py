"""The activity log and the vault check. The log holds ids and actions, never
content; each entry is shown as a sentence naming its records and researchers."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from testimony_app import i18n
from testimony_app.core.session import Session
from testimony_app.core.vault.activity import Entry
from testimony_app.gui import fmt
from testimony_app.gui.activity_text import Names, sentence, who
from testimony_app.gui.worker import VaultWorker
from testimony_app.i18n import _

SHOWN = 5000  # newest entries; the whole chain is still verified by the check


class ActivityPage(QWidget):
    open_record = Signal(str)  # the record an entry is about (double-click or Enter)

    def __init__(self, worker: VaultWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self.table = QTableWidget(0, 4)
        self.table.setAccessibleName(_("Activity log"))
        self.table.setHorizontalHeaderLabels([_("#"), _("When"), _("Who"), _("What happened")])
        self.table.setWordWrap(True)
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
        def job(s: Session) -> tuple[list[Entry], Names]:
            entries = s.activity(SHOWN)
            targets = {e.target for e in entries if e.target}
            targets |= {str(e.detail["other"]) for e in entries if e.detail.get("other")}
            return entries, Names(s.record_names(targets), s.key_names())

        self.worker.with_session(job, lambda result: self._show(*result))

    def _show(self, entries: list[Entry], names: Names) -> None:
        self.table.setRowCount(len(entries))
        for row, entry in enumerate(reversed(entries)):
            for col, text in enumerate([fmt.number(entry.seq), fmt.timestamp(entry.at),
                                        i18n.isolate(who(entry.actor)),
                                        sentence(entry, names)]):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, entry.target or "")
                self.table.setItem(row, col, item)
        self.table.resizeColumnsToContents()
        # the sentence takes the rest of the width, wrapped where it is longer
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)

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
