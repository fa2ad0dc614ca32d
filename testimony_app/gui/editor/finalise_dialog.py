"""Finalise, said before it is done: what is still missing (each a link to its
field), what finalising will seal in this vault, in plain words and counts, and a
confirmation. Other checks (names left untagged) add their own section."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from testimony_app import i18n
from testimony_app.core.identity.finalising import Preview
from testimony_app.gui import fmt
from testimony_app.i18n import _, ngettext

# Dialog results besides Accepted and Rejected: the person went to a missing field.
GO_TO_FIELD = 2


def missing_label(field: str) -> str:
    return {"consent.recorded_by": _("Who recorded the consent"),
            "interview.date": _("The interview date"),
            "incidents": _("At least one incident, or the reason there is none")
            }.get(field, field)


def _plain(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def consequences(preview: Preview) -> list[str]:
    """What finalising does in this vault, one sentence each."""
    n = fmt.number
    lines = []
    if preview.organisation is None:
        lines.append(_("This vault belongs to no organisation, so nothing is sealed now. "
                       "If it joins one later, the identities this testimony names are "
                       "sealed then."))
    elif preview.coordinator:
        lines.append(_("This is the coordinator's vault of {org}: identities are sealed to "
                       "the organisation and stay readable here.").format(
                           org=i18n.isolate(preview.organisation)))
    if preview.organisation is not None and not preview.coordinator:
        if preview.identities:
            text = (ngettext("{count} identity, the witness's, will be encrypted to {org} and "
                             "removed from this computer. After that, whoever unlocks this "
                             "laptop cannot read it.",
                             "{count} identities, the witness's among them, will be encrypted "
                             "to {org} and removed from this computer. After that, whoever "
                             "unlocks this laptop cannot read them.", preview.identities)
                    if preview.witness else
                    ngettext("{count} identity will be encrypted to {org} and removed from "
                             "this computer. After that, whoever unlocks this laptop cannot "
                             "read it.",
                             "{count} identities will be encrypted to {org} and removed from "
                             "this computer. After that, whoever unlocks this laptop cannot "
                             "read them.", preview.identities))
            lines.append(text.format(count=n(preview.identities),
                                     org=i18n.isolate(preview.organisation)))
        else:
            lines.append(_("No identity in this testimony is left to seal."))
        if preview.tagged_names:
            lines.append(ngettext(
                "{count} name tagged in the narrative and summary will be sealed too; the "
                "text keeps the person's pseudonym code.",
                "{count} names tagged in the narrative and summary will be sealed too; the "
                "text keeps the people's pseudonym codes.", preview.tagged_names).format(
                               count=n(preview.tagged_names)))
        if preview.whole:
            lines.append(_("The organisation seals whole testimonies: this computer will no "
                           "longer be able to open this one at all."))
    if preview.public_names:
        lines.append(ngettext("{count} name marked as already public stays readable.",
                              "{count} names marked as already public stay readable.",
                              preview.public_names).format(
            count=n(preview.public_names)))
    if preview.without_identity:
        lines.append(ngettext("{count} person has no identity recorded; nothing of theirs "
                              "is sealed.",
                              "{count} people have no identity recorded; nothing of theirs is "
                              "sealed.", preview.without_identity).format(
                                  count=n(preview.without_identity)))
    lines.append(_("The testimony becomes read-only. A later change is an amendment, "
                   "saved with the reason you give."))
    return lines


class FinaliseDialog(QDialog):
    """`go_to` holds the missing field chosen when the result is GO_TO_FIELD."""

    def __init__(self, preview: Preview, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Finalise the testimony"))
        self.go_to: str | None = None
        body = QWidget()
        layout = QVBoxLayout(body)
        if preview.missing:
            missing = QGroupBox(_("Still missing"))
            missing.setStyleSheet("QGroupBox { color: #b00020; }")
            mlayout = QVBoxLayout(missing)
            mlayout.addWidget(_plain(_("Add these before finalising:")))
            self.missing_buttons: list[QPushButton] = []
            for field in preview.missing:
                button = QPushButton(_("{field} — go to the field").format(
                    field=missing_label(field)))
                button.setFlat(True)
                button.setCursor(Qt.CursorShape.PointingHandCursor)
                button.setStyleSheet("text-align: start; color: #0b57d0; "
                                     "text-decoration: underline;")
                button.clicked.connect(lambda _c=False, f=field: self._go(f))
                mlayout.addWidget(button)
                self.missing_buttons.append(button)
            layout.addWidget(missing)
        does = QGroupBox(_("What finalising does here"))
        dlayout = QVBoxLayout(does)
        for line in consequences(preview):
            dlayout.addWidget(_plain("• " + line))
        layout.addWidget(does)
        # Further checks (names in the narrative left untagged) add sections here.
        self.sections = QVBoxLayout()
        layout.addLayout(self.sections)
        layout.addStretch(1)
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setWidget(body)
        area.setFrameShape(QScrollArea.Shape.NoFrame)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.confirm = self.buttons.addButton(_("Finalise"),
                                              QDialogButtonBox.ButtonRole.AcceptRole)
        self.confirm.setEnabled(not preview.missing)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        outer = QVBoxLayout(self)
        outer.addWidget(area, 1)
        outer.addWidget(self.buttons)
        self.resize(560, 420)

    def add_section(self, widget: QWidget) -> None:
        """A further check shown before the confirmation (e.g. untagged names)."""
        self.sections.addWidget(widget)

    def _go(self, field: str) -> None:
        self.go_to = field
        self.done(GO_TO_FIELD)
