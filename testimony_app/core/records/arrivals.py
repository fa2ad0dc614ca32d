"""What arrived from other installations, per record: where each version came from
(`provenance`) and the versions that conflicted with this vault's (`conflicts`). Sync
writes them on import, the coordinator's analyses and sealing read or forget them; the
SQL stays here. None of these commits: the caller's transaction holds them."""

from __future__ import annotations

from testimony_app.core.common.ids import BundleId, RecordId
from testimony_app.core.vault.connection import Connection


def forget_conflicts(conn: Connection, record_id: str) -> None:
    """Drop the conflicting versions kept for a record (sealing: they may hold plaintext)."""
    conn.execute("DELETE FROM conflicts WHERE record_id = ?", (record_id,))


def keep_conflict(conn: Connection, record_id: str, kind: str, bundle_id: str,
                  fingerprint: str, data: str, identity: str | None, sha256: str,
                  at: str) -> None:
    """Keep an incoming version that conflicts with this vault's (once per SHA-256)."""
    conn.execute("INSERT OR IGNORE INTO conflicts (record_id, kind, bundle_id, "
                 "fingerprint, data, identity, sha256, at) VALUES (?,?,?,?,?,?,?,?)",
                 (record_id, kind, bundle_id, fingerprint, data, identity, sha256, at))


def note(conn: Connection, rows: list[tuple[str, str, str, str, int, str, str, str, str]]) -> None:
    """Where each record of a bundle came from: (record id, bundle id, fingerprint,
    device id, sequence, outcome, sha256, history JSON, imported at), in one batch."""
    conn.executemany(
        "INSERT OR REPLACE INTO provenance (record_id, bundle_id, fingerprint, device_id, "
        "sequence, outcome, sha256, history, imported_at) VALUES (?,?,?,?,?,?,?,?,?)", rows)


def histories(conn: Connection, record_id: str) -> list[str]:
    """The history (JSON) every arrival of a record listed."""
    return [r[0] for r in conn.execute("SELECT history FROM provenance WHERE "
                                       "record_id = ?", (record_id,))]


def creator(conn: Connection, record_id: str) -> tuple[str, str] | None:
    """(fingerprint, device id) of the bundle that first brought the record here, or None
    when none did (this vault made it)."""
    row = conn.execute(
        "SELECT fingerprint, device_id FROM provenance WHERE record_id = ? "
        "AND outcome = 'added' ORDER BY imported_at, rowid LIMIT 1", (record_id,)).fetchone()
    return None if row is None else (row[0], row[1])


def conflict_rows(conn: Connection) -> list[tuple[int, RecordId, str, str, BundleId, str]]:
    """(id, record id, kind, fingerprint, bundle id, at) of every conflict kept, by id."""
    return [(r[0], RecordId(r[1]), r[2], r[3], BundleId(r[4]), r[5]) for r in conn.execute(
        "SELECT c.id, c.record_id, c.kind, c.fingerprint, c.bundle_id, c.at "
        "FROM conflicts c ORDER BY c.id")]


def arrival_rows(conn: Connection,
                 record_id: str) -> list[tuple[BundleId, str, str, int, str, str]]:
    """(bundle id, fingerprint, device id, sequence, outcome, imported at) of every
    arrival of a record, oldest first."""
    return [(BundleId(r[0]), r[1], r[2], r[3], r[4], r[5]) for r in conn.execute(
        "SELECT p.bundle_id, p.fingerprint, p.device_id, p.sequence, "
        "p.outcome, p.imported_at FROM provenance p "
        "WHERE p.record_id = ? ORDER BY p.imported_at", (record_id,))]


def person_senders(conn: Connection) -> list[tuple[str, str]]:
    """(person id, fingerprint) for every bundle that brought a person record."""
    return [(r[0], r[1]) for r in conn.execute(
        "SELECT DISTINCT p.record_id, p.fingerprint FROM provenance p "
        "JOIN records r ON r.id = p.record_id AND r.kind = 'person'")]


def history(conn: Connection, record_id: str, bundle_id: str) -> str | None:
    """The history (JSON) a record's arrival in one bundle listed, or None."""
    row = conn.execute("SELECT history FROM provenance WHERE record_id = ? AND bundle_id = ?",
                       (record_id, bundle_id)).fetchone()
    return None if row is None else str(row[0])


def arrivals_of(conn: Connection,
                record_id: str) -> list[tuple[BundleId, str, str, int, str, str]]:
    """(bundle id, fingerprint, device id, sequence, outcome, imported at) of every
    arrival of a record, by import time then sequence."""
    return [(BundleId(r[0]), r[1], r[2], r[3], r[4], r[5]) for r in conn.execute(
        "SELECT p.bundle_id, p.fingerprint, p.device_id, p.sequence, p.outcome, "
        "p.imported_at FROM provenance p "
        "WHERE p.record_id = ? ORDER BY p.imported_at, p.sequence", (record_id,))]


def conflict_count(conn: Connection, record_id: str) -> int:
    return int(conn.execute("SELECT count(*) FROM conflicts WHERE record_id = ?",
                            (record_id,)).fetchone()[0])


def histories_in_order(conn: Connection, record_id: str) -> list[str]:
    """The history (JSON) every arrival of a record listed, by import time."""
    return [r[0] for r in conn.execute("SELECT history FROM provenance WHERE record_id = ? "
                                       "ORDER BY imported_at", (record_id,))]


def senders_of(conn: Connection, record_ids: list[str]) -> list[tuple[str, str]]:
    """(record id, fingerprint) of the bundles that carried these records (one batch),
    by import time, each pair once."""
    marks = ",".join("?" * len(record_ids))
    return [(r[0], r[1]) for r in conn.execute(
        "SELECT DISTINCT p.record_id, p.fingerprint FROM provenance p "  # noqa: S608
        f"WHERE p.record_id IN ({marks}) ORDER BY p.imported_at", record_ids)]


def bundles_of(conn: Connection, record_id: str) -> list[tuple[BundleId, int]]:
    """(bundle id, arrival order) of every bundle that carried a record."""
    return [(BundleId(r[0]), r[1]) for r in conn.execute(
        "SELECT bundle_id, rowid FROM provenance WHERE record_id = ?", (record_id,))]
