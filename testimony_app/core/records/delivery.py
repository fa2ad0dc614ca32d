"""What this vault sent of its records and attachments, and what the coordinator
confirmed it received (`sent_records`, `sent_attachments`, `received_records`,
`received_attachments`): sync writes and reads them through these functions, the store
and sealing keep them right when a record changes. None of these commits."""

from __future__ import annotations

from testimony_app.core.common.ids import AttachmentId, RecordId
from testimony_app.core.vault.connection import Connection


def confirm(conn: Connection, records: list[tuple[str, str, int, str]],
            attachments: list[tuple[str, str, int, str]]) -> None:
    """Note what a receipt confirms: (id, SHA-256, bundle sequence, at) per record and
    per attachment, in two batches."""
    conn.executemany("INSERT OR REPLACE INTO received_records (record_id, sha256, sequence, "
                     "at) VALUES (?,?,?,?)", records)
    conn.executemany("INSERT OR REPLACE INTO received_attachments (attachment_id, sha256, "
                     "sequence, at) VALUES (?,?,?,?)", attachments)


def sent_current_revision(conn: Connection, record_id: str) -> int | None:
    """The record's current revision when this vault sent it (or a later one), else None."""
    row = conn.execute("SELECT r.revision FROM records r JOIN sent_records s "
                       "ON s.record_id = r.id WHERE r.id = ? AND s.revision >= r.revision",
                       (record_id,)).fetchone()
    return None if row is None else int(row[0])


def sent_attachment_hash(conn: Connection, att_id: str) -> str | None:
    """The SHA-256 of an attachment this vault sent, or None when it did not send it."""
    row = conn.execute("SELECT a.sha256 FROM attachments a JOIN sent_attachments s "
                       "ON s.attachment_id = a.id WHERE a.id = ?", (att_id,)).fetchone()
    return None if row is None else str(row[0])


def attachment_hashes(conn: Connection) -> dict[str, str]:
    """The SHA-256 of every attachment, by id."""
    return dict(conn.execute("SELECT id, sha256 FROM attachments").fetchall())


def received(conn: Connection) -> list[tuple[RecordId, str]]:
    """(record id, SHA-256 confirmed) of every record the coordinator confirmed."""
    return [(RecordId(r[0]), r[1]) for r in conn.execute(
        "SELECT r.id, rr.sha256 FROM records r JOIN "
        "received_records rr ON rr.record_id = r.id").fetchall()]


def unconfirmed_attachments(conn: Connection, record_id: str) -> int:
    """How many of a record's attachments the coordinator has not confirmed as they are."""
    return int(conn.execute(
        "SELECT count(*) FROM attachments a LEFT JOIN received_attachments ra "
        "ON ra.attachment_id = a.id AND ra.sha256 = a.sha256 "
        "WHERE a.record_id = ? AND ra.attachment_id IS NULL", (record_id,)).fetchone()[0])


def forget_deleted(conn: Connection) -> None:
    """Drop the confirmations of records no longer here."""
    conn.execute("DELETE FROM received_records WHERE record_id NOT IN "
                 "(SELECT id FROM records)")


def unsent(conn: Connection, everything: bool) -> list[tuple[RecordId, int]]:
    """(id, revision) of every record not sent at its current revision (or, with
    `everything`, of every record), in the order they were first stored."""
    if everything:
        rows = conn.execute("SELECT id, revision FROM records ORDER BY rowid").fetchall()
    else:
        rows = conn.execute(
            "SELECT r.id, r.revision FROM records r LEFT JOIN sent_records s "
            "ON s.record_id = r.id WHERE s.record_id IS NULL OR s.revision < r.revision "
            "ORDER BY r.rowid").fetchall()
    return [(RecordId(r[0]), r[1]) for r in rows]


def unsent_attachment_ids(conn: Connection, everything: bool) -> list[AttachmentId]:
    """Every complete attachment not sent yet (or every one), oldest first."""
    return [AttachmentId(r[0]) for r in conn.execute(
        "SELECT a.id FROM attachments a WHERE a.complete = 1 AND (? OR NOT EXISTS "
        "(SELECT 1 FROM sent_attachments s WHERE s.attachment_id = a.id)) "
        "ORDER BY a.created_at, a.id", (int(everything),)).fetchall()]


def unsent_by_kind(conn: Connection, everything: bool) -> dict[str, int]:
    """How many records of each kind `unsent` would list."""
    return {str(k): int(n) for k, n in conn.execute(
        "SELECT r.kind, count(*) FROM records r LEFT JOIN sent_records s "
        "ON s.record_id = r.id WHERE ? OR s.record_id IS NULL OR s.revision < r.revision "
        "GROUP BY r.kind", (int(everything),))}


def unsent_attachment_size(conn: Connection, everything: bool) -> tuple[int, int]:
    """(count, total bytes) of the attachments `unsent_attachment_ids` would list."""
    count, size = conn.execute(
        "SELECT count(*), coalesce(sum(a.size), 0) FROM attachments a WHERE a.complete = 1 "
        "AND (? OR NOT EXISTS (SELECT 1 FROM sent_attachments s "
        "WHERE s.attachment_id = a.id))", (int(everything),)).fetchone()
    return int(count), int(size)


def mark_sent(conn: Connection, records: list[tuple[str, int, int]],
              attachments: list[tuple[str, int]]) -> None:
    """Note what a bundle carried: (record id, revision, bundle sequence) and
    (attachment id, bundle sequence), in two batches. What was sent is known by
    revision; no hash of it is kept (it would outlive a sealing that forgot it)."""
    conn.executemany("INSERT OR REPLACE INTO sent_records (record_id, revision, sha256, "
                     "sequence) VALUES (?, ?, '', ?)", records)
    conn.executemany("INSERT OR REPLACE INTO sent_attachments (attachment_id, sequence) "
                     "VALUES (?, ?)", attachments)
