"""The auditor's window: needs no vault and no secret. It verifies an export first
(core `verify`, on a thread-pool task), shows the verdict above everything, and then
lets the export be browsed read-only. A failed export can still be looked at, under
the red verdict."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from testimony_app import i18n
from testimony_app.core.audit import verify
from testimony_app.core.common.errors import TestimonyError
from testimony_app.gui.audit.export_browser import ExportBrowser
from testimony_app.gui.audit.verdict_banner import VerdictBanner
from testimony_app.gui.sync.common import plain_label
from testimony_app.i18n import _

Inspection = tuple[verify.Verdict, dict[str, Any], dict[str, Any]]


class _Signals(QObject):
    done = Signal(int, object)  # generation, Inspection or the error


class _Check(QRunnable):
    def __init__(self, generation: int, path: Path, expect: str | None,
                 signals: _Signals) -> None:
        super().__init__()
        self.generation, self.path, self.expect, self.signals = generation, path, expect, signals

    def run(self) -> None:
        try:
            result: object = verify.inspect(self.path, [self.expect] if self.expect else [])
        except Exception as exc:  # noqa: BLE001 - shown as a problem, never a traceback
            result = exc
        self.signals.done.emit(self.generation, result)


class AuditorWindow(QMainWindow):
    checked = Signal(bool)  # authentic and complete?

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Testimony — check an export"))
        self.path: Path | None = None
        self.problems: list[str] = []
        self.manifest: dict[str, Any] | None = None
        self._generation = 0
        self._signals = _Signals(self)
        self._signals.done.connect(self._checked)

        self.where = plain_label(_("Open an export folder or zip file to check it."))
        self.where.setAccessibleName(_("Export"))
        self.open_folder_button = QPushButton(_("Open folder…"))
        self.open_zip_button = QPushButton(_("Open zip…"))
        self.open_folder_button.clicked.connect(lambda: self.choose(folder=True))
        self.open_zip_button.clicked.connect(lambda: self.choose(folder=False))
        top = QHBoxLayout()
        top.addWidget(self.where, 1)
        top.addWidget(self.open_folder_button)
        top.addWidget(self.open_zip_button)

        self.expect = QLineEdit()
        self.expect.setAccessibleName(_("Expected fingerprint"))
        self.expect.setPlaceholderText(_("The organisation's fingerprint, as you were told it"))
        self.expect.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.expect.returnPressed.connect(self.recheck)
        self.recheck_button = QPushButton(_("Check again"))
        self.recheck_button.clicked.connect(self.recheck)
        self.recheck_button.setEnabled(False)
        expect_row = QHBoxLayout()
        expect_row.addWidget(plain_label(_("Expected fingerprint:"), wrap=False))
        expect_row.addWidget(self.expect, 1)
        expect_row.addWidget(self.recheck_button)

        self.banner = VerdictBanner()
        self.browser = ExportBrowser()
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addLayout(top)
        layout.addLayout(expect_row)
        layout.addWidget(self.banner)  # above the tabs: in view whichever tab is open
        layout.addWidget(self.browser, 1)
        self.setCentralWidget(central)

        menu = self.menuBar().addMenu(_("File"))
        for text, slot, shortcut in (
                (_("Open export folder…"), lambda: self.choose(folder=True), "Ctrl+O"),
                (_("Open export zip…"), lambda: self.choose(folder=False), None),
                (_("Close"), self.close, QKeySequence.StandardKey.Close)):
            action = QAction(text, self)
            if shortcut is not None:
                action.setShortcut(QKeySequence(shortcut))
            action.triggered.connect(slot)
            menu.addAction(action)
        self.resize(1100, 760)

    # -- opening -----------------------------------------------------------------------

    def choose(self, folder: bool) -> None:
        dialog = QFileDialog(self, _("Open an export"))
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        if folder:
            dialog.setFileMode(QFileDialog.FileMode.Directory)
            dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
        else:
            dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
            dialog.setNameFilters([_("Zip files (*.zip)"), _("All files (*)")])
        if dialog.exec() and dialog.selectedFiles():
            self.open_export(Path(dialog.selectedFiles()[0]))

    def open_export(self, path: Path, expect: str | None = None) -> None:
        self.path = path
        if expect is not None:
            self.expect.setText(expect)
        self.where.setText(_("Export: {path}").format(path=i18n.isolate(path)))
        self.recheck()

    def recheck(self) -> None:
        if self.path is None:
            return
        self._generation += 1
        self.recheck_button.setEnabled(False)
        self.banner.waiting(_("Checking the signature, every file and every figure…"))
        expect = self.expect.text().strip() or None
        QThreadPool.globalInstance().start(
            _Check(self._generation, self.path, expect, self._signals))

    def _checked(self, generation: int, result: object) -> None:
        if generation != self._generation:
            return  # an older check, overtaken by a newer one
        self.recheck_button.setEnabled(True)
        if isinstance(result, BaseException):
            # An expected fingerprint that is not one says so; anything else, plainly.
            problem = str(result) if isinstance(result, TestimonyError) \
                else _("the export could not be read")
            verdict = verify.Verdict([problem], None, None, False)
            shown, records = {}, {}
        else:
            verdict, shown, records = result  # type: ignore[misc]
        self.problems, self.manifest = verdict.problems, verdict.manifest
        self.banner.show_result(verdict)
        if verdict.unknown_signer:
            self.expect.setFocus()
        self.browser.show_content(shown, records)
        self.checked.emit(bool(self.banner.ok))

    @property
    def ok(self) -> bool | None:
        return self.banner.ok
