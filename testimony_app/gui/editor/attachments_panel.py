"""Attachments of a testimony: intake in the worker with progress, previews from memory."""

from __future__ import annotations

import io
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from testimony_app.core.common.errors import InputError, TestimonyError
from testimony_app.core.records.attachment import Attachment
from testimony_app.core.session import Session
from testimony_app.gui import fmt
from testimony_app.gui.widgets.audio_player import AudioPlayer, clock
from testimony_app.gui.worker import Job, VaultWorker
from testimony_app.i18n import _


class AttachmentsPanel(QWidget):
    need_saved_record = Signal()
    changed = Signal()

    def __init__(self, worker: VaultWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self.record_id: str | None = None
        self._items: list[Attachment] = []
        self.table = QTableWidget(0, 3)
        self.table.setAccessibleName(_("Attachments"))
        self.table.setHorizontalHeaderLabels([_("File"), _("Size"), _("SHA-256")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.currentCellChanged.connect(lambda *_a: self._preview())
        add = QPushButton(_("Add a file…"))
        add.clicked.connect(self.choose_file)
        self.save_copy = QPushButton(_("Save a copy as…"))
        self.save_copy.clicked.connect(self._save_copy)
        self.preview = QLabel(_("Select an image to preview it."))
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumHeight(160)
        row = QHBoxLayout()
        row.addWidget(add)
        row.addWidget(self.save_copy)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        self.player = AudioPlayer()
        layout.addLayout(row)
        layout.addWidget(self.player)
        # A recording's markers: a click plays from there.
        self.marker_list = QListWidget()
        self.marker_list.setAccessibleName(_("Markers"))
        self.marker_list.setMaximumHeight(110)
        self.marker_list.setVisible(False)
        self.marker_list.itemClicked.connect(self._marker_clicked)
        layout.addWidget(self.marker_list)
        layout.addWidget(self.preview, 1)

    def load(self, record_id: str | None) -> None:
        self.record_id = record_id
        self._items = []
        self.table.setRowCount(0)
        self.preview.clear()
        if record_id:
            self.worker.with_session(lambda s: s.attachments(record_id), self._show)

    def _show(self, items: list[Attachment]) -> None:
        self._items = items
        self.table.setRowCount(len(items))
        for row, att in enumerate(items):
            for col, text in enumerate([att.filename, fmt.number(att.size), att.sha256]):
                self.table.setItem(row, col, QTableWidgetItem(text))

    def choose_file(self) -> None:
        if not self.record_id:
            self.need_saved_record.emit()
            if not self.record_id:
                return
        dialog = QFileDialog(self, _("Add a file to this testimony"))
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        if dialog.exec() and dialog.selectedFiles():
            self.add_file(Path(dialog.selectedFiles()[0]))

    def add_file(self, path: Path) -> Job:
        record_id = self.record_id
        if record_id is None:
            raise ValueError("save the testimony before adding files")
        progress = QProgressDialog(_("Adding the file to the vault…"), _("Cancel"), 0, 1000, self)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(300)

        def job(j: Job) -> Attachment:
            return _session(j).attach(record_id, path, j.progress, j.cancelled)

        def on_progress(done: int, total: int) -> None:
            progress.setValue(int(1000 * done / total) if total else 0)

        def finish() -> None:
            progress.canceled.disconnect()  # closing the dialog would emit canceled
            progress.close()

        def done(att: Attachment) -> None:
            finish()
            self.load(record_id)
            self.changed.emit()

        def failed(error: BaseException) -> None:
            finish()
            self.preview.setText(str(error))

        running = self.worker.run(job, done, failed, on_progress)
        progress.canceled.connect(running.cancel)
        return running

    def _selected(self) -> Attachment | None:
        row = self.table.currentRow()
        return self._items[row] if 0 <= row < len(self._items) else None

    def _preview(self) -> None:
        att = self._selected()
        self.player.stop()
        self._show_markers(att)
        if att is not None and att.sealed:  # only the organisation can open it
            self.preview.setText(str(InputError("attachment_sealed", id=att.id[:8])))
            return
        if att is None or not att.media_type.startswith(("image/", "audio/")):
            self.preview.setText(_("No preview for this file.") if att else "")
            return
        att_id, is_audio, filename = att.id, att.media_type.startswith("audio/"), att.filename

        def read(job: Job) -> bytes:
            sink = io.BytesIO()
            _session(job).read_attachment(att_id, sink)  # memory only, never a temp file
            return sink.getvalue()

        def show(data: bytes) -> None:
            if is_audio:
                self.preview.setText(_("Audio recording: use the player above."))
                self.player.load(data, filename)
                return
            image = QImage.fromData(data)
            if image.isNull():
                self.preview.setText(_("This image cannot be shown."))
                return
            self.preview.setPixmap(QPixmap.fromImage(image).scaled(
                self.preview.size(), Qt.AspectRatioMode.KeepAspectRatio))

        self.worker.run(read, show)

    def _show_markers(self, att: Attachment | None) -> None:
        self.marker_list.clear()
        markers = (att.recording or {}).get("markers", []) if att else []
        for marker in markers:
            item = QListWidgetItem(f"{clock(int(marker['ms']))}  {marker['label']}")
            item.setData(Qt.ItemDataRole.UserRole, int(marker["ms"]))
            self.marker_list.addItem(item)
        self.marker_list.setVisible(bool(markers))

    def _marker_clicked(self, item: QListWidgetItem) -> None:
        self.player.seek(int(item.data(Qt.ItemDataRole.UserRole)))

    def _save_copy(self) -> None:
        att = self._selected()
        if att is None:
            return
        answer = QMessageBox.warning(
            self, _("Save a copy"),
            _("The copy will NOT be encrypted. Anyone who finds this computer or the "
              "place you save it to can open it. Continue?"),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return
        dialog = QFileDialog(self, _("Save a copy as"))
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.selectFile(att.filename)
        if dialog.exec() and dialog.selectedFiles():
            target = Path(dialog.selectedFiles()[0])
            self.worker.with_session(lambda s: s.extract(att.id, target), None,
                                     lambda e: QMessageBox.warning(self, _("Save a copy"),
                                                                   str(e)))

    def clear(self) -> None:
        self.player.stop()
        self.marker_list.clear()
        self.marker_list.setVisible(False)
        self.record_id = None
        self._items = []
        self.table.setRowCount(0)
        self.preview.clear()


def _session(job: Job) -> Session:
    if job.session is None:
        raise TestimonyError("locked")
    return job.session
