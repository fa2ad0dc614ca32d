"""One person: attributes, identity where this vault can read it (framed as
protected), every testimony and incident that names them, and Edit."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QWidget,
)

from testimony_app import i18n
from testimony_app.core.identity.people import Mention, PersonView
from testimony_app.core.records import vocab
from testimony_app.core.records.words import word
from testimony_app.gui import fmt
from testimony_app.gui.people.person_dialog import PersonDialog
from testimony_app.gui.widgets.identity_box import PROTECTED_STYLE
from testimony_app.gui.widgets.record_page import lay_out_record_page, plain_label
from testimony_app.gui.worker import VaultWorker
from testimony_app.i18n import _


def role_text(role: str) -> str:
    return {"witness": _("witness"), "tagged": _("named in the account"),
            "victim": _("victim"),
            "victim_reported": _("victim of an incident it reports"),
            "reported_by": _("reports it")}.get(role, role)


def mention_text(mention: Mention) -> str:
    language = i18n.language()
    when = fmt.date(mention.date) if mention.date else _("no date")
    if mention.kind == "incident":
        what = vocab.label("incident_type", mention.detail, language) if mention.detail \
            else _("incident")
    else:
        what = i18n.isolate(mention.title) if mention.title else _("(untitled testimony)")
    return i18n.join([when, what, role_text(mention.role)], "·")


class PersonPage(QWidget):
    open_testimony = Signal(str)
    open_incident = Signal(str)
    back = Signal()
    changed = Signal()

    def __init__(self, worker: VaultWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self.person_id = ""
        self._view: PersonView | None = None
        self.edit_button = QPushButton(_("Edit…"))
        self.edit_button.clicked.connect(self.edit)
        self.heading, layout = lay_out_record_page(self, self.back.emit, [self.edit_button])
        self.attributes = plain_label()
        self.merged = plain_label()
        case = QGroupBox(_("Case attributes"))
        cform = QFormLayout(case)
        cform.addRow(self.attributes)
        cform.addRow(self.merged)
        self.protected = QGroupBox(_("Protected: identity"))
        self.protected.setStyleSheet(PROTECTED_STYLE)
        self.identity_form = QFormLayout(self.protected)
        self.testimonies = QListWidget()
        self.testimonies.setAccessibleName(_("Testimonies naming this person"))
        self.incidents = QListWidget()
        self.incidents.setAccessibleName(_("Incidents naming this person"))
        for view, signal in ((self.testimonies, self.open_testimony),
                             (self.incidents, self.open_incident)):
            view.itemActivated.connect(
                lambda item, s=signal: s.emit(item.data(Qt.ItemDataRole.UserRole)))
            view.setMinimumHeight(90)
        layout.addWidget(case)
        layout.addWidget(self.protected)
        layout.addWidget(QLabel(_("Testimonies")))
        layout.addWidget(self.testimonies, 1)
        layout.addWidget(QLabel(_("Incidents")))
        layout.addWidget(self.incidents, 1)

    def load(self, person_id: str) -> None:
        self.person_id = person_id
        language = i18n.language()
        self.worker.with_session(lambda s: s.person_view(person_id, language), self._show)

    def _show(self, view: PersonView) -> None:
        self._view = view
        language = i18n.language()
        summary = view.summary
        self.heading.setText(summary.code)
        self.attributes.setText(summary.attributes(language))
        self.merged.setVisible(False)
        while self.identity_form.rowCount():
            self.identity_form.removeRow(0)
        identity = view.identity
        if summary.sealed and identity is None:
            self.identity_form.addRow(plain_label(_(
                "Sealed: this identity was encrypted to the organisation; this computer "
                "can no longer read it.")))
        elif not identity:
            self.identity_form.addRow(plain_label(_("No identity recorded.")))
        else:
            names = identity.get("name") or {}
            for lang, name in names.items():
                self.identity_form.addRow(
                    _("Name ({language})").format(language=word("language", lang)),
                    plain_label(str(name)))
            for key, label in (("father_name", _("Father's name")),
                               ("mother_name", _("Mother's name")),
                               ("contact", _("Contact"))):
                if identity.get(key):
                    self.identity_form.addRow(label, plain_label(str(identity[key])))
            if identity.get("id_numbers"):
                self.identity_form.addRow(_("ID numbers"),
                                          plain_label(", ".join(identity["id_numbers"])))
            self.identity_form.addRow(plain_label(
                _("The name is already public.") if identity.get("public_domain") else
                _("The name is not public: it is sealed when a testimony naming this "
                  "person is finalised in an organisation.")))
        for view_list, mentions in ((self.testimonies, view.testimonies),
                                    (self.incidents, view.incidents)):
            view_list.clear()
            for mention in mentions:
                item = QListWidgetItem(mention_text(mention))
                item.setData(Qt.ItemDataRole.UserRole, mention.id)
                view_list.addItem(item)
            if not mentions:
                item = QListWidgetItem(_("none"))
                item.setFlags(Qt.ItemFlag.NoItemFlags)
                view_list.addItem(item)

    def edit(self) -> None:
        view = self._view
        if view is None:
            return
        person: dict[str, Any] = {**view.person}
        if view.identity is not None:
            person["identity"] = view.identity
        dialog = PersonDialog(self.worker, self, edit=person)
        if dialog.exec():
            self.load(self.person_id)
            self.changed.emit()

    def clear(self) -> None:
        self._view = None
        self.person_id = ""
        self.heading.clear()
        self.attributes.clear()
        while self.identity_form.rowCount():
            self.identity_form.removeRow(0)
        self.testimonies.clear()
        self.incidents.clear()
