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
from typing import Any

import pyrage
from pyrage import x25519

from testimony_app.core import interchange, org, textnorm
from testimony_app.core.db import transaction

log = logging.getLogger(__name__)

SEAL_FORMAT = "age"


def names_of(identity: dict[str, Any]) -> list[str]:
    names = [str(n) for n in identity.get("name", {}).values()]
    names += [str(a) for a in identity.get("aliases", [])]
    return [n for n in names if n.strip()]


def match_keys(key: bytes, identity: dict[str, Any]) -> list[str]:
    """One key per distinct normalised name (every script and alias)."""
    normalised = {textnorm.normalize_name(n) for n in names_of(identity)}
    return sorted(hmac.new(key, b"testimony-match-v1\0" + n.encode("utf-8"),
                           hashlib.sha256).hexdigest() for n in normalised if n)


def seal_identity(identity: dict[str, Any], recipients: tuple[str, ...]) -> dict[str, Any]:
    plaintext = interchange.canonical(identity).encode("utf-8")
    sealed = pyrage.encrypt(plaintext, [x25519.Recipient.from_str(r) for r in recipients])
    return {"format": SEAL_FORMAT, "data": base64.b64encode(sealed).decode("ascii"),
            "recipients": sorted(org.recipient_fingerprint(r) for r in recipients)}


def try_unseal(conn: Any, sealed: dict[str, Any]) -> dict[str, Any] | None:
    """The identity, if this vault holds the organisation's identity; else None."""
    current = org.organisation(conn)
    if current is None or current.role != org.ROLE_COORDINATOR:
        return None
    try:
        data = pyrage.decrypt(base64.b64decode(sealed["data"], validate=True),
                              [org.org_identity(conn)])
        identity = json.loads(data.decode("utf-8"))
        interchange.validate({"format": interchange.FORMAT, "persons": [
            {"id": "00000000-0000-4000-8000-000000000000", "sex": "unknown",
             "identity": identity}]})
    except Exception:  # noqa: BLE001 - a seal we cannot open stays sealed
        log.warning("a sealed identity could not be opened")
        return None
    result: dict[str, Any] = identity
    return result


def people(conn: Any) -> list[dict[str, Any]]:
    """Every person: pseudonym code, attributes, whether the name is public, the
    identity where this vault may see it, and possible duplicates (same match key)."""
    rows = conn.execute(
        "SELECT r.id, r.code, r.data, i.data FROM records r LEFT JOIN identities i "
        "ON i.person_id = r.id WHERE r.kind = 'person' ORDER BY r.code").fetchall()
    by_key: dict[str, list[str]] = {}
    out = []
    for person_id, code, data, identity in rows:
        record = json.loads(data)
        ident = json.loads(identity) if identity else None
        for key in record.get("match_keys", []):
            by_key.setdefault(key, []).append(code)
        out.append({
            "id": person_id, "code": code, "sex": record["sex"],
            **{k: record[k] for k in ("age", "age_group", "occupation") if k in record},
            "public_domain": bool(ident and ident.get("public_domain")),
            "sealed": "sealed_identity" in record,
            "identity": ident, "match_keys": record.get("match_keys", [])})
    for person in out:
        same = {c for key in person["match_keys"] for c in by_key.get(key, [])}
        person["possible_duplicates"] = sorted(same - {person["code"]})
        del person["match_keys"]
    return out


def persons_of(conn: Any, testimony_id: str) -> list[str]:
    """The witness and the individual victims of the incidents the testimony reports."""
    ids = [r[0] for r in conn.execute(
        "SELECT to_id FROM links WHERE from_id = ? AND role = 'witness'", (testimony_id,))]
    ids += [r[0] for r in conn.execute(
        "SELECT v.to_id FROM links r JOIN links v ON v.from_id = r.from_id "
        "WHERE r.to_id = ? AND r.role = 'reported_by' AND v.role = 'victim'", (testimony_id,))]
    return sorted(set(ids))


def seal_testimony(conn: Any, testimony_id: str, author: str) -> int:
    """Seal the identities a finalised testimony concerns; returns how many were sealed.

    Does nothing on a vault that belongs to no organisation (there is no one to
    seal to) and for names already in the public domain. Idempotent.
    """
    from testimony_app.core import audit, store

    current = org.organisation(conn)
    if current is None or not current.recipients:
        return 0
    key = org.matching_key(conn)
    sealed = 0
    with transaction(conn):
        for person_id in persons_of(conn, testimony_id):
            row = conn.execute("SELECT data FROM identities WHERE person_id = ?",
                               (person_id,)).fetchone()
            if row is None:
                continue
            identity = json.loads(row[0])
            record = store.get(conn, person_id, with_identity=False).data
            record["match_keys"] = match_keys(key, identity)
            if identity.get("public_domain"):
                if record != store.get(conn, person_id, with_identity=False).data:
                    store.put_records(conn, [("person", {**record, "identity": identity})],
                                      author)
                continue
            record["sealed_identity"] = seal_identity(identity, current.recipients)
            # Remove every plaintext copy first, then record the sealed person.
            conn.execute("DELETE FROM identities WHERE person_id = ?", (person_id,))
            conn.execute("DELETE FROM identity_revisions WHERE person_id = ?", (person_id,))
            store.put_records(conn, [("person", record)], author)
            sealed += 1
        conn.execute("DELETE FROM drafts WHERE record_id = ?", (testimony_id,))
        if sealed:
            audit.record(conn, author, "sealed", testimony_id, identities=sealed)
    # secure_delete zeroed the freed cells; the checkpoint puts those pages back in
    # the main file and truncates the WAL, which held the old ones.
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return sealed
