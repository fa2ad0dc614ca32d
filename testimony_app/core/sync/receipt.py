"""Receipts: the coordinator's signed word that a bundle arrived, and what it held.

The coordinator writes one after an import: the bundle id and sequence, the id
and the sender's own revision number of every record received, and the id of
every attachment, signed with the organisation's Ed25519 key and encrypted (age)
to the researcher's own recipient, so only that laptop can read it. A receipt
carries no hash of anything received: it sits on the stick beside the vault, and
a hash of a person record sent before finalising would confirm a guessed name
once the identity is sealed (SECURITY.md, "What a receipt reveals").

The researcher's vault checks it and marks as safely received each record whose
current revision is the one the coordinator got (a record changed since stays
unconfirmed); `purge_received` then removes from the laptop every record that has
not changed since (data minimisation: less to lose if the laptop is seized).
A receipt of the earlier format (`testimony-receipt/1`, with hashes) is still
accepted, and the person is told to delete the file.
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

from testimony_app.core.common import outfile, safejson
from testimony_app.core.common.errors import NotFound
from testimony_app.core.common.ids import BundleId, RecordId
from testimony_app.core.records import arrivals, attachment, delivery, store, tables
from testimony_app.core.sync.bundle import Refused, content_hash
from testimony_app.core.vault import activity, loghead, org
from testimony_app.core.vault.connection import Connection
from testimony_app.core.vault.db import transaction
from testimony_app.i18n import N_

if TYPE_CHECKING:
    from testimony_app.core.vault.opened import OpenVault

log = logging.getLogger(__name__)

FORMAT = "testimony-receipt/2"
FORMAT_HASHES = "testimony-receipt/1"  # earlier: a SHA-256 per record; read, never written
SIG_CONTEXT = b"testimony-receipt/1 signature\n"  # unchanged: the body names its format
MAX_RECEIPT = 64 * 1024 * 1024
# Said after accepting a receipt of the earlier format.
HASHES_NOTE = N_("This receipt was made by an earlier version: it lists a fingerprint of "
                 "each record, which can confirm a guessed name once it is sealed. What it "
                 "confirms is now kept in the vault: delete the receipt file.")


@dataclass(frozen=True)
class Accepted:
    bundle_id: BundleId
    sequence: int
    records: int
    attachments: int
    hashes: bool = False  # an earlier format, whose file confirms guessed names: delete it


@dataclass(frozen=True)
class Purged:
    records: int
    attachments: int
    kept: int  # received but changed since, or still referred to by records not received


def default_path(bundle_path: Path, sequence: int, folder: Path | None = None) -> Path:
    """Where a receipt goes unless told otherwise: next to its bundle."""
    base = folder if folder is not None else bundle_path.parent
    return base / f"{bundle_path.stem}.receipt-{sequence}.age"


def write(session: OpenVault, bundle_id: BundleId, target: Path) -> None:
    """Write the receipt for an imported bundle (coordinator side)."""
    conn = session.conn
    organisation = org.require_coordinator(conn)
    row = conn.execute("SELECT fingerprint, device_id, sequence, imported_at, summary "
                       "FROM received_bundles WHERE bundle_id = ?", (bundle_id,)).fetchone()
    if row is None:
        raise NotFound("not_found", id=bundle_id[:40])
    summary = json.loads(row[4])
    records = [{"id": r["id"], "revision": _revision(conn, r, bundle_id)}
               for r in summary["records"]]
    body = {"format": FORMAT, "organisation": organisation.id, "bundle_id": bundle_id,
            "signer": row[0], "device_id": row[1], "sequence": row[2], "received_at": row[3],
            "records": [r for r in records if r["revision"]],
            "attachments": [{"id": a["id"]} for a in summary["attachments"]],
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
        activity.record(conn, session.author, "receipt_written", bundle_id)


def _revision(conn: Connection, item: dict[str, Any], bundle_id: BundleId) -> int:
    """The sender's revision number of a record as it arrived in a bundle. Imports by
    an earlier version did not note it in the summary; the history the bundle
    carried (provenance) ends with it. 0: unknown (the record is not listed)."""
    if isinstance(item.get("revision"), int):
        return int(item["revision"])
    stored = arrivals.history(conn, item["id"], bundle_id)
    history = json.loads(stored) if stored is not None else []
    return int(history[-1]["revision"]) if history else 0


def _refused() -> Refused:
    return Refused("receipt_invalid")


def accept(session: OpenVault, path: Path) -> Accepted:
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
        if (body["format"] not in (FORMAT, FORMAT_HASHES) or body["organisation"] != organisation.id
                or body["signer"] != me.fingerprint):
            raise ValueError("not ours")
        bundle_id = BundleId(str(body["bundle_id"]))
        sent = conn.execute("SELECT sequence FROM sent_bundles WHERE bundle_id = ?",
                            (bundle_id,)).fetchone()
        if sent is None:
            raise ValueError("unknown bundle")
        hashes = body["format"] == FORMAT_HASHES
        if hashes:
            records, attachments = _by_hashes(conn, body["records"], body["attachments"])
        else:
            records, attachments = _by_revisions(conn, body["records"], body["attachments"])
    except (ValueError, KeyError, TypeError):
        raise _refused() from None
    at = activity.now()
    with transaction(conn):
        if "log_head" in body:
            try:
                loghead.keep_confirmed(conn, bundle_id, body["log_head"], at)
            except (ValueError, TypeError):
                raise _refused() from None
        delivery.confirm(conn, [(i, h, sent[0], at) for i, h in records],
                         [(i, h, sent[0], at) for i, h in attachments])
        conn.execute("UPDATE sent_bundles SET receipt_at = ? WHERE bundle_id = ?",
                     (at, bundle_id))
        if "settings" in body:
            org.apply_settings(conn, body["settings"], session.author)
        activity.record(conn, session.author, "receipt_accepted", bundle_id,
                     records=len(records), attachments=len(attachments))
    return Accepted(bundle_id, int(sent[0]), len(records), len(attachments), hashes)


Confirmed = tuple[list[tuple[RecordId, str]], list[tuple[str, str]]]


def _by_revisions(conn: Connection, records: Any, attachments: Any) -> Confirmed:
    """What a receipt confirms, as (id, SHA-256 of this vault's own current version):
    each record whose current revision is the one the coordinator received, and
    that this vault sent (a record deleted since is not sent, so a new one of the
    same id is never confirmed); each attachment sent (attachments never change;
    sealing one moves its confirmation to the ciphertext, attachment.py). The hash
    is computed here, of what the vault holds in the clear anyway, and sealing
    drops it (seal.py)."""
    if not isinstance(records, list) or not isinstance(attachments, list):
        raise ValueError("lists")
    confirmed = []
    for item in records:
        record_id = RecordId(_id(item, {"id", "revision"}))
        revision = item["revision"]
        if not isinstance(revision, int) or isinstance(revision, bool) or revision < 1:
            raise ValueError("revision")
        sent_revision = delivery.sent_current_revision(conn, record_id)
        if sent_revision is not None and sent_revision == revision:
            confirmed.append((record_id, content_hash(store.get(conn, record_id).data)))
    files = []
    for item in attachments:
        att_id = _id(item, {"id"})
        sha = delivery.sent_attachment_hash(conn, att_id)
        if sha is not None:
            files.append((att_id, sha))
    return confirmed, files


def _id(item: Any, fields: set[str]) -> str:
    if not isinstance(item, dict) or set(item) != fields or not isinstance(item["id"], str) \
            or len(item["id"]) > 100:
        raise ValueError("entry")
    return str(item["id"])


def _by_hashes(conn: Connection, records: Any, attachments: Any) -> Confirmed:
    """An earlier receipt (a SHA-256 per record and attachment): confirmed is what
    this vault holds now with the same hash, as before. The receipt's hashes are
    compared, never kept: those of versions sealed since would confirm a guessed
    name beside the seal."""
    if not isinstance(records, list) or not isinstance(attachments, list):
        raise ValueError("lists")
    confirmed = []
    for item in records:
        record_id, sha = RecordId(_id(item, {"id", "sha256"})), item["sha256"]
        if tables.exists(conn, record_id) \
                and content_hash(store.get(conn, record_id).data) == sha:
            confirmed.append((record_id, str(sha)))
    current = delivery.attachment_hashes(conn) if attachments else {}
    files = []
    for item in attachments:
        att_id, sha = _id(item, {"id", "sha256"}), item["sha256"]
        if current.get(att_id) == sha:
            files.append((att_id, str(sha)))
    return confirmed, files


def _purgeable(conn: Connection) -> set[RecordId]:
    """Records the coordinator confirmed, unchanged since, with every attachment confirmed."""
    result = set()
    for record_id, sha in delivery.received(conn):
        if content_hash(store.get(conn, record_id).data) != sha:
            continue
        unconfirmed = delivery.unconfirmed_attachments(conn, record_id)
        if not unconfirmed:
            result.add(record_id)
    return result


def pending_purge(session: OpenVault) -> int:
    return len(_purgeable(session.conn))


def purge_received(session: OpenVault) -> Purged:
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
            referrers = tables.referrers(conn, record_id)
            if referrers:
                continue
            attachments += attachment.count_for(conn, record_id)
            store.delete(conn, record_id, session.author)
            candidates.discard(record_id)
            deleted += 1
            progress = True
    with transaction(conn):
        delivery.forget_deleted(conn)
        activity.record(conn, session.author, "purge_received", None, records=deleted,
                     attachments=attachments, kept=len(candidates))
    log.info("purged %d received records", deleted)
    return Purged(deleted, attachments, len(candidates))
