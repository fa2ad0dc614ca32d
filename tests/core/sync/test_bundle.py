"""Sync bundles between two real vaults: round trip, idempotence, sequence, conflicts,
provenance, receipts and purge."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from testimony_app.core.common.errors import InputError, WrongSecret
from testimony_app.core.common.ids import RecordId
from testimony_app.core.identity import enrolling
from testimony_app.core.session import Session
from testimony_app.core.sync import bundle, receipt
from testimony_app.core.vault import org
from tests.sync_fixtures import Pair

SEEDS = Path(__file__).resolve().parents[3] / "seeds" / "aleppo-2016.json"


def everything(session: Session) -> dict[str, dict[str, object]]:
    """Every record with its identity, and every attachment, by id."""
    out: dict[str, dict[str, object]] = {}
    for kind in ("source", "place", "person", "testimony", "incident", "aggregate"):
        for rec in session.list_records(kind):
            out[rec.id] = session.record(rec.id).data
            for att in session.attachments(rec.id):
                out[att.id] = {"sha256": att.sha256, "size": att.size, "record": rec.id,
                               "filename": att.filename}
    return out


def first_testimony(session: Session) -> RecordId:
    return session.list_testimonies()[0].id


def edit(session: Session, record_id: str, **changes: object) -> None:
    doc = session.show(record_id)
    doc.pop("meta")
    key = next(k for k in doc if k != "format")
    doc[key][0].update(changes)
    session.add_document(doc)


def test_demo_round_trip_with_attachments(pair: Pair, tmp_path: Path) -> None:
    r, c = pair.researcher, pair.coordinator
    r.add_json(SEEDS.read_bytes())
    (tmp_path / "interview.flac").write_bytes(bytes(range(256)) * 9000)
    r.attach(first_testimony(r), tmp_path / "interview.flac")
    exported = bundle.export(r, tmp_path / "b1.age")
    assert exported.sequence == 1 and exported.attachments == 1
    assert exported.path.read_bytes().startswith(b"age-encryption.org/v1\n")
    result = bundle.import_bundle(c, exported.path)
    assert not result.already_imported and result.signer == pair.fingerprint
    assert result.signer_name == "Researcher One" and result.sequence == 1
    assert len(result.added) == exported.records and not result.conflicting
    # The seeds' finalised testimonies were sealed when added (core/identity/seal.py): the
    # researcher keeps sealed identities, which the coordinator opened on import.
    theirs = everything(c)
    unsealed = [k for k, v in theirs.items() if "sealed_identity" in v]
    assert unsealed and all("identity" in theirs[k] for k in unsealed)
    assert {k: {f: x for f, x in v.items() if not (f == "identity" and k in unsealed)}
            for k, v in theirs.items()} == everything(r)
    assert c.check() == []
    # provenance: which researcher, device, bundle, sequence
    prov = bundle.provenance(c.conn, first_testimony(c))
    assert [(p.bundle_id, p.fingerprint, p.sequence, p.outcome) for p in prov] == [
        (exported.bundle_id, pair.fingerprint, 1, "added")]
    assert [e.action for e in c.activity(2)] == ["import", "check"]
    assert r.activity(1)[0].action == "export"


def test_same_bundle_twice_changes_nothing(pair: Pair) -> None:
    r, c = pair.researcher, pair.coordinator
    r.add_json(SEEDS.read_bytes())
    path = bundle.export(r, pair.folder / "b.age").path
    bundle.import_bundle(c, path)
    before = (everything(c), len(c.activity()))
    again = bundle.import_bundle(c, path)
    assert again.already_imported and not again.added and not again.updated
    assert (everything(c), len(c.activity())) == before


def test_incremental_export_updates_and_sequence_gaps(pair: Pair) -> None:
    r, c = pair.researcher, pair.coordinator
    r.add_json(SEEDS.read_bytes())
    tid = first_testimony(r)
    b1 = bundle.export(r, pair.folder / "1.age")
    with pytest.raises(InputError) as info:
        bundle.export(r, pair.folder / "nothing.age")
    assert info.value.code == "nothing_to_export"
    assert not (pair.folder / "nothing.age").exists()
    edit(r, tid, title="second version")
    b2 = bundle.export(r, pair.folder / "2.age")
    assert (b2.sequence, b2.records, b2.attachments) == (2, 1, 0)
    edit(r, tid, title="third version")
    b3 = bundle.export(r, pair.folder / "3.age")
    assert bundle.import_bundle(c, b1.path).missing_sequences == []
    third = bundle.import_bundle(c, b3.path)
    assert third.updated == [tid] and third.missing_sequences == [2]
    assert bundle.gaps(c.conn) == [(pair.fingerprint, "Researcher One", 2)]
    # the late bundle 2 is older than what the coordinator holds: nothing changes
    second = bundle.import_bundle(c, b2.path)
    assert second.unchanged == [tid] and not second.conflicting
    assert second.missing_sequences == []
    assert c.record(tid).data["title"] == "third version"
    # --all sends everything again; all unchanged
    again = bundle.import_bundle(c, bundle.export(r, pair.folder / "4.age", everything=True).path)
    assert not again.added and not again.updated and len(again.unchanged) == b1.records


def test_edits_on_both_sides_keep_both_versions(pair: Pair) -> None:
    r, c = pair.researcher, pair.coordinator
    r.add_json(SEEDS.read_bytes())
    tid = first_testimony(r)
    bundle.import_bundle(c, bundle.export(r, pair.folder / "1.age").path)
    edit(c, tid, title="the coordinator's correction")
    edit(r, tid, title="the researcher's correction")
    result = bundle.import_bundle(c, bundle.export(r, pair.folder / "2.age").path)
    assert result.conflicting == [tid]
    assert c.record(tid).data["title"] == "the coordinator's correction"
    conflicts = bundle.conflicts(c.conn)
    assert [(x.record_id, x.fingerprint) for x in conflicts] == [(tid, pair.fingerprint)]
    kept = c.conn.execute("SELECT data FROM conflicts").fetchone()[0]
    assert json.loads(kept)["title"] == "the researcher's correction"


def test_receipt_then_purge_keeps_what_changed(pair: Pair) -> None:
    r, c = pair.researcher, pair.coordinator
    r.add_json(SEEDS.read_bytes())
    exported = bundle.export(r, pair.folder / "1.age")
    bundle.import_bundle(c, exported.path)
    receipt.write(c, exported.bundle_id, pair.folder / "1.receipt")
    # a record changed after the bundle left stays on the laptop
    tid = first_testimony(r)
    edit(r, tid, title="changed after sending")
    accepted = receipt.accept(r, pair.folder / "1.receipt")
    # confirmed: what is still as it was sent
    assert (accepted.sequence, accepted.records) == (1, exported.records - 1)
    purged = receipt.purge_received(r)
    assert purged.records > 0
    left = {rec.id for kind in ("testimony", "incident", "person", "place", "source",
                                "aggregate") for rec in r.list_records(kind)}
    assert tid in left
    assert len(left) < exported.records
    assert r.check() == []


def test_receipt_for_someone_else_is_refused(pair: Pair) -> None:
    r, c = pair.researcher, pair.coordinator
    r.add_json(SEEDS.read_bytes())
    exported = bundle.export(r, pair.folder / "1.age")
    bundle.import_bundle(c, exported.path)
    receipt.write(c, exported.bundle_id, pair.folder / "1.receipt")
    data = bytearray((pair.folder / "1.receipt").read_bytes())
    data[-5] ^= 1
    (pair.folder / "bad.receipt").write_bytes(bytes(data))
    with pytest.raises(bundle.Refused) as info:
        receipt.accept(r, pair.folder / "bad.receipt")
    assert info.value.code == "receipt_invalid"
    with pytest.raises(bundle.Refused):
        receipt.accept(c, pair.folder / "1.receipt")  # not encrypted to the coordinator


def test_export_refuses_a_vault_not_enrolled(session: Session, tmp_path: Path) -> None:
    session.add_json(SEEDS.read_bytes())
    with pytest.raises(InputError) as info:
        bundle.export(session, tmp_path / "b.age")
    assert info.value.code == "not_enrolled"
    assert list(tmp_path.iterdir()) == [tmp_path / "vault"]


def test_fingerprints_words_and_trust(pair: Pair) -> None:
    me = org.whoami(pair.researcher.conn)
    assert len(me.fingerprint) == 39 and me.fingerprint.count("-") == 7
    assert len(me.words.split()) == 8
    assert len(set(org.WORDS)) == 256
    sloppy = me.fingerprint.lower().replace("-", " ").replace("1", "l")
    assert org.normalise_fingerprint(sloppy) == me.fingerprint
    with pytest.raises(InputError):
        org.normalise_fingerprint("not a fingerprint")
    c = pair.coordinator.conn
    assert [p.trusted for p in org.people(c)] == [True]
    org.untrust(c, me.fingerprint, "test")
    assert [p.trusted for p in org.people(c)] == [False]


def test_enrolment_code_must_match(pair: Pair) -> None:
    c = pair.coordinator
    code = org.write_enrolment(c.conn, pair.folder / "e.age", c.author)
    wrong = org.new_enrolment_code()
    with pytest.raises(WrongSecret) as info:
        org.read_enrolment(pair.folder / "e.age", wrong)
    assert info.value.code == "enrolment_code_wrong"
    enrolment = org.read_enrolment(pair.folder / "e.age", code.lower().replace("-", " "))
    assert enrolment.name == "Test Organisation"
    with pytest.raises(InputError) as exists:
        enrolling.apply_enrolment(c.conn, enrolment, c.author)  # a coordinator cannot enrol
    assert exists.value.code == "org_exists"


def test_second_recipient_and_exported_key_open_bundles(pair: Pair) -> None:
    import pyrage
    from pyrage import x25519

    escrow = x25519.Identity.generate()
    c = pair.coordinator
    org.add_recipient(c.conn, str(escrow.to_public()), c.author)
    code = org.write_enrolment(c.conn, pair.folder / "e2.age", c.author)
    r = pair.researcher
    enrolling.apply_enrolment(r.conn, org.read_enrolment(pair.folder / "e2.age", code), r.author)
    r.add_json(SEEDS.read_bytes())
    path = bundle.export(r, pair.folder / "b.age").path
    plain = pyrage.decrypt(path.read_bytes(), [escrow])
    assert plain[257:262] == b"ustar"  # a tar stream
    bundle.import_bundle(c, path)
    org.export_identity(c.conn, pair.folder / "org-key.age", "a recovery passphrase", c.author)
    text = pyrage.passphrase.decrypt((pair.folder / "org-key.age").read_bytes(),
                                     "a recovery passphrase").decode()
    identity = x25519.Identity.from_str(text.strip().splitlines()[-1])
    assert pyrage.decrypt(path.read_bytes(), [identity]) == plain
