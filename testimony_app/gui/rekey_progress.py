"""Progress of a change of the vault's key (new passphrase, new key-derivation strength).

The change re-encrypts the whole database under a new data key (core: rekey.py),
which on a large vault with attachments takes minutes. It runs on the vault worker;
this shows a modal progress dialog meanwhile and, when the vault was of the older
kind whose recovery code cannot follow a new key, the new code, once.

There is no Cancel button: once the re-encryption has started SQLCipher cannot be
stopped midway (a kill or a power cut is still safe).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from testimony_app.core.common.errors import TestimonyError
from testimony_app.i18n import _

if TYPE_CHECKING:
    from testimony_app.core.session import Session
    from testimony_app.gui.worker import Job, VaultWorker

# fn(session, progress) -> the new recovery code or None
RekeyFn = Callable[["Session", Callable[[int, int], None]], "str | None"]


def run_rekey(parent: QWidget, worker: VaultWorker, fn: RekeyFn,
              on_done: Callable[[], None] | None = None,
              on_error: Callable[[BaseException], None] | None = None) -> Job:
    dialog = QProgressDialog(_("Re-encrypting the vault under a new key…"), "", 0, 0, parent)
    dialog.setWindowTitle(_("Changing the key"))
    dialog.setCancelButton(None)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(0)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.show()

    def job_fn(job: Job) -> Any:
        if job.session is None:
            raise TestimonyError("locked")
        return fn(job.session, job.progress)

    def progressed(done: int, total: int) -> None:
        dialog.setRange(0, 1000)
        dialog.setValue(1000 * done // max(total, 1))

    # hide, not close: closing a progress dialog counts as cancelling it, and resets it
    def done(code: str | None) -> None:
        dialog.hide()
        if code:
            show_new_recovery_code(parent, code)
        if on_done:
            on_done()

    def failed(error: BaseException) -> None:
        dialog.hide()
        if on_error:
            on_error(error)

    return worker.run(job_fn, done, failed, progressed)


def show_new_recovery_code(parent: QWidget, code: str) -> None:
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(_("New recovery code"))
    box.setText(_("This vault's recovery code was of an older kind and no longer opens it. "
                  "New recovery code (shown once; write it down and keep it apart from this "
                  "laptop):"))
    box.setInformativeText(code)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.exec()
