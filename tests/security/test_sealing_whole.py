"""A wholly sealed testimony takes with it its attachments (stream-encrypted to the
organisation in place of their plaintext) and the free text of the incidents only
sealed testimonies report; adding a testimony that is already finalised seals it as
finalising does. A forced unlock of the researcher's laptop finds none of it, in any
file or page; the coordinator opens all of it on import, byte for byte."""

from __future__ import annotations

import base64
import copy
import hashlib
import io
import json
import random
import uuid
from pathlib import Path
from typing import Any

import pyrage
import pytest
from pyrage import x25519

from testimony_app.core.common.errors import InputError
from testimony_app.core.records import attachment
from testimony_app.core.session import Session
from testimony_app.core.sync import bundle, receipt
from testimony_app.core.vault.db import transaction
from tests.security.test_sealing_tags import (
    SUMMARY_NAME,
    TAGGED,
    TAGGED_AR,
    WITNESS,
    _turn_on_whole_sealing,
    case,
    leaks,
)
from tests.sync_fixtures import Pair

NARRATIVE = "Velmoraque Instradine"  # in the sealed testimony's narrative
INCIDENT = "Quarnishale Opdrevith"  # an incident only the sealed testimony reports
PERPETRATOR = "Skelvaron Brindemark"
LABEL = "Thandrivelkin Yossamere"  # a victim group's label
SHARED = "Pellucidor Marwenthe"  # an incident an open testimony reports too
MARKER = "Ostrevanne Kulbadir"  # a recording's marker
FILE_NAME = "Yrsolvane-Tessarith.bin"
AUDIO = "Zibrantholemew-Kessarovy"  # inside the attachment's bytes


def canary_bytes(size: int) -> bytes:
    """Random bytes with AUDIO every ~10 kB and across every chunk boundary."""
    canary = AUDIO.encode()
    data = bytearray(random.Random(7).randbytes(size))
    boundaries = range(attachment.CHUNK, size, attachment.CHUNK)
    for at in [*range(100, size - len(canary), 9973),
               *(b - len(canary) // 2 for b in boundaries)]:
        data[at:at + len(canary)] = canary
    return bytes(data)


def whole_case() -> tuple[dict[str, Any], dict[str, str]]:
    document, ids = case()
    document["testimonies"][0]["narrative"]["en"] += f" {NARRATIVE} saw it."
    incident = document["incidents"][0]
    incident["description"] = {"en": f"{INCIDENT} was taken at dawn."}
    incident["date"]["text"] = f"the day {INCIDENT} was taken"
    incident["perpetrator"] = {"category": "unknown", "description": PERPETRATOR}
    incident["victims"].append({"group": {"label": {"en": LABEL}, "count": 3,
                                          "qualifier": "exact"}, "status": "detained"})
    ids["open"], ids["shared"] = str(uuid.uuid4()), str(uuid.uuid4())
    document["testimonies"].append({
        "id": ids["open"], "status": "draft", "consent": {"scope": "internal"},
        "interview": {"date": {"precision": "day", "value": "2016-12-16"},
                      "language": "en", "mode": "phone"}})
    document["incidents"].append({
        "id": ids["shared"], "type": "looting", "verification": "unverified",
        "date": {"precision": "day", "value": "2016-12-15"},
        "testimonies": [ids["testimony"], ids["open"]],
        "description": {"en": f"{SHARED} was looted."}})
    return document, ids


def reopen(pair: Pair) -> tuple[Path, bytes]:
    """Close the researcher's vault (for a hunt through its files); its folder and key."""
    folder, key = pair.researcher.folder, bytes(pair.researcher._key)
    pair.researcher.close()
    return folder, key


def test_whole_sealing_takes_attachments_and_incident_text(pair: Pair, tmp_path: Path) -> None:
    coordinator = pair.coordinator
    _turn_on_whole_sealing(pair, tmp_path)
    document, ids = whole_case()
    tid = ids["testimony"]
    researcher = pair.researcher
    researcher.add_document(document)
    data = canary_bytes(3 * attachment.CHUNK + 4321)
    att = researcher.attach_stream(tid, io.BytesIO(data), FILE_NAME)
    rec_id = researcher.begin_recording(tid, "interview.wav", rate=8000)
    researcher.append_recording(rec_id, b"\x01\x02" * 4000)
    researcher.add_marker(rec_id, 500, f"{MARKER} speaks")
    recording = researcher.finish_recording(rec_id)
    folder, key = reopen(pair)
    # the hunt finds them while the testimony is a draft
    assert len(leaks(folder, key, (AUDIO, INCIDENT, MARKER, FILE_NAME))) >= 4
    researcher = pair.researcher = Session._open_with_key(folder, key)
    researcher.finalise(tid)

    sealed = {a.id: a for a in researcher.attachments(tid)}
    assert set(sealed) == {att.id, rec_id}
    assert all(a.sealed and a.filename == "sealed" and a.recording is None
               for a in sealed.values())
    assert sealed[att.id].sha256 != att.sha256 and sealed[att.id].size > att.size
    with pytest.raises(InputError) as refused:
        researcher.extract(att.id, tmp_path / "out.bin")
    assert refused.value.code == "attachment_sealed"
    assert "sealed for the organisation" in str(refused.value)
    assert not list(tmp_path.glob("*out.bin*"))
    with pytest.raises(InputError, match="sealed for the organisation"):
        researcher.read_attachment(rec_id, io.BytesIO())
    with pytest.raises(InputError) as refused:
        researcher.attach_stream(tid, io.BytesIO(b"more"), "more.bin")
    assert refused.value.code == "testimony_sealed"
    # the incident only this testimony reports keeps no text; the shared one keeps its own
    shown = researcher.show(ids["incident"])
    incident = shown["incidents"][0]
    assert "sealed" in incident and "unsealed" not in shown["meta"]
    assert "description" not in incident and "text" not in incident["date"]
    assert incident["perpetrator"] == {"category": "unknown"}
    assert incident["victims"][1]["group"] == {"count": 3, "qualifier": "exact"}
    assert researcher.show(ids["shared"])["incidents"][0]["description"]["en"].startswith(SHARED)
    assert researcher.search("Quarnishale") == [] and researcher.search("Thandrivelkin") == []
    assert [h.id for h in researcher.search("Pellucidor")] == [ids["shared"]]
    changed = copy.deepcopy(incident)
    changed["verification"] = "verified"
    with pytest.raises(InputError) as refused:
        researcher.add_document({"format": "testimony/1", "incidents": [changed]})
    assert refused.value.code == "incident_sealed"
    assert researcher.check() == []
    folder, key = reopen(pair)
    found = leaks(folder, key, (AUDIO, NARRATIVE, INCIDENT, PERPETRATOR, LABEL, MARKER,
                                FILE_NAME, WITNESS))
    assert found == [], found
    assert leaks(folder, key, (SHARED,))  # kept, as SECURITY.md says

    # The coordinator opens all of it on import.
    researcher = pair.researcher = Session._open_with_key(folder, key)
    sent = tmp_path / "sealed.age"
    bundle.export(researcher, sent)
    result = bundle.import_bundle(coordinator, sent)
    assert sorted(result.attachments_added) == sorted([att.id, rec_id])
    out = tmp_path / "opened.bin"
    opened = coordinator.extract(att.id, out)
    assert opened.filename == FILE_NAME and not opened.sealed
    assert hashlib.sha256(out.read_bytes()).hexdigest() == hashlib.sha256(data).hexdigest()
    assert opened.sha256 == att.sha256 and opened.size == len(data)
    audio = {a.id: a for a in coordinator.attachments(tid)}[rec_id]
    assert audio.sha256 == recording.sha256 and audio.filename == "interview.wav"
    assert audio.recording is not None
    assert audio.recording["markers"][0]["label"] == f"{MARKER} speaks"
    assert coordinator.check() == []
    unsealed = coordinator.show(ids["incident"])["meta"]["unsealed"]
    original = document["incidents"][0]
    assert unsealed == original
    in_editor = {i["id"]: i for i in coordinator.testimony_document(tid)["incidents"]}
    assert in_editor[ids["incident"]]["description"] == original["description"]
    assert [h.id for h in coordinator.search("Quarnishale")] == [ids["incident"]]
    assert [h.id for h in coordinator.search("Thandrivelkin")] == [ids["incident"]]
    # The receipt confirms the sealed form: the researcher may purge the testimony.
    receipt.write(coordinator, result.bundle_id, tmp_path / "receipt.age")
    receipt.accept(researcher, tmp_path / "receipt.age")
    assert tid in receipt._purgeable(researcher.conn)


def _coordinator_state(session: Session) -> tuple[Any, ...]:
    conn = session.conn
    return (session.counts(), *(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # noqa: S608
                                for t in ("attachments", "attachment_chunks", "received_bundles",
                                          "revisions")))


def test_a_tampered_sealed_attachment_is_refused_whole(pair: Pair, tmp_path: Path) -> None:
    researcher, coordinator = pair.researcher, pair.coordinator
    _turn_on_whole_sealing(pair, tmp_path)
    document, ids = case()
    tid = ids["testimony"]
    researcher.add_document(document)
    data = canary_bytes(attachment.CHUNK + 5000)
    att = researcher.attach_stream(tid, io.BytesIO(data), "photo.jpg")
    researcher.finalise(tid)
    conn = researcher.conn
    before = _coordinator_state(coordinator)
    (chunk,), (sha, meta) = (conn.execute("SELECT data FROM attachment_chunks WHERE "
                                          "attachment_id = ? AND seq = 0", (att.id,)).fetchone(),
                             conn.execute("SELECT sha256, meta FROM attachments WHERE id = ?",
                                          (att.id,)).fetchone())

    def store(first: bytes, meta_text: str) -> None:
        """Change the stored seal in place; its SHA-256 follows, so the bundle is sound."""
        with transaction(conn):
            conn.execute("UPDATE attachment_chunks SET data = ? WHERE attachment_id = ? AND "
                         "seq = 0", (first, att.id))
            digest = hashlib.sha256()
            for (block,) in conn.execute("SELECT data FROM attachment_chunks WHERE "
                                         "attachment_id = ? ORDER BY seq", (att.id,)):
                digest.update(block)
            conn.execute("UPDATE attachments SET sha256 = ?, meta = ? WHERE id = ?",
                         (digest.hexdigest(), meta_text, att.id))

    def refused(name: str) -> None:
        path = tmp_path / name
        bundle.export(researcher, path, everything=True)
        with pytest.raises(bundle.Refused) as error:
            bundle.import_bundle(coordinator, path)
        assert error.value.code == "bundle_sealed_unreadable"
        assert "sealed for the organisation" in str(error.value)
        assert "nothing was imported" in str(error.value)
        assert _coordinator_state(coordinator) == before

    flipped = bytearray(chunk)
    flipped[len(flipped) // 2] ^= 1
    store(bytes(flipped), meta)
    refused("flipped.age")
    # sealed to a key the organisation does not hold
    foreign = json.loads(meta)
    foreign["sealed"]["data"] = base64.b64encode(pyrage.encrypt(json.dumps(
        {"filename": "photo.jpg", "size": len(data), "sha256": att.sha256, "meta": {}}).encode(),
        [x25519.Identity.generate().to_public()])).decode()
    store(chunk, json.dumps(foreign))
    refused("foreign.age")
    # as sealed: imported, byte for byte
    store(chunk, meta)
    assert conn.execute("SELECT sha256 FROM attachments WHERE id = ?", (att.id,)).fetchone()[0] \
        == sha
    sound = tmp_path / "sound.age"
    bundle.export(researcher, sound, everything=True)
    assert bundle.import_bundle(coordinator, sound).attachments_added == [att.id]
    coordinator.extract(att.id, tmp_path / "photo.jpg")
    assert (tmp_path / "photo.jpg").read_bytes() == data


def test_adding_a_finalised_testimony_seals_it(pair: Pair, tmp_path: Path) -> None:
    """`testimony add` (Session.add_json) of a finalised testimony seals it as finalise
    would, in the same transaction: tagged names first, then whole testimonies."""
    researcher = pair.researcher
    document, ids = case()
    tid = ids["testimony"]
    document["testimonies"][0]["status"] = "finalised"
    researcher.add_json(json.dumps(document).encode())
    shown = researcher.show(tid)["testimonies"][0]
    assert TAGGED not in shown["narrative"]["en"] and all("sealed" in t for t in shown["tags"])
    witness = researcher.record(ids["witness"]).data
    assert "identity" not in witness and "sealed_identity" in witness
    assert researcher.search("Oskatrub") == []
    # an update of the finalised testimony naming someone new is sealed at once too
    later = copy.deepcopy(shown)
    start = len(later["narrative"]["en"]) + len(" Then ")
    later["narrative"]["en"] += " Then Quellorin Draveth was taken."
    later["tags"].append({"field": "narrative", "lang": "en", "start": start,
                          "end": start + len("Quellorin Draveth"), "person": ids["tagged"]})
    researcher.add_document({"format": "testimony/1", "testimonies": [later]})
    assert "Quellorin" not in researcher.show(tid)["testimonies"][0]["narrative"]["en"]

    _turn_on_whole_sealing(pair, tmp_path)
    whole, more = whole_case()
    whole["testimonies"][0]["status"] = "finalised"
    researcher.add_json(json.dumps(whole).encode())
    stub = researcher.show(more["testimony"])["testimonies"][0]
    assert set(stub) == {"id", "status", "interview", "consent", "sealed"}
    assert "description" not in researcher.show(more["incident"])["incidents"][0]
    assert researcher.drafts() == []
    folder, key = reopen(pair)
    found = leaks(folder, key, (TAGGED, TAGGED_AR, SUMMARY_NAME, WITNESS, "Quellorin Draveth",
                                NARRATIVE, INCIDENT, LABEL))
    assert found == [], found
    pair.researcher = Session._open_with_key(folder, key)


def test_attachments_sent_before_finalise_stay_confirmed_or_go_again_sealed(
        pair: Pair, tmp_path: Path) -> None:
    """A receipt that confirmed the plaintext confirms the sealed form (nothing sent
    again); one not confirmed yet is sent again, sealed, and the coordinator, which
    holds it already, keeps it as it is."""
    researcher, coordinator = pair.researcher, pair.coordinator
    _turn_on_whole_sealing(pair, tmp_path)
    document, ids = case()
    tid = ids["testimony"]
    researcher.add_document(document)
    confirmed = researcher.attach_stream(tid, io.BytesIO(canary_bytes(70_000)), "a.bin")
    first = bundle.export(researcher, tmp_path / "1.age")
    bundle.import_bundle(coordinator, first.path)
    receipt.write(coordinator, first.bundle_id, tmp_path / "1.receipt")
    receipt.accept(researcher, tmp_path / "1.receipt")
    pending = researcher.attach_stream(tid, io.BytesIO(canary_bytes(90_000)), "b.bin")
    bundle.import_bundle(coordinator, bundle.export(researcher, tmp_path / "2.age").path)
    researcher.finalise(tid)
    third = bundle.export(researcher, tmp_path / "3.age")
    assert third.attachments == 1
    result = bundle.import_bundle(coordinator, third.path)
    assert result.attachments_unchanged == [pending.id] and not result.attachments_added
    assert {a.id: a.sha256 for a in coordinator.attachments(tid)} == {
        confirmed.id: confirmed.sha256, pending.id: pending.sha256}
    receipt.write(coordinator, third.bundle_id, tmp_path / "3.receipt")
    receipt.accept(researcher, tmp_path / "3.receipt")
    assert tid in receipt._purgeable(researcher.conn)
    assert researcher.conn.execute("SELECT count(*) FROM received_attachments ra JOIN "
                                   "attachments a ON a.id = ra.attachment_id "
                                   "AND a.sha256 = ra.sha256").fetchone()[0] == 2


def test_a_sealed_persons_files_are_sealed_with_the_identity(pair: Pair, tmp_path: Path) -> None:
    """Tag sealing, not whole: the witness's identity is sealed on finalise, and so
    are the files attached to the witness (a photo of an ID card shows who it is);
    the coordinator gets them back byte for byte."""
    researcher, coordinator = pair.researcher, pair.coordinator
    document, ids = case()
    researcher.add_document(document)
    content = canary_bytes(70_000)
    photo = researcher.attach_stream(ids["witness"], io.BytesIO(content), f"{WITNESS} id.jpg")
    assert researcher.finalise(ids["testimony"]) == 1
    [kept] = researcher.attachments(ids["witness"])
    assert kept.sealed and WITNESS not in kept.filename
    folder, key = researcher.folder, bytes(researcher._key)
    researcher.close()
    found = leaks(folder, key, (WITNESS, AUDIO))
    assert found == [], found
    researcher = pair.researcher = Session._open_with_key(folder, key)
    bundle.import_bundle(coordinator, bundle.export(researcher, tmp_path / "b.age").path)
    [theirs] = coordinator.attachments(ids["witness"])
    assert theirs.filename == f"{WITNESS} id.jpg" and theirs.sha256 == photo.sha256
    sink = io.BytesIO()
    coordinator.read_attachment(photo.id, sink)
    assert sink.getvalue() == content
