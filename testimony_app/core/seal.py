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

Names tagged in a testimony's narrative or summary (core/narrative_tags.py) are
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

import base64
import hashlib
import hmac
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pyrage
from pyrage import x25519

from testimony_app.core import anchor, interchange, narrative_tags, org, safejson, textnorm
from testimony_app.core.connection import Connection
from testimony_app.core.db import transaction
from testimony_app.core.errors import InputError, IntegrityError

log = logging.getLogger(__name__)

SEAL_FORMAT = "age"
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


def names_of(identity: dict[str, Any]) -> list[str]:
    names = [str(n) for n in identity.get("name", {}).values()]
    names += [str(a) for a in identity.get("aliases", [])]
    return [n for n in names if n.strip()]


def match_keys(key: bytes, identity: dict[str, Any]) -> list[str]:
    """One key per distinct normalised name (every script and alias)."""
    normalised = {textnorm.normalize_name(n) for n in names_of(identity)}
    return sorted(hmac.new(key, b"testimony-match-v1\0" + n.encode("utf-8"),
                           hashlib.sha256).hexdigest() for n in normalised if n)


def store_keys(conn: Connection, person_id: str, identity: dict[str, Any] | None) -> None:
    """Keep `person_keys` in step with the identity this vault sees of a person: its
    match keys while it is visible and the vault has a matching key, none once it
    is gone or sealed (migration 10 says why never beside a sealed identity)."""
    conn.execute("DELETE FROM person_keys WHERE person_id = ?", (person_id,))
    if identity is None:
        return
    try:
        key = org.matching_key(conn)
    except InputError:  # not of an organisation: nothing to match across researchers
        return
    conn.executemany("INSERT OR IGNORE INTO person_keys (person_id, key) VALUES (?, ?)",
                     [(person_id, k) for k in match_keys(key, identity)])


def keys_by_person(conn: Connection, person_ids: list[str] | None = None) -> dict[str, set[str]]:
    """Each person's match keys: from `person_keys`, and any a record brought along
    (records written before migration 10, or made elsewhere)."""
    out: dict[str, set[str]] = {}
    if person_ids is None:
        rows = conn.execute("SELECT person_id, key FROM person_keys").fetchall()
        rows += conn.execute("SELECT r.id, k.value FROM records r, "
                             "json_each(r.data, '$.match_keys') k WHERE r.kind = 'person' "
                             "AND json_type(r.data, '$.match_keys') = 'array'").fetchall()
    else:
        rows = []
        for start in range(0, len(person_ids), 500):
            part = person_ids[start:start + 500]
            marks = ",".join("?" * len(part))
            rows += conn.execute(f"SELECT person_id, key FROM person_keys "  # noqa: S608
                                 f"WHERE person_id IN ({marks})", part).fetchall()
            rows += conn.execute(f"SELECT r.id, k.value FROM records r, "  # noqa: S608
                                 "json_each(r.data, '$.match_keys') k WHERE r.kind = 'person' "
                                 "AND json_type(r.data, '$.match_keys') = 'array' "
                                 f"AND r.id IN ({marks})", part).fetchall()
    for person_id, key in rows:
        out.setdefault(person_id, set()).add(str(key))
    return out


# A sealed identity's canonical JSON is padded with spaces to a multiple of this many
# bytes (docs/FORMAT.md): its ciphertext's size then tells only the bucket, not the
# exact length of the names inside. Readers ignore the trailing spaces (JSON).
IDENTITY_BLOCK = 256


def seal_identity(identity: dict[str, Any], recipients: tuple[str, ...]) -> dict[str, Any]:
    plaintext = _padded(identity, IDENTITY_BLOCK)
    sealed = pyrage.encrypt(plaintext, [x25519.Recipient.from_str(r) for r in recipients])
    return {"format": SEAL_FORMAT, "data": base64.b64encode(sealed).decode("ascii"),
            "recipients": sorted(org.recipient_fingerprint(r) for r in recipients)}


def _seal_bytes(plaintext: bytes, recipients: tuple[str, ...]) -> dict[str, Any]:
    sealed = pyrage.encrypt(plaintext, [x25519.Recipient.from_str(r) for r in recipients])
    return {"format": SEAL_FORMAT, "data": base64.b64encode(sealed).decode("ascii"),
            "recipients": sorted(org.recipient_fingerprint(r) for r in recipients)}


def seal_hash(sha256: str, recipients: tuple[str, ...]) -> str:
    """A revision's former SHA-256 (hex), sealed to the organisation: base64 age."""
    sealed = pyrage.encrypt(sha256.encode("ascii"),
                            [x25519.Recipient.from_str(r) for r in recipients])
    return base64.b64encode(sealed).decode("ascii")


def open_hash(identity: x25519.Identity, sealed: str) -> str | None:
    """The hex SHA-256 inside `seal_hash`'s output, or None if it is not for us."""
    try:
        sha = pyrage.decrypt(base64.b64decode(sealed, validate=True), [identity]).decode("ascii")
    except Exception:  # noqa: BLE001 - a seal we cannot open is no history we know
        return None
    return sha if re.fullmatch(r"[0-9a-f]{64}", sha) else None


def recipients_or_none(conn: Connection) -> tuple[str, ...] | None:
    current = org.organisation(conn)
    return current.recipients if current is not None and current.recipients else None


def _forget_hashes(conn: Connection, record_ids: list[str]) -> None:
    """Drop the hashes of what sealed records held before (what was sent and what the
    coordinator confirmed): beside the sealed form they confirm a guessed name. A
    changed record is unconfirmed until its next receipt anyway. (A sealed
    attachment's confirmation moves to its ciphertext: attachment.py.)"""
    for start in range(0, len(record_ids), 500):
        part = record_ids[start:start + 500]
        marks = ",".join("?" * len(part))
        conn.execute(f"UPDATE sent_records SET sha256 = '' WHERE record_id IN ({marks})",  # noqa: S608
                     part)
        conn.execute(f"DELETE FROM received_records WHERE record_id IN ({marks})",  # noqa: S608
                     part)


def _padded(obj: dict[str, Any], block: int = 64) -> bytes:
    """Canonical JSON padded with spaces to a multiple of `block` bytes, so that the
    size of a seal says little about the length of the name inside."""
    data = interchange.canonical(obj).encode("utf-8")
    return data + b" " * (-len(data) % block)


def seal_span(text: str, recipients: tuple[str, ...]) -> dict[str, Any]:
    return _seal_bytes(_padded({"text": text}), recipients)


def _coordinator_identity(conn: Connection) -> x25519.Identity | None:
    current = org.organisation(conn)
    if current is None or current.role != org.ROLE_COORDINATOR:
        return None
    return org.org_identity(conn)


def _open(identity: x25519.Identity, sealed: dict[str, Any]) -> Any:
    # A seal arrives in a bundle: whoever sealed it chose its bytes, so they are
    # parsed as strictly as the bundle around them.
    return safejson.loads(pyrage.decrypt(base64.b64decode(sealed["data"], validate=True),
                                         [identity]))


def try_unseal(conn: Connection, sealed: dict[str, Any]) -> dict[str, Any] | None:
    """The identity, if this vault holds the organisation's identity; else None."""
    current = org.organisation(conn)
    if current is None or current.role != org.ROLE_COORDINATOR:
        return None
    try:
        data = pyrage.decrypt(base64.b64decode(sealed["data"], validate=True),
                              [org.org_identity(conn)])
        identity = safejson.loads(data)  # sealed elsewhere: as strict as the bundle
        interchange.validate({"format": interchange.FORMAT, "persons": [
            {"id": "00000000-0000-4000-8000-000000000000", "sex": "unknown",
             "identity": identity}]})
    except Exception:  # noqa: BLE001 - a seal we cannot open stays sealed
        log.warning("a sealed identity could not be opened")
        return None
    result: dict[str, Any] = identity
    return result


def people(conn: Connection) -> list[dict[str, Any]]:
    """Every person: pseudonym code, attributes, whether the name is public, the
    identity where this vault may see it, and possible duplicates (same match key)."""
    rows = conn.execute(
        "SELECT r.id, r.code, r.data, i.data FROM records r LEFT JOIN identities i "
        "ON i.person_id = r.id WHERE r.kind = 'person' ORDER BY r.code").fetchall()
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
    from testimony_app.core import duplicates  # late: duplicates imports this module

    merged = duplicates.canonical(conn)
    code_of = {p["id"]: p["code"] for p in out}
    for person in out:
        same = {c for key in person["match_keys"] for c in by_key.get(key, [])}
        person["possible_duplicates"] = sorted(same - {person["code"]})
        # The code of the person this one was merged into (duplicates), or None.
        person["merged_into"] = code_of.get(merged.get(person["id"], ""))
        del person["match_keys"]
    return out


def persons_of(conn: Connection, testimony_id: str) -> list[str]:
    """The witness, the individual victims of the incidents the testimony reports, and
    the persons its narrative tags name."""
    ids = [r[0] for r in conn.execute(
        "SELECT to_id FROM links WHERE from_id = ? AND role IN ('witness', 'tagged')",
        (testimony_id,))]
    ids += [r[0] for r in conn.execute(
        "SELECT v.to_id FROM links r JOIN links v ON v.from_id = r.from_id "
        "WHERE r.to_id = ? AND r.role = 'reported_by' AND v.role = 'victim'", (testimony_id,))]
    return sorted(set(ids))


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


def _incident_text(stub_: dict[str, Any], full: dict[str, Any]) -> dict[str, Any]:
    """The incident as stored (`stub_`, whatever changed since), with the free text
    of the sealed version `full` put back where it still fits."""
    out = {k: v for k, v in stub_.items() if k != "sealed"}
    if "description" in full and "description" not in out:
        out["description"] = full["description"]
    if "text" in full["date"] and "text" not in out["date"]:
        out["date"] = {**out["date"], "text": full["date"]["text"]}
    theirs, ours = full.get("perpetrator") or {}, out.get("perpetrator")
    if ours is not None and "description" in theirs and "description" not in ours:
        out["perpetrator"] = {**ours, "description": theirs["description"]}
    if "victims" in out:
        victims = list(out["victims"])
        for i, (old, new) in enumerate(zip(full.get("victims") or [], victims, strict=False)):
            if "group" in old and "group" in new and "label" in old["group"] \
                    and "label" not in new["group"]:
                victims[i] = {**new, "group": {**new["group"], "label": old["group"]["label"]}}
        out["victims"] = victims
    return out

def _seal_identities(conn: Connection, testimony_id: str, author: str,
                     current: org.Organisation) -> list[str]:
    from testimony_app.core import store

    sealed: list[str] = []
    for person_id in persons_of(conn, testimony_id):
        row = conn.execute("SELECT data FROM identities WHERE person_id = ?",
                           (person_id,)).fetchone()
        if row is None:
            continue
        identity = json.loads(row[0])
        if identity.get("public_domain"):
            continue
        record = store.get(conn, person_id, with_identity=False).data
        # No match keys in the sealed record, nor left in person_keys: with the
        # matching key this vault holds they would confirm a guessed name. The
        # coordinator makes its own when it opens the seal.
        record.pop("match_keys", None)
        record["sealed_identity"] = seal_identity(identity, current.recipients)
        # Remove every plaintext copy first, then record the sealed person.
        conn.execute("DELETE FROM identities WHERE person_id = ?", (person_id,))
        conn.execute("DELETE FROM identity_revisions WHERE person_id = ?", (person_id,))
        anchor.remove(conn, anchor.IDENTITY + person_id)  # and forget their salts
        conn.execute("DELETE FROM person_keys WHERE person_id = ?", (person_id,))
        store.put_records(conn, [("person", record)], author)
        # Keys an earlier revision brought along (an imported document) go too.
        _rewrite_history(conn, person_id, _without_match_keys, current.recipients)
        sealed.append(person_id)
    _scrub_drafts(conn, sealed)
    return sealed


def _scrub_drafts(conn: Connection, person_ids: list[str]) -> None:
    """Drafts of other testimonies (the editor's autosave) may show a person sealed
    now, identity and all: each loses the identity and gets the seal instead, so
    that restoring and saving the draft keeps the person sealed (and any unsaved
    change to the person's other fields)."""
    from testimony_app.core import store

    wanted = set(person_ids)
    if not wanted:
        return
    for draft_id, raw in conn.execute("SELECT id, data FROM drafts").fetchall():
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
            conn.execute("UPDATE drafts SET data = ? WHERE id = ?",
                         (json.dumps(data, ensure_ascii=False), draft_id))


def _seal_tags(conn: Connection, data: dict[str, Any], recipients: tuple[str, ...],
               people: list[narrative_tags.KnownPerson]) -> tuple[dict[str, Any], int]:
    """The testimony with every tagged name (but public-domain ones), and every other
    spelling of it or of `people`'s names (the persons the testimony seals, read
    before their identities were sealed), replaced by its person's token and sealed into the tag;
    and how many were sealed."""
    public = {r[0] for r in conn.execute("SELECT person_id FROM identities "
                                         "WHERE public_domain = 1")}
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
    codes = dict(conn.execute(
        f"SELECT id, code FROM records WHERE kind = 'person' AND id IN "  # noqa: S608
        f"({','.join('?' * len(wanted))})", [tags[i]["person"] for i in wanted]).fetchall())
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


def _rewrite_history(conn: Connection, record_id: str,
                     rewrite: Callable[[dict[str, Any]], dict[str, Any]],
                     recipients: tuple[str, ...]) -> int:
    """Rewrite a record's earlier revisions to their sealed form, `rewrite(old)`.

    Each UPDATE needs a one-time permit (`seal_permits`) that the append-only trigger
    checks and an AFTER trigger consumes; only `data` may change, never the current
    revision. The SHA-256 of what a revision held before its first rewrite is kept
    sealed to the organisation (`sealed_revision_hashes`, migration 11), so that
    bundles still let the coordinator recognise the history it knows.
    """
    current = conn.execute("SELECT revision FROM records WHERE id = ?",
                           (record_id,)).fetchone()[0]
    rows = conn.execute("SELECT revision, data FROM revisions WHERE record_id = ? "
                        "AND revision < ? ORDER BY revision", (record_id, current)).fetchall()
    rewritten = 0
    for revision, data in rows:
        text = interchange.canonical(rewrite(json.loads(data)))
        if text == data:
            continue
        if not conn.execute("SELECT 1 FROM sealed_revision_hashes WHERE record_id = ? "
                            "AND revision = ?", (record_id, revision)).fetchone():
            conn.execute("INSERT INTO sealed_revision_hashes (record_id, revision, sealed) "
                         "VALUES (?, ?, ?)", (record_id, revision, seal_hash(
                             hashlib.sha256(data.encode("utf-8")).hexdigest(), recipients)))
        conn.execute("INSERT INTO seal_permits (record_id, revision) VALUES (?, ?)",
                     (record_id, revision))
        conn.execute("UPDATE revisions SET data = ? WHERE record_id = ? AND revision = ?",
                     (text, record_id, revision))
        anchor.restage(conn, record_id, revision, text)  # the caller's entry anchors it
        rewritten += 1
    if conn.execute("SELECT count(*) FROM seal_permits").fetchone()[0]:
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


def _seal_incidents(conn: Connection, testimony_id: str, author: str,
                    recipients: tuple[str, ...]) -> tuple[int, list[str]]:
    """Seal the free text of the incidents that only wholly sealed testimonies report
    (this one among them); how many were sealed now, and every such incident."""
    from testimony_app.core import store

    sealed_now, closed = 0, []
    incidents = [r[0] for r in conn.execute(
        "SELECT DISTINCT from_id FROM links WHERE to_id = ? AND role = 'reported_by' "
        "ORDER BY from_id", (testimony_id,))]
    for incident_id in incidents:
        reporters = [json.loads(r[0]) for r in conn.execute(
            "SELECT r.data FROM links l JOIN records r ON r.id = l.to_id "
            "WHERE l.from_id = ? AND l.role = 'reported_by'", (incident_id,))]
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


def _seal_attachments(conn: Connection, record_ids: list[str], recipients: tuple[str, ...]) -> int:
    """Seal the content of every complete attachment of these records (core/attachment.py)."""
    from testimony_app.core import attachment

    ages = [x25519.Recipient.from_str(r) for r in recipients]
    sealed = 0
    for record_id in record_ids:
        for (att_id,) in conn.execute("SELECT id FROM attachments WHERE record_id = ? AND "
                                      "complete = 1 ORDER BY created_at, id",
                                      (record_id,)).fetchall():
            sealed += attachment.seal_content(conn, att_id, ages,
                                              _attachment_sealer(recipients))
    return sealed


def seal(conn: Connection, testimony_id: str, author: str) -> Sealed:
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


def _seal_in(conn: Connection, testimony_id: str, author: str, current: org.Organisation) -> Sealed:
    """`seal` inside the caller's transaction, without the checkpoint."""
    from testimony_app.core import audit, store

    spans, whole, incidents, attachments = 0, False, 0, 0
    tagged = narrative_tags.persons(store.get(conn, testimony_id, with_identity=False).data)
    # Read before their identities are sealed: the tagged persons and every other person
    # whose identity this testimony seals (witness, victims), tagged or not.
    people = narrative_tags.known_persons(conn, {*tagged, *persons_of(conn, testimony_id)})
    sealed_persons = _seal_identities(conn, testimony_id, author, current)
    identities = len(sealed_persons)
    closed: list[str] = []
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
        conn.execute("DELETE FROM conflicts WHERE record_id = ?", (testimony_id,))
    conn.execute("DELETE FROM drafts WHERE record_id = ?", (testimony_id,))
    if identities or spans or whole or incidents or attachments:
        _forget_hashes(conn, [testimony_id, *sealed_persons, *closed])
        audit.record(conn, author, "sealed", testimony_id, identities=identities,
                     spans=spans, whole=int(whole), incidents=incidents,
                     attachments=attachments)
    return Sealed(identities, spans, whole, incidents, attachments)


def seal_changed(conn: Connection, record_ids: list[str], author: str) -> bool:
    """Inside the caller's transaction (`store.add_document`), on a researcher's vault:
    seal, as finalising does, every finalised testimony among the records just added
    or updated, or that they belong to (its incidents, its witness, tagged persons
    and victims). Whether anything was sealed (the caller then checkpoints)."""
    current = org.organisation(conn)
    if current is None or current.role != org.ROLE_MEMBER or not current.recipients:
        return False
    rows = conn.execute(
        "WITH changed(id) AS (SELECT value FROM json_each(?)), touched(id) AS ("
        "SELECT id FROM changed "
        "UNION SELECT l.to_id FROM links l JOIN changed c ON c.id = l.from_id "
        "WHERE l.role = 'reported_by' "
        "UNION SELECT l.from_id FROM links l JOIN changed c ON c.id = l.to_id "
        "WHERE l.role IN ('witness', 'tagged') "
        "UNION SELECT r.to_id FROM links v JOIN changed c ON c.id = v.to_id "
        "JOIN links r ON r.from_id = v.from_id WHERE v.role = 'victim' "
        "AND r.role = 'reported_by') "
        "SELECT r.id FROM records r JOIN touched t ON t.id = r.id "
        "WHERE r.kind = 'testimony' AND r.status = 'finalised' ORDER BY r.id",
        (json.dumps(sorted(set(record_ids))),)).fetchall()
    sealed = False
    for (testimony_id,) in rows:
        sealed = _seal_in(conn, testimony_id, author, current) != Sealed() or sealed
    return sealed


def seal_recording(conn: Connection, att_id: str) -> bool:
    """Inside the caller's transaction: a recording finished after its record was
    sealed here (it was still running at finalise) is sealed at once."""
    from testimony_app.core import attachment

    current = org.organisation(conn)
    row = conn.execute("SELECT record_id FROM attachments WHERE id = ?", (att_id,)).fetchone()
    if (current is None or current.role != org.ROLE_MEMBER or not current.recipients
            or row is None or not closed(conn, row[0])):
        return False
    return attachment.seal_content(conn, att_id, [x25519.Recipient.from_str(r)
                                                  for r in current.recipients],
                                   _attachment_sealer(current.recipients))


def seal_testimony(conn: Connection, testimony_id: str, author: str) -> int:
    """`seal`, returning how many identities were sealed."""
    return seal(conn, testimony_id, author).identities


def seal_finalised(conn: Connection, author: str) -> int:
    """Seal every finalised testimony (idempotent), as finalising would have: for a
    vault that joins an organisation after finalising some. Returns how many
    testimonies had something sealed now."""
    ids = [r[0] for r in conn.execute("SELECT id FROM records WHERE kind = 'testimony' "
                                      "AND status = 'finalised' ORDER BY rowid")]
    done = [seal(conn, testimony_id, author) for testimony_id in ids]
    conn.execute("DELETE FROM meta WHERE key = ?", (org.SEAL_PENDING,))
    return sum(1 for r in done if r.identities or r.spans or r.whole or r.incidents
               or r.attachments)


def _without_match_keys(old: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in old.items() if k != "match_keys"}


def upgrade_sealed(conn: Connection) -> None:
    """Migration 12: drop the match keys an earlier version kept in sealed person
    records (a new revision, and the earlier ones rewritten under permits), and the
    hashes of what was sent and confirmed of every sealed record."""
    from testimony_app.core import store

    current = org.organisation(conn)
    if current is None or current.role != org.ROLE_MEMBER or not current.recipients:
        return  # nothing was sealed here; a coordinator holds the identities anyway
    recipients = current.recipients
    keyed = [r[0] for r in conn.execute(
        "SELECT id FROM records WHERE kind = 'person' AND instr(data, '\"sealed_identity\"') > 0 "
        "AND instr(data, '\"match_keys\"') > 0")]
    for person_id in keyed:
        record = store.get(conn, person_id, with_identity=False).data
        record.pop("match_keys", None)
        store.put_records(conn, [("person", record)], "upgrade")
        _rewrite_history(conn, person_id, _without_match_keys, recipients)
    _forget_hashes(conn, [r[0] for r in conn.execute(
        "SELECT id FROM records WHERE instr(data, '\"sealed') > 0")])


def resume_pending(conn: Connection, author: str) -> None:
    """Finish `seal_finalised` if joining the organisation was interrupted before it
    sealed everything (called at unlock)."""
    if org.get_meta(conn, org.SEAL_PENDING):
        try:
            seal_finalised(conn, author)
        except Exception as exc:  # noqa: BLE001 - the vault must still open; tried again next time
            log.warning("sealing after enrolment failed (%s); retried at the next unlock",
                        type(exc).__name__)


# -- opening, on the coordinator's vault ------------------------------------------------


def opened(conn: Connection, record: dict[str, Any]) -> dict[str, Any]:
    """A testimony as the coordinator reads it: a wholly sealed one opened, tagged
    names put back in the text (tags no longer sealed). Anywhere else, or when a
    seal cannot be opened, the record as it is."""
    has_tags = any("sealed" in t for t in record.get("tags") or ())
    if "sealed" not in record and not has_tags:
        return record
    identity = _coordinator_identity(conn)
    if identity is None:
        return record
    if "sealed" in record:
        try:
            full = _open(identity, record["sealed"])
            interchange.validate({"format": interchange.FORMAT, "testimonies": [full]})
            if not isinstance(full, dict) or full.get("id") != record["id"]:
                raise ValueError("another record")
        except Exception:  # noqa: BLE001 - a seal we cannot open stays sealed
            log.warning("a sealed testimony could not be opened")
            return record
        record = full
    replace: dict[int, str] = {}
    for i, tag in enumerate(record.get("tags") or ()):
        if "sealed" not in tag:
            continue
        try:
            text = _open(identity, tag["sealed"])["text"]
            if not isinstance(text, str) or not text.strip():
                raise ValueError("empty")
        except Exception:  # noqa: BLE001
            log.warning("a sealed name could not be opened")
            continue
        replace[i] = text
    if not replace:
        return record
    try:
        out = narrative_tags.apply(record, replace)
    except (ValueError, KeyError):
        return record
    out["tags"] = [{k: v for k, v in t.items() if k != "sealed"} if i in replace else t
                   for i, t in enumerate(out["tags"])]
    return out


def is_stub(record: dict[str, Any]) -> bool:
    return "sealed" in record


def check_update(conn: Connection, old: dict[str, Any], new: dict[str, Any],
                 kind: str = "testimony") -> None:
    """A wholly sealed testimony cannot be changed where it cannot be opened (only
    replaced by another sealed version, as a bundle would); an incident whose text
    was sealed cannot be changed there at all."""
    if "sealed" not in old or view(conn, kind, old) is not old:
        return
    if kind == "incident" and new != old:
        raise InputError("incident_sealed")
    if "sealed" not in new:
        raise InputError("testimony_sealed")


def opened_incident(conn: Connection, record: dict[str, Any]) -> dict[str, Any]:
    """An incident as the coordinator reads it: the free text sealed with it put back
    into the record as stored. Anywhere else, or when the seal cannot be opened, the
    record as it is."""
    if "sealed" not in record:
        return record
    identity = _coordinator_identity(conn)
    if identity is None:
        return record
    try:
        full = _open(identity, record["sealed"])
        interchange.validate({"format": interchange.FORMAT, "incidents": [full]})
        if not isinstance(full, dict) or full.get("id") != record["id"]:
            raise ValueError("another record")
        return _incident_text(record, full)
    except Exception:  # noqa: BLE001 - a seal we cannot open stays sealed
        log.warning("a sealed incident could not be opened")
        return record


def view(conn: Connection, kind: str, record: dict[str, Any]) -> dict[str, Any]:
    """What this vault reads of a record: a sealed testimony or incident opened on the
    coordinator's vault; the record itself (the same object) anywhere else."""
    if kind == "testimony":
        return opened(conn, record)
    if kind == "incident":
        return opened_incident(conn, record)
    return record


def closed(conn: Connection, record_id: str) -> bool:
    """Whether a record is sealed and this vault cannot open it (a researcher's)."""
    row = conn.execute("SELECT kind, data FROM records WHERE id = ?", (record_id,)).fetchone()
    if row is None or '"sealed"' not in row[1]:
        return False
    data = json.loads(row[1])
    return "sealed" in data and view(conn, row[0], data) is data


def open_attachment_info(identity: x25519.Identity, sealed: dict[str, Any]) -> dict[str, Any]:
    """What an attachment's seal holds (file name, size, SHA-256 of the original and
    its recording details), opened with the organisation's identity; ValueError when
    it cannot be opened or does not hold what it should."""
    try:
        info = _open(identity, sealed)
    except Exception:  # noqa: BLE001 - pyrage, base64 and JSON errors alike
        raise ValueError("sealed attachment") from None
    if (not isinstance(info, dict) or not isinstance(info.get("filename"), str)
            or not isinstance(info.get("size"), int) or isinstance(info["size"], bool)
            or info["size"] < 0 or not isinstance(info.get("sha256"), str)
            or not _HEX64.match(info["sha256"]) or not isinstance(info.get("meta", {}), dict)):
        raise ValueError("sealed attachment")
    recording = info.get("meta", {}).get("recording")
    if recording is not None:
        markers = recording.get("markers", []) if isinstance(recording, dict) else None
        if not isinstance(markers, list) or not all(
                isinstance(m, dict) and isinstance(m.get("ms"), int)
                and isinstance(m.get("label"), str) and len(m["label"]) <= 500
                for m in markers):
            raise ValueError("sealed attachment")
    result: dict[str, Any] = info
    return result
