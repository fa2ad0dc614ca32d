"""Records, their revisions, references and the search index.

Records are stored in their interchange form (docs/FORMAT.md) as canonical JSON,
with a few columns pulled out for lists and filters. A person's identity is kept
in its own table, never in `records`, revisions or the search index, so that it
can be sealed or purged without touching case data.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from testimony_app.core.common.errors import InputError, NotFound, ValidationFailed
from testimony_app.core.common.ids import PersonId, RecordId
from testimony_app.core.records import (
    attachment,
    dates,
    figure_facts,
    interchange,
    pseudonym,
    record_counts,
    record_days,
    recordbatch,
    tables,
    textnorm,
)
from testimony_app.core.records import sealed as sealing
from testimony_app.core.records.refs import safe_ref as safe_ref  # its old home
from testimony_app.core.records.sealed import Sealer
from testimony_app.core.vault import activity, anchor, org
from testimony_app.core.vault.connection import Connection
from testimony_app.core.vault.db import is_read_only, transaction
from testimony_app.i18n import ngettext, number

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Record:
    id: RecordId
    kind: str
    code: str | None
    data: dict[str, Any]
    revision: int
    created_at: str
    updated_at: str


@dataclass(frozen=True)
class AddResult:
    added: list[RecordId] = field(default_factory=list)
    updated: list[RecordId] = field(default_factory=list)
    unchanged: list[RecordId] = field(default_factory=list)


@dataclass(frozen=True)
class Revision:
    revision: int
    at: str
    author: str
    action: str
    changed: list[str]


@dataclass(frozen=True)
class TestimonyRow:
    id: RecordId
    title: str
    date: str
    status: str
    language: str
    witness_code: str | None
    incidents: int
    updated_at: str


@dataclass(frozen=True)
class SearchHit:
    id: RecordId
    kind: str
    title: str
    snippet: str


def _columns(kind: str, record: dict[str, Any]) -> tuple[Any, ...]:
    """(status, type, sort_date, place_id, title) for lists and filters."""
    if kind == "testimony":
        interview = record["interview"]
        return (record["status"], interview["mode"], dates.sort_key(interview["date"]),
                interview.get("place"), record.get("title", ""))
    if kind == "incident":
        return (record["verification"], record["type"], dates.sort_key(record["date"]),
                record.get("place"), "")
    if kind == "aggregate":
        return (record["qualifier"], record["incident_type"], dates.sort_key(record["period"]),
                record.get("place"), "")
    if kind == "place":
        return (None, record["level"], None, record.get("parent"), "")
    if kind == "source":
        return (None, record["kind"], None, None, record["name"])
    return (None, None, None, None, "")


def _views(conn: Connection, kinds: tuple[str, ...]
           ) -> Iterator[list[tuple[str, str, dict[str, Any]]]]:
    """Records of the kinds as (id, kind, the record as this vault reads it), a slice
    at a time (tables.in_slices)."""
    for records in tables.in_slices(conn, kinds):
        yield [(record_id, kind, sealing.view(conn, kind, json.loads(data)))
               for record_id, kind, data, _sort_date in records]


def fill_dated(conn: Connection) -> None:
    """Migration 18, over every dated record as this version reads it: its days
    (core/records/record_days.py); whether it is a sealed testimony this vault cannot
    open; and its links made again where they differ from what it names (an earlier
    version that could not open a seal this one opens wrote them without the witness
    the seal holds, and the export's witness rule reads the links)."""
    conn.execute("DELETE FROM record_days")
    for chunk in _views(conn, record_days.DATED):
        record_days.put_many(conn, ((kind, view) for _id, kind, view in chunk))
        stored = tables.links_from(conn, [c[0] for c in chunk])
        for record_id, kind, view in chunk:
            named = {(role, target) for role, target, _k in interchange.references(kind, view)}
            had = stored.get(record_id, set())
            if "sealed" in view:
                # A seal this version cannot open: its links may hold what an earlier
                # version read in it (the witness). Add, never take away.
                named |= had
            if named != had:
                conn.execute("DELETE FROM links WHERE from_id = ?", (record_id,))
                conn.executemany("INSERT INTO links (from_id, to_id, role) VALUES (?, ?, ?)",
                                 [(record_id, target, role) for role, target in sorted(named)])
            if kind == "testimony" and "sealed" in view:
                sealing.note_unopened(conn, record_id, True)


def derived_problems(conn: Connection) -> list[str]:
    """Records whose days or links differ from what the record says: an export of a
    period chooses by the days, and whether a person is anybody's witness (which keeps
    a public name from leaving) is read from the links."""
    days = links = 0
    for chunk in _views(conn, interchange.KINDS):
        ids = [record_id for record_id, _kind, _view in chunk]
        stored_days = record_days.stored(conn, ids)
        stored_links = tables.links_from(conn, ids)
        for record_id, kind, view in chunk:
            days += stored_days.get(record_id) != record_days.of(kind, view)
            named = {(role, target) for role, target, _k in interchange.references(kind, view)}
            had = stored_links.get(record_id, set())
            # a seal this version cannot open may have shown an earlier one more links
            links += not named <= had if "sealed" in view else had != named
    problems = []
    if days:
        problems.append(ngettext("periods: {count} record's days differ from its date",
                                 "periods: {count} records' days differ from their dates",
                                 days).format(count=number(days)))
    if links:
        problems.append(ngettext("links: {count} record's links differ from what it names",
                                 "links: {count} records' links differ from what they name",
                                 links).format(count=number(links)))
    return problems


def _texts(kind: str, record: dict[str, Any]) -> list[str]:
    """The free text the search index holds for a record (never identities)."""
    texts = [record.get("title", "")]
    for key in ("narrative", "summary", "description", "note"):
        value = record.get(key)
        if isinstance(value, dict):
            texts.extend(value.values())
    if kind == "incident":
        texts.append(record.get("perpetrator", {}).get("description", ""))
        for victim in record.get("victims", []):
            texts.extend(victim.get("group", {}).get("label", {}).values())
    return [t for t in texts if t]


def _index(conn: Connection, rowid: int, record_id: RecordId, kind: str,
           record: dict[str, Any]) -> None:
    conn.execute("DELETE FROM search WHERE rowid = ?", (rowid,))
    entry = _index_row(kind, record)
    if entry is not None:
        conn.execute("INSERT INTO search (rowid, record_id, kind, body, stems) "
                     "VALUES (?, ?, ?, ?, ?)", (rowid, record_id, kind, *entry))


def _index_row(kind: str, record: dict[str, Any]) -> tuple[str, str] | None:
    """(body, stems) of a record's search entry; None for a record without text."""
    texts = _texts(kind, record)
    if not texts:
        return None
    body = "\n".join(textnorm.normalize_for_search(t) for t in texts)
    return body, _stems(body)


# Arabic glues the article and some conjunctions and prepositions to the word.
_ARABIC_PREFIXES = ("وال", "بال", "كال", "فال", "لل", "ال")


# A word (a run of non-space, as str.split() cuts them) that starts with a prefix,
# and the rest of it when that rest is 2 letters or more. The prefixes differ in
# their first letter, so at most one can match a word: the same as trying them in
# turn, without a Python loop over every word of every narrative.
_STEM = re.compile(r"(?<!\S)(?:" + "|".join(map(re.escape, _ARABIC_PREFIXES)) + r")(\S{2,})")


def _stems(body: str) -> str:
    return " ".join(_STEM.findall(body))


def _changed(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    return sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k))


def add_document(conn: Connection, document: Any, author: str,
                 progress: Progress | None = None, *, sealer: Sealer | None) -> AddResult:
    """Validate, then add or update every record in one transaction: all or nothing.

    On a researcher's vault, a finalised testimony added or updated (or whose
    incidents or persons were) is sealed in the same transaction, as finalising
    does: by `sealer` (identity/seal.py's `seal_changed`, which the layer above
    passes in; the store does not import it). None only where nothing can need it.
    """
    sealed = False
    interchange.validate(document)
    items = list(interchange.records(document))
    result = AddResult()
    with transaction(conn):
        known = {rec["id"]: kind for kind, rec in items}
        stored = _check_references(conn, items, known)
        put: set[str] = set()
        batch = _batch(conn, author)
        for done, (kind, rec) in enumerate(items, 1):
            outcome = _put(conn, kind, rec, author,
                           new=rec["id"] not in stored and rec["id"] not in put, batch=batch)
            put.add(rec["id"])
            {"added": result.added, "updated": result.updated,
             "unchanged": result.unchanged}[outcome].append(rec["id"])
            if progress and (done % 100 == 0 or done == len(items)):
                progress(done, len(items))
        batch.flush()
        if result.added or result.updated:
            activity.record(conn, author, "add", None, added=len(result.added),
                         updated=len(result.updated), unchanged=len(result.unchanged))
            if sealer is not None:
                sealed = sealer(conn, [*result.added, *result.updated], author)
    if sealed:  # the zeroed pages out of the WAL, as after finalising
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return result


def _check_references(conn: Connection, items: list[tuple[str, dict[str, Any]]],
                      known: dict[str, str]) -> dict[str, str]:
    """Raise ValidationFailed for ids and references that do not fit; return the
    kinds already stored for the ids involved (the records' own and their targets)."""
    problems: list[tuple[str, str]] = []
    positions: dict[str, int] = {}
    # The kinds the vault already holds for every id involved, in a few queries
    # instead of one or more per record.
    wanted = {rec["id"] for _kind, rec in items}
    wanted.update(target for kind, rec in items
                  for _role, target, _k in interchange.references(kind, rec)
                  if target not in known)
    stored = _stored_kinds(conn, wanted)
    for kind, rec in items:
        index = positions.get(kind, 0)
        positions[kind] = index + 1
        path = f"$.{interchange.ARRAYS[kind]}[{index}]"
        existing = stored.get(rec["id"])
        if existing is not None and existing != kind:
            problems.append((f"{path}.id", f"this id belongs to a {existing} in the vault"))
        for role, target, target_kind in interchange.references(kind, rec):
            found = known.get(target)
            if found is None:
                found = stored.get(target)
            if found is None:
                problems.append((path, f"{role} refers to a {target_kind} that does not exist"))
            elif found != target_kind:
                problems.append((path, f"{role} must refer to a {target_kind}, not a {found}"))
    if problems:
        raise ValidationFailed(sorted(set(problems)))
    return stored


def _stored_kinds(conn: Connection, ids: set[str]) -> dict[str, str]:
    """id -> kind for those of `ids` that the vault holds."""
    found: dict[str, str] = {}
    pending = sorted(ids)
    for start in range(0, len(pending), 500):
        part = pending[start:start + 500]
        found.update(conn.execute(
            f"SELECT id, kind FROM records WHERE id IN ({','.join('?' * len(part))})",  # noqa: S608
            part))
    return found


def _batch(conn: Connection, author: str) -> recordbatch.Batch:
    return recordbatch.Batch(conn, author, _columns, _index_row)


def _put(conn: Connection, kind: str, rec: dict[str, Any], author: str, *, new: bool = False,
         batch: recordbatch.Batch | None = None) -> str:
    """Add or update one record. `new`: the caller saw, in this transaction, that the
    vault holds no record with this id (nothing to read back, no old links: they
    cascade with their record), which saves two statements per record in a bulk add.
    `batch`: a plain new record is gathered there (written by its `flush`, which the
    caller runs before the transaction ends); any other record is written here, after
    the gathered ones, so that rows keep their order (core/records/recordbatch.py)."""
    if new and batch is not None and kind != "person":
        data = interchange.canonical(rec)
        if recordbatch.simple(kind, data):
            batch.add(kind, rec, data)
            return "added"
    if batch is not None:
        batch.flush()
    rec = dict(rec)
    identity = rec.pop("identity", None) if kind == "person" else None
    if kind == "person" and "sealed_identity" in rec and "match_keys" in rec \
            and org.get_meta(conn, "org.role") == org.ROLE_MEMBER:
        # Beside a seal on a researcher's vault, match keys confirm a guessed name
        # (seal.py): a document that brings them along does not keep them here.
        del rec["match_keys"]
    data = interchange.canonical(rec)
    at = activity.now()
    row = None if new else conn.execute(
        "SELECT rowid, data, revision, status FROM records WHERE id = ?", (rec["id"],)
    ).fetchone()
    if kind == "person" and identity is None and "sealed_identity" in rec:
        # A sealed person: a coordinator's vault opens the seal; anywhere else the
        # identity stays sealed and whatever identity is stored here is kept.
        identity = sealing.try_unseal(conn, rec["sealed_identity"])
        identity_changed = identity is not None and _identity_changed(conn, rec["id"], identity)
    else:
        identity_changed = kind == "person" and _identity_changed(conn, rec["id"], identity)
    if row and row[1] == data and not identity_changed:
        return "unchanged"
    view = rec  # what lists, links and search see: a coordinator reads sealed text
    if kind in ("testimony", "incident") and ('"sealed"' in data
                                              or (row and '"sealed"' in row[1])):
        if row is not None:
            sealing.check_update(conn, json.loads(row[1]), rec, kind)
        view = sealing.view(conn, kind, rec)
    status, type_, sort_date, place, title = _columns(kind, view)
    if row is None:
        revision, changed, action = 1, sorted(rec), "created"
        code = _unique_code(conn) if kind == "person" else None
        rowid = conn.execute(
            "INSERT INTO records (id, kind, code, data, revision, created_at, updated_at, "
            "status, type, sort_date, place_id, title) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (rec["id"], kind, code, data, 1, at, at, status, type_, sort_date, place, title)
        ).lastrowid
    else:
        rowid, revision, action = row[0], row[2] + 1, "updated"
        changed = _changed(json.loads(row[1]), rec)
        conn.execute(
            "UPDATE records SET data = ?, revision = ?, updated_at = ?, status = ?, type = ?, "
            "sort_date = ?, place_id = ?, title = ? WHERE id = ?",
            (data, revision, at, status, type_, sort_date, place, title, rec["id"]))
    figure_facts.put(conn, kind, rec, sort_date, new=row is None)
    record_days.put(conn, kind, view)
    if kind == "testimony" and (row is not None or "sealed" in rec):
        sealing.note_unopened(conn, rec["id"], "sealed" in rec and view is rec)
    if row is None or row[3] != status:
        record_counts.change(conn, Counter({(kind, status): 1}) if row is None
                             else Counter({(kind, row[3]): -1, (kind, status): 1}))
    if identity_changed:
        changed = sorted({*changed, "identity"})
        _put_identity(conn, rec["id"], identity, at)
    conn.execute(
        "INSERT INTO revisions (record_id, revision, at, author, action, changed, data) "
        "VALUES (?,?,?,?,?,?,?)",
        (rec["id"], revision, at, author, action, json.dumps(changed), data))
    anchor.stage(conn, rec["id"], revision, data)
    if not new:
        conn.execute("DELETE FROM links WHERE from_id = ?", (rec["id"],))
    conn.executemany("INSERT OR IGNORE INTO links (from_id, to_id, role) VALUES (?,?,?)",
                     [(rec["id"], target, role)
                      for role, target, _k in interchange.references(kind, view)])
    _index(conn, rowid, rec["id"], kind, view)
    return "added" if revision == 1 else "updated"


def _identity_changed(conn: Connection, person_id: PersonId,
                      identity: dict[str, Any] | None) -> bool:
    row = conn.execute("SELECT data FROM identities WHERE person_id = ?", (person_id,)).fetchone()
    old = row[0] if row else None
    new = interchange.canonical(identity) if identity is not None else None
    return old != new


def _put_identity(conn: Connection, person_id: PersonId, identity: dict[str, Any] | None,
                  at: str) -> None:
    if identity is None:
        conn.execute("DELETE FROM identities WHERE person_id = ?", (person_id,))
        data = "null"
    else:
        data = interchange.canonical(identity)
        conn.execute("INSERT OR REPLACE INTO identities (person_id, data, public_domain) "
                     "VALUES (?,?,?)", (person_id, data, int(identity["public_domain"])))
    sealing.store_keys(conn, person_id, identity)
    revision = conn.execute("SELECT coalesce(max(revision), 0) + 1 FROM identity_revisions "
                            "WHERE person_id = ?", (person_id,)).fetchone()[0]
    conn.execute("INSERT INTO identity_revisions (person_id, revision, at, data) "
                 "VALUES (?,?,?,?)", (person_id, revision, at, data))
    anchor.stage(conn, anchor.IDENTITY + person_id, revision, data)


def _unique_code(conn: Connection) -> str:
    while True:
        code = pseudonym.new_code()
        if not conn.execute("SELECT 1 FROM records WHERE code = ?", (code,)).fetchone():
            return code


def resolve(conn: Connection, ref: str) -> RecordId:
    """A full id, an unambiguous id prefix (8+ characters) or a pseudonym code -> id."""
    ref = ref.strip()
    row = conn.execute("SELECT id FROM records WHERE id = ? OR code = ?",
                       (ref.lower(), ref.upper())).fetchone()
    if row:
        return RecordId(str(row[0]))
    if len(ref) >= 8 and all(c in "0123456789abcdef-" for c in ref.lower()):
        rows = conn.execute("SELECT id FROM records WHERE id >= ? AND id < ? LIMIT 2",
                            (ref.lower(), ref.lower() + "\uffff")).fetchall()
        if len(rows) == 1:
            return RecordId(str(rows[0][0]))
        if len(rows) > 1:
            raise InputError("ambiguous_id", id=ref)
    raise NotFound("not_found", id=safe_ref(ref))


def get(conn: Connection, record_id: RecordId, *, with_identity: bool = True) -> Record:
    row = conn.execute("SELECT id, kind, code, data, revision, created_at, updated_at "
                       "FROM records WHERE id = ?", (record_id,)).fetchone()
    if row is None:
        raise NotFound("not_found", id=safe_ref(record_id))
    data = json.loads(row[3])
    if row[1] == "person" and with_identity:
        ident = conn.execute("SELECT data FROM identities WHERE person_id = ?",
                             (record_id,)).fetchone()
        if ident:
            data["identity"] = json.loads(ident[0])
    return Record(row[0], row[1], row[2], data, row[4], row[5], row[6])


def document(conn: Connection, record_id: RecordId) -> dict[str, Any]:
    """The interchange document holding one record, with read-only facts under meta."""
    rec = get(conn, record_id)
    meta: dict[str, Any] = {"kind": rec.kind, "revision": rec.revision,
                            "created_at": rec.created_at, "updated_at": rec.updated_at}
    if rec.code:
        meta["code"] = rec.code
    files = attachment.list_for(conn, record_id)
    if files:
        meta["attachments"] = [a.as_json() for a in files]
    if rec.kind in ("testimony", "incident"):
        opened = sealing.view(conn, rec.kind, rec.data)
        if opened is not rec.data:  # a coordinator reads the sealed names
            meta["unsealed"] = opened
    return {"format": interchange.FORMAT, "meta": meta,
            interchange.ARRAYS[rec.kind]: [rec.data]}


def testimony_document(conn: Connection, record_id: RecordId) -> dict[str, Any]:
    """A testimony with its witness (identity included) and the incidents citing it:
    what an editor shows and saves back as one document."""
    rec = get(conn, record_id)
    if rec.kind != "testimony":
        raise InputError("not_a_testimony")
    data = sealing.opened(conn, rec.data)  # a coordinator reads what was sealed
    document: dict[str, Any] = {"format": interchange.FORMAT, "testimonies": [data]}
    if "witness" in data:
        document["persons"] = [get(conn, data["witness"]).data]
    incident_ids = [r[0] for r in conn.execute(
        "SELECT l.from_id FROM links l JOIN records i ON i.id = l.from_id WHERE l.to_id = ? "
        "AND l.role = 'reported_by' ORDER BY i.sort_date, i.id", (record_id,))]
    document["incidents"] = [sealing.opened_incident(conn, get(conn, i).data)
                             for i in incident_ids]
    return document


def labels(conn: Connection, kind: str, language: str = "en") -> list[tuple[str, str]]:
    """(id, short label) for pickers: places with their parent, persons by code."""
    out = []
    if kind == "place":
        names = {r[0]: (json.loads(r[1]), r[2]) for r in conn.execute(
            "SELECT id, data, place_id FROM records WHERE kind = 'place'")}
        for pid, (data, parent) in names.items():
            name = data["name"].get(language) or next(iter(data["name"].values()))
            if parent in names:
                pname = names[parent][0]["name"]
                name += " — " + (pname.get(language) or next(iter(pname.values())))
            out.append((pid, name))
    elif kind == "person":
        for pid, code, data in conn.execute(
                "SELECT id, code, data FROM records WHERE kind = 'person' ORDER BY code"):
            from testimony_app import i18n  # words for codes, in the UI language
            from testimony_app.core.records import vocab
            from testimony_app.core.records.words import word

            person = json.loads(data)
            age = person.get("age")
            parts = [i18n.isolate(code), word("sex", person["sex"]),
                     i18n.number(age) if isinstance(age, int)
                     else word("age_group", person.get("age_group", ""))]
            if person.get("occupation"):
                parts.append(vocab.label("occupation", person["occupation"], language))
            out.append((pid, i18n.join((p for p in parts if p), "·")))
    return sorted(out, key=lambda item: item[1])


def list_testimonies(conn: Connection, status: str | None = None, limit: int = 1000,
                     offset: int = 0) -> list[TestimonyRow]:
    sql = ("SELECT r.id, r.title, r.sort_date, r.status, r.data, w.code, r.updated_at, "
           "(SELECT count(*) FROM links l WHERE l.to_id = r.id AND l.role = 'reported_by') "
           "FROM records r LEFT JOIN links wl ON wl.from_id = r.id AND wl.role = 'witness' "
           "LEFT JOIN records w ON w.id = wl.to_id WHERE r.kind = 'testimony'")
    params: list[Any] = []
    if status:
        sql += " AND r.status = ?"
        params.append(status)
    sql += " ORDER BY r.sort_date, r.id LIMIT ? OFFSET ?"
    params += [limit, offset]
    rows = []
    for rid, title, date, st, data, code, updated, incidents in conn.execute(sql, params):
        language = json.loads(data)["interview"]["language"]
        rows.append(TestimonyRow(rid, title or "", date or "", st, language, code, incidents,
                                 updated))
    return rows


def list_records(conn: Connection, kind: str) -> list[Record]:
    ids = [r[0] for r in conn.execute(
        "SELECT id FROM records WHERE kind = ? ORDER BY sort_date, id", (kind,))]
    return [get(conn, i, with_identity=False) for i in ids]


def count(conn: Connection) -> dict[str, int]:
    return {kind: n for kind, n in conn.execute(
        "SELECT kind, count(*) FROM records GROUP BY kind")}


def history(conn: Connection, record_id: RecordId) -> list[Revision]:
    get(conn, record_id, with_identity=False)
    return [Revision(r[0], r[1], r[2], r[3], json.loads(r[4])) for r in conn.execute(
        "SELECT revision, at, author, action, changed FROM revisions WHERE record_id = ? "
        "ORDER BY revision", (record_id,))]


def fts_query(query: str) -> str:
    """User words -> an FTS5 query: every word must occur (prefix match on the last).

    Each term is quoted, so FTS5 syntax in the input (AND, NEAR, *, ") is plain text.
    """
    words = textnorm.normalize_for_search(query).split()
    terms = ['"' + w.replace('"', '""') + '"' for w in words if w.strip('"')]
    if not terms:
        raise InputError("bad_query")
    terms[-1] += "*"
    return " ".join(terms)


# Characters the index's tokenizer (unicode61, remove_diacritics 2) keeps as they
# are, one token: lower-case Latin letters and digits, and the Arabic letters
# without harakat or tatweel. A word of these alone is its own single index term.
_PLAIN_TERM = re.compile(r"[a-z0-9\u0621-\u063a\u0641-\u064a]+")


def match_for(conn: Connection, query: str) -> str:
    """`fts_query(query)`, with the last word's prefix replaced by the one word of
    the index that begins with it, where there is only one (or by the word alone,
    where none does).

    `"x"*` then matches the same tokens as `"a"` (the only term beginning with x):
    the same rows and hits, hence the same bm25 scores, order and snippets. A prefix
    term makes FTS5 merge the doclists of every term it matches, over the whole index
    and again for each use of the query (to rank, to count for bm25, for snippets),
    where a plain term is read lazily, from the rows a query asks for: at 1 000 000
    testimonies, 450 against 60 ms for a prefix that begins one word
    (bench/README.md). The check is one or two seeks in the index's vocabulary.
    """
    match = fts_query(query)
    word = textnorm.normalize_for_search(query).split()[-1]
    if not _PLAIN_TERM.fullmatch(word):
        return match  # the tokenizer may fold or split it: leave the prefix to FTS5
    if is_read_only(conn):
        return match  # a backup opened where it lies: not even a temporary table is made
    known = word.encode()
    first = _term_from(conn, word)
    if first is None or not first.startswith(known):
        return match.removesuffix("*")  # no word begins with x: x alone matches as much
    try:
        found = first.decode()
    except UnicodeDecodeError:
        return match  # a word cut mid-character (FTS5 cuts tokens at 32 KiB): keep x*
    # Terms are in byte order, so the words that begin with x follow one another: the
    # first after the first tells. (No term is a and a NUL: NUL separates words. An
    # upper bound would miss a term of a and U+10FFFF, which the tokenizer keeps.)
    second = _term_from(conn, found + "\x01")
    if second is not None and second.startswith(known):
        return match  # two words or more: only FTS5's prefix matches them as one phrase
    if not _PLAIN_TERM.fullmatch(found):
        return match  # the query's tokenizer could read it otherwise than the index's
    return match[:match.rindex('"' + word)] + '"' + found + '"'


def _term_from(conn: Connection, lowest: str) -> bytes | None:
    """The index's first term at or after `lowest`, in byte order, as its bytes: a term
    need not be UTF-8 (FTS5 cuts a token longer than 32 KiB, mid-character maybe)."""
    # The vocabulary's `instance` table, not `row`: with LIMIT 1 it stops at the
    # term's first occurrence, where `row` reads the term's whole doclist to count
    # its rows (up to 170 ms a seek at 1 000 000 testimonies). An instance is only
    # listed where a row still holds the term, as a row of `row` is.
    conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_instances "
                 "USING fts5vocab(main, search, instance)")
    row = conn.execute("SELECT CAST(term AS BLOB) FROM temp.search_instances "
                       "WHERE term >= ? LIMIT 1", (lowest,)).fetchone()
    return None if row is None else bytes(row[0])


# Matches ranked for one page of results: those among the newest this many records
# (by rowid). Ranking every match made a common word cost ~120 ms at 100 000
# testimonies (bench/README.md). A query whose matches all lie there (every query,
# in a vault of at most this many records) gets exactly the results and order it got
# when every match was ranked, and so does one with fewer than a page of matches
# there: it is ranked over the whole index (tests/core/records/test_search_bounded.py).
SEARCH_WINDOW = 5000


def search(conn: Connection, query: str, limit: int = 50, kind: str | None = None, *,
           window: int = SEARCH_WINDOW) -> list[SearchHit]:
    """The best `limit` matches, best first (bm25; equal scores in index order),
    among the matches in the newest `window` records; over the whole index when
    those are fewer than `limit`.

    In two steps, for speed (bench/README.md): the best rowids by `bm25()` in
    SQLite's own top-N sort, then a snippet, record id and kind for those rows
    only. bm25 scores a row from its own text and the whole index's statistics,
    never from the other matches, so bounding the matches ranked leaves every score
    as it was. `ORDER BY rank` (bm25 too: no other rank function is configured) made
    FTS5 sort every match in a nested query, and a one-step query ordered by
    bm25() would read every match's content to make snippets it then drops.
    """
    match = match_for(conn, query)
    newest = conn.execute("SELECT max(rowid) FROM records").fetchone()[0] or 0
    floor = max(0, newest - window)
    if match.endswith("*"):
        hits = _best_with_snippets(conn, match, limit, kind, floor)
        if hits is not None:
            return hits
    top, titles = _best(conn, match, limit, kind, floor, join=False)
    if floor and len(top) < limit:  # too few in the window: rank every match
        floor = 0
        top, titles = _best(conn, match, limit, kind, floor, join=False)
    if len(titles) < len(top):  # index entries without their record: skip them as a join does
        top, titles = _best(conn, match, limit, kind, floor, join=True)
    if not top:
        return []
    # FTS5 reads a row's content (record id, kind, text) only when a column asks
    # for it: behind the CASE, for the chosen rows alone; the rowid range keeps
    # FTS5 from walking matches outside the chosen ones' span.
    ids = json.dumps(top)
    wanted = set(top)
    found = {row[0]: row[1:] for row in conn.execute(
        "WITH chosen(id) AS (SELECT value FROM json_each(?1)) SELECT rowid, "
        "CASE WHEN rowid IN chosen THEN record_id END, "
        "CASE WHEN rowid IN chosen THEN kind END, "
        "CASE WHEN rowid IN chosen THEN snippet(search, 2, '[', ']', '…', 12) END "
        "FROM search WHERE search MATCH ?2 AND rowid BETWEEN ?3 AND ?4",
        (ids, match, min(top), max(top))) if row[0] in wanted}
    return [SearchHit(found[r][0], found[r][1], titles[r], found[r][2]) for r in top]


def _best_with_snippets(conn: Connection, match: str, limit: int, kind: str | None,
                        floor: int) -> list[SearchHit] | None:
    """`search`'s answer in one statement, for a query whose last word keeps its
    prefix; None where the window holds fewer than `limit` matches or an index entry
    without its record (the two steps answer those).

    FTS5 merges a prefix's doclists at each use, so the two steps made it three
    times (to rank, for bm25's count, for the snippets). Ordered by `rank`, FTS5 ranks
    in a nested query that keeps each row's hits, and the snippets are made from them:
    twice, 30 % less at 1 000 000 testimonies (bench/README.md). Its nested query sorts
    every match it is given, so only the window's (at most `window` rows) are; its
    sort keeps equal scores in index order, as the two steps' `ORDER BY bm25, rowid`
    (tests/core/records/test_search_bounded.py). A plain term is cheaper in two steps:
    its nested rows each carry their hits for nothing."""
    sql = ("SELECT rowid, record_id, kind, snippet(search, 2, '[', ']', '…', 12) FROM search "
           "WHERE search MATCH ? AND rank MATCH 'bm25()' AND rowid > ?")
    params: list[Any] = [match, floor]
    if kind:
        sql += " AND kind = ?"
        params.append(kind)
    sql += " ORDER BY rank LIMIT ?"
    params.append(limit)
    rows = conn.execute(sql, params).fetchall()
    if floor and len(rows) < limit:
        return None  # too few in the window: every match is ranked, in two steps
    titles = dict(conn.execute("SELECT rowid, coalesce(title, '') FROM records "
                               "WHERE rowid IN (SELECT value FROM json_each(?))",
                               (json.dumps([r[0] for r in rows]),))) if rows else {}
    if len(titles) < len(rows):
        return None
    return [SearchHit(record_id, kind_, titles[rowid], snippet)
            for rowid, record_id, kind_, snippet in rows]


def _best(conn: Connection, match: str, limit: int, kind: str | None, floor: int, *, join: bool
          ) -> tuple[list[int], dict[int, str]]:
    """The rowids of the best `limit` matches above rowid `floor`, and the titles of
    their records."""
    sql = "SELECT s.rowid FROM search s "
    if join:
        sql += "JOIN records r ON r.rowid = s.rowid "
    sql += "WHERE search MATCH ?"
    params: list[Any] = [match]
    if floor:
        sql += " AND s.rowid > ?"
        params.append(floor)
    if kind:
        sql += " AND s.kind = ?"
        params.append(kind)
    sql += " ORDER BY bm25(search), s.rowid LIMIT ?"
    params.append(limit)
    top = [row[0] for row in conn.execute(sql, params)]
    titles = dict(conn.execute("SELECT rowid, coalesce(title, '') FROM records "
                               "WHERE rowid IN (SELECT value FROM json_each(?))",
                               (json.dumps(top),))) if top else {}
    return top, titles


def finalise_problems(conn: Connection, record_id: RecordId) -> list[str]:
    """What a testimony still lacks before it may be finalised (field names)."""
    rec = get(conn, record_id, with_identity=False)
    if rec.kind != "testimony":
        raise InputError("not_a_testimony")
    data = rec.data
    if "sealed" in data:  # wholly sealed when it was finalised (core/identity/seal.py)
        return []
    missing = []
    if not data.get("consent", {}).get("recorded_by"):
        missing.append("consent.recorded_by")
    if not data.get("interview", {}).get("date"):
        missing.append("interview.date")
    reported = conn.execute("SELECT count(*) FROM links WHERE to_id = ? AND role = 'reported_by'",
                            (record_id,)).fetchone()[0]
    if not reported and not data.get("no_incident_reason", "").strip():
        missing.append("incidents")
    return missing


def finalise(conn: Connection, record_id: RecordId, author: str, *, sealer: Sealer | None) -> None:
    missing = finalise_problems(conn, record_id)
    if missing:
        raise InputError("finalise_missing", fields=", ".join(missing))
    rec = get(conn, record_id, with_identity=False)
    if rec.data["status"] != "finalised":
        # The status change and the seal commit together: a crash in between must not
        # leave a finalised testimony with its names in plaintext.
        add_document(conn, {"format": interchange.FORMAT,
                            "testimonies": [{**rec.data, "status": "finalised"}]}, author,
                     sealer=sealer)


def delete(conn: Connection, record_id: RecordId, author: str) -> None:
    """Purge a record: its row, revisions, identity, index entry and attachments.

    Refused while other records refer to it. The activity log keeps that it was
    deleted (its id), never what it said.
    """
    rec = get(conn, record_id, with_identity=False)
    with transaction(conn):
        referrers = conn.execute("SELECT count(DISTINCT from_id) FROM links WHERE to_id = ?",
                                 (record_id,)).fetchone()[0]
        if referrers:
            raise InputError("in_use", id=record_id, count=referrers)
        rowid, status = conn.execute("SELECT rowid, status FROM records WHERE id = ?",
                                     (record_id,)).fetchone()
        record_counts.change(conn, Counter({(rec.kind, status): -1}))
        conn.execute("DELETE FROM search WHERE rowid = ?", (rowid,))
        ids = [r[0] for r in conn.execute("SELECT id FROM attachments WHERE record_id = ?",
                                          (record_id,))]
        for att in ids:
            conn.execute("DELETE FROM attachment_chunks WHERE attachment_id = ?", (att,))
            conn.execute("DELETE FROM attachments WHERE id = ?", (att,))
        conn.execute("DELETE FROM identity_revisions WHERE person_id = ?", (record_id,))
        conn.execute("DELETE FROM person_keys WHERE person_id = ?", (record_id,))
        conn.execute("DELETE FROM drafts WHERE record_id = ?", (record_id,))
        conn.execute("DELETE FROM records WHERE id = ?", (record_id,))
        conn.execute("DELETE FROM revisions WHERE record_id = ?", (record_id,))
        conn.execute("DELETE FROM sealed_revision_hashes WHERE record_id = ?", (record_id,))
        # What was sent and confirmed of it: a record made again with this id starts
        # at revision 1 again, and must neither pass for sent nor for received.
        conn.execute("DELETE FROM sent_records WHERE record_id = ?", (record_id,))
        conn.execute("DELETE FROM received_records WHERE record_id = ?", (record_id,))
        anchor.remove(conn, record_id)
        anchor.remove(conn, anchor.IDENTITY + record_id)
        activity.record(conn, author, "delete", record_id, kind=rec.kind, attachments=len(ids))
    # Old pages of the deleted rows stay readable in the WAL (to whoever has the key)
    # until a checkpoint copies the secure-deleted pages back: do it now.
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def search_index_problems(conn: Connection) -> list[str]:
    """The index must hold exactly one entry per record with text, and no orphans."""
    orphans = conn.execute("SELECT count(*) FROM search s LEFT JOIN records r "
                           "ON r.rowid = s.rowid WHERE r.id IS NULL OR r.id != s.record_id"
                           ).fetchone()[0]
    problems = ([ngettext("search index: {count} entry without its record",
                          "search index: {count} entries without their record", orphans
                          ).format(count=number(orphans))] if orphans else [])
    conn.execute("INSERT INTO search (search, rank) VALUES ('integrity-check', 1)")
    return problems


def put_records(conn: Connection, items: list[tuple[str, dict[str, Any]]],
                author: str) -> list[str]:
    """Add or update validated records inside the caller's transaction (bundle import).

    `items` are (kind, record) pairs in dependency order, already checked with
    `interchange.validate`; references are checked here. Returns each outcome.
    """
    stored = _check_references(conn, items, {rec["id"]: kind for kind, rec in items})
    put: set[str] = set()
    outcomes = []
    batch = _batch(conn, author)
    for kind, rec in items:
        outcomes.append(_put(conn, kind, rec, author,
                             new=rec["id"] not in stored and rec["id"] not in put, batch=batch))
        put.add(rec["id"])
    batch.flush()
    return outcomes
