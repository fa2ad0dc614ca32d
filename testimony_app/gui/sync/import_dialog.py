"""Import bundles (coordinator): choose files, preview each (signer, trust, counts,
gaps), trust an unknown signer if need be, then import with progress and cancel; a
receipt is written next to each imported bundle, as the command line does."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QProgressBar,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from testimony_app import i18n
from testimony_app.core.common.errors import TestimonyError
from testimony_app.core.sync import bundle
from testimony_app.core.vault import loghead, org
from testimony_app.gui import fmt
from testimony_app.gui.sync.common import (
    chosen,
    file_dialog,
    mono_label,
    plain_label,
    read_only_table,
    session_of,
    size_text,
)
from testimony_app.gui.sync.trust_dialog import TrustDialog
from testimony_app.gui.worker import Job, VaultWorker
from testimony_app.i18n import Nn_, _, counted, ngettext


@dataclass
class Item:
    """One chosen file and what is known about it so far."""

    path: Path
    preview: bundle.Preview | None = None
    error: str = ""
    result: bundle.ImportResult | None = None
    receipt: Path | None = None
    receipt_error: str = ""
    cancelled: bool = False

    @property
    def importable(self) -> bool:
        return (self.preview is not None and self.preview.trusted and not self.error
                and self.result is None and not self.preview.result.already_imported)


def _import_and_receipt(job: Job, path: Path
                        ) -> tuple[bundle.ImportResult, Path | None, str]:
    session = session_of(job)
    result = session.sync.import_bundle(path, job.progress, job.cancelled)
    if result.already_imported:
        return result, None, ""
    target = session.sync.receipt_path(path, result.sequence)
    try:
        session.sync.write_receipt(result.bundle_id, target)
    except TestimonyError as exc:
        return result, None, str(exc)
    return result, target, ""


class ImportDialog(QDialog):
    imported = Signal()

    def __init__(self, worker: VaultWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self.setWindowTitle(_("Import bundles"))
        self.items: list[Item] = []
        self.job: Job | None = None
        self._queue: list[Item] = []
        self._mode = ""  # "preview" or "import" while a queue runs

        self.choose_button = QPushButton(_("Choose bundles…"))
        self.choose_button.clicked.connect(self.choose_files)
        intro = plain_label(_("Each bundle is checked completely first (signature, sender, "
                              "every record and file) and nothing is changed until you "
                              "press Import."))
        top = QHBoxLayout()
        top.addWidget(intro, 1)
        top.addWidget(self.choose_button)

        self.table = read_only_table(_("Bundles"), [
            _("File"), _("From"), _("Bundle"), _("New"), _("Updated"), _("Unchanged"),
            _("Conflicting"), _("Attachments"), _("State")])
        self.table.currentCellChanged.connect(lambda *_a: self._show_details())

        details = QGroupBox(_("Sender"))
        self.signer = plain_label()
        self.signer.setAccessibleName(_("Sender"))
        self.fingerprint = mono_label()
        self.fingerprint.setAccessibleName(_("Fingerprint"))
        self.words = mono_label()
        self.words.setAccessibleName(_("Fingerprint words"))
        self.details = plain_label(selectable=True)
        self.details.setAccessibleName(_("Details"))
        self.trust_button = QPushButton(_("Trust this researcher…"))
        self.trust_button.setVisible(False)
        self.trust_button.clicked.connect(self.open_trust)
        box = QVBoxLayout(details)
        box.addWidget(self.signer)
        box.addWidget(self.fingerprint)
        box.addWidget(self.words)
        box.addWidget(self.details)
        trust_row = QHBoxLayout()
        trust_row.addWidget(self.trust_button)
        trust_row.addStretch(1)
        box.addLayout(trust_row)

        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setVisible(False)
        self.status = plain_label(selectable=True)
        self.status.setAccessibleName(_("Import status"))
        self.buttons = QDialogButtonBox()
        self.import_button = self.buttons.addButton(_("Import"),
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(_("Cancel"),
                                                    QDialogButtonBox.ButtonRole.RejectRole)
        self.close_button = self.buttons.addButton(_("Close"),
                                                   QDialogButtonBox.ButtonRole.RejectRole)
        self.import_button.clicked.connect(self.start_import)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button.clicked.connect(self.reject)
        self.trust_dialog: TrustDialog | None = None

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(details)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.resize(900, 560)
        self._update_buttons()

    # -- choosing and previewing ---------------------------------------------------------

    def choose_files(self) -> None:
        dialog = file_dialog(self, _("Choose bundles to import"), multiple=True)
        if dialog.exec() and dialog.selectedFiles():
            self.set_files(chosen(dialog))

    def set_files(self, paths: list[Path]) -> None:
        if self.job is not None:
            return
        self.items = [Item(p) for p in paths]
        self.status.clear()
        self._fill()
        if self.items:
            self.table.setCurrentCell(0, 0)
        self._run_queue("preview", list(self.items))

    def _run_queue(self, mode: str, items: list[Item]) -> None:
        self._mode = mode
        self._queue = items
        self.progress.setValue(0)
        self.progress.setVisible(bool(items))
        self._next()

    def _next(self) -> None:
        self.job = None
        if not self._queue:
            self.progress.setVisible(False)
            if self._mode == "import":
                self._summarise()
                self.imported.emit()
            elif self._mode == "preview":
                self.status.setText(ngettext(
                    "Checked: {ready} of {count} bundle can be imported.",
                    "Checked: {ready} of {count} bundles can be imported.", len(self.items)
                ).format(ready=fmt.number(sum(i.importable for i in self.items)),
                         count=fmt.number(len(self.items))))
            self._mode = ""
            self._fill()
            self._update_buttons()
            return
        item = self._queue.pop(0)
        path = item.path
        if self._mode == "preview":
            self.status.setText(_("Checking {file}…").format(file=i18n.isolate(path.name)))
            self.job = self.worker.run(
                lambda j: session_of(j).sync.preview(path, j.progress, j.cancelled),
                lambda p: self._previewed(item, p), lambda e: self._failed(item, e),
                self._progressed)
        else:
            self.status.setText(_("Importing {file}…").format(file=i18n.isolate(path.name)))
            self.job = self.worker.run(lambda j: _import_and_receipt(j, path),
                                       lambda r: self._imported(item, r),
                                       lambda e: self._failed(item, e), self._progressed)
        self._update_buttons()

    def _progressed(self, done: int, total: int) -> None:
        self.progress.setValue(int(1000 * done / total) if total else 0)

    def _previewed(self, item: Item, preview: bundle.Preview) -> None:
        item.preview, item.error = preview, ""
        self._fill()
        self._next()

    def _imported(self, item: Item, outcome: tuple[bundle.ImportResult, Path | None, str]
                  ) -> None:
        item.result, item.receipt, item.receipt_error = outcome
        self._fill()
        self._next()

    def _failed(self, item: Item, error: BaseException) -> None:
        item.error = str(error)
        item.cancelled = getattr(error, "code", "") == "cancelled"
        if item.cancelled:
            self._queue = []
        self._fill()
        self._next()

    # -- importing -----------------------------------------------------------------------

    def start_import(self) -> None:
        ready = [i for i in self.items if i.importable]
        if self.job is not None or not ready:
            return
        # Oldest first for each sender, so later bundles find what earlier ones brought.
        ready.sort(key=lambda i: (i.preview.result.signer, i.preview.result.sequence)
                   if i.preview else ("", 0))
        self._run_queue("import", ready)

    def cancel(self) -> None:
        if self.job is not None:
            self._queue = []
            self.job.cancel()
            self.status.setText(_("Cancelling…"))

    def _summarise(self) -> None:
        done = [i for i in self.items if i.result is not None]
        lines = [ngettext("{count} bundle imported.", "{count} bundles imported.",
                          len(done)).format(count=fmt.number(len(done)))]
        for item in done:
            if item.receipt is not None:
                lines.append(_("{file}: receipt written to {path}; give it back to the "
                               "sender.").format(file=i18n.isolate(item.path.name),
                                                path=i18n.isolate(item.receipt)))
            elif item.receipt_error:
                lines.append(f"{item.path.name}: {item.receipt_error}")
        self.status.setText("\n".join(lines))

    # -- trust ---------------------------------------------------------------------------

    def current(self) -> Item | None:
        row = self.table.currentRow()
        return self.items[row] if 0 <= row < len(self.items) else None

    def open_trust(self) -> TrustDialog | None:
        item = self.current()
        if item is None or item.preview is None:
            return None
        self.trust_dialog = TrustDialog(self.worker, item.preview.result.signer, self)
        self.trust_dialog.trusted.connect(self._trusted)
        self.trust_dialog.open()
        return self.trust_dialog

    def _trusted(self, person: object) -> None:
        fp = getattr(person, "fingerprint", "")
        again = [i for i in self.items if i.preview is not None
                 and i.preview.result.signer == fp and i.result is None]
        self._run_queue("preview", again)

    # -- showing -------------------------------------------------------------------------

    def _fill(self) -> None:
        current = self.table.currentRow()
        self.table.setRowCount(len(self.items))
        for row, item in enumerate(self.items):
            p = item.preview.result if item.preview else None
            shown = item.result or p
            cells = [item.path.name, "", "", "", "", "", "", "", self._state(item)]
            if shown is not None and item.preview is not None:
                # a fingerprint reads left to right in any layout (an isolate keeps it so)
                cells[1] = (shown.signer_name if item.preview.trusted
                            else "\u2066" + shown.signer[:9] + "…\u2069")
                cells[2] = fmt.number(shown.sequence)
                for col, values in enumerate((shown.added, shown.updated, shown.unchanged,
                                              shown.conflicting), start=3):
                    cells[col] = fmt.number(len(values))
                cells[7] = fmt.number(len(shown.attachments_added))
            for col, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setToolTip(text)
                self.table.setItem(row, col, cell)
        if 0 <= current < len(self.items):
            self.table.setCurrentCell(current, 0)
        self._show_details()

    def _state(self, item: Item) -> str:
        if item.result is not None:
            return _("Already imported") if item.result.already_imported else _("Imported")
        if item.error:
            return _("Cancelled") if item.cancelled else _("Refused")
        if item.preview is None:
            return _("Waiting")
        if item.preview.result.already_imported:
            return _("Already imported")
        if not item.preview.trusted:
            return _("Sender not trusted")
        return _("Ready to import")

    def _show_details(self) -> None:
        item = self.current()
        self.trust_button.setVisible(False)
        if item is None:
            for label in (self.signer, self.fingerprint, self.words, self.details):
                label.clear()
            return
        if item.preview is None:
            self.signer.setText(item.path.name)
            self.fingerprint.clear()
            self.words.clear()
            self.details.setText(item.error)
            return
        preview = item.preview
        r = item.result or preview.result
        if preview.trusted:
            self.signer.setText(_("From {name}, a trusted researcher; bundle {sequence}, "
                                  "made {when}.").format(
                name=i18n.isolate(r.signer_name), sequence=fmt.number(r.sequence),
                when=i18n.isolate(fmt.timestamp(preview.created_at))))
        else:
            self.signer.setText(_("Signed by a key this vault does not trust. Compare this "
                                  "fingerprint with the researcher before trusting it; nothing "
                                  "from this bundle will be imported until then."))
            self.trust_button.setVisible(item.result is None)
        self.fingerprint.setText(r.signer)
        self.words.setText(org.fingerprint_words(r.signer, i18n.language()))
        lines = []
        if item.result is None and not r.already_imported:
            lines.append(_("If imported: {records}; {attachments} ({size}), {same}.").format(
                records=_record_counts(r),
                attachments=counted(Nn_("{count} new attachment", "{count} new attachments"),
                                    len(r.attachments_added), fmt.number),
                size=size_text(preview.attachment_bytes),
                same=counted(Nn_("{count} attachment already here",
                                 "{count} attachments already here"),
                             len(r.attachments_unchanged), fmt.number)))
        elif r.already_imported:
            lines.append(_("This bundle was imported before; importing it again changes "
                           "nothing."))
        else:
            lines.append(_("Imported: {records}; {attachments}.").format(
                records=_record_counts(r),
                attachments=counted(Nn_("{count} attachment added", "{count} attachments added"),
                                    len(r.attachments_added), fmt.number)))
        if r.conflicting:
            lines.append(_("Conflicting records were changed here and by the sender; both "
                           "versions are kept, nothing is overwritten."))
        name = r.signer_name or r.signer[:9]
        for n in r.missing_sequences:
            lines.append(_("Bundle {sequence} from {name} is missing.").format(
                sequence=fmt.number(n), name=name))
        if r.log_warning:
            lines.append(_("Warning: {warning}").format(
                warning=loghead.describe(r.log_warning)))
        if item.receipt is not None:
            lines.append(_("Receipt written to {path}; give it back to the sender.").format(
                path=i18n.isolate(item.receipt)))
        if item.receipt_error:
            lines.append(item.receipt_error)
        if item.error:
            lines.append(item.error)
        self.details.setText("\n".join(lines))

    def _update_buttons(self) -> None:
        running = self.job is not None
        self.import_button.setEnabled(not running and any(i.importable for i in self.items))
        self.choose_button.setEnabled(not running)
        self.cancel_button.setVisible(running)
        self.close_button.setEnabled(not running)

    def reject(self) -> None:
        if self.job is not None:
            self.cancel()
            return
        super().reject()


def _record_counts(result: bundle.ImportResult) -> str:
    """The records of a bundle by what becomes of them, each count with its own noun."""
    return i18n.join(counted(message, len(ids), fmt.number) for message, ids in (
        (Nn_("{count} new record", "{count} new records"), result.added),
        (Nn_("{count} updated record", "{count} updated records"), result.updated),
        (Nn_("{count} unchanged record", "{count} unchanged records"), result.unchanged),
        (Nn_("{count} conflicting record", "{count} conflicting records"),
         result.conflicting)))
