"""The frame of a page that shows one record (a person, an incident): a Back button
and the record's name as a heading on top, and below them a body that scrolls."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from testimony_app.i18n import _


def plain_label(text: str = "") -> QLabel:
    """A wrapped label of plain text (a record's words are never read as markup),
    selectable so that a researcher can copy a place or a date."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def lay_out_record_page(page: QWidget, on_back: Callable[[], object],
                        buttons: Iterable[QWidget] = ()) -> tuple[QLabel, QVBoxLayout]:
    """Give `page` the frame; returns its heading and the body's layout to fill."""
    back = QPushButton(_("Back to the list"))
    back.clicked.connect(on_back)
    heading = QLabel()
    heading.setTextFormat(Qt.TextFormat.PlainText)
    font = heading.font()
    font.setPointSizeF(font.pointSizeF() * 1.3)
    font.setBold(True)
    heading.setFont(font)
    top = QHBoxLayout()
    top.addWidget(back)
    top.addWidget(heading, 1)
    for button in buttons:
        top.addWidget(button)
    body = QWidget()
    layout = QVBoxLayout(body)
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setWidget(body)
    outer = QVBoxLayout(page)
    outer.addLayout(top)
    outer.addWidget(area, 1)
    return heading, layout
