"""Export for auditors (coordinator): scope and profile, a redaction review of every
narrative that may leave, then the signed export written on the worker, and the line
the auditor runs to check it."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from testimony_app import i18n
from testimony_app.core.audit import disclosure, redact
from testimony_app.gui import fmt
from testimony_app.gui.audit.review_panel import ReviewPanel
from testimony_app.gui.sync.common import mono_label, plain_label, session_of
from testimony_app.gui.widgets.bidi import follow_text_direction
from testimony_app.gui.widgets.local_date_edit import LocalDateEdit
from testimony_app.gui.worker import Job, VaultWorker
from testimony_app.i18n import Nn_, _, counted


def verify_command(path: Path, fingerprint: str) -> str:
    return f"testimony verify {shlex.quote(str(path))} --expect {fingerprint}"


class AuditExportDialog(QDialog):
    exported = Signal(dict)  # the export's manifest

    def __init__(self, worker: VaultWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self.setWindowTitle(_("Export for auditors"))
        self.job: Job | None = None
        self.coordinator: bool | None = None  # None: not known yet
        self.target: Path | None = None
        self.manifest: dict[str, Any] | None = None

        self.notice = plain_label()
        self.notice.setAccessibleName(_("Notice"))
        self.notice.setStyleSheet("QLabel { background: #fde7e9; color: #8a1c1c; "
                                  "padding: 6px; }")
        self.notice.setVisible(False)
        intro = plain_label(_("An auditor receives pseudonyms, attributes and figures, never "
                              "an identity, and can check without any secret that the export "
                              "is the organisation's and complete. Narratives leave only once "
                              "you have approved their redaction."))

        self.auditor = QLineEdit()
        self.auditor.setAccessibleName(_("Auditor"))
        self.auditor.setPlaceholderText(_("Name of the auditor or organisation receiving it"))
        follow_text_direction(self.auditor)
        self.auditor.editingFinished.connect(self._auditor_changed)
        # The narratives to review appear as the name is typed, not only on Enter.
        self._auditor_typed = QTimer(self, singleShot=True, interval=600)
        self._auditor_typed.timeout.connect(self._auditor_changed)
        self.auditor.textChanged.connect(lambda _t: self._auditor_typed.start())
        self.use_period = QCheckBox(_("Only from"))
        self.date_from = LocalDateEdit(QDate(2011, 1, 1))
        self.date_until = LocalDateEdit(QDate.currentDate())
        self.date_from.setCalendarPopup(True)
        self.date_until.setCalendarPopup(True)
        self.date_from.setAccessibleName(_("From date"))
        self.date_until.setAccessibleName(_("Until date"))
        for edit in (self.date_from, self.date_until):
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setEnabled(False)
            self.use_period.toggled.connect(edit.setEnabled)
        period = QHBoxLayout()
        period.addWidget(self.use_period)
        period.addWidget(self.date_from)
        period.addWidget(plain_label(_("until"), wrap=False))
        period.addWidget(self.date_until)
        period.addStretch(1)
        self.threshold = QSpinBox()
        self.threshold.setRange(disclosure.MIN_THRESHOLD, disclosure.MAX_THRESHOLD)
        self.threshold.setValue(5)
        self.threshold.setAccessibleName(_("Suppress counts below"))
        self.places = QComboBox()
        self.places.setAccessibleName(_("Places"))
        self.places.addItem(_("As recorded"), None)
        self.places.addItem(_("Coarsened to the city"), "city")
        self.places.addItem(_("Coarsened to the governorate"), "governorate")
        self.coarse_dates = QCheckBox(_("Give dates to the month only"))
        self.as_zip = QComboBox()
        self.as_zip.setAccessibleName(_("Write as"))
        self.as_zip.addItem(_("A folder"), False)
        self.as_zip.addItem(_("A zip file"), True)
        self.as_zip.currentIndexChanged.connect(lambda _i: self.set_target(None))
        self.path_edit = QLineEdit()
        self.path_edit.setReadOnly(True)
        self.path_edit.setPlaceholderText(_("Nothing chosen"))
        self.path_edit.setAccessibleName(_("Export location"))
        self.choose_button = QPushButton(_("Choose…"))
        self.choose_button.clicked.connect(self.choose_target)
        where = QHBoxLayout()
        where.addWidget(self.as_zip)
        where.addWidget(self.path_edit, 1)
        where.addWidget(self.choose_button)

        self.scope = QGroupBox(_("Scope"))
        form = QFormLayout(self.scope)
        form.addRow(_("Auditor:"), self.auditor)
        form.addRow(_("Period:"), period)
        form.addRow(_("Suppress counts below:"), self.threshold)
        form.addRow(_("Places:"), self.places)
        form.addRow("", self.coarse_dates)
        form.addRow(_("Write to:"), where)

        self.review = ReviewPanel(worker)
        self.review.setMinimumHeight(260)
        self.review_box = QGroupBox(_("Narratives"))
        self.review_hint = plain_label(_("Type the auditor's name first: pseudonyms, and so "
                                         "the previews, are that auditor's own."))
        review_layout = QVBoxLayout(self.review_box)
        review_layout.addWidget(self.review_hint)
        review_layout.addWidget(self.review, 1)

        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setAccessibleName(_("Working"))
        self.busy.setVisible(False)
        self.status = plain_label(selectable=True)
        self.status.setAccessibleName(_("Export status"))
        self.result_box = QFrame()
        self.result_box.setFrameShape(QFrame.Shape.StyledPanel)
        self.log = QPlainTextEdit()
        self.log.setReadOnly(True)
        self.log.setAccessibleName(_("Redaction log"))
        self.log.setMaximumHeight(150)
        self.command = mono_label()
        self.command.setAccessibleName(_("Command for the auditor"))
        result_layout = QVBoxLayout(self.result_box)
        result_layout.addWidget(plain_label(_("Redaction log (what was removed or withheld, "
                                              "and how many):")))
        result_layout.addWidget(self.log)
        result_layout.addWidget(plain_label(_("Give the auditor the export and, through "
                                              "another channel, this line to check it:")))
        result_layout.addWidget(self.command)
        self.result_box.setVisible(False)

        self.buttons = QDialogButtonBox()
        self.export_button = self.buttons.addButton(_("Export"),
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.close_button = self.buttons.addButton(_("Close"),
                                                   QDialogButtonBox.ButtonRole.RejectRole)
        self.export_button.clicked.connect(self.start_export)
        self.close_button.clicked.connect(self.reject)

        # Everything above the buttons scrolls: with the result and the log shown it
        # is taller than a laptop's screen.
        body = QWidget()
        content = QVBoxLayout(body)
        content.setContentsMargins(0, 0, 0, 0)
        content.addWidget(self.notice)
        content.addWidget(intro)
        content.addWidget(self.scope)
        content.addWidget(self.review_box, 1)
        content.addWidget(self.busy)
        content.addWidget(self.status)
        content.addWidget(self.result_box)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.buttons)
        self.resize(980, 680)  # within a 1366×768 screen, with a title bar and a panel
        self._update()
        self.worker.with_session(lambda s: s.org.require_coordinator().name,
                                 self._is_coordinator, self._not_coordinator)

    # -- whose vault -----------------------------------------------------------------

    def _is_coordinator(self, _name: str) -> None:
        self.coordinator = True
        self._auditor_changed()

    def _not_coordinator(self, error: BaseException) -> None:
        self.coordinator = False
        self.notice.setText(_("This vault is not a coordinator's: only the organisation's "
                              "vault can write exports for auditors. ({reason})").format(
            reason=str(error)))
        self.notice.setVisible(True)
        self._update()

    # -- scope -----------------------------------------------------------------------

    def auditor_name(self) -> str:
        return " ".join(self.auditor.text().split())

    def _auditor_changed(self) -> None:
        name = self.auditor_name()
        if name and self.coordinator and name != self.review.auditor:
            self.review.load(name)
        self._update()

    def set_auditor(self, name: str) -> None:
        self.auditor.setText(name)
        self._auditor_changed()

    def options(self) -> redact.Options:
        dated = self.use_period.isChecked()
        return redact.Options(
            auditor=self.auditor_name(),
            date_from=self.date_from.date().toString("yyyy-MM-dd") if dated else None,
            date_until=self.date_until.date().toString("yyyy-MM-dd") if dated else None,
            threshold=self.threshold.value(), coarsen_places=self.places.currentData(),
            coarsen_dates=self.coarse_dates.isChecked(), zip=bool(self.as_zip.currentData()))

    def choose_target(self) -> None:
        as_zip = bool(self.as_zip.currentData())
        dialog = QFileDialog(self, _("Write the export to"))
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setOption(QFileDialog.Option.DontConfirmOverwrite, True)  # export refuses
        if as_zip:
            dialog.setDefaultSuffix("zip")
            dialog.setNameFilters([_("Zip files (*.zip)"), _("All files (*)")])
        suggested = "-".join(self.auditor_name().split()) or "auditor"
        dialog.selectFile(f"export-{suggested}" + (".zip" if as_zip else ""))
        if dialog.exec() and dialog.selectedFiles():
            self.set_target(Path(dialog.selectedFiles()[0]))

    def set_target(self, path: Path | None) -> None:
        self.target = path
        self.path_edit.setText("" if path is None else str(path))
        self._update()

    def _update(self) -> None:
        running = self.job is not None
        usable = bool(self.coordinator) and not running
        self.scope.setEnabled(usable)
        has_auditor = bool(self.auditor_name()) and self.review.auditor == self.auditor_name()
        self.review_hint.setVisible(not has_auditor)
        self.review.set_enabled(usable and has_auditor)
        self.export_button.setEnabled(usable and has_auditor and self.target is not None)
        self.close_button.setEnabled(not running)

    # -- writing ---------------------------------------------------------------------

    def start_export(self) -> Job | None:
        if self.target is None or self.job is not None or not self.coordinator:
            return None
        target, options = self.target, self.options()
        self.busy.setVisible(True)
        self.result_box.setVisible(False)
        self.status.setText(_("Writing and signing the export…"))
        self.job = self.worker.run(
            lambda j: session_of(j).audit.export(target, options, j.progress),
            lambda manifest: self._done(target, manifest), self._failed)
        self._update()
        return self.job

    def _done(self, target: Path, manifest: dict[str, Any]) -> None:
        self.job = None
        self.manifest = manifest
        self.busy.setVisible(False)
        counts = manifest["counts"]
        self.status.setText(_("Export written to {path}: {counts}.").format(
            path=i18n.isolate(target), counts=i18n.join(
                counted(message, int(counts.get(kind, 0)), fmt.number) for kind, message in (
                    ("testimonies", Nn_("{count} testimony", "{count} testimonies")),
                    ("incidents", Nn_("{count} incident", "{count} incidents")),
                    ("persons", Nn_("{count} person", "{count} people"))))))
        # The log keeps its keys in English (the manifest is language-neutral): each
        # said in the reader's language here.
        lines = [f"{_(kind)}{_(': ')}{fmt.number(count)}"
                 for kind, count in sorted(manifest["redaction_log"].items())]
        self.log.setPlainText("\n".join(lines) or _("Nothing was removed."))
        self.command.setText(verify_command(target, manifest["organisation"]["fingerprint"]))
        self.result_box.setVisible(True)
        self.set_target(None)
        self.exported.emit(manifest)

    def _failed(self, error: BaseException) -> None:
        self.job = None
        self.busy.setVisible(False)
        self.status.setText(str(error))
        self._update()

    def reject(self) -> None:
        if self.job is not None:  # an export is short and cannot be stopped midway
            return
        super().reject()
