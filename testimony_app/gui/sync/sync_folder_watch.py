"""The sync folder, watched: a pass (core/sync/syncfolder.py) when a file arrives, on a
timer, after a testimony is finalised and before the vault locks.

A QFileSystemWatcher notices arrivals at once where the file system tells; the
timer catches what it misses (network shares, a watcher limit reached). Passes run
on the vault's worker like any other job, one at a time; a pass asked for while
one is queued is folded into it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from testimony_app import i18n
from testimony_app.core.common.errors import TestimonyError
from testimony_app.core.sync import syncfolder
from testimony_app.gui.worker import VaultWorker
from testimony_app.i18n import Nn_, _, ngettext

INTERVAL_MS = 60_000  # the periodic pass
SETTLE_MS = 1_500  # after a change is noticed: files often arrive in a burst


def summary(result: syncfolder.PassResult) -> str:
    """One line for the status bar; counts and sequence numbers only."""
    parts = []
    number = i18n.number
    if result.exported is not None:
        parts.append(_("bundle {sequence} is in the outbox").format(
            sequence=number(result.exported)))
    if result.receipts:
        parts.append(ngettext("{count} receipt accepted", "{count} receipts accepted",
                              len(result.receipts)).format(count=number(len(result.receipts))))
    if result.imported:
        parts.append(ngettext("{count} bundle imported", "{count} bundles imported",
                              len(result.imported)).format(count=number(len(result.imported))))
    if result.untrusted:
        parts.append(ngettext("{count} bundle from researchers not trusted yet",
                              "{count} bundles from researchers not trusted yet",
                              len(result.untrusted)).format(count=number(len(result.untrusted))))
    if result.quarantined:
        parts.append(ngettext("{count} damaged bundle set aside",
                              "{count} damaged bundles set aside",
                              len(result.quarantined)).format(
            count=number(len(result.quarantined))))
    if result.stale:
        parts.append(ngettext("{count} file has been arriving for a long time",
                              "{count} files have been arriving for a long time",
                              len(result.stale)).format(count=number(len(result.stale))))
    if result.lost:
        parts.append(_("a bundle left the outbox without a receipt"))
    return (_("Sync folder: ") + i18n.join(parts, ";")) if parts else ""


PURGE_QUESTION = Nn_("The organisation confirmed receiving {count} record. Remove it from "
                     "this laptop now? (Less to lose if it is seized.)",
                     "The organisation confirmed receiving {count} records. Remove them "
                     "from this laptop now? (Less to lose if it is seized.)")


class SyncFolderWatch(QObject):
    passed = Signal(object)  # syncfolder.PassResult
    message = Signal(str)
    purged = Signal(object)  # receipt.Purged

    def __init__(self, worker: VaultWorker, parent: QWidget) -> None:
        super().__init__(parent)
        self.worker = worker
        self.parent_widget = parent
        self.folder: Path | None = None
        self.role = ""
        self._queued = False
        self._asked = False
        self.watcher = QFileSystemWatcher(self)
        self.watcher.directoryChanged.connect(lambda _p: self.soon())
        self.timer = QTimer(self, interval=INTERVAL_MS)
        self.timer.timeout.connect(self.run_pass)
        self.settle = QTimer(self, singleShot=True, interval=SETTLE_MS)
        self.settle.timeout.connect(self.run_pass)
        self.question: QMessageBox | None = None

    def start(self) -> None:
        """Read the vault's setting and begin watching (after unlock, after a change)."""

        def read(session: Any) -> tuple[Path | None, str]:
            organisation = session.org.organisation()
            return session.sync_folder(), organisation.role if organisation else ""

        self.worker.with_session(read, self._configured, lambda _e: None)

    def _configured(self, result: tuple[Path | None, str]) -> None:
        self.folder, self.role = result
        self._rewatch()
        if self.folder is None or not self.role:
            self.timer.stop()
            return
        self.timer.start()
        self.run_pass()

    def _rewatch(self) -> None:
        paths = self.watcher.directories() + self.watcher.files()
        if paths:
            self.watcher.removePaths(paths)
        if self.folder is None or not self.folder.is_dir():
            return
        wanted = [self.folder]
        for device in (p for p in self.folder.iterdir() if p.is_dir()):
            wanted += [device, device / syncfolder.OUTBOX, device / syncfolder.INBOX]
        existing = [str(p) for p in wanted if p.is_dir()]
        if existing:
            self.watcher.addPaths(existing)

    def soon(self) -> None:
        if self.folder is not None:
            self.settle.start()

    def run_pass(self, export: bool = True) -> None:
        if self.folder is None or self._queued:
            return
        self._queued = True
        self.worker.with_session(lambda s: s.sync_pass(export=export), self._done, self._failed)

    def _done(self, result: syncfolder.PassResult) -> None:
        self._queued = False
        self._rewatch()
        text = summary(result)
        if text:
            self.message.emit(text)
        self.passed.emit(result)
        if result.receipts and result.purgeable:
            self.offer_purge(result.purgeable)

    def _failed(self, error: BaseException) -> None:
        self._queued = False
        if isinstance(error, TestimonyError):
            self.message.emit(str(error))

    def offer_purge(self, count: int) -> None:
        """As after a receipt opened by hand: nothing is removed without a yes."""
        if self.question is not None:
            return
        box = QMessageBox(QMessageBox.Icon.Question, _("Receipt from the organisation"),
                          ngettext(*PURGE_QUESTION, count).format(count=count),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                          self.parent_widget)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.finished.connect(lambda code: self._answered(
            code == QMessageBox.StandardButton.Yes))
        self.question = box
        box.open()

    def _answered(self, yes: bool) -> None:
        if self.question is not None:
            self.question.deleteLater()
        self.question = None
        if yes:
            self.worker.with_session(lambda s: s.sync.purge_received(), self.purged.emit,
                                     self._failed)

    def before_lock(self) -> None:
        """The last pass, queued before the lock (the worker runs jobs in order)."""
        self.timer.stop()
        self.settle.stop()
        if self.question is not None:
            self.question.close()
        if self.folder is not None and self.role:
            self.worker.with_session(lambda s: s.sync_pass(), None, lambda _e: None)
        self.folder = None
