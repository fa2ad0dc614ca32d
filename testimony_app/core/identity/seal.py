"""Sealing identities on finalise, and match keys.

When a testimony is finalised on an enrolled researcher's laptop, the identity
of every person it concerns (the witness, and the victims of the incidents it
reports) is encrypted to the organisation's age recipients and its plaintext is
removed from the database: from `identities`, from their history, from drafts,
and, through secure_delete and a WAL checkpoint, from the file's free pages. A
forced unlock of the laptop then shows pseudonyms and non-identifying
attributes only. The sealed identity travels in the person record
(`sealed_identity`); a coordinator's vault, which holds the organisation's
identity, unseals it on import.

Names already in the public domain are not sealed.

Names tagged in a testimony's narrative or summary (core/records/narrative_tags.py) are
sealed too, on a researcher's vault: each tagged stretch is replaced by the
person's pseudonym token (`[P-7K3Q-M2XD]`) and its words travel encrypted in the
tag (`sealed`). When the organisation asks for it (`seal_whole_testimony`), the
whole testimony is sealed instead and the laptop keeps a stub (id, status,
interview date, language and mode, consent scope). Either way the testimony's
earlier revisions are rewritten to the sealed form, once each and only through a
one-time permit the append-only trigger checks (migration 9; SECURITY.md), and
the revision's original SHA-256 is kept so that sync still recognises it.

A wholly sealed testimony takes with it its attachments (their content is
stream-encrypted to the organisation in place of the plaintext chunks; file
name, size, SHA-256 and recording markers travel sealed beside it) and the
free text of the incidents only wholly sealed testimonies report (description,
perpetrator description, group labels, the source's words for the date). An
incident another, open testimony reports keeps its text.

A match key is HMAC-SHA256(organisation matching key, normalised name): two
researchers' records of the same person meet at the coordinator without
anyone comparing names. The key is secret because names are guessable.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pyrage import x25519

from testimony_app.core.common.errors import IntegrityError
from testimony_app.core.common.ids import AttachmentId, PersonId, RecordId
from testimony_app.core.identity import duplicates
from testimony_app.core.records import (
    arrivals,
    attachment,
    drafts,
    interchange,
    narrative_tags,
    sealrows,
    store,
    tables,
)

# The half of sealing the store needs (match keys, opening, the guards) is
# records/sealed.py; its names are read through this module too.
from testimony_app.core.records.sealed import (
    _HEX64 as _HEX64,
)
from testimony_app.core.records.sealed import (
    IDENTITY_BLOCK as IDENTITY_BLOCK,
)
from testimony_app.core.records.sealed import (
    SEAL_FORMAT as SEAL_FORMAT,
)
from testimony_app.core.records.sealed import (
    _coordinator_identity as _coordinator_identity,
)
from testimony_app.core.records.sealed import (
    _forget_hashes as _forget_hashes,
)
from testimony_app.core.records.sealed import (
    _incident_text as _incident_text,
)
from testimony_app.core.records.sealed import (
    _open as _open,
)
from testimony_app.core.records.sealed import (
    _padded as _padded,
)
from testimony_app.core.records.sealed import (
    _seal_bytes as _seal_bytes,
)
from testimony_app.core.records.sealed import (
    check_update as check_update,
)
from testimony_app.core.records.sealed import (
    closed as closed,
)
from testimony_app.core.records.sealed import (
    is_stub as is_stub,
)
from testimony_app.core.records.sealed import (
    keys_by_person as keys_by_person,
)
from testimony_app.core.records.sealed import (
    match_keys as match_keys,
)
from testimony_app.core.records.sealed import (
    names_of as names_of,
)
from testimony_app.core.records.sealed import (
    open_attachment_info as open_attachment_info,
)
from testimony_app.core.records.sealed import (
    open_hash as open_hash,
)
from testimony_app.core.records.sealed import (
    opened as opened,
)
from testimony_app.core.records.sealed import (
    opened_incident as opened_incident,
)
from testimony_app.core.records.sealed import (
    recipients_or_none as recipients_or_none,
)
from testimony_app.core.records.sealed import (
    seal_hash as seal_hash,
)
from testimony_app.core.records.sealed import (
    seal_identity as seal_identity,
)
from testimony_app.core.records.sealed import (
    seal_span as seal_span,
)
from testimony_app.core.records.sealed import (
    store_keys as store_keys,
)
from testimony_app.core.records.sealed import (
    try_unseal as try_unseal,
)
from testimony_app.core.records.sealed import (
    view as view,
)
from testimony_app.core.vault import activity, anchor, meta, org
from testimony_app.core.vault.connection import Connection
from testimony_app.core.vault.db import transaction

log = logging.getLogger(__name__)


def people(conn: Connection) -> list[dict[str, Any]]:
    """Every person: pseudonym code, attributes, whether the name is public, the
    identity where this vault may see it, and possible duplicates (same match key)."""
    rows = sealrows.persons_with_identity(conn)
    by_key: dict[str, list[str]] = {}
    keys = keys_by_person(conn)
    out = []
    for person_id, code, data, identity in rows:
        record = json.loads(data)
        ident = json.loads(identity) if identity else None
        for key in keys.get(person_id, ()):
            by_key.setdefault(key, []).append(code)
        out.append({
            "id": person_id, "code": code, "sex": record["sex"],
            **{k: record[k] for k in ("age", "age_group", "occupation") if k in record},
            "public_domain": bool(ident and ident.get("public_domain")),
            "sealed": "sealed_identity" in record,
            "identity": ident, "match_keys": sorted(keys.get(person_id, ()))})
    merged = duplicates.canonical(conn)
    code_of = {p["id"]: p["code"] for p in out}
    for person in out:
        same = {c for key in person["match_keys"] for c in by_key.get(key, [])}
        person["possible_duplicates"] = sorted(same - {person["code"]})
        # The code of the person this one was merged into (duplicates), or None.
        person["merged_into"] = code_of.get(merged.get(person["id"], ""))
        del person["match_keys"]
    return out


def persons_of(conn: Connection, testimony_id: RecordId) -> list[PersonId]:
    """The witness, the individual victims of the incidents the testimony reports, and
    the persons its narrative tags name."""
    return sorted(set(sealrows.linked_persons(conn, testimony_id)))


# -- what finalising seals -----------------------------------------------------------

# The fields of a testimony that tagged names live in; an earlier revision's are
# replaced by the sealed ones.
TAGGED_FIELDS = ("narrative", "summary", "tags")
# What a wholly sealed testimony keeps in the clear: what lists and counts need.
STUB_INTERVIEW = ("date", "language", "mode")
SETTING_WHOLE = "seal_whole_testimony"


@dataclass(frozen=True)
class Sealed:
    identities: int = 0
    spans: int = 0
    whole: bool = False
    incidents: int = 0
    attachments: int = 0


# The token of a sealed word several people's names share (one of them public).
NEUTRAL_TOKEN = "[name]"  # noqa: S105 - a placeholder word, no secret


def token(code: str) -> str:
    """What a sealed name becomes in the text: the person's pseudonym code."""
    return f"[{code}]"


def stub(record: dict[str, Any]) -> dict[str, Any]:
    """The part of a testimony a wholly sealed one keeps readable (no blob)."""
    interview = record["interview"]
    kept = {k: interview[k] for k in STUB_INTERVIEW if k in interview}
    kept["date"] = {k: v for k, v in kept["date"].items() if k != "text"}
    return {"id": record["id"], "status": record["status"], "interview": kept,
            "consent": {"scope": record["consent"]["scope"]}}


def incident_stub(record: dict[str, Any]) -> dict[str, Any]:
    """An incident without its free text (no blob): description, perpetrator
    description, victim groups' labels and the source's own words for the date."""
    out = {k: v for k, v in record.items() if k not in ("description", "sealed")}
    out["date"] = {k: v for k, v in record["date"].items() if k != "text"}
    if "perpetrator" in record:
        out["perpetrator"] = {"category": record["perpetrator"]["category"]}
    if "victims" in record:
        out["victims"] = [{**v, "group": {k: g for k, g in v["group"].items() if k != "label"}}
                          if "group" in v else v for v in record["victims"]]
    return out


def _seal_identities(conn: Connection, testimony_id: RecordId, author: str,
                     current: org.Organisation) -> list[PersonId]:
    sealed: list[PersonId] = []
    for person_id in persons_of(conn, testimony_id):
        identity = tables.identity(conn, person_id)
        if identity is None:
            continue
        if identity.get("public_domain"):
            continue
        record = store.get(conn, person_id, with_identity=False).data
        # No match keys in the sealed record, nor left in person_keys: with the
        # matching key this vault holds they would confirm a guessed name. The
        # coordinator makes its own when it opens the seal.
        record.pop("match_keys", None)
        record["sealed_identity"] = seal_identity(identity, current.recipients)
        # Remove every plaintext copy first, then record the sealed person.
        sealrows.drop_identity(conn, person_id)
        anchor.remove(conn, anchor.IDENTITY + person_id)  # and forget their salts
        sealrows.drop_person_keys(conn, person_id)
        store.put_records(conn, [("person", record)], author)
        # Keys an earlier revision brought along (an imported document) go too.
        _rewrite_history(conn, person_id, _without_match_keys, current.recipients)
        sealed.append(person_id)
    _scrub_drafts(conn, sealed)
    return sealed


def _scrub_drafts(conn: Connection, person_ids: list[PersonId]) -> None:
    """Drafts of other testimonies (the editor's autosave) may show a person sealed
    now, identity and all: each loses the identity and gets the seal instead, so
    that restoring and saving the draft keeps the person sealed (and any unsaved
    change to the person's other fields)."""
    wanted = set(person_ids)
    if not wanted:
        return
    for draft_id, raw in drafts.all_raw(conn):
        data = json.loads(raw)
        document = data.get("document") if isinstance(data, dict) else None
        persons = document.get("persons") if isinstance(document, dict) else None
        if not isinstance(persons, list):
            continue
        hits = [i for i, p in enumerate(persons) if isinstance(p, dict) and p.get("id") in wanted]
        for i in hits:
            stored = store.get(conn, persons[i]["id"], with_identity=False).data
            persons[i] = {**{k: v for k, v in persons[i].items()
                             if k not in ("identity", "match_keys")},
                          "sealed_identity": stored["sealed_identity"]}
        if hits:
            drafts.replace_data(conn, draft_id, json.dumps(data, ensure_ascii=False))


def _seal_tags(conn: Connection, data: dict[str, Any], recipients: tuple[str, ...],
               people: list[narrative_tags.KnownPerson]) -> tuple[dict[str, Any], int]:
    """The testimony with every tagged name (but public-domain ones), and every other
    spelling of it or of `people`'s names (the persons the testimony seals, read
    before their identities were sealed), replaced by its person's token and sealed into the tag;
    and how many were sealed."""
    public = tables.public_persons(conn)
    record = dict(data)
    # Even with no tag: the names of the persons it seals, in any spelling, go too.
    # Public persons' words are kept, and a word shared with them (or anyone else)
    # gets a neutral token, not the sealed person's code: "the minister Ali Awwad"
    # must not become "the minister Ali [P-…]".
    extra = narrative_tags.repeats(record, skip=public, people=people,
                                   kept=narrative_tags.known_persons(conn, public))
    neutral = {(t["field"], t["lang"], t["start"]) for t in extra if t.pop("neutral", False)}
    if extra:
        record["tags"] = [*(record.get("tags") or ()), *extra]
    tags = record.get("tags") or []
    wanted = [i for i, t in enumerate(tags) if "sealed" not in t and t["person"] not in public]
    if not wanted:
        return data, 0
    codes = tables.codes(conn, "person", [tags[i]["person"] for i in wanted])
    seals = {}
    for i in wanted:
        tag = tags[i]
        seals[i] = seal_span(record[tag["field"]][tag["lang"]][tag["start"]:tag["end"]],
                             recipients)
    record = narrative_tags.apply(record, {
        i: NEUTRAL_TOKEN if (tags[i]["field"], tags[i]["lang"], tags[i]["start"]) in neutral
        else token(codes.get(tags[i]["person"]) or "P-?") for i in wanted})
    record["tags"] = [{**t, "sealed": seals[i]} if i in seals else t
                      for i, t in enumerate(record["tags"])]
    return record, len(wanted)


def _rewrite_history(conn: Connection, record_id: RecordId,
                     rewrite: Callable[[dict[str, Any]], dict[str, Any]],
                     recipients: tuple[str, ...]) -> int:
    """Rewrite a record's earlier revisions to their sealed form, `rewrite(old)`.

    Each UPDATE needs a one-time permit (`seal_permits`) that the append-only trigger
    checks and an AFTER trigger consumes; only `data` may change, never the current
    revision. The SHA-256 of what a revision held before its first rewrite is kept
    sealed to the organisation (`sealed_revision_hashes`, migration 11), so that
    bundles still let the coordinator recognise the history it knows.
    """
    rows = sealrows.earlier_revisions(conn, record_id)
    rewritten = 0
    for revision, data in rows:
        text = interchange.canonical(rewrite(json.loads(data)))
        if text == data:
            continue
        sealrows.rewrite_revision(conn, record_id, revision, data, text, recipients)
        anchor.restage(conn, record_id, revision, text)  # the caller's entry anchors it
        rewritten += 1
    if sealrows.permits_left(conn):
        raise IntegrityError("integrity", what="seal permits")  # rolls everything back
    return rewritten


def _history_rewrite(sealed: dict[str, Any], whole: bool
                     ) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """How an earlier revision of a testimony sealed into `sealed` is rewritten."""
    def rewrite(old: dict[str, Any]) -> dict[str, Any]:
        if whole:
            return stub({**sealed, **{k: old[k] for k in ("status", "interview", "consent")
                                      if k in old}})
        new = {k: v for k, v in old.items() if k not in TAGGED_FIELDS}
        new.update({k: sealed[k] for k in TAGGED_FIELDS if k in sealed})
        return new
    return rewrite


def _seal_incidents(conn: Connection, testimony_id: RecordId, author: str,
                    recipients: tuple[str, ...]) -> tuple[int, list[RecordId]]:
    """Seal the free text of the incidents that only wholly sealed testimonies report
    (this one among them); how many were sealed now, and every such incident."""
    sealed_now, closed = 0, []
    incidents = sealrows.reported_incidents(conn, testimony_id)
    for incident_id in incidents:
        reporters = [json.loads(r) for r in sealrows.reporters(conn, incident_id)]
        if not all("sealed" in t for t in reporters):
            continue  # another testimony, still open here, reports it: its text stays
        data = store.get(conn, incident_id, with_identity=False).data
        closed.append(incident_id)
        if "sealed" in data:
            continue
        stubbed = incident_stub(data)
        if stubbed == data:
            continue  # no free text to seal
        store.put_records(conn, [("incident", {**stubbed, "sealed": _seal_bytes(
            _padded(data), recipients)})], author)
        _rewrite_history(conn, incident_id, incident_stub, recipients)
        sealed_now += 1
    return sealed_now, closed


def _attachment_sealer(recipients: tuple[str, ...]) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def seal_info(info: dict[str, Any]) -> dict[str, Any]:
        return _seal_bytes(_padded(info), recipients)
    return seal_info


def _seal_attachments(conn: Connection, record_ids: Sequence[RecordId],
                      recipients: tuple[str, ...]) -> int:
    """Seal the content of every complete attachment of these records (records/attachment.py)."""
    ages = [x25519.Recipient.from_str(r) for r in recipients]
    sealed = 0
    for record_id in record_ids:
        for att_id in attachment.complete_ids(conn, record_id):
            sealed += attachment.seal_content(conn, att_id, ages,
                                              _attachment_sealer(recipients))
    return sealed


def seal(conn: Connection, testimony_id: RecordId, author: str) -> Sealed:
    """Seal what a finalised testimony holds that names people; what was sealed.

    Everywhere in an organisation: the identities of its witness, victims and tagged
    persons (not public-domain names). On a researcher's vault, also its tagged
    names, or the whole testimony when the organisation's `seal_whole_testimony`
    is on, with its attachments and the free text of the incidents only sealed
    testimonies report; then its earlier revisions, drafts and conflicts lose their
    plaintext, the search index is rebuilt from the sealed form, and a checkpoint
    moves the zeroed pages out of the WAL. Does nothing on a vault that belongs to
    no organisation (there is no one to seal to). Idempotent.
    """
    current = org.organisation(conn)
    if current is None or not current.recipients:
        return Sealed()
    with transaction(conn):
        result = _seal_in(conn, testimony_id, author, current)
    # secure_delete zeroed the freed cells; the checkpoint puts those pages back in
    # the main file and truncates the WAL, which held the old ones.
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return result


def _seal_in(conn: Connection, testimony_id: RecordId, author: str,
             current: org.Organisation) -> Sealed:
    """`seal` inside the caller's transaction, without the checkpoint."""

    spans, whole, incidents, attachments = 0, False, 0, 0
    tagged = narrative_tags.persons(store.get(conn, testimony_id, with_identity=False).data)
    # Read before their identities are sealed: the tagged persons and every other person
    # whose identity this testimony seals (witness, victims), tagged or not.
    people = narrative_tags.known_persons(conn, {*tagged, *persons_of(conn, testimony_id)})
    sealed_persons = _seal_identities(conn, testimony_id, author, current)
    identities = len(sealed_persons)
    closed: list[RecordId] = []
    if current.role == org.ROLE_MEMBER:
        data = store.get(conn, testimony_id, with_identity=False).data
        if "sealed" not in data:
            if current.settings.get(SETTING_WHOLE) is True:
                new = {**stub(data), "sealed": _seal_bytes(
                    _padded(data), current.recipients)}
                whole = True
            else:
                new, spans = _seal_tags(conn, data, current.recipients, people)
            if new != data:
                store.put_records(conn, [("testimony", new)], author)
                _rewrite_history(conn, testimony_id, _history_rewrite(new, whole),
                                 current.recipients)
            data = new
        if "sealed" in data:
            # A stub here: what hangs off it goes too (again, if an earlier version
            # of the app sealed the record alone).
            incidents, closed = _seal_incidents(conn, testimony_id, author,
                                                current.recipients)
            attachments = _seal_attachments(conn, [testimony_id, *closed],
                                            current.recipients)
        # A sealed person's files (a photo, an identity document) show who it is.
        persons = [p for p in persons_of(conn, testimony_id) if "sealed_identity" in
                   store.get(conn, p, with_identity=False).data]
        attachments += _seal_attachments(conn, persons, current.recipients)
        arrivals.forget_conflicts(conn, testimony_id)
    drafts.discard_for(conn, testimony_id)
    if identities or spans or whole or incidents or attachments:
        _forget_hashes(conn, [testimony_id, *sealed_persons, *closed])
        activity.record(conn, author, "sealed", testimony_id, identities=identities,
                     spans=spans, whole=int(whole), incidents=incidents,
                     attachments=attachments)
    return Sealed(identities, spans, whole, incidents, attachments)


def seal_changed(conn: Connection, record_ids: list[RecordId], author: str) -> bool:
    """Inside the caller's transaction (`store.add_document`), on a researcher's vault:
    seal, as finalising does, every finalised testimony among the records just added
    or updated, or that they belong to (its incidents, its witness, tagged persons
    and victims). Whether anything was sealed (the caller then checkpoints)."""
    current = org.organisation(conn)
    if current is None or current.role != org.ROLE_MEMBER or not current.recipients:
        return False
    rows = sealrows.finalised_touched(conn, record_ids)
    sealed = False
    for testimony_id in rows:
        sealed = _seal_in(conn, testimony_id, author, current) != Sealed() or sealed
    return sealed


def seal_recording(conn: Connection, att_id: AttachmentId) -> bool:
    """Inside the caller's transaction: a recording finished after its record was
    sealed here (it was still running at finalise) is sealed at once."""
    current = org.organisation(conn)
    record_id = attachment.record_of(conn, att_id)
    if (current is None or current.role != org.ROLE_MEMBER or not current.recipients
            or record_id is None or not closed(conn, record_id)):
        return False
    return attachment.seal_content(conn, att_id, [x25519.Recipient.from_str(r)
                                                  for r in current.recipients],
                                   _attachment_sealer(current.recipients))


def seal_testimony(conn: Connection, testimony_id: RecordId, author: str) -> int:
    """`seal`, returning how many identities were sealed."""
    return seal(conn, testimony_id, author).identities


def seal_finalised(conn: Connection, author: str) -> int:
    """Seal every finalised testimony (idempotent), as finalising would have: for a
    vault that joins an organisation after finalising some. Returns how many
    testimonies had something sealed now."""
    ids = tables.finalised_testimony_ids(conn)
    done = [seal(conn, testimony_id, author) for testimony_id in ids]
    meta.delete(conn, org.SEAL_PENDING)
    return sum(1 for r in done if r.identities or r.spans or r.whole or r.incidents
               or r.attachments)


def _without_match_keys(old: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in old.items() if k != "match_keys"}


def upgrade_sealed(conn: Connection) -> None:
    """Migration 12: drop the match keys an earlier version kept in sealed person
    records (a new revision, and the earlier ones rewritten under permits), and the
    hashes of what was sent and confirmed of every sealed record."""
    current = org.organisation(conn)
    if current is None or current.role != org.ROLE_MEMBER or not current.recipients:
        return  # nothing was sealed here; a coordinator holds the identities anyway
    recipients = current.recipients
    keyed = sealrows.sealed_persons_with_keys(conn)
    for person_id in keyed:
        record = store.get(conn, person_id, with_identity=False).data
        record.pop("match_keys", None)
        store.put_records(conn, [("person", record)], "upgrade")
        _rewrite_history(conn, person_id, _without_match_keys, recipients)
    _forget_hashes(conn, sealrows.sealed_record_ids(conn))


def resume_pending(conn: Connection, author: str) -> None:
    """Finish `seal_finalised` if joining the organisation was interrupted before it
    sealed everything (called at unlock)."""
    if org.get_meta(conn, org.SEAL_PENDING):
        try:
            seal_finalised(conn, author)
        except Exception as exc:  # noqa: BLE001 - the vault must still open; tried again next time
            log.warning("sealing after enrolment failed (%s); retried at the next unlock",
                        type(exc).__name__)


