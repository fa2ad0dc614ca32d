"""What finalising a testimony will do, said before it is done; and amending one
that is finalised, with the reason kept in its history.

A finalised testimony is a statement on record: it changes only by amendment, a
new revision that says why it was made.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from testimony_app.core.common.errors import InputError
from testimony_app.core.common.ids import RecordId
from testimony_app.core.records import interchange, store, tables
from testimony_app.core.vault import activity, org
from testimony_app.core.vault.connection import Connection

MAX_REASON = 500


@dataclass(frozen=True)
class Preview:
    """Finalising this testimony, in numbers a person can check."""

    missing: list[str] = field(default_factory=list)  # field names, as finalise_problems
    organisation: str | None = None  # its name, when the vault belongs to one
    coordinator: bool = False  # a coordinator's vault keeps reading what it seals
    identities: int = 0  # identities that will be sealed (witness, victims, tagged)
    public_names: int = 0  # names marked as already public: kept readable
    already_sealed: int = 0
    without_identity: int = 0  # people with no identity recorded
    witness: bool = False  # the witness's identity is among those sealed
    tagged_names: int = 0  # tagged words in the narrative and summary
    whole: bool = False  # the whole testimony is sealed (organisation setting)
    finalised: bool = False  # already finalised


def preview(conn: Connection, testimony_id: RecordId) -> Preview:
    # imported here for start-up time: session imports this module, and seal pulls in
    # duplicates and namematch (bench/README.md)
    from testimony_app.core.identity import seal

    rec = store.get(conn, testimony_id, with_identity=False)
    if rec.kind != "testimony":
        raise InputError("not_a_testimony")
    missing = store.finalise_problems(conn, testimony_id)
    current = org.organisation(conn)
    sealing = current is not None and bool(current.recipients)
    identities = public = already = without = 0
    witness = False
    witness_id = rec.data.get("witness")
    for person_id in seal.persons_of(conn, testimony_id):
        person = store.get(conn, person_id, with_identity=False).data
        stored = tables.identity_text(conn, person_id)
        if "sealed_identity" in person and stored is None:
            already += 1
        elif stored is None:
            without += 1
        elif json.loads(stored).get("public_domain"):
            public += 1
        else:
            identities += 1
            witness = witness or person_id == witness_id
    tags = [t for t in rec.data.get("tags", []) if "sealed" not in t]
    member = current is not None and current.role == org.ROLE_MEMBER
    return Preview(
        missing=missing, organisation=current.name if current else None,
        coordinator=current is not None and current.role == org.ROLE_COORDINATOR,
        identities=identities if sealing else 0, public_names=public,
        already_sealed=already, without_identity=without, witness=witness and sealing,
        tagged_names=len(tags) if sealing and member else 0,
        whole=bool(sealing and member and current is not None
                   and current.settings.get(seal.SETTING_WHOLE) is True),
        finalised=rec.data.get("status") == "finalised")


def amend(conn: Connection, document: dict[str, Any], reason: str, author: str) -> RecordId:
    """Save a changed finalised testimony as a new revision that records `reason`;
    returns the testimony's id. The document is the editor's (testimony, witness,
    incidents); it stays finalised and is sealed again as finalising would."""
    reason = " ".join(reason.split())
    if not reason:
        raise InputError("amend_reason")
    if len(reason) > MAX_REASON:
        raise InputError("amend_reason_long", limit=MAX_REASON)
    testimonies = document.get("testimonies") or []
    if len(testimonies) != 1:
        raise InputError("not_a_testimony")
    testimony = testimonies[0]
    old = store.get(conn, RecordId(str(testimony.get("id", ""))), with_identity=False)
    if old.kind != "testimony":
        raise InputError("not_a_testimony")
    if old.data.get("status") != "finalised":
        raise InputError("not_finalised")
    amendments = list(old.data.get("amendments", []))
    amendments.append({"at": activity.now()[:19] + "Z", "reason": reason})
    changed = {**document, "format": interchange.FORMAT,
               "testimonies": [{**testimony, "status": "finalised",
                                "amendments": amendments}]}
    from testimony_app.core.identity import seal  # for start-up time, as in preview

    store.add_document(conn, changed, author, sealer=seal.seal_changed)
    return old.id
