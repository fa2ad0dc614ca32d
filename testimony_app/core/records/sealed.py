"""What the store needs of sealing to read and guard sealed records, and the primitives
sealing is made of: match keys (`person_keys`), sealing bytes and hashes to the
organisation's recipients, and opening on the coordinator's vault (a wholly sealed
testimony, a sealed incident's text, tagged names, an attachment's details).

Here, in records, because the store cannot read or write a record without it: a
coordinator reads sealed records opened, a researcher cannot change a record sealed
on their vault, and a person's match keys follow the identity the vault sees. Deciding
what finalising seals, and doing it, is identity/seal.py, which builds on this module.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import re
from collections.abc import Callable, Iterator
from typing import Any

import pyrage
from pyrage import x25519

from testimony_app.core.common import safejson
from testimony_app.core.common.errors import InputError
from testimony_app.core.common.ids import AttachmentId, PersonId, RecordId
from testimony_app.core.records import interchange, narrative_tags, textnorm
from testimony_app.core.vault import org
from testimony_app.core.vault.connection import Connection

log = logging.getLogger(__name__)

# What seals, inside the caller's transaction, the finalised testimonies among the
# records just written (identity/seal.py `seal_changed`): (conn, record ids, author) ->
# whether anything was sealed. The store takes it from the layer above.
Sealer = Callable[[Any, list[RecordId], str], bool]
# What seals a recording finished after its record was sealed (identity/seal.py
# `seal_recording`): (conn, attachment id) -> whether it was sealed.
RecordingSealer = Callable[[Any, AttachmentId], bool]

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


def store_keys(conn: Connection, person_id: PersonId, identity: dict[str, Any] | None) -> None:
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


def keys_by_person(conn: Connection, person_ids: list[PersonId] | None = None
                   ) -> dict[str, set[str]]:
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


def _forget_hashes(conn: Connection, record_ids: list[RecordId]) -> None:
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


def note_unopened(conn: Connection, record_id: str, unopened: bool) -> None:
    """Keep whether a wholly sealed testimony was written without this vault being able
    to open it: what its seal holds (the witness) is then missing from its links, and
    a later version that can open it must still find it (the export's witness rule)."""
    if unopened:
        conn.execute("INSERT OR IGNORE INTO unopened_seals (record_id) VALUES (?)",
                     (record_id,))
    else:
        conn.execute("DELETE FROM unopened_seals WHERE record_id = ?", (record_id,))


def unopened_testimonies(conn: Connection) -> Iterator[dict[str, Any]]:
    """The stored testimonies noted by `note_unopened`, one at a time."""
    for (data,) in conn.execute("SELECT r.data FROM unopened_seals u JOIN records r "
                                "ON r.id = u.record_id WHERE r.kind = 'testimony'"):
        yield json.loads(data)


def closed(conn: Connection, record_id: RecordId) -> bool:
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
