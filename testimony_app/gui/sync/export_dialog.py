"""Export a bundle (researcher): what will go, where to, then write it with progress."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from testimony_app import i18n
from testimony_app.core.sync import bundle
from testimony_app.gui import fmt
from testimony_app.gui.sync.common import chosen, file_dialog, plain_label, session_of, size_text
from testimony_app.gui.worker import Job, VaultWorker
from testimony_app.i18n import Nn_, _, counted, ngettext


def kind_label(kind: str) -> str:
    return {"testimony": _("Testimonies"), "incident": _("Incidents"), "person": _("People"),
            "place": _("Places"), "source": _("Sources"),
            "aggregate": _("Reported figures")}.get(kind, kind)


KIND_ORDER = ("testimony", "incident", "person", "place", "source", "aggregate")


class ExportDialog(QDialog):
    exported = Signal(object)  # bundle.ExportResult

    def __init__(self, worker: VaultWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self.setWindowTitle(_("Export a bundle"))
        self.plan: bundle.ExportPlan | None = None
        self.job: Job | None = None
        self.export_result: bundle.ExportResult | None = None
        self.target: Path | None = None

        intro = plain_label(_("A bundle is one encrypted, signed file for your organisation. "
                              "Carry it on a USB stick or send it by any channel: only the "
                              "organisation can open it."))
        self.summary = plain_label(_("Looking at what is new…"))
        self.summary.setAccessibleName(_("What the bundle will carry"))
        self.everything = QCheckBox(_("Send everything again, not only what is new or changed"))
        self.everything.toggled.connect(lambda _b: self.refresh())
        self.path_edit = QLineEdit()
        self.path_edit.setReadOnly(True)
        self.path_edit.setPlaceholderText(_("No file chosen"))
        self.path_edit.setAccessibleName(_("Bundle file"))
        self.choose_button = QPushButton(_("Choose file…"))
        self.choose_button.clicked.connect(self.choose_target)
        target_row = QHBoxLayout()
        target_row.addWidget(QLabel(_("Write to:")))
        target_row.addWidget(self.path_edit, 1)
        target_row.addWidget(self.choose_button)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setVisible(False)
        self.status = plain_label(selectable=True)
        self.status.setAccessibleName(_("Export status"))

        self.buttons = QDialogButtonBox()
        self.export_button = self.buttons.addButton(_("Export"),
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(_("Cancel"),
                                                    QDialogButtonBox.ButtonRole.RejectRole)
        self.close_button = self.buttons.addButton(_("Close"),
                                                   QDialogButtonBox.ButtonRole.RejectRole)
        self.export_button.setEnabled(False)
        self.cancel_button.setVisible(False)
        # The buttons act themselves: the box's accepted/rejected would close the dialog.
        self.export_button.clicked.connect(self.start_export)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.summary)
        layout.addWidget(self.everything)
        layout.addLayout(target_row)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(560)
        self.refresh()

    # -- what will go ----------------------------------------------------------------

    def refresh(self) -> None:
        everything = self.everything.isChecked()
        self.export_button.setEnabled(False)
        self.worker.run(lambda job: session_of(job).sync.plan(everything),
                        self._planned, self._plan_failed)

    def _planned(self, plan: bundle.ExportPlan) -> None:
        self.plan = plan
        if plan.empty:
            self.summary.setText(_("Nothing new or changed since bundle {sequence}. Tick "
                                   "\u201cSend everything again\u201d to send it all once more."
                                   ).format(sequence=fmt.number(plan.sequence - 1)))
        else:
            parts = [_("{kind}: {count}").format(kind=kind_label(k),
                                                 count=fmt.number(plan.records[k]))
                     for k in sorted(plan.records, key=_order) if plan.records[k]]
            lines = [_("Bundle {sequence} for {organisation} will carry:").format(
                sequence=fmt.number(plan.sequence), organisation=i18n.isolate(plan.organisation)),
                "    " + i18n.join(parts, ";") if parts else "    " + _("no records"),
                "    " + ngettext("{count} attachment, {size} in all",
                                  "{count} attachments, {size} in all",
                                  plan.attachments).format(
                    count=fmt.number(plan.attachments), size=size_text(plan.attachment_bytes))]
            self.summary.setText("\n".join(lines))
        self._update_buttons()

    def _plan_failed(self, error: BaseException) -> None:
        self.plan = None
        self.summary.setText(str(error))
        self.everything.setEnabled(False)
        self.choose_button.setEnabled(False)
        self._update_buttons()

    def _update_buttons(self) -> None:
        running = self.job is not None
        self.export_button.setEnabled(not running and self.plan is not None
                                      and not self.plan.empty and self.target is not None)
        self.everything.setEnabled(not running and self.plan is not None)
        self.choose_button.setEnabled(not running and self.plan is not None)
        self.cancel_button.setVisible(running)
        self.close_button.setEnabled(not running)

    # -- where to --------------------------------------------------------------------

    def choose_target(self) -> None:
        sequence = self.plan.sequence if self.plan else 1
        dialog = file_dialog(self, _("Write the bundle to"), save=True,
                             suggested=f"bundle-{sequence}.age")
        if dialog.exec() and dialog.selectedFiles():
            self.set_target(chosen(dialog)[0])

    def set_target(self, path: Path) -> None:
        self.target = path
        self.path_edit.setText(str(path))
        self.status.clear()
        self._update_buttons()

    # -- writing ---------------------------------------------------------------------

    def start_export(self) -> Job | None:
        if self.target is None or self.plan is None or self.job is not None:
            return None
        target, everything = self.target, self.everything.isChecked()
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.status.setText(_("Writing the bundle…"))

        def job(j: Job) -> bundle.ExportResult:
            return session_of(j).sync.export(target, everything=everything,
                                             progress=j.progress, cancelled=j.cancelled)

        self.job = self.worker.run(job, self._done, self._failed, self._progressed)
        self._update_buttons()
        return self.job

    def _progressed(self, done: int, total: int) -> None:
        self.progress.setValue(int(1000 * done / total) if total else 0)

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.status.setText(_("Cancelling…"))

    def _done(self, result: bundle.ExportResult) -> None:
        self.job = None
        self.export_result = result
        self.progress.setValue(1000)
        self.status.setText(_("Bundle {sequence} written to {path} ({records}, "
                              "{attachments}, {size}). Give it to your "
                              "coordinator; when their receipt comes back, open it with "
                              "Sync, Receipt.").format(
            sequence=fmt.number(result.sequence), path=i18n.isolate(result.path),
            records=counted(Nn_("{count} record", "{count} records"), result.records,
                            fmt.number),
            attachments=counted(Nn_("{count} attachment", "{count} attachments"),
                                result.attachments, fmt.number),
            size=size_text(result.size)))
        self.target = None
        self.path_edit.clear()
        self.exported.emit(result)
        self.refresh()

    def _failed(self, error: BaseException) -> None:
        self.job = None
        self.progress.setVisible(False)
        self.status.setText(str(error))
        self._update_buttons()

    def reject(self) -> None:
        if self.job is not None:  # never close over a running export: cancel it first
            self.cancel()
            return
        super().reject()


def _order(kind: str) -> int:
    return KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)
