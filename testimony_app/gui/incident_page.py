"""One incident, as the Incidents list opens it: what happened, when, where, to whom,
and the testimonies that report it (each opens in the editor, on this incident)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QWidget,
)

from testimony_app import i18n
from testimony_app.core.records import vocab
from testimony_app.gui import fmt
from testimony_app.gui.people.person_page import mention_text
from testimony_app.gui.widgets.record_page import lay_out_record_page, plain_label
from testimony_app.gui.worker import VaultWorker
from testimony_app.i18n import _


def date_text(date: dict[str, Any]) -> str:
    """A date with its precision in words, long form (one record)."""
    return fmt.date_with_precision(date)


def victims_text(victims: list[dict[str, Any]], persons: dict[str, str]) -> list[str]:
    language = i18n.language()
    lines = []
    for victim in victims:
        status = vocab.label("victim_status", victim["status"], language) \
            if victim.get("status") else ""
        if "person" in victim:
            who = persons.get(victim["person"], victim["person"][:8])
        else:
            group = victim["group"]
            count = fmt.number(int(group.get("count", 0)))
            who = {"at_least": _("at least {n}"), "approximately": _("about {n}"),
                   "perhaps_more": _("{n}, perhaps more")}.get(
                       group.get("qualifier", "exact"), "{n}").format(n=count)
            label = group.get("label") or {}
            if label:  # a group's own words, in any script
                who = i18n.join([who, i18n.isolate(
                    label.get(language) or next(iter(label.values())))], "·")
        # The language's separator: a middle dot beside Arabic-Indic digits reads as 0.
        lines.append(i18n.join([who, status], "·") if status else who)
    return lines


class IncidentPage(QWidget):
    open_testimony = Signal(str, str)  # testimony id, this incident's id
    back = Signal()

    def __init__(self, worker: VaultWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self.incident_id = ""
        self.heading, layout = lay_out_record_page(self, self.back.emit)
        facts = QGroupBox(_("What happened"))
        self.form = QFormLayout(facts)
        self.testimonies = QListWidget()
        self.testimonies.setAccessibleName(_("Testimonies reporting this incident"))
        self.testimonies.itemActivated.connect(self._open)
        self.testimonies.setMinimumHeight(90)
        layout.addWidget(facts)
        layout.addWidget(QLabel(_("Testimonies that report it (double-click or Enter opens "
                                  "one)")))
        layout.addWidget(self.testimonies, 1)

    def load(self, incident_id: str) -> None:
        self.incident_id = incident_id
        language = i18n.language()

        def job(session: Any) -> tuple[Any, ...]:
            document = session.show(incident_id)
            incident = document.get("meta", {}).get("unsealed") or document["incidents"][0]
            ids = [v["person"] for v in incident.get("victims", []) if "person" in v]
            persons = {p.id: p.label(language) for p in session.person_summaries(ids, language)}
            places = dict(session.labels("place", language))
            return incident, persons, places, session.incident_testimonies(incident_id)

        self.worker.with_session(job, self._show)

    def _show(self, result: tuple[Any, ...]) -> None:
        incident, persons, places, testimonies = result
        language = i18n.language()
        self.heading.setText(vocab.label("incident_type", incident["type"], language))
        while self.form.rowCount():
            self.form.removeRow(0)
        self.form.addRow(_("Date"), plain_label(date_text(incident.get("date", {}))))
        if incident.get("place"):
            self.form.addRow(_("Place"), plain_label(places.get(incident["place"], "")))
        perpetrator = incident.get("perpetrator")
        if perpetrator:
            text = vocab.label("perpetrator", perpetrator["category"], language)
            if perpetrator.get("description"):
                text = i18n.join([text, i18n.isolate(perpetrator["description"])], "·")
            self.form.addRow(_("Perpetrator"), plain_label(text))
        self.form.addRow(_("Verification"), plain_label(
            vocab.label("verification", incident.get("verification", ""), language)))
        victims = victims_text(incident.get("victims", []), persons)
        if victims:
            self.form.addRow(_("Victims"), plain_label("\n".join(victims)))
        description = incident.get("description") or {}
        if description:
            words = plain_label(str(description.get(language) or next(iter(description.values()))))
            words.setProperty("record_text", True)  # a person's words, as written
            self.form.addRow(_("Description"), words)
        self.testimonies.clear()
        for mention in testimonies:
            item = QListWidgetItem(mention_text(mention))
            item.setData(Qt.ItemDataRole.UserRole, mention.id)
            self.testimonies.addItem(item)
        if testimonies:
            self.testimonies.setCurrentRow(0)

    def _open(self, item: QListWidgetItem) -> None:
        testimony_id = item.data(Qt.ItemDataRole.UserRole)
        if testimony_id:
            self.open_testimony.emit(str(testimony_id), self.incident_id)

    def clear(self) -> None:
        self.incident_id = ""
        self.heading.clear()
        while self.form.rowCount():
            self.form.removeRow(0)
        self.testimonies.clear()
