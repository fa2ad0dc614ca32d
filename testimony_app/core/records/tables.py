"""Plain reads of the tables this package owns (records, links, identities), for the
packages above that need a whole kind or a whole table at once: the SQL stays beside
the schema it reads, and the callers get decoded JSON."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any, cast

from testimony_app.core.common.ids import PersonId, RecordId
from testimony_app.core.vault.connection import Connection


def of_kind(conn: Connection, kind: str) -> list[dict[str, Any]]:
    """Every record of a kind, by date then id."""
    return list(each_of_kind(conn, kind))


def each_of_kind(conn: Connection, kind: str) -> Iterator[dict[str, Any]]:
    """Every record of a kind, by date then id, one at a time: for a pass over a whole
    archive that must not hold it in memory."""
    for (data,) in conn.execute("SELECT data FROM records WHERE kind = ? "
                                "ORDER BY sort_date, id", (kind,)):
        yield json.loads(data)


def in_slices(conn: Connection, kinds: Sequence[str], size: int = 1000
              ) -> Iterator[list[tuple[str, str, str, str | None]]]:
    """Every record of the kinds as (id, kind, data, sort_date), a slice of `size` at a
    time in rowid order: a pass over an archive that neither holds it whole nor reads
    again a row it has just rewritten. (`+kind`: no index on kind, whose order would
    make every slice sort all the matching rows.)"""
    marks = ", ".join("?" * len(kinds))
    last = 0
    while rows := conn.execute(
            f"SELECT rowid, id, kind, data, sort_date FROM records WHERE rowid > ? "  # noqa: S608
            f"AND +kind IN ({marks}) ORDER BY rowid LIMIT ?", (last, *kinds, size)).fetchall():
        last = rows[-1][0]
        yield [(record_id, kind, data, sort_date) for _r, record_id, kind, data, sort_date in rows]


def links_from(conn: Connection, ids: Sequence[str]) -> dict[str, set[tuple[str, str]]]:
    """record id -> its links as (role, target), for those of `ids` that have any."""
    out: dict[str, set[tuple[str, str]]] = {}
    for from_id, to_id, role in conn.execute(
            "SELECT from_id, to_id, role FROM links WHERE from_id IN "
            "(SELECT value FROM json_each(?))", (json.dumps(list(ids)),)):
        out.setdefault(from_id, set()).add((role, to_id))
    return out


def testimony(conn: Connection, testimony_id: RecordId) -> dict[str, Any] | None:
    """A testimony's stored record, or None when the id is not a testimony."""
    row = conn.execute("SELECT data FROM records WHERE id = ? AND kind = 'testimony'",
                       (testimony_id,)).fetchone()
    return None if row is None else dict(json.loads(row[0]))


def finalised_testimonies(
        conn: Connection) -> list[tuple[str, str | None, str | None, dict[str, Any]]]:
    """(id, title, sort date, record) of every finalised testimony, by date then id."""
    return [(r[0], r[1], r[2], json.loads(r[3])) for r in conn.execute(
        "SELECT id, title, sort_date, data FROM records WHERE kind = 'testimony' "
        "AND status = 'finalised' ORDER BY sort_date, id")]


def witnesses(conn: Connection) -> set[str]:
    """Every person who is some testimony's witness."""
    return {r[0] for r in conn.execute("SELECT to_id FROM links WHERE role = 'witness'")}


def identities(conn: Connection) -> dict[str, dict[str, Any]]:
    """Every visible identity, by person id (in the table's order)."""
    return {r[0]: json.loads(r[1]) for r in conn.execute(
        "SELECT person_id, data FROM identities")}


def public_non_witnesses(conn: Connection) -> set[str]:
    """Persons whose names are public and who are nobody's witness."""
    return {r[0] for r in conn.execute(
        "SELECT person_id FROM identities WHERE public_domain = 1 AND person_id NOT IN "
        "(SELECT to_id FROM links WHERE role = 'witness')")}


def public_persons(conn: Connection) -> set[str]:
    """Persons whose names are public."""
    return {r[0] for r in conn.execute("SELECT person_id FROM identities "
                                       "WHERE public_domain = 1")}


def identity(conn: Connection, person_id: PersonId) -> dict[str, Any] | None:
    """A person's visible identity, or None when there is none here (sealed, or none)."""
    row = conn.execute("SELECT data FROM identities WHERE person_id = ?",
                       (person_id,)).fetchone()
    return None if row is None else dict(json.loads(row[0]))


def codes(conn: Connection, kind: str, ids: list[str]) -> dict[str, str]:
    """The pseudonym code of each of these records of a kind (by id)."""
    return dict(conn.execute(
        f"SELECT id, code FROM records WHERE kind = ? AND id IN "  # noqa: S608
        f"({','.join('?' * len(ids))})", [kind, *ids]).fetchall())


def finalised_testimony_ids(conn: Connection) -> list[RecordId]:
    """Every finalised testimony, in the order they were first stored."""
    return [r[0] for r in conn.execute("SELECT id FROM records WHERE kind = 'testimony' "
                                       "AND status = 'finalised' ORDER BY rowid")]


def stored_rows(conn: Connection, ids: Sequence[str]) -> dict[str, tuple[str, str]]:
    """(kind, stored JSON) of each of these records that exists, by id: a few batched
    queries (500 ids each) instead of one per record."""
    out: dict[str, tuple[str, str]] = {}
    for start in range(0, len(ids), 500):
        part = ids[start:start + 500]
        out.update((r[0], (r[1], r[2])) for r in conn.execute(
            f"SELECT id, kind, data FROM records WHERE id IN ({','.join('?' * len(part))})",  # noqa: S608
            part))
    return out


def identity_text(conn: Connection, person_id: str) -> str | None:
    """A person's visible identity as stored (canonical JSON), or None."""
    row = conn.execute("SELECT data FROM identities WHERE person_id = ?",
                       (person_id,)).fetchone()
    return row[0] if row else None


def revision_texts(conn: Connection, record_id: str) -> list[str]:
    """The stored JSON of every revision of a record."""
    return [r[0] for r in conn.execute("SELECT data FROM revisions WHERE record_id = ?",
                                       (record_id,))]


def exists(conn: Connection, record_id: str) -> bool:
    return conn.execute("SELECT 1 FROM records WHERE id = ?", (record_id,)).fetchone() is not None


def kind_and_code(conn: Connection, record_id: str) -> tuple[str, str] | None:
    """(kind, pseudonym code) of a record, or None when there is none."""
    row = conn.execute("SELECT kind, code FROM records WHERE id = ?", (record_id,)).fetchone()
    return None if row is None else (row[0], row[1])


def person_rows(conn: Connection) -> list[tuple[PersonId, str, str, str, str | None]]:
    """(id, code, created at, record JSON, visible identity JSON or None) of every person,
    in the table's order."""
    return [(PersonId(RecordId(r[0])), r[1], r[2], r[3], r[4]) for r in conn.execute(
        "SELECT r.id, r.code, r.created_at, r.data, i.data FROM records r "
        "LEFT JOIN identities i ON i.person_id = r.id WHERE r.kind = 'person'").fetchall()]


def place_parents(conn: Connection) -> list[tuple[str, str | None, str | None]]:
    """(id, parent place id, type) of every place."""
    return [(r[0], r[1], r[2]) for r in conn.execute(
        "SELECT id, place_id, type FROM records WHERE kind = 'place'")]


def victim_places(conn: Connection) -> list[tuple[PersonId, str]]:
    """(person id, place id) for every person a victim of an incident with a place."""
    return [(PersonId(RecordId(r[0])), r[1]) for r in conn.execute(
        "SELECT DISTINCT l.to_id, r.place_id FROM links l JOIN records r "
        "ON r.id = l.from_id WHERE l.role = 'victim' AND r.place_id IS NOT NULL")]


def texts_of_kind(conn: Connection, kind: str) -> list[tuple[str, str]]:
    """(id, stored JSON) of every record of a kind, in the table's order."""
    return [(r[0], r[1]) for r in conn.execute(
        "SELECT id, data FROM records WHERE kind = ?", (kind,))]


def codes_of_kind(conn: Connection, kind: str) -> dict[str, str]:
    """The pseudonym code of every record of a kind, by id."""
    return {r[0]: r[1] for r in conn.execute("SELECT id, code FROM records WHERE kind = ?",
                                             (kind,))}


def persons_by_code(conn: Connection, ids: Sequence[str] | None = None
                    ) -> list[tuple[PersonId, str, str, str | None]]:
    """(id, code, record JSON, visible identity JSON or None) of every person (or those of
    `ids`), by pseudonym code."""
    sql = ("SELECT r.id, r.code, r.data, i.data FROM records r LEFT JOIN identities i "
           "ON i.person_id = r.id WHERE r.kind = 'person'")
    params: list[Any] = []
    if ids is not None:
        sql += " AND r.id IN (SELECT value FROM json_each(?))"
        params.append(json.dumps(list(ids)))
    return cast(list[tuple[PersonId, str, str, str | None]],
                list(conn.execute(sql + " ORDER BY r.code", params)))


def mentions_of_person(conn: Connection,
                       person_id: str) -> list[tuple[RecordId, str, str, str, str, str, str]]:
    """(record id, role, kind, title, date, status, type) of every testimony and incident
    that names a person as witness, tagged or victim, by date then id."""
    return [(RecordId(r[0]), r[1], r[2], r[3], r[4], r[5], r[6]) for r in conn.execute(
        "SELECT l.from_id, l.role, r.kind, coalesce(r.title, ''), coalesce(r.sort_date, ''), "
        "coalesce(r.status, ''), coalesce(r.type, '') FROM links l "
        "JOIN records r ON r.id = l.from_id WHERE l.to_id = ? "
        "AND l.role IN ('witness', 'tagged', 'victim') ORDER BY r.sort_date, r.id",
        (person_id,)).fetchall()]


def testimonies_reporting(conn: Connection,
                          incident_ids: list[str]) -> list[tuple[RecordId, str, str, str]]:
    """(id, title, date, status) of the testimonies that report any of these incidents
    (sorted ids), by date then id."""
    return [(RecordId(r[0]), r[1], r[2], r[3]) for r in conn.execute(
        "SELECT r.id, coalesce(r.title, ''), coalesce(r.sort_date, ''), "
        "coalesce(r.status, '') FROM links l JOIN records r ON r.id = l.to_id "
        "WHERE l.role = 'reported_by' AND l.from_id IN (SELECT value FROM json_each(?)) "
        "ORDER BY r.sort_date, r.id", (json.dumps(incident_ids),))]


def testimonies_of_incident(conn: Connection,
                            incident_id: str) -> list[tuple[RecordId, str, str, str]]:
    """(id, title, date, status) of the testimonies that report an incident, by date."""
    return [(RecordId(r[0]), r[1], r[2], r[3]) for r in conn.execute(
        "SELECT r.id, coalesce(r.title, ''), coalesce(r.sort_date, ''), "
        "coalesce(r.status, '') FROM links l JOIN records r ON r.id = l.to_id "
        "WHERE l.from_id = ? AND l.role = 'reported_by' ORDER BY r.sort_date, r.id",
        (incident_id,))]


def referrers(conn: Connection, record_id: str) -> int:
    """How many records link to this one."""
    return int(conn.execute("SELECT count(DISTINCT from_id) FROM links WHERE to_id = ?",
                            (record_id,)).fetchone()[0])


def history_rows(conn: Connection, record_id: str
                 ) -> list[tuple[int, str, str, str, str, str | None]]:
    """(revision, at, author, action, stored JSON, sealed original hash or None) of every
    revision of a record, oldest first."""
    return [(r[0], r[1], r[2], r[3], r[4], r[5]) for r in conn.execute(
        "SELECT v.revision, v.at, v.author, v.action, v.data, s.sealed FROM revisions v "
        "LEFT JOIN sealed_revision_hashes s ON s.record_id = v.record_id "
        "AND s.revision = v.revision WHERE v.record_id = ? ORDER BY v.revision",
        (record_id,))]


def line_rows(conn: Connection, ids: Sequence[str]) -> dict[str, tuple[str, str, int]]:
    """(kind, stored JSON, revision) of each of these records that exists, by id, in one
    query (the caller keeps `ids` to a batch)."""
    marks = ",".join("?" * len(ids))
    return {r[0]: r[1:] for r in conn.execute(
        f"SELECT id, kind, data, revision FROM records WHERE id IN ({marks})",  # noqa: S608
        ids)}


def histories_of(conn: Connection, ids: Sequence[str]
                 ) -> Iterator[tuple[str, int, str, str, str, str, str | None]]:
    """(record id, revision, at, author, action, stored JSON, sealed original hash or
    None) of every revision of these records, by record then revision, in one query
    (rows as the cursor yields them: a bundle's hot path)."""
    marks = ",".join("?" * len(ids))
    return iter(conn.execute(
        "SELECT v.record_id, v.revision, v.at, v.author, v.action, v.data, s.sealed "  # noqa: S608
        "FROM revisions v LEFT JOIN sealed_revision_hashes s "
        "ON s.record_id = v.record_id AND s.revision = v.revision "
        f"WHERE v.record_id IN ({marks}) ORDER BY v.record_id, v.revision", ids))


def any_record(conn: Connection) -> bool:
    return conn.execute("SELECT 1 FROM records LIMIT 1").fetchone() is not None


def texts_among(conn: Connection, kind: str, ids: Sequence[str], lookups: int
                ) -> list[tuple[Any, ...]]:
    """(id, stored JSON) of the records of a kind among `ids`. More than `lookups` are
    read in one scan of the kind: thousands of lookups by id cost ten times more."""
    if len(ids) > lookups:
        wanted = set(ids)
        return [row for row in conn.execute(
            "SELECT id, data FROM records WHERE kind = ?", (kind,)) if row[0] in wanted]
    out: list[tuple[Any, ...]] = []
    for start in range(0, len(ids), 500):
        part = ids[start:start + 500]
        out += conn.execute("SELECT id, data FROM records WHERE kind = ? AND id IN "  # noqa: S608
                            f"({','.join('?' * len(part))})", (kind, *part)).fetchall()
    return out


def texts_of_kind_by_id(conn: Connection, kind: str) -> list[str]:
    """The stored JSON of every record of a kind, by id."""
    return [r[0] for r in conn.execute("SELECT data FROM records WHERE kind = ? ORDER BY id",
                                       (kind,))]


def existing(conn: Connection, ids: list[str]) -> set[str]:
    """Those of these ids that are records here (one query)."""
    return {r[0] for r in conn.execute(
        "SELECT id FROM records WHERE id IN (SELECT value FROM json_each(?))",
        (json.dumps(ids),))}


def codes_by_id(conn: Connection, ids: list[str]) -> dict[str, str | None]:
    """The pseudonym code (None for a kind without one) of each of these records that
    exists, by id."""
    return {r[0]: r[1] for r in conn.execute(
        "SELECT id, code FROM records WHERE id IN (SELECT value FROM json_each(?))",
        (json.dumps(ids),))}
