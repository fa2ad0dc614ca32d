"""Provenance: which researcher (trusted name, fingerprint), device, bundle and sequence
a record came from, when it was recorded and imported, and its revisions on both sides;
and for a record made in this vault, that it was. Real vaults and real bundles."""

from __future__ import annotations

import json

from testimony_app.core.session import Session
from testimony_app.core.vault import org
from tests.corroboration_fixtures import (  # noqa: F401
    Trio,
    english_account,
    trio,
    trio_template,
)


def test_a_received_record_names_its_researcher_device_bundle_and_times(trio: Trio) -> None:  # noqa: F811
    doc, ids = english_account()
    trio.one.add_document(doc)
    incident_id = ids["english_arrest"]
    recorded = trio.one.history(incident_id)[0]
    first = trio.send(trio.one, "one-1")

    prov = trio.coordinator.provenance(incident_id[:8])
    assert prov.record_id == incident_id and prov.kind == "incident" and not prov.local
    assert (prov.researcher, prov.fingerprint, prov.trusted) == ("Researcher One",
                                                                 trio.fp_one, True)
    assert prov.device_id == org.whoami(trio.one.conn).device_id
    assert (prov.bundle_id, prov.sequence, prov.outcome) == (first.bundle_id, 1, "added")
    assert prov.recorded_at == recorded.at and prov.recorded_by == recorded.author
    assert prov.imported_at is not None and prov.imported_at > prov.recorded_at
    assert [(r.revision, r.at, r.action) for r in prov.origin_revisions] == [
        (1, recorded.at, "created")]
    # in the coordinator's vault, the import wrote revision 1 under the researcher's name
    assert [r.action for r in prov.revisions] == ["created"]
    assert prov.revisions[0].author.startswith("Researcher One (")

    # the researcher edits it and sends again: both bundles are listed, the origin stays
    doc["incidents"][0]["verification"] = "partially_verified"
    trio.one.add_document({"format": "testimony/1", "incidents": [doc["incidents"][0]]})
    second = trio.send(trio.one, "one-2")
    prov = trio.coordinator.provenance(incident_id)
    assert prov.bundle_id == first.bundle_id and prov.sequence == 1
    assert [(a.bundle_id, a.sequence, a.outcome) for a in prov.arrivals] == [
        (first.bundle_id, 1, "added"), (second.bundle_id, 2, "updated")]
    assert all(a.created_at and a.researcher == "Researcher One" for a in prov.arrivals)
    assert prov.last_imported_at == prov.arrivals[-1].imported_at
    assert [r.revision for r in prov.origin_revisions] == [1, 2]
    assert [r.revision for r in prov.revisions] == [1, 2]
    assert prov.conflicts == 0

    # trust withdrawn later: the provenance says so
    org.untrust(trio.coordinator.conn, trio.fp_one, trio.coordinator.author)
    assert trio.coordinator.provenance(incident_id).trusted is False
    # as JSON, plain data
    data = json.loads(json.dumps(trio.coordinator.provenance(incident_id).as_json()))
    assert data["fingerprint"] == trio.fp_one and len(data["arrivals"]) == 2
    assert data["revisions"][0]["action"] == "created"


def test_records_of_two_researchers_are_told_apart(trio: Trio) -> None:  # noqa: F811
    from tests.corroboration_fixtures import arabic_account

    doc_one, ids_one = english_account()
    doc_two, ids_two = arabic_account()
    trio.one.add_document(doc_one)
    trio.two.add_document(doc_two)
    trio.send(trio.one, "one")
    trio.send(trio.two, "two")
    c = trio.coordinator
    one = c.provenance(ids_one["testimony_one"])
    two = c.provenance(ids_two["testimony_two"])
    assert (one.researcher, one.fingerprint) == ("Researcher One", trio.fp_one)
    assert (two.researcher, two.fingerprint) == ("Researcher Two", trio.fp_two)
    assert one.device_id != two.device_id and one.bundle_id != two.bundle_id
    assert two.sequence == 1


def test_a_record_made_here_says_so(session: Session, demo_document: bytes) -> None:
    session.add_json(demo_document)
    tid = session.list_testimonies()[0].id
    prov = session.provenance(tid)
    assert prov.local and prov.researcher is None and prov.bundle_id is None
    assert prov.arrivals == () and prov.origin_revisions == ()
    device = session.conn.execute("SELECT value FROM meta WHERE key = 'device_id'").fetchone()
    assert prov.device_id == device[0]
    assert prov.recorded_by == session.author
    assert prov.recorded_at == session.history(tid)[0].at
    assert prov.imported_at is None
