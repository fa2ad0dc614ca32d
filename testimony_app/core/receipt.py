"""Receipts: the coordinator's signed word that a bundle arrived, and what it held.

The coordinator writes one after an import: the bundle id and sequence, and the
id and SHA-256 of every record and attachment received (never content), signed
with the organisation's Ed25519 key and encrypted (age) to the researcher's own
recipient, so only that laptop can read it. The researcher's vault checks it and
marks those records as safely received; `purge_received` then removes from the
laptop every record that has not changed since (data minimisation: less to lose
if the laptop is seized).
"""

from __future__ import annotations

import base64
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyrage
from pyrage import x25519

from testimony_app.core import audit, loghead, org, outfile, safejson, store
from testimony_app.core.bundle import Refused, content_hash
from testimony_app.core.db import transaction
from testimony_app.core.errors import NotFound

if TYPE_CHECKING:
    from testimony_app.core.session import Session

log = logging.getLogger(__name__)

FORMAT = "testimony-receipt/1"
SIG_CONTEXT = b"testimony-receipt/1 signature\n"
MAX_RECEIPT = 64 * 1024 * 1024


@dataclass(frozen=True)
class Accepted:
    bundle_id: str
    sequence: int
    records: int
    attachments: int


@dataclass(frozen=True)
class Purged:
    records: int
    attachments: int
    kept: int  # received but changed since, or still referred to by records not received


def default_path(bundle_path: Path, sequence: int, folder: Path | None = None) -> Path:
    """Where a receipt goes unless told otherwise: next to its bundle."""
    base = folder if folder is not None else bundle_path.parent
    return base / f"{bundle_path.stem}.receipt-{sequence}.age"


def write(session: Session, bundle_id: str, target: Path) -> None:
    """Write the receipt for an imported bundle (coordinator side)."""
    conn = session.conn
    organisation = org.require_coordinator(conn)
    row = conn.execute("SELECT fingerprint, device_id, sequence, imported_at, summary "
                       "FROM received_bundles WHERE bundle_id = ?", (bundle_id,)).fetchone()
    if row is None:
        raise NotFound("not_found", id=bundle_id[:40])
    summary = json.loads(row[4])
    body = {"format": FORMAT, "organisation": organisation.id, "bundle_id": bundle_id,
            "signer": row[0], "device_id": row[1], "sequence": row[2], "received_at": row[3],
            "records": summary["records"], "attachments": summary["attachments"],
            "settings": organisation.settings}  # the organisation's settings, signed
    head = loghead.for_receipt(conn, bundle_id)  # the sender's log head, signed back
    if head is not None:
        body["log_head"] = head
    body_bytes = safejson.dumps(body)
    signature = org.org_signing_key(conn).sign(SIG_CONTEXT + body_bytes)
    payload = safejson.dumps({"receipt": body,
                              "signature": base64.b64encode(signature).decode("ascii")})
    recipient = x25519.Recipient.from_str(summary["recipient"])
    outfile.write_new(target, pyrage.encrypt(payload, [recipient]))
    with transaction(conn):
        audit.record(conn, session.author, "receipt_written", bundle_id)


def _refused() -> Refused:
    return Refused("receipt_invalid")


def accept(session: Session, path: Path) -> Accepted:
    """Verify a receipt (researcher side) and mark what it lists as safely received."""
    conn = session.conn
    organisation = org.require_org(conn)
    raw = outfile.read_limited(path, MAX_RECEIPT)
    if raw is None:
        raise _refused()
    try:
        payload = pyrage.decrypt(raw, [org.age_identity(conn)])
    except Exception:  # pyrage: not age, not for us, damaged
        raise _refused() from None
    try:
        outer = safejson.loads(payload)
        body = outer["receipt"]
        signature = base64.b64decode(outer["signature"], validate=True)
        body_bytes = safejson.dumps(body)
    except (ValueError, KeyError, TypeError):
        raise _refused() from None
    if not org.verify_org_signature(organisation, SIG_CONTEXT + body_bytes, signature):
        raise _refused()
    me = org.whoami(conn)
    try:
        if (body["format"] != FORMAT or body["organisation"] != organisation.id
                or body["signer"] != me.fingerprint):
            raise ValueError("not ours")
        bundle_id = str(body["bundle_id"])
        sent = conn.execute("SELECT sequence FROM sent_bundles WHERE bundle_id = ?",
                            (bundle_id,)).fetchone()
        if sent is None:
            raise ValueError("unknown bundle")
        records = [(str(r["id"]), str(r["sha256"])) for r in body["records"]]
        attachments = [(str(a["id"]), str(a["sha256"])) for a in body["attachments"]]
    except (ValueError, KeyError, TypeError):
        raise _refused() from None
    at = audit.now()
    records, attachments = _not_of_sealed_versions(conn, records, attachments)
    with transaction(conn):
        if "log_head" in body:
            try:
                loghead.keep_confirmed(conn, bundle_id, body["log_head"], at)
            except (ValueError, TypeError):
                raise _refused() from None
        conn.executemany("INSERT OR REPLACE INTO received_records (record_id, sha256, sequence, "
                         "at) VALUES (?,?,?,?)", [(i, h, sent[0], at) for i, h in records])
        conn.executemany("INSERT OR REPLACE INTO received_attachments (attachment_id, sha256, "
                         "sequence, at) VALUES (?,?,?,?)",
                         [(i, h, sent[0], at) for i, h in attachments])
        conn.execute("UPDATE sent_bundles SET receipt_at = ? WHERE bundle_id = ?",
                     (at, bundle_id))
        if "settings" in body:
            org.apply_settings(conn, body["settings"], session.author)
        audit.record(conn, session.author, "receipt_accepted", bundle_id,
                     records=len(records), attachments=len(attachments))
    return Accepted(bundle_id, int(sent[0]), len(records), len(attachments))


def _not_of_sealed_versions(conn: Any, records: list[tuple[str, str]],
                            attachments: list[tuple[str, str]]
                            ) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The confirmations to keep: none of a version sealed since it was sent. A
    receipt that arrives after finalising lists the hashes of the plaintext
    versions; kept beside the sealed ones, they would confirm a guessed name
    (SECURITY.md). Such a record is unconfirmed until its next receipt anyway."""
    sealed: dict[str, str] = {}
    ids = [i for i, _h in records]
    for start in range(0, len(ids), 500):
        part = ids[start:start + 500]
        for (record_id,) in conn.execute(
                f"SELECT id FROM records WHERE id IN ({','.join('?' * len(part))}) "  # noqa: S608
                "AND instr(data, '\"sealed') > 0", part):
            sealed[record_id] = content_hash(store.get(conn, record_id).data)
    kept = [(i, h) for i, h in records if i not in sealed or sealed[i] == h]
    current = dict(conn.execute("SELECT id, sha256 FROM attachments").fetchall()) \
        if attachments else {}
    kept_files = [(i, h) for i, h in attachments if current.get(i, h) == h]
    return kept, kept_files


def _purgeable(conn: Any) -> set[str]:
    """Records the coordinator confirmed, unchanged since, with every attachment confirmed."""
    result = set()
    for record_id, sha in conn.execute("SELECT r.id, rr.sha256 FROM records r JOIN "
                                       "received_records rr ON rr.record_id = r.id").fetchall():
        if content_hash(store.get(conn, record_id).data) != sha:
            continue
        unconfirmed = conn.execute(
            "SELECT count(*) FROM attachments a LEFT JOIN received_attachments ra "
            "ON ra.attachment_id = a.id AND ra.sha256 = a.sha256 "
            "WHERE a.record_id = ? AND ra.attachment_id IS NULL", (record_id,)).fetchone()[0]
        if not unconfirmed:
            result.add(record_id)
    return result


def pending_purge(session: Session) -> int:
    return len(_purgeable(session.conn))


def purge_received(session: Session) -> Purged:
    """Delete every record the coordinator confirmed and that has not changed since.

    Records still referred to by a record that stays (not received, or changed)
    stay too. Deletion is the store's: rows, revisions, identity, index, chunks.
    """
    conn = session.conn
    org.require_org(conn)
    candidates = _purgeable(conn)
    deleted = attachments = 0
    progress = True
    while progress:
        progress = False
        for record_id in sorted(candidates):
            referrers = conn.execute("SELECT count(DISTINCT from_id) FROM links WHERE to_id = ?",
                                     (record_id,)).fetchone()[0]
            if referrers:
                continue
            attachments += conn.execute("SELECT count(*) FROM attachments WHERE record_id = ?",
                                        (record_id,)).fetchone()[0]
            store.delete(conn, record_id, session.author)
            candidates.discard(record_id)
            deleted += 1
            progress = True
    with transaction(conn):
        conn.execute("DELETE FROM received_records WHERE record_id NOT IN "
                     "(SELECT id FROM records)")
        audit.record(conn, session.author, "purge_received", None, records=deleted,
                     attachments=attachments, kept=len(candidates))
    log.info("purged %d received records", deleted)
    return Purged(deleted, attachments, len(candidates))
