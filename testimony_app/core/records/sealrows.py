"""The rows sealing reads, rewrites and removes in this package's tables (records,
links, identities and their history, revisions under one-time permits, the sealed
hashes of rewritten revisions). `identity/seal.py` decides what is sealed; the SQL on
these tables stays here, beside the schema. None of these commits: sealing runs them
inside its own transaction."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

from testimony_app.core.common.ids import PersonId, RecordId
from testimony_app.core.records.sealed import seal_hash
from testimony_app.core.vault.connection import Connection


def persons_with_identity(conn: Connection) -> list[tuple[str, str, str, str | None]]:
    """(id, code, record JSON, visible identity JSON or None) of every person, by code."""
    return [(r[0], r[1], r[2], r[3]) for r in conn.execute(
        "SELECT r.id, r.code, r.data, i.data FROM records r LEFT JOIN identities i "
        "ON i.person_id = r.id WHERE r.kind = 'person' ORDER BY r.code").fetchall()]


def linked_persons(conn: Connection, testimony_id: str) -> list[PersonId]:
    """The testimony's witness and tagged persons, then the victims of the incidents it
    reports (repeats kept; the caller sorts)."""
    ids = [PersonId(RecordId(r[0])) for r in conn.execute(
        "SELECT to_id FROM links WHERE from_id = ? AND role IN ('witness', 'tagged')",
        (testimony_id,))]
    ids += [PersonId(RecordId(r[0])) for r in conn.execute(
        "SELECT v.to_id FROM links r JOIN links v ON v.from_id = r.from_id "
        "WHERE r.to_id = ? AND r.role = 'reported_by' AND v.role = 'victim'", (testimony_id,))]
    return ids


def drop_identity(conn: Connection, person_id: str) -> None:
    """Remove a person's visible identity and its history (it is sealed now)."""
    conn.execute("DELETE FROM identities WHERE person_id = ?", (person_id,))
    conn.execute("DELETE FROM identity_revisions WHERE person_id = ?", (person_id,))


def drop_person_keys(conn: Connection, person_id: str) -> None:
    conn.execute("DELETE FROM person_keys WHERE person_id = ?", (person_id,))


def earlier_revisions(conn: Connection, record_id: str) -> list[tuple[int, str]]:
    """(revision, data) of every revision before the record's current one, oldest first."""
    current = conn.execute("SELECT revision FROM records WHERE id = ?",
                           (record_id,)).fetchone()[0]
    return [(r[0], r[1]) for r in conn.execute(
        "SELECT revision, data FROM revisions WHERE record_id = ? "
        "AND revision < ? ORDER BY revision", (record_id, current)).fetchall()]


def rewrite_revision(conn: Connection, record_id: str, revision: int, old: str, text: str,
                     recipients: tuple[str, ...]) -> None:
    """Rewrite an earlier revision's data `old` to `text` under a one-time permit (the
    append-only trigger checks it, an AFTER trigger consumes it), keeping the revision's
    original SHA-256 sealed to the organisation at its first rewrite."""
    if not conn.execute("SELECT 1 FROM sealed_revision_hashes WHERE record_id = ? "
                        "AND revision = ?", (record_id, revision)).fetchone():
        conn.execute("INSERT INTO sealed_revision_hashes (record_id, revision, sealed) "
                     "VALUES (?, ?, ?)", (record_id, revision, seal_hash(
                         hashlib.sha256(old.encode("utf-8")).hexdigest(), recipients)))
    conn.execute("INSERT INTO seal_permits (record_id, revision) VALUES (?, ?)",
                 (record_id, revision))
    conn.execute("UPDATE revisions SET data = ? WHERE record_id = ? AND revision = ?",
                 (text, record_id, revision))


def permits_left(conn: Connection) -> int:
    """Permits not consumed by a rewrite (always 0 unless a trigger is missing)."""
    return int(conn.execute("SELECT count(*) FROM seal_permits").fetchone()[0])


def reported_incidents(conn: Connection, testimony_id: str) -> list[RecordId]:
    """The incidents a testimony reports, by id."""
    return [RecordId(r[0]) for r in conn.execute(
        "SELECT DISTINCT from_id FROM links WHERE to_id = ? AND role = 'reported_by' "
        "ORDER BY from_id", (testimony_id,))]


def reporters(conn: Connection, incident_id: str) -> list[str]:
    """The stored records (JSON) of the testimonies that report an incident."""
    return [r[0] for r in conn.execute(
        "SELECT r.data FROM links l JOIN records r ON r.id = l.to_id "
        "WHERE l.from_id = ? AND l.role = 'reported_by'", (incident_id,))]


def finalised_touched(conn: Connection, record_ids: Sequence[str]) -> list[RecordId]:
    """The finalised testimonies among `record_ids` or that they belong to (its
    incidents, its witness, tagged persons and victims), by id."""
    return [RecordId(r[0]) for r in conn.execute(
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
        (json.dumps(sorted(set(record_ids))),)).fetchall()]


def sealed_persons_with_keys(conn: Connection) -> list[PersonId]:
    """Sealed person records that still carry match keys (an earlier version's)."""
    return [PersonId(RecordId(r[0])) for r in conn.execute(
        "SELECT id FROM records WHERE kind = 'person' AND instr(data, '\"sealed_identity\"') > 0 "
        "AND instr(data, '\"match_keys\"') > 0")]


def sealed_record_ids(conn: Connection) -> list[RecordId]:
    """Every record with something sealed in it."""
    return [RecordId(r[0]) for r in conn.execute(
        "SELECT id FROM records WHERE instr(data, '\"sealed') > 0")]
