"""A receipt sits on the USB stick beside the vault: with the vault's key (forced
unlock) it opens. It must not let anyone confirm a guessed identity that was sealed
after the bundle it confirms was sent."""

from __future__ import annotations

import base64
import copy
import json
import re
from pathlib import Path
from typing import Any

import pyrage
from pyrage import x25519

from testimony_app.core.common import outfile, safejson
from testimony_app.core.sync import bundle, receipt
from testimony_app.core.vault import org
from tests.security.test_sealing_tags import WITNESS, case
from tests.sync_fixtures import Pair


def _candidates(true_name: str, count: int = 20_000) -> list[str]:
    names = [f"Candidate{i:05d} Zibrakhan" for i in range(count - 1)]
    names.insert(count // 2, true_name)
    return names


def _open_receipt(pair: Pair, path: Path) -> bytes:
    """What a person holding the laptop, unlocked, reads in a receipt file."""
    identity = org.age_identity(pair.researcher.conn)
    return pyrage.decrypt(path.read_bytes(), [identity])


def _dictionary_attack(pair: Pair, payload: bytes, witness: str) -> list[str]:
    """Hash candidate person records (the sealed person's first revision, which the
    vault keeps, with each candidate identity) and look for them in the receipt."""
    conn = pair.researcher.conn
    first = json.loads(conn.execute("SELECT data FROM revisions WHERE record_id = ? "
                                    "ORDER BY revision LIMIT 1", (witness,)).fetchone()[0])
    first.pop("sealed_identity", None)
    listed = set(re.findall(rb"[0-9a-f]{64}", payload))
    found = []
    for name in _candidates(WITNESS):
        record = {**first, "identity": {"name": {"en": name}, "public_domain": False}}
        if bundle.content_hash(record).encode() in listed:
            found.append(name)
    return found


def _sent_then_finalised(pair: Pair, tmp_path: Path) -> tuple[Path, dict[str, str]]:
    researcher, coordinator = pair.researcher, pair.coordinator
    document, ids = case()
    researcher.add_document(document)
    exported = bundle.export(researcher, tmp_path / "stick" / "1.age")
    bundle.import_bundle(coordinator, exported.path)
    target = receipt.default_path(exported.path, exported.sequence)
    receipt.write(coordinator, exported.bundle_id, target)
    assert researcher.finalise(ids["testimony"]) == 1
    return target, ids


def test_a_receipt_does_not_confirm_a_sealed_name(pair: Pair, tmp_path: Path) -> None:
    (tmp_path / "stick").mkdir()
    path, ids = _sent_then_finalised(pair, tmp_path)
    payload = _open_receipt(pair, path)
    assert _dictionary_attack(pair, payload, ids["witness"]) == []
    # No hash of anything received: it is named by id and revision. The one hash is
    # the head of the researcher's activity log signed back (a chain over salted
    # commitments, which confirms no guess).
    body = safejson.loads(payload)["receipt"]
    head = body.pop("log_head", None)
    assert head is None or set(head) == {"seq", "hash", "signature"}
    assert re.findall(r"[0-9a-f]{64}", json.dumps(body)) == []
    assert body["format"] == "testimony-receipt/2"
    assert {tuple(sorted(r)) for r in body["records"]} == {("id", "revision")}
    # Accepted after finalising (the late-receipt path): nothing it lists is the
    # current version of what was sealed, and nothing of it is left to confirm.
    accepted = receipt.accept(pair.researcher, path)
    assert not accepted.hashes
    confirmed = {r[0] for r in pair.researcher.conn.execute(
        "SELECT record_id FROM received_records")}
    assert ids["witness"] not in confirmed and ids["testimony"] not in confirmed
    assert ids["incident"] in confirmed  # unchanged since sending


def test_the_attack_works_on_a_receipt_with_hashes(pair: Pair, tmp_path: Path) -> None:
    """The attack itself is sound: on an earlier-format receipt (a SHA-256 per
    record) it names the witness among 20 000 candidates."""
    (tmp_path / "stick").mkdir()
    document, ids = case()
    researcher, coordinator = pair.researcher, pair.coordinator
    researcher.add_document(document)
    exported = bundle.export(researcher, tmp_path / "stick" / "1.age")
    bundle.import_bundle(coordinator, exported.path)
    path = tmp_path / "stick" / "old.receipt"
    write_old_receipt(pair, exported.bundle_id, path)
    researcher.finalise(ids["testimony"])
    assert _dictionary_attack(pair, _open_receipt(pair, path), ids["witness"]) == [WITNESS]


def write_old_receipt(pair: Pair, bundle_id: str, target: Path) -> None:
    """A receipt as the earlier version wrote it (`testimony-receipt/1`)."""
    conn = pair.coordinator.conn
    organisation = org.require_coordinator(conn)
    row = conn.execute("SELECT fingerprint, device_id, sequence, imported_at, summary "
                       "FROM received_bundles WHERE bundle_id = ?", (bundle_id,)).fetchone()
    summary = json.loads(row[4])
    body: dict[str, Any] = {
        "format": "testimony-receipt/1", "organisation": organisation.id,
        "bundle_id": bundle_id, "signer": row[0], "device_id": row[1], "sequence": row[2],
        "received_at": row[3],
        "records": [{"id": r["id"], "sha256": r["sha256"]} for r in summary["records"]],
        "attachments": [{"id": a["id"], "sha256": a["sha256"]}
                        for a in summary["attachments"]],
        "settings": organisation.settings}
    body_bytes = safejson.dumps(body)
    signature = org.org_signing_key(conn).sign(receipt.SIG_CONTEXT + body_bytes)
    payload = safejson.dumps({"receipt": body,
                              "signature": base64.b64encode(signature).decode("ascii")})
    recipient = x25519.Recipient.from_str(summary["recipient"])
    outfile.write_new(target, pyrage.encrypt(payload, [recipient]))


def test_an_earlier_receipt_is_accepted_and_its_hashes_not_kept(
        pair: Pair, tmp_path: Path) -> None:
    """An earlier receipt still confirms what is unchanged (so purge goes on working
    across the update), says it has hashes (the app tells to delete the file), and
    none of its hashes of a version sealed since stays in the vault."""
    researcher, coordinator = pair.researcher, pair.coordinator
    document, ids = case()
    researcher.add_document(document)
    exported = bundle.export(researcher, tmp_path / "1.age")
    bundle.import_bundle(coordinator, exported.path)
    write_old_receipt(pair, exported.bundle_id, tmp_path / "old.receipt")
    listed = set(re.findall(rb"[0-9a-f]{64}", _open_receipt(pair, tmp_path / "old.receipt")))
    researcher.finalise(ids["testimony"])
    accepted = receipt.accept(researcher, tmp_path / "old.receipt")
    assert accepted.hashes and accepted.records == 2  # the incident, the tagged person
    kept = {r[0].encode() for r in researcher.conn.execute(
        "SELECT sha256 FROM received_records")}
    assert ids["incident"] in {r[0] for r in researcher.conn.execute(
        "SELECT record_id FROM received_records")}
    witness_hash = [h for h in listed if h not in kept]
    assert witness_hash  # those of the sealed witness and testimony were not kept


def test_purge_follows_revisions(pair: Pair, tmp_path: Path) -> None:
    """Confirmed: the revision the coordinator received, if it is still the current
    one. A record changed after sending stays; a record deleted and made again with
    the same id is not confirmed by the receipt of the one before."""
    researcher, coordinator = pair.researcher, pair.coordinator
    document, ids = case()
    researcher.add_document(document)
    exported = bundle.export(researcher, tmp_path / "1.age")
    bundle.import_bundle(coordinator, exported.path)
    receipt.write(coordinator, exported.bundle_id, tmp_path / "1.receipt")
    changed = copy.deepcopy(document)
    changed["testimonies"][0]["title"] = "Changed after sending"
    researcher.add_document(changed)
    accepted = receipt.accept(researcher, tmp_path / "1.receipt")
    assert accepted.records == 3  # witness, tagged person, incident: not the testimony
    assert receipt.pending_purge(researcher) >= 1
    purged = receipt.purge_received(researcher)
    assert ids["testimony"] in {r.id for r in researcher.list_records("testimony")}
    assert purged.records >= 0 and researcher.check() == []


def test_a_receipt_does_not_confirm_a_record_made_again(pair: Pair, tmp_path: Path) -> None:
    researcher, coordinator = pair.researcher, pair.coordinator
    place = {"format": "testimony/1", "places": [
        {"id": "3f1c7a52-8a43-4a55-9d3c-1b4cbd3d8c11", "name": {"en": "Old name"},
         "level": "city"}]}
    researcher.add_document(place)
    exported = bundle.export(researcher, tmp_path / "1.age")
    bundle.import_bundle(coordinator, exported.path)
    receipt.write(coordinator, exported.bundle_id, tmp_path / "1.receipt")
    researcher.delete("3f1c7a52-8a43-4a55-9d3c-1b4cbd3d8c11")
    again = copy.deepcopy(place)
    again["places"][0]["name"] = {"en": "Another place"}
    researcher.add_document(again)
    assert receipt.accept(researcher, tmp_path / "1.receipt").records == 0
    assert receipt.pending_purge(researcher) == 0
def test_the_command_line_says_to_delete_an_earlier_receipt(  # type: ignore[no-untyped-def]
        pair: Pair, cli, tmp_path: Path) -> None:
    from testimony_app.core.session import Session

    researcher, coordinator = pair.researcher, pair.coordinator
    document, _ids = case()
    researcher.add_document(document)
    exported = bundle.export(researcher, tmp_path / "1.age")
    bundle.import_bundle(coordinator, exported.path)
    write_old_receipt(pair, exported.bundle_id, tmp_path / "old.receipt")
    receipt.write(coordinator, exported.bundle_id, tmp_path / "new.receipt")
    folder, key = researcher.folder, bytes(researcher._key)
    researcher.close()
    try:
        r = cli("import-receipt", str(tmp_path / "old.receipt"), "--vault", str(folder))
        assert r.code == 0, r.err
        assert "earlier version" in r.out and "delete the receipt file" in r.out
        r = cli("import-receipt", str(tmp_path / "new.receipt"), "--vault", str(folder))
        assert r.code == 0 and "earlier version" not in r.out
    finally:
        pair.researcher = Session._open_with_key(folder, key)
