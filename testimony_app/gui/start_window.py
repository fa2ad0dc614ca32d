"""Before the vault is open: first run (create or open a folder), unlock, recovery.

Key derivation runs on the worker; the window shows a busy bar and stays
responsive. The recovery code is shown once and confirmed by asking for two of
its groups back.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from testimony_app import i18n
from testimony_app.core.common.errors import TestimonyError
from testimony_app.core.vault import keyfile
from testimony_app.gui.widgets.secret_field import comforts
from testimony_app.gui.worker import Job, VaultWorker
from testimony_app.i18n import _, isolate, ngettext

if TYPE_CHECKING:
    # The facade is imported when a vault is created or opened, not before this
    # window is painted (bench/README.md: ~60 ms of the start).
    from testimony_app.core.session import Session


def strength(passphrase: str) -> tuple[int, str]:
    """A rough 0–4 score and its words; the hard rule is the length minimum."""
    if len(passphrase) < keyfile.MIN_PASSPHRASE:
        return 0, ngettext("Too short: at least {n} character.",
                           "Too short: at least {n} characters.",
                           keyfile.MIN_PASSPHRASE).format(
            n=i18n.number(keyfile.MIN_PASSPHRASE))
    classes = sum(any(test(c) for c in passphrase) for test in
                  (str.islower, str.isupper, str.isdigit, lambda c: not c.isalnum()))
    words = len(passphrase.split())
    score = 1 + (len(passphrase) >= 16) + (classes >= 3 or words >= 4) + (len(passphrase) >= 24)
    return score, [_("Weak"), _("Fair"), _("Good"), _("Strong"), _("Very strong")][score]


def _secret_field(name: str) -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setAccessibleName(name)
    return field


class _Page(QWidget):
    def __init__(self, title: str) -> None:
        super().__init__()
        self.layout_ = QVBoxLayout(self)
        heading = QLabel(title)
        font = heading.font()
        font.setPointSize(font.pointSize() + 6)
        heading.setFont(font)
        self.layout_.addWidget(heading)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setStyleSheet("color: #b00020")
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setVisible(False)
        self.busy.setAccessibleName(_("Working"))

    def finish(self) -> None:
        self.layout_.addWidget(self.message)
        self.layout_.addWidget(self.busy)
        self.layout_.addStretch(1)

    def set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        # While working, the message says what is being done, not what went wrong.
        self.message.setStyleSheet("" if busy else "color: #b00020")
        for button in self.findChildren(QPushButton):
            button.setEnabled(not busy)


class StartWindow(QWidget):
    """Emits `unlocked` once the worker holds an open Session."""

    unlocked = Signal(str)  # vault folder
    language_chosen = Signal(str)
    open_export_requested = Signal()  # an auditor, who has no vault

    def __init__(self, worker: VaultWorker, folder: Path,
                 remember_folder: Callable[[Path], None]) -> None:
        super().__init__()
        self.setWindowTitle("Testimony")
        self.worker = worker
        self.folder = folder
        self._remember = remember_folder
        self.stack = QStackedWidget()
        self.language = QComboBox()
        self.language.setAccessibleName(_("Language"))
        for code, name in i18n.LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(self.language.findData(i18n.language()), 0))
        self.language.currentIndexChanged.connect(
            lambda _i: self.language_chosen.emit(self.language.currentData()))
        top = QHBoxLayout()
        top.addStretch(1)
        top.addWidget(self.language)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.stack)
        self._build_first_run()
        self._build_create()
        self._build_code()
        self._build_unlock()
        self._build_recover()
        self.resize(620, 460)
        self.show_start()

    # -- pages ---------------------------------------------------------------

    def _build_first_run(self) -> None:
        page = _Page(_("Welcome to Testimony"))
        text = QLabel(_("Testimonies are kept in an encrypted vault folder. Create a new vault "
                        "on this computer, or open one you already have (for example on a USB "
                        "stick)."))
        text.setWordWrap(True)
        page.layout_.addWidget(text)
        create = QPushButton(_("Create a new vault"))
        open_ = QPushButton(_("Open an existing vault folder…"))
        create.clicked.connect(lambda: self.stack.setCurrentWidget(self.create_page))
        open_.clicked.connect(self._choose_folder)
        page.layout_.addWidget(create)
        page.layout_.addWidget(open_)
        self.open_export_button = QPushButton(_("Open an export to check it…"))
        self.open_export_button.setFlat(True)
        self.open_export_button.clicked.connect(self.open_export_requested.emit)
        page.layout_.addWidget(self.open_export_button)
        page.finish()
        self.first_page = page
        self.stack.addWidget(page)

    def _build_create(self) -> None:
        page = _Page(_("Create a vault"))
        form = QFormLayout()
        self.create_folder = QLineEdit(str(self.folder))
        self.create_folder.setAccessibleName(_("Vault folder"))
        self.new_pass = _secret_field(_("Passphrase"))
        self.new_pass2 = _secret_field(_("Repeat the passphrase"))
        self.strength = QLabel()
        self.new_pass.textChanged.connect(
            lambda text: self.strength.setText(strength(text)[1]))
        form.addRow(_("Vault folder"), self.create_folder)
        form.addRow(_("Passphrase"), self.new_pass)
        form.addRow(_("Repeat it"), self.new_pass2)
        self.create_comforts = comforts(self.new_pass, self.new_pass2)
        form.addRow("", self.create_comforts)
        form.addRow(_("Strength"), self.strength)
        page.layout_.addLayout(form)
        hint = QLabel(_("Use a long phrase of several words that you will not forget. Nobody, "
                        "including us, can open the vault without it or the recovery code."))
        hint.setWordWrap(True)
        page.layout_.addWidget(hint)
        row = QHBoxLayout()
        back = QPushButton(_("Back"))
        back.clicked.connect(self.show_start)
        self.create_button = QPushButton(_("Create vault"))
        self.create_button.setDefault(True)
        self.create_button.clicked.connect(self._create)
        self.new_pass2.returnPressed.connect(self._create)
        row.addWidget(back)
        row.addStretch(1)
        row.addWidget(self.create_button)
        page.layout_.addLayout(row)
        page.finish()
        self.create_page = page
        self.stack.addWidget(page)

    def _build_code(self) -> None:
        page = _Page(_("Your recovery code"))
        text = QLabel(_("If you forget your passphrase, this code is the only way back in. "
                        "Write it on paper now and keep it away from this computer. It will "
                        "not be shown again."))
        text.setWordWrap(True)
        self.code_label = QLabel()
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        mono = QFont("monospace")
        mono.setPointSize(mono.pointSize() + 4)
        self.code_label.setFont(mono)
        self.code_label.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.code_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        print_button = QPushButton(_("Print…"))
        print_button.clicked.connect(self._print_code)
        self.check_prompt = QLabel()
        self.check_a = QLineEdit()
        self.check_b = QLineEdit()
        for field in (self.check_a, self.check_b):
            field.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.check_a.setAccessibleName(_("First requested group"))
        self.check_b.setAccessibleName(_("Second requested group"))
        done = QPushButton(_("I have written it down"))
        done.clicked.connect(self._confirm_code)
        self.check_b.returnPressed.connect(self._confirm_code)
        page.layout_.addWidget(text)
        page.layout_.addWidget(self.code_label)
        page.layout_.addWidget(print_button)
        page.layout_.addWidget(self.check_prompt)
        row = QHBoxLayout()
        row.addWidget(self.check_a)
        row.addWidget(self.check_b)
        page.layout_.addLayout(row)
        page.layout_.addWidget(done)
        page.finish()
        self.code_page = page
        self.stack.addWidget(page)

    def _build_unlock(self) -> None:
        page = _Page(_("Unlock the vault"))
        self.unlock_where = QLabel()
        self.unlock_where.setTextFormat(Qt.TextFormat.PlainText)
        self.passphrase = _secret_field(_("Passphrase"))
        self.passphrase.setPlaceholderText(_("Passphrase"))
        self.passphrase.returnPressed.connect(self._unlock)
        unlock = QPushButton(_("Unlock"))
        unlock.setDefault(True)
        unlock.clicked.connect(self._unlock)
        recover = QPushButton(_("Use the recovery code…"))
        recover.setFlat(True)
        recover.clicked.connect(lambda: self.stack.setCurrentWidget(self.recover_page))
        other = QPushButton(_("Open another vault…"))
        other.setFlat(True)
        other.clicked.connect(self._choose_folder)
        page.layout_.addWidget(self.unlock_where)
        page.layout_.addWidget(self.passphrase)
        self.unlock_comforts = comforts(self.passphrase)
        page.layout_.addWidget(self.unlock_comforts)
        page.layout_.addWidget(unlock)
        row = QHBoxLayout()
        row.addWidget(recover)
        row.addWidget(other)
        check = QPushButton(_("Open an export to check it…"))
        check.setFlat(True)
        check.clicked.connect(self.open_export_requested.emit)
        row.addWidget(check)
        row.addStretch(1)
        page.layout_.addLayout(row)
        page.finish()
        self.unlock_page = page
        self.stack.addWidget(page)

    def _build_recover(self) -> None:
        page = _Page(_("Open with the recovery code"))
        form = QFormLayout()
        self.recovery_code = QLineEdit()
        self.recovery_code.setAccessibleName(_("Recovery code"))
        self.recovery_code.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.recover_pass = _secret_field(_("New passphrase"))
        self.recover_pass2 = _secret_field(_("Repeat the new passphrase"))
        form.addRow(_("Recovery code"), self.recovery_code)
        form.addRow(_("New passphrase"), self.recover_pass)
        form.addRow(_("Repeat it"), self.recover_pass2)
        page.layout_.addLayout(form)
        row = QHBoxLayout()
        back = QPushButton(_("Back"))
        back.clicked.connect(self.show_start)
        go = QPushButton(_("Open and set the new passphrase"))
        go.clicked.connect(self._recover)
        row.addWidget(back)
        row.addStretch(1)
        row.addWidget(go)
        page.layout_.addLayout(row)
        page.finish()
        self.recover_page = page
        self.stack.addWidget(page)

    # -- flows ------------------------------------------------------------------

    def show_start(self) -> None:
        for page in (self.first_page, self.create_page, self.unlock_page, self.recover_page):
            page.message.clear()
        if keyfile.is_vault(self.folder):
            self.unlock_where.setText(_("Vault: {name}").format(name=isolate(self.folder.name)))
            self.stack.setCurrentWidget(self.unlock_page)
            self.passphrase.setFocus()
        else:
            self.stack.setCurrentWidget(self.first_page)

    def clear_secrets(self) -> None:
        for row in (self.unlock_comforts, self.create_comforts):
            row.show_toggle.setChecked(False)  # type: ignore[attr-defined]
        for field in (self.passphrase, self.new_pass, self.new_pass2, self.recovery_code,
                      self.recover_pass, self.recover_pass2, self.check_a, self.check_b):
            field.clear()
        self.code_label.clear()
        self._code = ""

    def _choose_folder(self) -> None:
        dialog = QFileDialog(self, _("Choose the vault folder"))
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
        if dialog.exec() and dialog.selectedFiles():
            chosen = Path(dialog.selectedFiles()[0])
            if keyfile.is_vault(chosen):
                self.folder = chosen
                self._remember(chosen)
                self.show_start()
            elif isinstance(page := self.stack.currentWidget(), _Page):
                page.message.setText(_("That folder is not a Testimony vault."))

    def _fail(self, page: _Page) -> Callable[[BaseException], None]:
        def show(error: BaseException) -> None:
            page.set_busy(False)
            if isinstance(error, TestimonyError):
                page.message.setText(str(error))
            else:
                page.message.setText(_("Unexpected error ({type}).").format(
                    type=type(error).__name__))
        return show

    def _open_job(self, opener: Callable[[Job], Session]) -> Callable[[Job], None]:
        worker = self.worker

        def job(job: Job) -> None:
            worker.set_session(opener(job))

        return job

    def _create(self) -> None:
        page = self.create_page
        passphrase, again = self.new_pass.text(), self.new_pass2.text()
        if len(passphrase) < keyfile.MIN_PASSPHRASE:
            page.message.setText(strength(passphrase)[1])
            return
        if passphrase != again:
            page.message.setText(_("The two passphrases are not the same."))
            return
        folder = Path(self.create_folder.text()).expanduser()
        page.set_busy(True)
        page.message.setText(_("Creating the vault and deriving its key…"))
        worker = self.worker

        def job(_job: Job) -> str:
            from testimony_app.core.session import Session

            session, code = Session.create(folder, passphrase)
            worker.set_session(session)
            return code

        def done(code: str) -> None:
            page.set_busy(False)
            self.folder = folder
            self._remember(folder)
            self.new_pass.clear()
            self.new_pass2.clear()
            self._show_code(code)

        self.worker.run(job, done, self._fail(page))

    def _show_code(self, code: str) -> None:
        self._code = code
        self.code_label.setText(code)
        groups = code.split("-")
        self._asked = sorted(secrets.SystemRandom().sample(range(len(groups)), 2))
        self.check_prompt.setText(_("To check, type group {a} and group {b} of the code:").format(
            a=i18n.number(self._asked[0] + 1), b=i18n.number(self._asked[1] + 1)))
        self.stack.setCurrentWidget(self.code_page)

    def _confirm_code(self) -> None:
        groups = self._code.split("-")
        typed = [self.check_a.text(), self.check_b.text()]
        ok = all(keyfile.normalise_group(t) == groups[i]
                 for t, i in zip(typed, self._asked, strict=True))
        if not ok:
            self.code_page.message.setText(_("Those groups do not match the code. Look again."))
            return
        self.clear_secrets()
        self.unlocked.emit(str(self.folder))

    def _print_code(self) -> None:
        from PySide6.QtGui import QPainter
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter()
        if QPrintDialog(printer, self).exec():
            painter = QPainter(printer)
            painter.drawText(100, 100, _("Testimony recovery code:"))
            painter.drawText(100, 160, self._code)
            painter.end()

    def _unlock(self) -> None:
        page = self.unlock_page
        passphrase = self.passphrase.text()
        if not passphrase:
            return
        page.set_busy(True)
        page.message.setText(_("Deriving the key…"))
        folder = self.folder

        def done(_result: object) -> None:
            page.set_busy(False)
            self.passphrase.clear()
            page.message.clear()
            self.unlocked.emit(str(folder))

        def failed(error: BaseException) -> None:
            self.passphrase.selectAll()
            self._fail(page)(error)

        def upgrading(steps_done: int, steps: int) -> None:
            # A vault of an earlier version is brought to this one step by step, once:
            # minutes for a large archive, so say what is happening. The bar stays the
            # moving busy bar: one step can take minutes, and a still bar looks stuck.
            page.message.setText(_(
                "Upgrading this vault for this version of Testimony: step {done} of "
                "{total}. This happens once, and can take several minutes for a large "
                "archive.").format(done=i18n.number(min(steps_done + 1, steps)),
                               total=i18n.number(steps)))

        def opener(job: Job) -> Session:
            from testimony_app.core.session import Session

            return Session.open(folder, passphrase, job.progress)

        self.worker.run(self._open_job(opener), done, failed, upgrading)

    def _recover(self) -> None:
        page = self.recover_page
        code, new, again = (self.recovery_code.text(), self.recover_pass.text(),
                            self.recover_pass2.text())
        if len(new) < keyfile.MIN_PASSPHRASE:
            page.message.setText(strength(new)[1])
            return
        if new != again:
            page.message.setText(_("The two passphrases are not the same."))
            return
        page.set_busy(True)
        folder, worker = self.folder, self.worker

        def job(job: Job) -> None:
            from testimony_app.core.session import Session

            session = Session.open_with_recovery(folder, code)
            try:
                session.change_passphrase(new, progress=job.progress, recovery_code=code)
            except BaseException:
                session.close()
                raise
            worker.set_session(session)

        def done(_result: object) -> None:
            page.set_busy(False)
            page.busy.setRange(0, 0)
            self.clear_secrets()
            self.unlocked.emit(str(folder))

        def progressed(done_bytes: int, total: int) -> None:
            # The vault is re-encrypted under a new key: the bar follows it.
            page.message.setText(_("Re-encrypting the vault under the new key…"))
            page.busy.setRange(0, 1000)
            page.busy.setValue(1000 * done_bytes // max(total, 1))

        def failed(error: BaseException) -> None:
            page.busy.setRange(0, 0)
            self._fail(page)(error)

        self.worker.run(job, done, failed, progressed)
