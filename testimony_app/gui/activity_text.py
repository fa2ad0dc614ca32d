"""An activity log entry as a sentence: "Bundle 3 from Amal imported: 12 added, 6
unchanged." instead of `added: 12, sequence: 3, signer: BJTP-…`. Records are named by
their title (an incident by its type and date, a person by code), researchers by
the name their key is trusted under; what an entry does not say is left out, never
shown as a raw key or a zero."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from testimony_app import i18n
from testimony_app.core.records import activity_words, vocab
from testimony_app.core.records.record_names import RecordName
from testimony_app.core.records.words import word
from testimony_app.core.vault.activity import Entry
from testimony_app.gui import fmt
from testimony_app.i18n import N_, _, ngettext

KINDS = {"testimony": N_("testimony"), "incident": N_("incident"), "person": N_("person"),
         "place": N_("place"), "source": N_("source"), "aggregate": N_("reported figure")}


class Names:
    """Record and key names for the entries shown (read on the worker)."""

    def __init__(self, records: dict[str, RecordName], keys: dict[str, str]) -> None:
        self.records = records
        self.keys = keys

    def record(self, record_id: str | None) -> str:
        if not record_id:
            return ""
        found = self.records.get(record_id)
        if found is None:
            return _("a record no longer in this vault")
        if found.title:
            return _("{kind} “{title}”").format(kind=_(KINDS.get(found.kind, found.kind)),
                                                 title=i18n.isolate(found.title))
        if found.kind == "incident" and found.type:
            label = vocab.label("incident_type", found.type, i18n.language())
            return _("incident: {type}, {date}").format(
                type=label, date=i18n.isolate(fmt.date(found.date)) if found.date
                else _("no date"))
        if found.code:
            return _("{kind} {code}").format(kind=_(KINDS.get(found.kind, found.kind)),
                                             code=i18n.isolate(found.code))
        return _("a {kind}").format(kind=_(KINDS.get(found.kind, found.kind)))

    def key(self, fingerprint: object) -> str:
        return self.keys.get(str(fingerprint or ""), "") or _("an unknown researcher")


# A testimony's fields as its editor names them (a revision lists those it changed).
FIELDS = {"title": N_("title"), "narrative": N_("account"), "summary": N_("summary"),
          "interview": N_("interview"), "consent": N_("consent"), "witness": N_("witness"),
          "assessment": N_("assessment"), "source": N_("source"), "status": N_("status"),
          "tags": N_("tagged names"), "amendments": N_("amendment"),
          "no_incident_reason": N_("reason there is no incident"),
          "attachments": N_("attachments"), "language": N_("language"),
          "sealed": N_("sealed part")}


def field_names(changed: list[str]) -> str:
    """ "title, account, summary": the fields a revision changed, in words (ids left out)."""
    return i18n.join(_(FIELDS[f]) if f in FIELDS else f.replace("_", " ")
                     for f in changed if f not in ("id", "format"))


def who(actor: str) -> str:
    """The author of an entry: a vault without an author name writes its device."""
    return _("this vault") if actor.startswith("device:") or not actor else actor


def _n(detail: dict[str, Any], key: str) -> int:
    value = detail.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _counts(detail: dict[str, Any], keys: tuple[str, ...]) -> str:
    """ "12 added, 6 unchanged": the counts that are not zero."""
    return activity_words.received_counts({key: _n(detail, key) for key in keys}, fmt.number)


_RECEIVED = ("added", "updated", "unchanged", "conflicting")


def _unlock(e: Entry, _names: Names) -> str:
    text = (_("The vault was opened with the recovery code.") if e.action == "recover"
            else _("The vault was unlocked."))
    if _n(e.detail, "recovered_recordings"):
        text += " " + ngettext("{n} interrupted recording was recovered.",
                               "{n} interrupted recordings were recovered.",
                               _n(e.detail, "recovered_recordings")).format(
            n=fmt.number(_n(e.detail, "recovered_recordings")))
    if _n(e.detail, "discarded_attachments"):
        text += " " + ngettext("{n} file left half-added was dropped.",
                               "{n} files left half-added were dropped.",
                               _n(e.detail, "discarded_attachments")).format(
            n=fmt.number(_n(e.detail, "discarded_attachments")))
    return text


def _add(e: Entry, _names: Names) -> str:
    counts = _counts(e.detail, _RECEIVED[:3])
    return _("Records saved: {counts}.").format(counts=counts) if counts else \
        _("Records saved.")


def _import(e: Entry, names: Names) -> str:
    counts = _counts(e.detail, _RECEIVED)
    text = _("Bundle {n} from {name} imported").format(
        n=fmt.number(_n(e.detail, "sequence")), name=i18n.isolate(names.key(e.detail.get(
            "signer"))))
    return (_("{what}: {counts}.").format(what=text, counts=counts) if counts
            else _("{what}.").format(what=text))


def _export(e: Entry, _names: Names) -> str:
    return ngettext("Bundle {n} exported with {count} record.",
                    "Bundle {n} exported with {count} records.", _n(e.detail, "records")
                    ).format(n=fmt.number(_n(e.detail, "sequence")),
                             count=fmt.number(_n(e.detail, "records")))


def _trust(e: Entry, names: Names) -> str:
    return _("The key of {name} was trusted.").format(name=i18n.isolate(names.key(e.target)))


def _untrust(e: Entry, names: Names) -> str:
    return _("Trust in the key of {name} was withdrawn.").format(
        name=i18n.isolate(names.key(e.target)))


def _verification(e: Entry, names: Names) -> str:
    status = str(e.detail.get("status") or "")
    return _("Verification of {record} set to {status}.").format(
        record=names.record(e.target),
        status=vocab.label("verification", status, i18n.language()) if status else "—")


def _corroboration(e: Entry, names: Names) -> str:
    decision = str(e.detail.get("decision") or "")
    text = {"confirmed": _("{a} and {b} confirmed as the same event."),
            "rejected": _("{a} and {b} judged different events."),
            "undone": _("The decision on {a} and {b} was undone.")}.get(
        decision, _("Corroboration of {a} and {b} decided."))
    return text.format(a=names.record(e.target), b=names.record(str(e.detail.get("other"))))


def _sealed(e: Entry, names: Names) -> str:
    return ngettext("{record} finalised: {n} identity sealed.",
                    "{record} finalised: {n} identities sealed.",
                    _n(e.detail, "identities")).format(
        record=names.record(e.target), n=fmt.number(_n(e.detail, "identities")))


SENTENCES: dict[str, Callable[[Entry, Names], str]] = {
    "unlock": _unlock, "recover": _unlock, "add": _add, "import": _import, "export": _export,
    "trust": _trust, "untrust": _untrust, "verification": _verification,
    "corroboration": _corroboration, "sealed": _sealed,
    "create": lambda _e, _n: _("The vault was created."),
    "lock": lambda _e, _n: _("The vault was locked."),
}


def sentence(entry: Entry, names: Names) -> str:
    """The entry in words; an action without its own sentence says what it was and
    which record it concerns."""
    make = SENTENCES.get(entry.action)
    if make is not None:
        return make(entry, names)
    what = word("activity", entry.action)
    what = what[:1].upper() + what[1:]
    if entry.target and entry.target in names.records:
        return _("{what}: {record}.").format(what=what, record=names.record(entry.target))
    return _("{what}.").format(what=what)
