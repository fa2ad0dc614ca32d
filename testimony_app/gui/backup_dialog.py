"""Back up the vault, and restore a backup: two small dialogs that ask, then run
`Session.backup` / `Session.restore` on the vault worker with progress and cancel."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from testimony_app.core import backup
from testimony_app.core.common.errors import TestimonyError
from testimony_app.gui import fmt
from testimony_app.gui.sync.common import plain_label, size_text
from testimony_app.gui.worker import Job, VaultWorker
from testimony_app.i18n import Nn_, _, counted, isolate, ngettext


def choose_folder(parent: QWidget, title: str, start: str = "") -> Path | None:
    """A Qt (never native) folder chooser; its state goes to the private QSettings."""
    dialog = QFileDialog(parent, title)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setFileMode(QFileDialog.FileMode.Directory)
    dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
    if start:
        dialog.setDirectory(start)
    if dialog.exec() and dialog.selectedFiles():
        return Path(dialog.selectedFiles()[0])
    return None


def status_text(status: backup.Status) -> str:
    if status.last_at is None:
        return _("No backup of this vault was made yet.")
    when = isolate(fmt.timestamp(status.last_at))  # local time, as every time in the window
    if not status.days_since:
        return _("Last backup: today ({when}).").format(when=when)
    return ngettext("Last backup: {days} day ago ({when}).",
                    "Last backup: {days} days ago ({when}).", status.days_since).format(
        days=fmt.number(status.days_since), when=when)


def _setting_int(settings: dict[str, str], name: str, default: int) -> int:
    try:
        return int(settings.get(name, default))
    except ValueError:
        return default


class _Running(QDialog):
    """What both dialogs share: a progress bar, a status line, Cancel while running."""

    def __init__(self, worker: VaultWorker, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.worker = worker
        self.job: Job | None = None
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setVisible(False)
        self.status = plain_label(selectable=True)
        self.buttons = QDialogButtonBox()

    def _progressed(self, done: int, total: int) -> None:
        self.progress.setValue(min(int(1000 * done / total), 1000) if total else 0)

    def _start(self) -> None:
        self.progress.setValue(0)
        self.progress.setVisible(True)

    def _stopped(self) -> None:
        self.job = None
        self.progress.setVisible(False)

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.status.setText(_("Cancelling…"))

    def reject(self) -> None:
        if self.job is not None:
            self.cancel()
            return
        super().reject()


class BackupDialog(_Running):
    """Where to, how many to keep, when to be reminded; then a checked backup."""

    backed_up = Signal(object)  # backup.BackupResult

    def __init__(self, worker: VaultWorker, settings: dict[str, str],
                 status: backup.Status | None = None, parent: QWidget | None = None) -> None:
        super().__init__(worker, parent)
        self.setWindowTitle(_("Back up the vault"))
        self.result_: backup.BackupResult | None = None
        intro = plain_label(_(
            "A backup is a copy of the vault, encrypted exactly as the vault is and checked "
            "as it is made. It opens with the passphrase (or recovery code) the vault has "
            "today, even if you change the passphrase later. Keep it on another disk, away "
            "from this laptop. The vault stays open while the copy is made."))
        self.last = plain_label(status_text(status) if status else "")
        self.last.setAccessibleName(_("Last backup"))
        self.folder = QLineEdit(settings.get("backup_folder", ""))
        self.folder.setAccessibleName(_("Backup folder"))
        self.folder.setPlaceholderText(_("A folder on a USB stick or another disk"))
        self.folder.textChanged.connect(lambda _t: self._update_buttons())
        choose = QPushButton(_("Choose…"))
        choose.clicked.connect(self.choose)
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(choose)
        self.keep = QSpinBox()
        self.keep.setRange(0, 999)
        self.keep.setSpecialValueText(_("all"))
        self.keep.setValue(_setting_int(settings, "backup_keep", 5))
        self.keep.setAccessibleName(_("Backups to keep"))
        self.remind = QSpinBox()
        self.remind.setRange(0, 365)
        self.remind.setSpecialValueText(_("never"))
        # The word after the number agrees with it (Arabic has six plural forms).
        self.remind.valueChanged.connect(lambda n: self.remind.setSuffix(
            ngettext(" day", " days", n)))
        self.remind.setValue(_setting_int(settings, "backup_reminder_days",
                                          backup.DEFAULT_REMINDER_DAYS))
        self.remind.setSuffix(ngettext(" day", " days", self.remind.value()))
        self.remind.setAccessibleName(_("Remind me after"))
        for spin in (self.keep, self.remind):  # in the digits the person chose
            spin.setLocale(fmt.locale())
        form = QFormLayout()
        form.addRow(_("Folder for backups"), row)
        form.addRow(_("Keep the newest"), self.keep)
        form.addRow(_("Remind me after"), self.remind)
        self.status.setAccessibleName(_("Backup status"))
        self.backup_button = self.buttons.addButton(_("Back up"),
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(_("Cancel"),
                                                    QDialogButtonBox.ButtonRole.RejectRole)
        self.close_button = self.buttons.addButton(_("Close"),
                                                   QDialogButtonBox.ButtonRole.RejectRole)
        self.backup_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.last)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.resize(620, 360)
        self._update_buttons()

    def choose(self) -> None:
        folder = choose_folder(self, _("Choose a folder for backups"), self.folder.text())
        if folder is not None:
            self.folder.setText(str(folder))

    def settings(self) -> dict[str, str]:
        return {"backup_folder": self.folder.text().strip(),
                "backup_keep": str(self.keep.value()),
                "backup_reminder_days": str(self.remind.value())}

    def start(self) -> None:
        text = self.folder.text().strip()
        if self.job is not None or not text:
            return
        target, keep = Path(text).expanduser(), self.keep.value() or None
        values = self.settings()

        def run(job: Job) -> backup.BackupResult:
            session = job.session
            if session is None:
                raise TestimonyError("locked")
            for name, value in values.items():
                session.set_setting(name, value)
            # Numbered backups in the chosen folder (made if missing), the oldest beyond
            # "keep" removed: each one is checked before the older ones go.
            target.mkdir(mode=0o700, parents=True, exist_ok=True)
            return session.backup(target, keep, job.progress, job.cancelled)

        self._start()
        self.status.setText(_("Copying and checking…"))
        self.job = self.worker.run(run, self._done, self._failed, self._progressed)
        self._update_buttons()

    def _done(self, result: backup.BackupResult) -> None:
        self._stopped()
        self.result_ = result
        lines = [_("Backup written to {path} and checked: {records}, {size}.").format(
            path=isolate(result.path), records=counted(
                Nn_("{count} record", "{count} records"), sum(result.records.values()),
                fmt.number), size=size_text(result.size))]
        lines += [_("Older backup removed: {path}").format(path=isolate(p)) for p in result.removed]
        self.status.setText("\n".join(lines))
        self.last.setText(_("Last backup: today ({when}).").format(
            when=isolate(fmt.timestamp(result.created))))
        self._update_buttons()
        self.backed_up.emit(result)

    def _failed(self, error: BaseException) -> None:
        self._stopped()
        self.status.setText(str(error) if isinstance(error, TestimonyError)
                            else _("The backup failed ({type}); the vault is unchanged.")
                            .format(type=type(error).__name__))
        self._update_buttons()

    def _update_buttons(self) -> None:
        running = self.job is not None
        self.backup_button.setEnabled(not running and bool(self.folder.text().strip()))
        self.cancel_button.setVisible(running)
        self.close_button.setEnabled(not running)


class RestoreDialog(_Running):
    """Which backup, where to, its passphrase; checked completely before anything is
    written. Replacing the open vault closes it first; the window then locks."""

    restored = Signal(object, bool)  # backup.RestoreResult, whether the open vault went

    def __init__(self, worker: VaultWorker, vault_folder: Path,
                 parent: QWidget | None = None) -> None:
        super().__init__(worker, parent)
        self.setWindowTitle(_("Restore a backup"))
        self.vault_folder = vault_folder
        intro = plain_label(_(
            "The backup is checked completely first (every file, its encryption and its "
            "activity log); nothing is written before. A vault already in the folder is "
            "moved aside, never deleted. The backup opens with the passphrase the vault had "
            "when the backup was made. To look inside a backup without restoring it, lock "
            "and open its folder from the start window: it opens read-only."))
        self.source = QLineEdit()
        self.source.setAccessibleName(_("Backup folder"))
        self.source.textChanged.connect(lambda _t: self._update_buttons())
        choose = QPushButton(_("Choose…"))
        choose.clicked.connect(self.choose)
        row = QHBoxLayout()
        row.addWidget(self.source, 1)
        row.addWidget(choose)
        self.target = QLineEdit(str(vault_folder))
        self.target.setAccessibleName(_("Restore to"))
        self.target.textChanged.connect(lambda _t: self._update_buttons())
        self.replace = QCheckBox(_("Replace the vault there (it is moved aside and kept)"))
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName(_("Passphrase of the backup"))
        self.passphrase.textChanged.connect(lambda _t: self._update_buttons())
        form = QFormLayout()
        form.addRow(_("Backup"), row)
        form.addRow(_("Restore to"), self.target)
        form.addRow("", self.replace)
        form.addRow(_("Passphrase of the backup"), self.passphrase)
        self.status.setAccessibleName(_("Restore status"))
        self.restore_button = self.buttons.addButton(_("Restore"),
                                                     QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(_("Cancel"),
                                                    QDialogButtonBox.ButtonRole.RejectRole)
        self.close_button = self.buttons.addButton(_("Close"),
                                                   QDialogButtonBox.ButtonRole.RejectRole)
        self.restore_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.resize(640, 380)
        self._closed_vault = False
        self._update_buttons()

    def choose(self) -> None:
        folder = choose_folder(self, _("Choose the backup folder"), self.source.text())
        if folder is not None:
            self.source.setText(str(folder))

    def start(self) -> None:
        if self.job is not None or not self._ready():
            return
        source = Path(self.source.text().strip()).expanduser()
        target = Path(self.target.text().strip()).expanduser()
        secret, replace = self.passphrase.text(), self.replace.isChecked()
        self.passphrase.clear()
        worker = self.worker
        self._closed_vault = False

        def run(job: Job) -> backup.RestoreResult:
            from testimony_app.core.session import Session

            def close_if_replaced() -> None:
                session = job.session
                if session is not None and target.resolve() == session.folder.resolve():
                    session.close()
                    worker.set_session(None)
                    self._closed_vault = True

            return Session.restore(source, target, secret, replace=replace,
                                   progress=job.progress, cancelled=job.cancelled,
                                   before_writing=close_if_replaced)

        self._start()
        self.status.setText(_("Checking the backup…"))
        self.job = self.worker.run(run, self._done, self._failed, self._progressed)
        self._update_buttons()

    def _done(self, result: backup.RestoreResult) -> None:
        self._stopped()
        lines = [_("Backup of {when} checked and restored to {path}: {records}."
                   ).format(when=isolate(fmt.timestamp(result.created)), path=isolate(result.path),
                            records=counted(Nn_("{count} record", "{count} records"),
                                            sum(result.records.values()), fmt.number))]
        if result.moved_aside is not None:
            lines.append(_("The vault that was there was moved to {path}; delete it yourself "
                           "once you are sure you do not need it.").format(
                path=isolate(result.moved_aside)))
        if self._closed_vault:
            lines.append(_("The window locks now: unlock the restored vault with the "
                           "passphrase it had when the backup was made."))
        self.status.setText("\n".join(lines))
        self._update_buttons()
        self.restored.emit(result, self._closed_vault)

    def _failed(self, error: BaseException) -> None:
        self._stopped()
        self.status.setText(str(error) if isinstance(error, TestimonyError)
                            else _("The restore failed ({type}); nothing was changed.")
                            .format(type=type(error).__name__))
        self._update_buttons()
        if self._closed_vault:  # the open vault was closed for nothing: back to unlock
            self.restored.emit(None, True)

    def _ready(self) -> bool:
        return all(w.text().strip() for w in (self.source, self.target)) and bool(
            self.passphrase.text())

    def _update_buttons(self) -> None:
        running = self.job is not None
        self.restore_button.setEnabled(not running and self._ready())
        self.cancel_button.setVisible(running)
        self.close_button.setEnabled(not running)

