"""Panic: confirm destroying the vault's keys by typing a word.

The dialog only asks; MainWindow runs `Session.destroy_keys` on the worker and
then locks the app.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from testimony_app.i18n import _, isolate


def confirm_word() -> str:
    return _("DESTROY")


class DestroyKeysDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Destroy the keys"))
        explain = QLabel(_(
            "This overwrites the keys of this vault at once. Nobody will be able to open it "
            "again: not you, not with the passphrase, not with the recovery code. If the vault "
            "belongs to an organisation, a copy of the keys encrypted to the organisation is "
            "left in the vault folder (vault.key.escrow.age); only the coordinator can restore "
            "it, and the passphrase is still needed after that. Otherwise nothing can undo "
            "this.\n\nType {word} to confirm.").format(word=isolate(confirm_word())))
        explain.setWordWrap(True)
        explain.setTextFormat(Qt.TextFormat.PlainText)
        self.word = QLineEdit()
        self.word.setAccessibleName(_("Confirmation word"))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.destroy_button = self.buttons.addButton(_("Destroy the keys"),
                                                     QDialogButtonBox.ButtonRole.DestructiveRole)
        self.destroy_button.setEnabled(False)
        self.destroy_button.clicked.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.word.textChanged.connect(self._typed)
        layout = QVBoxLayout(self)
        layout.addWidget(explain)
        layout.addWidget(self.word)
        layout.addWidget(self.buttons)

    def _typed(self, text: str) -> None:
        self.destroy_button.setEnabled(self.confirmed())

    def confirmed(self) -> bool:
        return self.word.text().strip().casefold() == confirm_word().casefold()

    def accept(self) -> None:
        if self.confirmed():
            super().accept()
