"""File → Change passphrase…: the new passphrase twice (the vault re-keys in core)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from testimony_app.core.vault import keyfile
from testimony_app.gui.widgets.secret_field import comforts
from testimony_app.i18n import _, ngettext, number


class PassphraseDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Change passphrase"))
        self.first = QLineEdit()
        self.second = QLineEdit()
        for field, name in ((self.first, _("New passphrase")),
                            (self.second, _("Repeat the new passphrase"))):
            field.setEchoMode(QLineEdit.EchoMode.Password)
            field.setAccessibleName(name)
        form = QFormLayout()
        form.addRow(_("New passphrase"), self.first)
        form.addRow(_("Repeat it"), self.second)
        form.addRow("", comforts(self.first, self.second))
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def _check(self) -> None:
        if len(self.first.text()) < keyfile.MIN_PASSPHRASE:
            self.message.setText(ngettext(
                "The passphrase must be at least {minimum} character long.",
                "The passphrase must be at least {minimum} characters long.",
                keyfile.MIN_PASSPHRASE).format(minimum=number(keyfile.MIN_PASSPHRASE)))
        elif self.first.text() != self.second.text():
            self.message.setText(_("The two passphrases are not the same."))
        else:
            self.accept()

    def new_passphrase(self) -> str:
        return self.first.text()

    def done(self, result: int) -> None:
        super().done(result)
        if result != QDialog.DialogCode.Accepted:
            self.first.clear()
            self.second.clear()
