"""Where a record came from, read-only: the researcher by name, the bundle by number
and date, when it was recorded and imported, and its revisions on the researcher's
device and in this vault. The record id, the researcher's fingerprint, the device
and the bundle id are in a folded details pane with a Copy button. Shown beside a
testimony in the editor and beside an incident on the Corroboration page."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLabel, QListWidget, QVBoxLayout, QWidget

from testimony_app.core.common.errors import TestimonyError
from testimony_app.core.records.words import word
from testimony_app.core.vault import loghead
from testimony_app.core.workspace.provenance import Provenance
from testimony_app.gui import fmt
from testimony_app.gui.sync.common import plain_label
from testimony_app.gui.widgets.details_pane import DetailsPane
from testimony_app.gui.worker import VaultWorker
from testimony_app.i18n import N_, _, isolate, ngettext


def outcome_label(code: str | None) -> str:
    return word("outcome", code)


def author_name(author: str, researcher: str | None = None) -> str:
    """Who made a revision, in words: a vault without a set author name writes its
    device id ("device:3916b127"); that is the researcher who sent it, or this vault."""
    if author.startswith("device:") or not author:
        return researcher or _("this vault")
    return author


class ProvenancePanel(QWidget):
    def __init__(self, worker: VaultWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self.record_id: str | None = None
        self.provenance: Provenance | None = None
        self.origin = plain_label()
        self.origin.setAccessibleName(_("Origin"))
        self.researcher = plain_label(selectable=True)
        self.trusted = plain_label()
        self.bundle = plain_label()
        self.recorded = plain_label(selectable=True)
        self.imported = plain_label()
        form = QFormLayout()
        self.fields: list[QLabel] = []
        for text, label in ((N_("Researcher:"), self.researcher),
                            (N_("Trusted:"), self.trusted), (N_("Bundle:"), self.bundle),
                            (N_("Recorded:"), self.recorded), (N_("Imported:"), self.imported)):
            label.setAccessibleName(_(text).rstrip(":"))
            form.addRow(_(text), label)
            self.fields.append(label)
        self.revisions = QListWidget()
        self.revisions.setAccessibleName(_("Provenance and revisions"))
        self.revisions.setWordWrap(True)
        self.details = DetailsPane(_("Details of the provenance"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.origin)
        layout.addLayout(form)
        layout.addWidget(plain_label(_("Bundles and revisions, newest first:")))
        layout.addWidget(self.revisions, 1)
        layout.addWidget(self.details)

    def load(self, record_id: str | None) -> None:
        """Show the provenance of a record (read on the worker); None empties the panel."""
        self.clear()
        self.record_id = record_id
        if record_id is None:
            return

        def shown(prov: Provenance) -> None:
            if prov.record_id == self.record_id:
                self.show_provenance(prov)

        def failed(error: BaseException) -> None:
            if record_id != self.record_id:
                return  # cleared (locked) or another record asked for since
            # Our errors say what to do; any other is named by its type only: its
            # message could quote a record.
            self.origin.setText(str(error) if isinstance(error, TestimonyError) else
                                _("Something went wrong ({code}).").format(
                                    code=type(error).__name__))

        self.worker.with_session(lambda s: s.provenance(record_id), shown, failed)

    def show_provenance(self, prov: Provenance) -> None:
        self.provenance = prov
        when = fmt.timestamp
        made = next((a.created_at for a in prov.arrivals if a.bundle_id == prov.bundle_id), "")
        name = prov.researcher or _("an unknown researcher")
        if prov.local:
            self.origin.setText(_("Made in this vault; not received in a bundle."))
        else:
            self.origin.setText(_("Received from {name} in bundle {sequence}.").format(
                name=name, sequence=fmt.number(prov.sequence or 0)))
        self.researcher.setText(prov.researcher or ("—" if prov.local else name))
        self.trusted.setText("—" if prov.trusted is None else
                             _("yes") if prov.trusted else _("no, no longer trusted"))
        if prov.sequence is None:
            self.bundle.setText("—")
        else:
            self.bundle.setText(_("bundle {n} of {name}, {date} ({outcome})").format(
                n=fmt.number(prov.sequence), name=isolate(name),
                date=isolate(fmt.day_of(made)) if made else "—",
                outcome=outcome_label(prov.outcome)))
        self.recorded.setText(_("{when} by {who}").format(
            when=when(prov.recorded_at), who=author_name(prov.recorded_by, prov.researcher)))
        self.imported.setText(when(prov.imported_at) if prov.imported_at else "—")
        self.details.set_rows([(_("Record id"), prov.record_id),
                               (_("Researcher's fingerprint"), prov.fingerprint or ""),
                               (_("Device"), prov.device_id or ""),
                               (_("Bundle id"), prov.bundle_id or "")])
        lines: list[tuple[str, str]] = []
        for rev in prov.revisions:
            lines.append((rev.at, _("In this vault: #{n} · {when} · {who} · {action}").format(
                n=fmt.number(rev.revision), when=isolate(when(rev.at)),
                who=isolate(author_name(rev.author)),
                action=word("action", rev.action))))
        for orig in prov.origin_revisions:
            lines.append((orig.at, _("On the researcher's device: #{n} · {when} · {who} · "
                                     "{action}").format(
                n=fmt.number(orig.revision), when=isolate(when(orig.at)),
                who=isolate(author_name(orig.author, prov.researcher)),
                action=word("action", orig.action))))
        for a in prov.arrivals:
            lines.append((a.imported_at, _("Bundle {sequence} from {name} imported {when}: "
                                           "{outcome}").format(
                sequence=fmt.number(a.sequence), name=a.researcher or _("an unknown researcher"),
                when=when(a.imported_at), outcome=outcome_label(a.outcome))))
            if a.log_warning:
                lines.append((a.imported_at, _("Warning: {warning}").format(
                    warning=loghead.describe(a.log_warning))))
        if prov.conflicts:
            lines.append(("", ngettext("{count} conflicting version kept aside",
                                       "{count} conflicting versions kept aside",
                                       prov.conflicts).format(
                count=fmt.number(prov.conflicts))))
        self.revisions.clear()
        for _at, text in sorted(lines, key=lambda item: item[0], reverse=True):
            self.revisions.addItem(text)

    def text(self) -> str:
        """Everything shown, as plain text (for tests and screen readers)."""
        parts = [self.origin.text(), *(f.text() for f in self.fields)]
        parts += [self.revisions.item(i).text() for i in range(self.revisions.count())]
        return "\n".join(parts)

    def clear(self) -> None:
        self.record_id = None
        self.provenance = None
        self.origin.clear()
        for label in self.fields:
            label.clear()
        self.revisions.clear()
        self.details.clear()
