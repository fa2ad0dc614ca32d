"""Researchers: who this installation is (both roles) and, on a coordinator's vault,
the researchers' keys, their trust and what arrived from them."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from testimony_app import i18n
from testimony_app.core.sync import bundle
from testimony_app.core.vault import org
from testimony_app.gui import fmt
from testimony_app.gui.sync.common import (
    mono_label,
    plain_label,
    read_only_table,
    session_of,
)
from testimony_app.gui.sync.trust_dialog import TrustDialog
from testimony_app.gui.worker import Job, VaultWorker
from testimony_app.i18n import _


@dataclass(frozen=True)
class Overview:
    me: org.Me
    organisation: org.Organisation | None
    researchers: list[bundle.Researcher]


def overview(job: Job) -> Overview:
    conn = session_of(job).conn
    organisation = org.organisation(conn)
    coordinator = organisation is not None and organisation.role == org.ROLE_COORDINATOR
    return Overview(org.whoami(conn), organisation,
                    bundle.researchers(conn) if coordinator else [])


class ResearchersPage(QWidget):
    def __init__(self, worker: VaultWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self.data: Overview | None = None
        self.trust_dialog: TrustDialog | None = None

        me_box = QGroupBox(_("Who am I"))
        self.my_fingerprint = mono_label()
        self.my_fingerprint.setAccessibleName(_("This installation's fingerprint"))
        self.my_words = mono_label()
        self.my_words.setAccessibleName(_("This installation's fingerprint words"))
        self.organisation = plain_label()
        form = QFormLayout(me_box)
        form.addRow(_("Fingerprint:"), self.my_fingerprint)
        form.addRow(_("Read aloud:"), self.my_words)
        form.addRow(_("Organisation:"), self.organisation)
        # For the most exposed teams: finalise seals the whole testimony, not only the
        # names in it. The coordinator sets it; researchers receive it with enrolment
        # and receipts, and see it here read-only.
        self.seal_whole = QCheckBox(_("Seal whole testimonies when they are finalised "
                                      "(the researcher keeps only a sealed stub)"))
        self.seal_whole.setAccessibleName(_("Seal whole testimonies"))
        self.seal_whole.setVisible(False)
        self.seal_whole.clicked.connect(self.set_seal_whole)
        form.addRow("", self.seal_whole)

        self.people_box = QGroupBox(_("Researchers"))
        self.table = read_only_table(_("Researchers"), [
            _("Name"), _("Fingerprint"), _("Words"), _("Trusted"), _("Last bundle"),
            _("Missing bundles")])
        self.table.currentCellChanged.connect(lambda *_a: self._update_buttons())
        self.trust_button = QPushButton(_("Trust…"))
        self.trust_button.clicked.connect(lambda: self.open_trust())
        self.untrust_button = QPushButton(_("Untrust"))
        self.untrust_button.clicked.connect(lambda: self.untrust())
        self.message = plain_label()
        self.message.setAccessibleName(_("Researchers status"))
        row = QHBoxLayout()
        row.addWidget(self.trust_button)
        row.addWidget(self.untrust_button)
        row.addWidget(self.message, 1)
        box = QVBoxLayout(self.people_box)
        box.addLayout(row)
        box.addWidget(self.table, 1)

        layout = QVBoxLayout(self)
        layout.addWidget(me_box)
        layout.addWidget(self.people_box, 1)
        self._update_buttons()

    def reload(self) -> None:
        self.worker.run(overview, self._show, lambda e: self.message.setText(str(e)))

    def _show(self, data: Overview) -> None:
        self.data = data
        self.my_fingerprint.setText(data.me.fingerprint)
        self.my_words.setText(org.fingerprint_words(data.me.fingerprint, i18n.language()))
        organisation = data.organisation
        if organisation is None:
            self.organisation.setText(_("Not enrolled in an organisation."))
        elif organisation.role == org.ROLE_COORDINATOR:
            self.organisation.setText(_("{name} (this is the coordinator's vault)").format(
                name=organisation.name))
        else:
            self.organisation.setText(_("{name} (researcher: read your fingerprint to the "
                                        "coordinator)").format(name=organisation.name))
        coordinator = organisation is not None and organisation.role == org.ROLE_COORDINATOR
        self.people_box.setVisible(coordinator)
        self.seal_whole.setVisible(organisation is not None)
        self.seal_whole.setEnabled(coordinator)
        self.seal_whole.setChecked(bool(organisation is not None and organisation.settings.get(
            "seal_whole_testimony")))
        self.table.setRowCount(len(data.researchers))
        for r, person in enumerate(data.researchers):
            missing = i18n.join(fmt.number(n) for n in person.missing)
            cells = [person.name, person.fingerprint,
                     org.fingerprint_words(person.fingerprint, i18n.language()),
                     _("yes") if person.trusted else _("no"),
                     fmt.number(person.last_sequence) if person.last_sequence else "—",
                     missing or "—"]
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))
        if coordinator and not data.researchers:
            self.message.setText(_("No researchers yet: trust a researcher's fingerprint "
                                   "after comparing it with them."))
        self._update_buttons()

    def selected(self) -> bundle.Researcher | None:
        row = self.table.currentRow()
        if self.data is None or not 0 <= row < len(self.data.researchers):
            return None
        return self.data.researchers[row]

    def _update_buttons(self) -> None:
        person = self.selected()
        self.untrust_button.setEnabled(person is not None and person.trusted)

    def open_trust(self, fingerprint: str = "") -> TrustDialog:
        person = self.selected()
        if not fingerprint and person is not None and not person.trusted:
            fingerprint = person.fingerprint
        self.trust_dialog = TrustDialog(self.worker, fingerprint, self)
        self.trust_dialog.trusted.connect(lambda p: self._changed(
            _("Trusted {name}.").format(name=p.name)))
        self.trust_dialog.open()
        return self.trust_dialog

    def untrust(self) -> Job | None:
        person = self.selected()
        if person is None:
            return None
        fp, name = person.fingerprint, person.name

        def job(j: Job) -> org.Person:
            s = session_of(j)
            return org.untrust(s.conn, fp, s.author)

        return self.worker.run(job, lambda _p: self._changed(
            _("No longer trusted: {name}. Bundles signed by this key will be refused.").format(
                name=name)), lambda e: self.message.setText(str(e)))

    def set_seal_whole(self, on: bool) -> Job:
        def job(j: Job) -> org.Organisation:
            s = session_of(j)
            return org.set_setting(s.conn, "seal_whole_testimony", on, s.author)

        def failed(error: BaseException) -> None:
            self.seal_whole.setChecked(not on)
            self.message.setText(str(error))

        text = (_("Whole testimonies will be sealed on finalise; researchers receive the "
                  "setting with their next receipt.") if on else
                _("Only identities and tagged names will be sealed on finalise; researchers "
                  "receive the setting with their next receipt."))
        return self.worker.run(job, lambda _o: self._changed(text), failed)

    def _changed(self, text: str) -> None:
        self.message.setText(text)
        self.reload()

    def clear(self) -> None:
        self.data = None
        self.table.setRowCount(0)
        self.seal_whole.setVisible(False)
        for label in (self.my_fingerprint, self.my_words, self.organisation, self.message):
            label.clear()
