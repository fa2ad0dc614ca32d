"""A receipt (researcher): check the coordinator's signed word that a bundle arrived,
then, after an explicit confirmation, remove what it confirmed from this laptop."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from testimony_app.core.sync import receipt
from testimony_app.gui import fmt
from testimony_app.gui.sync.common import chosen, file_dialog, plain_label, session_of
from testimony_app.gui.worker import Job, VaultWorker
from testimony_app.i18n import Nn_, _, counted, ngettext


def _accept(job: Job, path: Path) -> tuple[receipt.Accepted, int]:
    session = session_of(job)
    accepted = session.sync.accept_receipt(path)
    return accepted, session.sync.pending_purge()


class ReceiptDialog(QDialog):
    purged = Signal(object)  # receipt.Purged

    def __init__(self, worker: VaultWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self.setWindowTitle(_("Receipt from the organisation"))
        self.job: Job | None = None
        self.purgeable = 0

        intro = plain_label(_("After importing your bundle, the coordinator gives you a "
                              "receipt file. It is checked here, and what it lists is marked "
                              "as safely received."))
        self.path_edit = QLineEdit()
        self.path_edit.setReadOnly(True)
        self.path_edit.setPlaceholderText(_("No file chosen"))
        self.path_edit.setAccessibleName(_("Receipt file"))
        self.choose_button = QPushButton(_("Choose receipt…"))
        self.choose_button.clicked.connect(self.choose_file)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.choose_button)
        self.outcome = plain_label(selectable=True)
        self.outcome.setAccessibleName(_("Receipt result"))

        self.purge_button = QPushButton(_("Remove received records from this laptop…"))
        self.purge_button.setVisible(False)
        self.purge_button.clicked.connect(self.ask_purge)
        self.confirm_box = QFrame()
        self.confirm_box.setFrameShape(QFrame.Shape.StyledPanel)
        self.confirm_box.setStyleSheet("QFrame { background: #fff4ce; }")
        self.confirm_text = plain_label()
        self.confirm_check = QCheckBox(_("I understand: these records will be deleted from "
                                         "this laptop"))
        self.confirm_button = QPushButton(_("Remove them now"))
        self.confirm_button.setEnabled(False)
        self.confirm_check.toggled.connect(self.confirm_button.setEnabled)
        self.confirm_button.clicked.connect(self.purge)
        self.keep_button = QPushButton(_("Keep them"))
        self.keep_button.clicked.connect(lambda: self.confirm_box.setVisible(False))
        confirm_layout = QVBoxLayout(self.confirm_box)
        confirm_layout.addWidget(self.confirm_text)
        confirm_layout.addWidget(self.confirm_check)
        confirm_row = QHBoxLayout()
        confirm_row.addWidget(self.confirm_button)
        confirm_row.addWidget(self.keep_button)
        confirm_row.addStretch(1)
        confirm_layout.addLayout(confirm_row)
        self.confirm_box.setVisible(False)

        self.buttons = QDialogButtonBox()
        self.close_button = self.buttons.addButton(_("Close"),
                                                   QDialogButtonBox.ButtonRole.RejectRole)
        self.close_button.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(self.outcome)
        purge_row = QHBoxLayout()
        purge_row.addWidget(self.purge_button)
        purge_row.addStretch(1)
        layout.addLayout(purge_row)
        layout.addWidget(self.confirm_box)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(560)

    def choose_file(self) -> None:
        dialog = file_dialog(self, _("Choose a receipt"))
        if dialog.exec() and dialog.selectedFiles():
            self.accept_receipt(chosen(dialog)[0])

    def accept_receipt(self, path: Path) -> Job:
        self.path_edit.setText(str(path))
        self.outcome.setText(_("Checking the receipt…"))
        self.purge_button.setVisible(False)
        self.confirm_box.setVisible(False)
        self.job = self.worker.run(lambda j: _accept(j, path), self._accepted, self._failed)
        self._busy(True)
        return self.job

    def _busy(self, busy: bool) -> None:
        for button in (self.choose_button, self.purge_button, self.confirm_button,
                       self.close_button):
            button.setEnabled(not busy)
        if not busy:
            self.confirm_button.setEnabled(self.confirm_check.isChecked())

    def _accepted(self, outcome: tuple[receipt.Accepted, int]) -> None:
        self.job = None
        self._busy(False)
        accepted, self.purgeable = outcome
        lines = [_("Receipt checked: the organisation confirms it received bundle {sequence}, "
                   "with {records} and {attachments}.").format(
            sequence=fmt.number(accepted.sequence),
            records=counted(Nn_("{count} record", "{count} records"), accepted.records,
                            fmt.number),
            attachments=counted(Nn_("{count} attachment", "{count} attachments"),
                                accepted.attachments, fmt.number))]
        if self.purgeable:
            lines.append(ngettext(
                "{count} record arrived safely and has not changed since; it can be "
                "removed from this laptop, so that there is less to lose if it is seized.",
                "{count} records arrived safely and have not changed since; they "
                "can be removed from this laptop, so that there is less to lose "
                "if it is seized.", self.purgeable).format(count=fmt.number(self.purgeable)))
        else:
            lines.append(_("Nothing can be removed from this laptop yet."))
        if accepted.hashes:
            lines.append(_(receipt.HASHES_NOTE))
        self.outcome.setText("\n".join(lines))
        self.purge_button.setVisible(self.purgeable > 0)

    def _failed(self, error: BaseException) -> None:
        self.job = None
        self._busy(False)
        self.outcome.setText(str(error))

    def ask_purge(self) -> None:
        """The explicit confirmation step, inline: a tick box, then a second button."""
        self.confirm_text.setText(ngettext(
            "{count} record (and its attachments) will be deleted from this laptop for good. "
            "The organisation has confirmed it holds it; records changed since they were "
            "sent are kept.",
            "{count} records (and their attachments) will be deleted "
            "from this laptop for good. The organisation has "
            "confirmed it holds them; records changed since they "
            "were sent are kept.", self.purgeable).format(
            count=fmt.number(self.purgeable)))
        self.confirm_check.setChecked(False)
        self.confirm_box.setVisible(True)

    def purge(self) -> Job | None:
        if not self.confirm_check.isChecked() or self.job is not None:
            return None
        self.outcome.setText(_("Removing…"))
        self.job = self.worker.run(lambda j: session_of(j).sync.purge_received(),
                                   self._purged, self._failed)
        self._busy(True)
        return self.job

    def _purged(self, purged: receipt.Purged) -> None:
        self.job = None
        self._busy(False)
        self.confirm_box.setVisible(False)
        self.purge_button.setVisible(False)
        self.confirm_check.setChecked(False)
        self.outcome.setText(_("Removed what the organisation confirmed: {records} and "
                               "{attachments}; {kept}.").format(
            records=counted(Nn_("{count} record", "{count} records"), purged.records,
                            fmt.number),
            attachments=counted(Nn_("{count} attachment", "{count} attachments"),
                                purged.attachments, fmt.number),
            kept=counted(Nn_("{count} record kept", "{count} records kept"), purged.kept,
                         fmt.number)))
        self.purged.emit(purged)

    def reject(self) -> None:
        if self.job is not None:
            return  # a receipt check or a purge is short and cannot be stopped midway
        super().reject()
