"""Sync folder settings: choose the folder, and set up Syncthing for people who have
never used it (with their consent, through the Syncthing running on this computer),
or read the steps to do it by hand or with another folder sync."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from testimony_app.core.sync import syncthing
from testimony_app.core.vault import org
from testimony_app.gui.sync.common import mono_label, plain_label
from testimony_app.gui.worker import VaultWorker
from testimony_app.i18n import N_, _, isolate, ngettext, number

STEPS = N_(
    "To carry the folder with Syncthing by hand:\n"
    "1. Install Syncthing on this computer and on the other one, and start it.\n"
    "2. In Syncthing, add the other computer's device (its device ID, from Actions, "
    "Show ID).\n"
    "3. Researcher: share the folder named after this installation inside the sync "
    "folder ({device}) with the coordinator's device. Coordinator: accept the folder "
    "the researcher shares, inside your sync folder.\n"
    "Any other tool that syncs a folder (Nextcloud, a network share) works too: what "
    "travels is already encrypted and signed.")


def _state(session: Any) -> tuple[Path | None, str, str]:
    organisation = session.org.organisation()
    return (session.sync_folder(), organisation.role if organisation else "",
            session.org.whoami().device_id)


class SyncFolderDialog(QDialog):
    changed = Signal()

    def __init__(self, worker: VaultWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self.setWindowTitle(_("Sync folder"))
        self.folder: Path | None = None
        self.role = ""
        self.device = ""
        self.client: syncthing.Client | None = None

        intro = plain_label(_("Bundles and receipts travel through this folder. Have "
                              "Syncthing or another folder sync carry it between this "
                              "computer and the other side; the app does the rest."))
        self.path_edit = QLineEdit()
        self.path_edit.setReadOnly(True)
        self.path_edit.setPlaceholderText(_("No sync folder"))
        self.path_edit.setAccessibleName(_("Sync folder"))
        self.choose_button = QPushButton(_("Choose folder…"))
        self.choose_button.clicked.connect(self.choose)
        self.unset_button = QPushButton(_("Stop using it"))
        self.unset_button.clicked.connect(lambda: self.set_folder(None))
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.choose_button)
        row.addWidget(self.unset_button)

        self.syncthing_button = QPushButton(_("Use the Syncthing on this computer…"))
        self.syncthing_button.clicked.connect(self.ask_consent)
        self.my_id = mono_label()
        self.peer_edit = QLineEdit()
        self.peer_edit.setAccessibleName(_("The other computer's Syncthing device ID"))
        self.add_button = QPushButton(_("Add and share"))
        self.add_button.clicked.connect(self.add_peer)
        self.form = QFormLayout()
        self.form.addRow(_("This computer's Syncthing ID:"), self.my_id)
        self.form.addRow(_("The other computer's Syncthing ID:"), self.peer_edit)
        self.form.addRow("", self.add_button)
        self.form_widget = QWidget()
        self.form_widget.setLayout(self.form)
        self.form_widget.setVisible(False)
        self.steps = plain_label(selectable=True)
        self.outcome = plain_label(selectable=True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        for widget in (intro,):
            layout.addWidget(widget)
        layout.addLayout(row)
        layout.addWidget(self.syncthing_button)
        layout.addWidget(self.form_widget)
        layout.addWidget(self.steps)
        layout.addWidget(self.outcome)
        layout.addWidget(buttons)
        self.worker.with_session(_state, self._loaded, self._error)

    def _loaded(self, state: tuple[Path | None, str, str]) -> None:
        self.folder, self.role, self.device = state
        self.path_edit.setText(str(self.folder) if self.folder else "")
        self.unset_button.setEnabled(self.folder is not None)
        self.syncthing_button.setEnabled(self.folder is not None and bool(self.role))
        self.steps.setText(_(STEPS).format(device=isolate(self.device)))

    def _error(self, error: BaseException) -> None:
        self.outcome.setText(str(error))

    def choose(self) -> None:
        dialog = QFileDialog(self, _("Choose the sync folder"))
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
        dialog.fileSelected.connect(lambda p: self.set_folder(Path(p)) if p else None)
        dialog.open()

    def set_folder(self, path: Path | None) -> None:
        def done(_result: Any) -> None:
            self.outcome.setText(_("Saved."))
            self.worker.with_session(_state, self._loaded, self._error)
            self.changed.emit()

        self.worker.with_session(lambda s: s.set_sync_folder(path), done, self._error)

    # Syncthing

    def ask_consent(self) -> None:
        config = syncthing.find_config()
        if config is None:
            self.outcome.setText(_("Syncthing's configuration was not found on this "
                                   "computer; follow the steps below."))
            return
        box = QMessageBox(QMessageBox.Icon.Question, _("Syncthing"),
                          _("To add the other computer and the folder, the app reads "
                            "Syncthing's API key from {path} and talks to Syncthing on this "
                            "computer only. Go ahead?").format(path=isolate(config)),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.finished.connect(lambda code: self.connect_syncthing(config)
                             if code == QMessageBox.StandardButton.Yes else None)
        box.open()

    def connect_syncthing(self, config: Path) -> None:
        try:
            client = syncthing.Client(syncthing.read_endpoint(config))
            my_id = client.my_id()
        except Exception as exc:  # noqa: BLE001 (its message is ours, or a generic one)
            self.outcome.setText(str(exc))
            return
        self.client = client
        self.my_id.setText(my_id)
        self.form_widget.setVisible(True)

    def add_peer(self) -> None:
        peer = self.peer_edit.text().strip().upper()
        if self.client is None or self.folder is None or not peer:
            return
        try:
            if self.role == org.ROLE_COORDINATOR:
                self.client.add_device(peer, _("researcher"))
                accepted = syncthing.accept_offers(self.client, self.folder)
                self.outcome.setText(ngettext(
                    "Device added; {count} researcher folder accepted. A researcher's folder "
                    "offered later is accepted here too.",
                    "Device added; {count} researcher folders accepted. "
                    "A researcher's folder offered later is accepted "
                    "here too.", accepted).format(count=number(accepted)))
            else:
                syncthing.share_device_folder(self.client, self.folder, self.device, peer,
                                              _("coordinator"))
                self.outcome.setText(_("Device added and folder shared. The coordinator "
                                       "accepts it in their app."))
        except Exception as exc:  # noqa: BLE001
            self.outcome.setText(str(exc))
