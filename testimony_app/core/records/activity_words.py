"""The activity log's details in the reader's words: each key said in the UI language,
each value isolated (ids, hashes, fingerprints and codes keep their order inside an
Arabic line), numbers in the UI's digits. Zero counts say nothing and are left out.
The log itself keeps its codes: this is only how a person reads it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from testimony_app import i18n
from testimony_app.core.records import vocab
from testimony_app.i18n import N_, Nn_, _

KEYS = {
    "added": N_("added"), "anchored": N_("anchored"), "anchors": N_("anchors"),
    "anchors_from": N_("anchors from"), "attachment": N_("attachment"),
    "attachments": N_("attachments"), "auditor_hash": N_("auditor"),
    "backup_created": N_("backup made"), "by": N_("by"), "cleared": N_("cleared"),
    "conflicting": N_("conflicting"), "count": N_("count"), "decision": N_("decision"),
    "discarded_attachments": N_("attachments discarded"), "duration_ms": N_("duration"),
    "escrowed": N_("key copy kept"), "format": N_("format"), "identities": N_("identities"),
    "incidents": N_("incidents"), "into": N_("into"), "kept": N_("kept"), "kind": N_("kind"),
    "markers": N_("markers"), "organisation_key": N_("organisation key"),
    "other": N_("other"), "problems": N_("problems"), "reason": N_("reason"),
    "recipient": N_("recipient"), "records": N_("records"),
    "recovered_recordings": N_("recordings recovered"), "removed": N_("removed"),
    "replaced": N_("replaced"), "rows": N_("rows"), "sequence": N_("sequence"),
    "setting": N_("setting"), "signer": N_("signer"), "size": N_("size"),
    "sources": N_("sources"), "spans": N_("spans"), "started_at": N_("started"),
    "status": N_("status"), "suggested": N_("suggested"), "unchanged": N_("unchanged"),
    "updated": N_("updated"), "value": N_("value"), "version": N_("version"),
    "was_in": N_("was in"), "whole": N_("whole"),
}
# Values that are codes of a vocabulary, said in words.
VOCABULARIES = {"reason": "dependence", "status": "verification"}


# What became of the records an addition or an import received, each count in its own
# plural form (Arabic says the noun these words leave out: "أُضيفت ٣ سجلات").
RECEIVED = (("added", Nn_("{count} added", "{count} added")),
            ("updated", Nn_("{count} updated", "{count} updated")),
            ("unchanged", Nn_("{count} unchanged", "{count} unchanged")),
            ("conflicting", Nn_("{count} kept aside", "{count} kept aside")))


def received_counts(counts: Mapping[str, int],
                    shown: Callable[[int], str] | None = None) -> str:
    """ "12 added, 6 unchanged": the counts that are not zero ("" when all are)."""
    return i18n.join(i18n.counted(message, counts[key], shown)
                     for key, message in RECEIVED if counts.get(key))


def value_text(key: str, value: Any) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int):
        return i18n.number(value)
    text = str(value)
    if key in VOCABULARIES and text in vocab.ALL.get(VOCABULARIES[key], {}):
        return vocab.label(VOCABULARIES[key], text, i18n.language())
    return i18n.isolate(text)


def detail_text(detail: dict[str, Any]) -> str:
    """'added: 134, sequence: 1, signer: P7ZC-…' in the UI language."""
    return i18n.join(
        f"{_(KEYS[k]) if k in KEYS else i18n.isolate(k)}{_(': ')}{value_text(k, v)}"
        for k, v in sorted(detail.items()) if v not in (0, False, None, ""))
