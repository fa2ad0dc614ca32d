"""Where a record came from: researcher, device, bundle, sequence, when it was
recorded and imported, and its revisions on both sides.

A record received in a sync bundle has one `provenance` row per bundle that
carried it (core/sync/bundle.py writes them on import, with the history of revisions
as the researcher's vault held it). A record made in this vault has none, and
says so (`local`).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from testimony_app.core.common.ids import BundleId, RecordId
from testimony_app.core.records import arrivals as records_arrivals
from testimony_app.core.records import store
from testimony_app.core.sync import last_bundle
from testimony_app.core.vault import loghead, meta, org
from testimony_app.core.vault.connection import Connection


@dataclass(frozen=True)
class Arrival:
    """One bundle that carried the record, and what the import did with it."""

    bundle_id: BundleId
    fingerprint: str
    researcher: str  # the name this vault trusts the fingerprint under ('' if unknown)
    trusted: bool
    device_id: str
    sequence: int
    outcome: str  # added, updated, unchanged, conflicting
    created_at: str  # when the researcher made the bundle
    imported_at: str
    log_warning: str | None = None  # core/vault/loghead.py: the sender's log did not extend


@dataclass(frozen=True)
class OriginRevision:
    """A revision as the researcher's vault recorded it (sent in the bundle)."""

    revision: int
    at: str
    author: str
    action: str


@dataclass(frozen=True)
class Provenance:
    record_id: RecordId
    kind: str
    local: bool  # made in this vault, not received in a bundle
    researcher: str | None
    fingerprint: str | None
    trusted: bool | None
    device_id: str | None
    bundle_id: BundleId | None
    sequence: int | None
    outcome: str | None
    recorded_at: str  # the first revision, where the record was made
    recorded_by: str
    imported_at: str | None  # first import into this vault
    last_imported_at: str | None
    arrivals: tuple[Arrival, ...]
    origin_revisions: tuple[OriginRevision, ...]
    revisions: tuple[store.Revision, ...]  # in this vault
    conflicts: int  # versions from bundles that conflicted with this vault's, kept aside

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


_ORIGIN = ("added",)


def provenance(conn: Connection, record_id: RecordId) -> Provenance:
    """The provenance of one record (NotFound if the vault has no such record)."""
    rec = store.get(conn, record_id, with_identity=False)
    revisions = tuple(store.history(conn, record_id))
    people = {p.fingerprint: p for p in org.people(conn)}
    made, warnings = last_bundle.made_at_by_bundle(conn), loghead.warnings(conn)
    arrivals = tuple(
        Arrival(bundle_id, fp, people[fp].name if fp in people else "",
                fp in people and people[fp].trusted, device_id, int(sequence), outcome,
                made.get(bundle_id) or "", imported_at, warnings.get(bundle_id))
        for bundle_id, fp, device_id, sequence, outcome, imported_at
        in records_arrivals.arrivals_of(conn, record_id))
    conflicts = records_arrivals.conflict_count(conn, record_id)
    origin = next((a for a in arrivals if a.outcome in _ORIGIN), None)
    first_local = revisions[0] if revisions else None
    if origin is None:
        device_id = meta.get(conn, "device_id")
        return Provenance(
            record_id, rec.kind, True, None, None, None, device_id,
            None, None, None, first_local.at if first_local else rec.created_at,
            first_local.author if first_local else "",
            arrivals[0].imported_at if arrivals else None,
            arrivals[-1].imported_at if arrivals else None, arrivals, (), revisions, conflicts)
    history = _origin_history(conn, record_id)
    first = history[0] if history else None
    return Provenance(
        record_id, rec.kind, False, origin.researcher, origin.fingerprint, origin.trusted,
        origin.device_id, origin.bundle_id, origin.sequence, origin.outcome,
        first.at if first else origin.created_at, first.author if first else "",
        origin.imported_at, arrivals[-1].imported_at, arrivals, history, revisions, conflicts)


def _origin_history(conn: Connection, record_id: RecordId) -> tuple[OriginRevision, ...]:
    """The researcher's revisions, merged over every bundle that carried the record."""
    seen: dict[tuple[int, str], OriginRevision] = {}
    for raw in records_arrivals.histories_in_order(conn, record_id):
        try:
            items = json.loads(raw)
        except ValueError:
            continue
        for item in items if isinstance(items, list) else []:
            try:
                rev = OriginRevision(int(item["revision"]), str(item["at"]),
                                     str(item["author"]), str(item["action"]))
            except (KeyError, TypeError, ValueError):
                continue
            seen[(rev.revision, rev.at)] = rev
    return tuple(sorted(seen.values(), key=lambda r: (r.revision, r.at)))


def researchers_of(conn: Connection, record_ids: list[str]) -> dict[str, list[tuple[str, str]]]:
    """record id -> [(fingerprint, name)] of the researchers whose bundles carried it
    (empty for records made in this vault)."""
    out: dict[str, list[tuple[str, str]]] = {}
    names = org.names(conn)
    for start in range(0, len(record_ids), 500):
        part = record_ids[start:start + 500]
        for rid, fp in records_arrivals.senders_of(conn, part):
            name = names.get(fp, "")
            pairs = out.setdefault(rid, [])
            if (fp, name) not in pairs:
                pairs.append((fp, name))
    return out
