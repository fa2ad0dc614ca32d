"""Small helpers shared by the sync screens: file choosers, plain-text labels, sizes."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHeaderView,
    QLabel,
    QTableWidget,
    QWidget,
)

from testimony_app.core.common.errors import TestimonyError
from testimony_app.core.session import Session
from testimony_app.gui import fmt
from testimony_app.gui.worker import Job
from testimony_app.i18n import N_, Nn_, _, counted

BUNDLE_FILTER = "*.age"


def session_of(job: Job) -> Session:
    if job.session is None:
        raise TestimonyError("locked")
    return job.session


def plain_label(text: str = "", *, wrap: bool = True, selectable: bool = False) -> QLabel:
    """A label that never interprets its text as rich text (it may come from a bundle)."""
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setText(text)
    return label


def mono_label(text: str = "") -> QLabel:
    """A fingerprint or word list: plain, selectable, fixed width, always left to right."""
    label = plain_label(text, selectable=True)
    font = label.font()
    font.setFamily("monospace")
    font.setStyleHint(font.StyleHint.Monospace)
    label.setFont(font)
    label.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignAbsolute
                       | Qt.AlignmentFlag.AlignVCenter)
    return label


def read_only_table(name: str, headers: list[str]) -> QTableWidget:
    """A list of rows to pick one from: not editable, whole rows selected."""
    table = QTableWidget(0, len(headers))
    table.setAccessibleName(name)
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


# Units of size in the reader's words (Qt writes "KiB" in every language).
SIZE_UNITS = (N_("{size} KiB"), N_("{size} MiB"), N_("{size} GiB"), N_("{size} TiB"))


def size_text(size: int) -> str:
    """A file's size as a person reads it: "1.50 MiB", "١٫٥٠ ميبيبايت"; below 1 KiB a
    count of bytes, in its plural form."""
    if size < 1024:
        return counted(Nn_("{count} byte", "{count} bytes"), size, fmt.number)
    value, unit = size / 1024, 0
    while value >= 1024 and unit < len(SIZE_UNITS) - 1:
        value, unit = value / 1024, unit + 1
    return _(SIZE_UNITS[unit]).format(size=fmt.digits(fmt.locale().toString(value, "f", 2)))


def file_dialog(parent: QWidget, title: str, *, save: bool = False, multiple: bool = False,
                suggested: str = "") -> QFileDialog:
    """A Qt (never native) file dialog; its state goes to the private QSettings folder."""
    dialog = QFileDialog(parent, title)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    if save:
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setOption(QFileDialog.Option.DontConfirmOverwrite, True)  # export refuses instead
        dialog.setDefaultSuffix("age")
        if suggested:
            dialog.selectFile(suggested)
    else:
        dialog.setFileMode(QFileDialog.FileMode.ExistingFiles if multiple
                           else QFileDialog.FileMode.ExistingFile)
    dialog.setNameFilters([_("Testimony files ({pattern})").format(pattern=BUNDLE_FILTER),
                           _("All files (*)")])
    return dialog


def chosen(dialog: QFileDialog) -> list[Path]:
    return [Path(p) for p in dialog.selectedFiles()]
