"""Trust a researcher's key (coordinator): the fingerprint, its words, and a name."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from testimony_app import i18n
from testimony_app.core.common.errors import InputError
from testimony_app.core.vault import org
from testimony_app.gui.sync.common import mono_label, plain_label, session_of
from testimony_app.gui.widgets.bidi import follow_text_direction
from testimony_app.gui.worker import Job, VaultWorker
from testimony_app.i18n import _


class TrustDialog(QDialog):
    """Opened with `open()` (never blocks); emits `trusted` once the vault has it."""

    trusted = Signal(object)  # org.Person

    def __init__(self, worker: VaultWorker, fingerprint: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self.setWindowTitle(_("Trust this researcher"))
        intro = plain_label(_("Compare the fingerprint or its words with the researcher in "
                              "person or by a call you trust (they find theirs under "
                              "Researchers, \u201cWho am I\u201d). Bundles signed with this "
                              "key will then be imported."))
        self.fingerprint = QLineEdit(fingerprint)
        self.fingerprint.setAccessibleName(_("Fingerprint"))
        self.fingerprint.setPlaceholderText("XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX")
        self.fingerprint.setReadOnly(bool(fingerprint))
        self.words = mono_label()
        self.words.setAccessibleName(_("Fingerprint words"))
        self.name = QLineEdit()
        self.name.setAccessibleName(_("Name"))
        self.name.setPlaceholderText(_("Who this is, for your lists"))
        follow_text_direction(self.name)
        self.error = plain_label()
        self.error.setStyleSheet("color: #a00;")
        form = QFormLayout()
        form.addRow(_("Fingerprint:"), self.fingerprint)
        form.addRow(_("Words:"), self.words)
        form.addRow(_("Name:"), self.name)
        self.buttons = QDialogButtonBox()
        self.ok = self.buttons.addButton(_("Trust"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(_("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.rejected.connect(self.reject)
        self.ok.clicked.connect(self.submit)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.fingerprint.textChanged.connect(self._show_words)
        self.name.textChanged.connect(lambda _t: self._update())
        self._show_words()
        self.setMinimumWidth(520)
        self.name.setFocus()

    def _show_words(self) -> None:
        try:
            self.words.setText(org.fingerprint_words(self.fingerprint.text(), i18n.language()))
        except InputError:
            self.words.setText("")
        self._update()

    def _update(self) -> None:
        self.ok.setEnabled(bool(self.words.text()) and bool(self.name.text().strip()))

    def submit(self) -> Job | None:
        if not self.ok.isEnabled():
            return None
        fp, name = self.fingerprint.text(), self.name.text()
        self.ok.setEnabled(False)
        self.error.clear()

        def job(j: Job) -> org.Person:
            s = session_of(j)
            return org.trust(s.conn, fp, name, s.author)

        return self.worker.run(job, self._done, self._failed)

    def _done(self, person: org.Person) -> None:
        self.trusted.emit(person)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.error.setText(str(error))
        self._update()
