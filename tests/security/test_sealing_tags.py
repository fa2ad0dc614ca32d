"""Finalise seals the names tagged in a narrative, or the whole testimony: a forced
unlock of the researcher's laptop finds none of them, in any file or page; the
coordinator reads and searches them after import."""

from __future__ import annotations

import copy
import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from testimony_app.core.audit import redact
from testimony_app.core.common.errors import InputError
from testimony_app.core.common.ids import RecordId
from testimony_app.core.identity import enrolling
from testimony_app.core.records import textnorm
from testimony_app.core.session import Session
from testimony_app.core.sync import bundle, receipt
from testimony_app.core.vault import org
from testimony_app.core.vault.db import DatabaseError
from tests.conftest import Cli, Template
from tests.pages import plaintext_of_vault
from tests.sync_fixtures import Pair

WITNESS = "Qorvandel Zibrakhan"
TAGGED = "Marvelline Oskatrub"  # a person recorded only by the tag: no identity
TAGGED_AR = "مَرْفيلين أُسكاتروب"
SUMMARY_NAME = "Tasqueline Vardemir"
WHOLE = "Brimsolvent Ekkaderin"  # only in a wholly sealed testimony
WHOLE_AR = "بِرِمسولفنت إكادرين"


def needles(*names: str) -> list[bytes]:
    out = []
    for name in names:
        forms = {name, textnorm.normalize_for_search(name), *name.split(),
                 *textnorm.normalize_for_search(name).split()}
        for form in forms:
            if len(form) >= 5:
                out += [form.encode(enc) for enc in ("utf-8", "utf-16-le", "utf-16-be")]
    return out


def leaks(folder: Path, key: bytes, names: tuple[str, ...]) -> list[str]:
    """Every file of the vault folder as it is on disk, and every page decrypted."""
    blobs = {p.name: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    blobs["(decrypted pages)"] = plaintext_of_vault(folder, key)
    return [f"{where}: {needle[:10]!r}" for where, blob in blobs.items()
            for needle in needles(*names) if needle in blob]


def case() -> tuple[dict[str, Any], dict[str, str]]:
    ids = {k: str(uuid.uuid4()) for k in ("witness", "tagged", "testimony", "incident")}
    en = (f"At the checkpoint they took {TAGGED}. The officer shouted at {WITNESS} "
          f"and later at {TAGGED} again.")
    ar = f"أخذوا {TAGGED_AR} عند الحاجز"
    summary = f"{SUMMARY_NAME} was taken."

    def at(text: str, name: str) -> tuple[int, int]:
        start = text.index(name)
        return start, start + len(name)

    tags = []
    for field, lang, text, name, person in (
            ("narrative", "en", en, TAGGED, ids["tagged"]),
            ("narrative", "en", en, WITNESS, ids["witness"]),
            ("narrative", "ar", ar, TAGGED_AR, ids["tagged"]),
            ("summary", "en", summary, SUMMARY_NAME, ids["tagged"])):
        start, end = at(text, name)
        tags.append({"field": field, "lang": lang, "start": start, "end": end, "person": person})
    document = {
        "format": "testimony/1",
        "persons": [
            {"id": ids["witness"], "sex": "male", "identity": {
                "name": {"en": WITNESS}, "public_domain": False}},
            {"id": ids["tagged"], "sex": "female"}],
        "testimonies": [{
            "id": ids["testimony"], "witness": ids["witness"], "status": "draft",
            "title": "Checkpoint account",
            "interview": {"date": {"precision": "day", "value": "2016-12-15"},
                          "language": "en", "mode": "in_person"},
            "consent": {"scope": "publish_anonymised", "recorded_by": "team A"},
            "narrative": {"en": en, "ar": ar}, "summary": {"en": summary}, "tags": tags}],
        "incidents": [{"id": ids["incident"], "type": "arbitrary_arrest",
                       "date": {"precision": "day", "value": "2016-12-15"},
                       "verification": "unverified", "testimonies": [ids["testimony"]],
                       "victims": [{"person": ids["tagged"], "status": "detained"}]}]}
    return document, ids


def test_finalise_seals_tagged_names_and_the_coordinator_reads_them(
        pair: Pair, tmp_path: Path) -> None:
    researcher, coordinator = pair.researcher, pair.coordinator
    document, ids = case()
    tid = ids["testimony"]
    # a first version without the tags, sent to the coordinator before finalising
    untagged = copy.deepcopy(document)
    del untagged["testimonies"][0]["tags"]
    researcher.add_document(untagged)
    early = tmp_path / "early.age"
    bundle.export(researcher, early)
    bundle.import_bundle(coordinator, early)
    researcher.add_document(document)
    researcher.save_draft("d1", RecordId(tid), "testimony", {"document": document})
    revisions = len(researcher.history(tid))
    # the hunt finds the names while the testimony is a draft (it can see them)
    folder, key = researcher.folder, researcher.data_key()
    researcher.close()
    assert len(leaks(folder, key, (TAGGED, TAGGED_AR, SUMMARY_NAME))) >= 6
    researcher = pair.researcher = Session.open_with_key(folder, key)
    assert researcher.finalise(tid) == 1  # the witness's identity

    # The researcher's vault, opened with the right key: tokens, sealed words.
    shown = researcher.show(tid)["testimonies"][0]
    codes: dict[str, str] = {}
    for k in ("witness", "tagged"):
        code = researcher.record(ids[k]).code
        assert code is not None
        codes[k] = code
    code_of = {ids[k]: code for k, code in codes.items()}
    en = shown["narrative"]["en"]
    assert en.count(f"[{codes['tagged']}]") == 2  # the untagged repeat was sealed too
    assert f"[{codes['witness']}]" in en and TAGGED not in en
    for tag in shown["tags"]:
        text = shown[tag["field"]][tag["lang"]][tag["start"]:tag["end"]]
        assert text == f"[{code_of[tag['person']]}]"
        assert tag["sealed"]["format"] == "age"
    history = researcher.history(tid)
    assert len(history) == revisions + 2  # finalised, then sealed; none removed
    assert researcher.search("Marvelline") == [] and researcher.search("Oskatrub") == []
    assert researcher.search("أسكاتروب") == []
    assert researcher.drafts() == []
    assert researcher.check() == []
    assert researcher.conn.execute("SELECT count(*) FROM seal_permits").fetchone()[0] == 0
    for (data,) in researcher.conn.execute("SELECT data FROM revisions WHERE record_id = ?",
                                           (tid,)):
        assert TAGGED not in data and SUMMARY_NAME not in data and "مَرْفيلين" not in data
    folder, key = researcher.folder, researcher.data_key()
    researcher.close()
    found = leaks(folder, key, (TAGGED, TAGGED_AR, SUMMARY_NAME, WITNESS))
    assert found == [], found

    # The coordinator: the finalised version follows the early one (no conflict),
    # and shows and finds the names.
    researcher = pair.researcher = Session.open_with_key(folder, key)
    late = tmp_path / "late.age"
    bundle.export(researcher, late)
    result = bundle.import_bundle(coordinator, late)
    assert tid in result.updated and not result.conflicting
    unsealed = coordinator.show(tid)["meta"]["unsealed"]
    assert unsealed["narrative"]["en"] == document["testimonies"][0]["narrative"]["en"]
    assert unsealed["narrative"]["ar"] == document["testimonies"][0]["narrative"]["ar"]
    assert unsealed["summary"]["en"].startswith(SUMMARY_NAME)
    assert all("sealed" not in t for t in unsealed["tags"])
    editor_view = coordinator.testimony_document(tid)["testimonies"][0]
    assert TAGGED in editor_view["narrative"]["en"]
    assert [h.id for h in coordinator.search("Oskatrub")] == [tid]
    assert [h.id for h in coordinator.search("اسكاتروب")] == [tid]
    # the stored record is the researcher's, so the same bundle changes nothing
    assert coordinator.show(tid)["testimonies"][0] == researcher.show(tid)["testimonies"][0]
    assert bundle.import_bundle(coordinator, late).already_imported

    # A redacted export: every tagged name (or token) becomes this auditor's pseudonym.
    preview = redact.preview(coordinator.conn, RecordId(tid), "Auditor A")
    assert TAGGED not in preview["en"] and codes["tagged"] not in preview["en"]
    assert preview["en"].count(f"[{redact.pseudonym(redact.auditor_key(coordinator.conn, 'Auditor A'), ids['tagged'])}]") == 2  # noqa: E501
    assert "أسكاتروب" not in preview["ar"] and "[A-" in preview["ar"]
    redact.approve(coordinator.conn, RecordId(tid), coordinator.author, "Auditor A")
    records, log = redact.build(coordinator.conn, redact.Options(auditor="Auditor A"))
    out = next(t for t in records["testimonies"] if t["id"] == tid)
    assert out["narrative"] == preview
    blob = json.dumps(records, ensure_ascii=False).encode()
    assert [n for n in needles(TAGGED, TAGGED_AR, WITNESS) if n in blob] == []
    assert codes["tagged"].encode() not in blob
    assert log["name replaced by pseudonym in a narrative"] >= 4
    researcher.close()


def test_a_finalised_testimony_edited_later_is_sealed_again(pair: Pair) -> None:
    researcher = pair.researcher
    document, ids = case()
    tid = ids["testimony"]
    researcher.add_document(document)
    researcher.finalise(tid)
    sealed = researcher.show(tid)["testimonies"][0]
    # The researcher adds a sentence naming someone and tags it.
    later = copy.deepcopy(sealed)
    addition = " Then Quellorin Draveth was taken."
    start = len(later["narrative"]["en"]) + len(" Then ")
    later["narrative"]["en"] += addition
    later["tags"].append({"field": "narrative", "lang": "en", "start": start,
                          "end": start + len("Quellorin Draveth"), "person": ids["tagged"]})
    researcher.add_document({"format": "testimony/1", "testimonies": [later]})
    researcher.finalise(tid)
    again = researcher.show(tid)["testimonies"][0]
    assert "Quellorin" not in again["narrative"]["en"]
    assert sum("sealed" in t for t in again["tags"]) == len(again["tags"])
    # the seals made the first time are carried over unchanged
    assert sealed["tags"][0]["sealed"] in [t.get("sealed") for t in again["tags"]]
    folder, key = researcher.folder, researcher.data_key()
    researcher.close()
    assert leaks(folder, key, ("Quellorin Draveth", TAGGED)) == []


def test_revisions_stay_append_only_outside_a_seal(session: Session) -> None:
    document, ids = case()
    session.add_document(document)
    tid = ids["testimony"]
    edited = copy.deepcopy(document)
    edited["testimonies"][0]["title"] = "Another title"
    session.add_document(edited)  # revisions 1 and 2
    conn = session.conn

    def update(sql: str, *params: object) -> None:
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute(sql, params)
        finally:
            conn.execute("ROLLBACK")

    rewrite = "UPDATE revisions SET data = '{}' WHERE record_id = ? AND revision = ?"
    with pytest.raises(DatabaseError, match="append-only"):
        update(rewrite, tid, 1)  # no permit
    conn.execute("INSERT INTO seal_permits (record_id, revision) VALUES (?, 1), (?, 2)",
                 (tid, tid))
    with pytest.raises(DatabaseError, match="append-only"):
        update("UPDATE revisions SET author = 'x' WHERE record_id = ? AND revision = 1", tid)
    with pytest.raises(DatabaseError, match="append-only"):
        update(rewrite, tid, 2)  # the current revision, even with a permit
    conn.execute("BEGIN IMMEDIATE")
    conn.execute(rewrite, (tid, 1))  # one permitted rewrite of the data...
    with pytest.raises(DatabaseError, match="append-only"):
        conn.execute(rewrite.replace("'{}'", "'[]'"), (tid, 1))  # ...and only one
    conn.execute("ROLLBACK")
    conn.execute("DELETE FROM seal_permits")
    with pytest.raises(DatabaseError, match="kept"):
        update("DELETE FROM revisions WHERE record_id = ?", tid)


def _turn_on_whole_sealing(pair: Pair, tmp_path: Path) -> None:
    """The coordinator sets it; it reaches the researcher with the next receipt."""
    researcher, coordinator = pair.researcher, pair.coordinator
    org.set_setting(coordinator.conn, "seal_whole_testimony", True, coordinator.author)
    stale = receipt_for(pair, tmp_path / "first")
    org.set_setting(coordinator.conn, "seal_whole_testimony", False, coordinator.author)
    org.set_setting(coordinator.conn, "seal_whole_testimony", True, coordinator.author)
    fresh = receipt_for(pair, tmp_path / "second")
    receipt.accept(researcher, fresh)
    assert org.require_org(researcher.conn).settings["seal_whole_testimony"] is True
    receipt.accept(researcher, stale)  # an older receipt does not undo a newer setting
    assert org.require_org(researcher.conn).settings["version"] == 3


def receipt_for(pair: Pair, folder: Path) -> Path:
    folder.mkdir()
    pair.researcher.add_document({"format": "testimony/1", "sources": [{
        "id": str(uuid.uuid4()), "name": "A report", "kind": "media"}]})
    sent = folder / "bundle.age"
    result = bundle.export(pair.researcher, sent)
    imported = bundle.import_bundle(pair.coordinator, sent)
    target = folder / "receipt.age"
    receipt.write(pair.coordinator, imported.bundle_id, target)
    assert result.bundle_id == imported.bundle_id
    return target


def test_whole_testimony_sealing(pair: Pair, tmp_path: Path) -> None:
    researcher, coordinator = pair.researcher, pair.coordinator
    _turn_on_whole_sealing(pair, tmp_path)
    document, ids = case()
    tid = ids["testimony"]
    record = document["testimonies"][0]
    record["narrative"]["en"] += f" {WHOLE} saw it."
    record["narrative"]["ar"] += f" رآه {WHOLE_AR}"
    record["interview"]["interviewer"] = WHOLE
    record["consent"]["restrictions"] = WHOLE_AR
    record["title"] = f"Account of {WHOLE}"
    record["no_incident_reason"] = WHOLE
    researcher.add_document(document)
    researcher.finalise(tid)

    stub = researcher.show(tid)["testimonies"][0]
    assert set(stub) == {"id", "status", "interview", "consent", "sealed"}
    assert stub["interview"] == {"date": {"precision": "day", "value": "2016-12-15"},
                                 "language": "en", "mode": "in_person"}
    row = researcher.page("testimony", __import__(
        "testimony_app.core.records.listing", fromlist=["Filter"]).Filter())[0]
    assert row["title"].startswith("Sealed") and row["status"] == "finalised"
    with pytest.raises(InputError) as refused:
        researcher.add_document({"format": "testimony/1", "testimonies": [record]})
    assert refused.value.code == "testimony_sealed"
    assert researcher.search("Brimsolvent") == [] and researcher.search("checkpoint") == []
    assert researcher.finalise(tid) == 0  # finalising again changes nothing
    assert researcher.show(tid)["testimonies"][0] == stub
    assert researcher.check() == []
    folder, key = researcher.folder, researcher.data_key()
    researcher.close()
    found = leaks(folder, key, (WHOLE, WHOLE_AR, TAGGED, TAGGED_AR, SUMMARY_NAME, WITNESS,
                                "Checkpoint account"))
    assert found == [], found

    researcher = Session.open_with_key(folder, key)
    sent = tmp_path / "whole.age"
    bundle.export(researcher, sent)
    bundle.import_bundle(coordinator, sent)
    full = coordinator.testimony_document(tid)
    opened = full["testimonies"][0]
    assert opened["interview"]["interviewer"] == WHOLE
    assert opened["narrative"]["en"] == record["narrative"]["en"]
    assert opened["witness"] == ids["witness"]
    assert full["persons"][0]["identity"]["name"]["en"] == WITNESS
    assert [h.id for h in coordinator.search("Brimsolvent")] == [tid]
    assert [h.id for h in coordinator.search("اكادرين")] == [tid]
    assert coordinator.show(tid)["meta"]["unsealed"]["title"] == record["title"]
    researcher.close()


def test_a_cli_session_leaves_no_sealed_name_in_any_file(cli: Cli, tmp_path: Path) -> None:
    """Every file under the person's home, temp and config folders (vaults, logs,
    temp files), after finalising from the command line: tagged names first, then,
    once the organisation asks for it (a new enrolment file), a whole testimony."""
    def ok(*args: str, **env: str) -> str:
        r = cli(*args, **env)
        assert r.code == 0, r.err
        return r.out

    home = tmp_path / "home"
    coord, res = str(home / "office"), str(home / "usb" / "vault")
    ok("init", "--vault", coord)
    ok("org", "init", "--name", "Team", "--vault", coord)
    enrol = home / "usb" / "enrol.age"
    enrol.parent.mkdir(parents=True)
    code = json.loads(ok("org", "enrollment", "--to", str(enrol), "--vault", coord,
                         "--json"))["code"]
    ok("init", "--enroll", str(enrol), "--vault", res, TESTIMONY_ENROLMENT_CODE=code)
    document, ids = case()
    document["testimonies"][0]["no_incident_reason"] = "context"
    del document["incidents"]
    second = copy.deepcopy(document["testimonies"][0])
    second.update(id=str(uuid.uuid4()), narrative={"en": f"{WHOLE} spoke."}, tags=[],
                  title=WHOLE, summary={"ar": WHOLE_AR})
    document["testimonies"].append(second)
    source = tmp_path / "input.json"  # the person's own file, removed before the hunt
    source.write_text(json.dumps(document, ensure_ascii=False))
    ok("add", "--json", str(source), "--vault", res)
    source.unlink()
    ok("finalise", ids["testimony"], "--vault", res)
    assert TAGGED not in ok("show", ids["testimony"], "--vault", res)

    ok("org", "set", "seal-whole-testimony", "on", "--vault", coord)
    assert json.loads(ok("org", "show", "--json", "--vault", coord))["settings"][
        "seal_whole_testimony"] is True
    enrol.unlink()
    code = json.loads(ok("org", "enrollment", "--to", str(enrol), "--vault", coord,
                         "--json"))["code"]
    # Joining again with whole sealing on seals the finalised testimony wholly now.
    joined = json.loads(ok("enroll", str(enrol), "--vault", res, "--json",
                           TESTIMONY_ENROLMENT_CODE=code))
    assert joined["sealed_testimonies"] == 1
    ok("finalise", second["id"], "--vault", res)
    assert WHOLE not in ok("list", "--vault", res)
    assert ok("search", "Brimsolvent", "--vault", res).strip() == "No matches."
    r = cli("add", "--json", "-", "--vault", res, stdin=json.dumps(
        {"format": "testimony/1", "testimonies": [second]}).encode())
    assert r.code == 1 and "sealed" in r.err and WHOLE not in r.err + r.out
    found = [f"{p.relative_to(tmp_path)}: {n[:10]!r}"
             for p in tmp_path.rglob("*") if p.is_file()
             for n in needles(TAGGED, TAGGED_AR, SUMMARY_NAME, WITNESS, WHOLE, WHOLE_AR)
             if n in p.read_bytes()]
    assert found == [], found


def test_no_hash_of_a_sealed_version_is_kept(pair: Pair, tmp_path: Path) -> None:
    """A clear SHA-256 of a version from before sealing confirms a guessed name
    (everything else of it can be rebuilt from the sealed version), so none is left
    on the laptop: not of earlier revisions, not of what was sent or confirmed. The
    coordinator still takes the finalised testimony as an update of what it holds."""
    import hashlib

    researcher, coordinator = pair.researcher, pair.coordinator
    document, ids = case()
    tid, witness = ids["testimony"], ids["witness"]
    researcher.add_document(document)
    receipt.accept(researcher, receipt_for(pair, tmp_path / "early"))
    conn = researcher.conn
    old = {h for (h,) in conn.execute(
        "SELECT sha256 FROM sent_records WHERE record_id IN (?1, ?2) UNION "
        "SELECT sha256 FROM received_records WHERE record_id IN (?1, ?2)", (tid, witness))}
    old |= {hashlib.sha256(d.encode()).hexdigest() for (d,) in conn.execute(
        "SELECT data FROM revisions WHERE record_id = ?", (tid,))}
    old.discard("")  # what was sent is known by revision: no hash of it is kept
    assert len(old) == 2  # the testimony's and the witness's (identity included)
    assert researcher.finalise(tid) == 1
    folder, key = researcher.folder, researcher.data_key()
    researcher.close()
    plain = plaintext_of_vault(folder, key)
    assert [h for h in old if h.encode() in plain] == []

    researcher = pair.researcher = Session.open_with_key(folder, key)
    late = tmp_path / "late.age"
    bundle.export(researcher, late)
    result = bundle.import_bundle(coordinator, late)
    assert tid in result.updated and not result.conflicting
    assert witness in result.updated + result.unchanged
    # The sealed history hash makes it a testimony-bundle/2: older importers refuse it.
    import io
    import tarfile

    import pyrage

    inner = pyrage.decrypt(late.read_bytes(), [org.org_identity(coordinator.conn)])
    with tarfile.open(fileobj=io.BytesIO(inner)) as tar:
        member = tar.extractfile("manifest.json")
        assert member is not None
        assert json.loads(member.read())["format"] == "testimony-bundle/2"
        records = tar.extractfile("records.jsonl")
        assert records is not None and b'"sealed_sha256"' in records.read()


def test_migration_11_seals_the_hashes_an_older_version_kept(pair: Pair) -> None:
    """A vault sealed by an older version kept former revision hashes in the clear
    (revision_seals): opening it seals them to the organisation and deletes them."""
    from testimony_app.core.identity import seal

    researcher = pair.researcher
    conn = researcher.conn
    clear = "ab" * 32
    conn.execute("CREATE TABLE revision_seals (record_id TEXT NOT NULL, revision INTEGER "
                 "NOT NULL, sha256 TEXT NOT NULL, PRIMARY KEY (record_id, revision))")
    conn.execute("CREATE TRIGGER revision_seals_kept BEFORE UPDATE ON revision_seals "
                 "BEGIN SELECT RAISE(ABORT, 'kept'); END")
    conn.execute("INSERT INTO revision_seals VALUES ('r1', 1, ?)", (clear,))
    conn.execute("DROP TABLE sealed_revision_hashes")
    conn.execute("PRAGMA user_version = 10")
    folder, key = researcher.folder, researcher.data_key()
    researcher.close()
    researcher = pair.researcher = Session.open_with_key(folder, key)
    [(sealed,)] = researcher.conn.execute("SELECT sealed FROM sealed_revision_hashes "
                                          "WHERE record_id = 'r1' AND revision = 1")
    assert clear not in sealed
    assert seal.open_hash(org.org_identity(pair.coordinator.conn), sealed) == clear
    assert not researcher.conn.execute("SELECT 1 FROM sqlite_master WHERE name = "
                                       "'revision_seals'").fetchone()
    researcher.close()
    assert clear.encode() not in plaintext_of_vault(folder, key)
    pair.researcher = Session.open_with_key(folder, key)


def test_testimonies_finalised_before_enrolment_are_sealed_when_joining(
        pair: Pair, template: Template, tmp_path: Path) -> None:
    """Finalised on a vault of no organisation (nothing to seal to), then enrolled:
    joining seals them as finalising would have."""
    import shutil

    folder = tmp_path / "late-joiner"
    shutil.copytree(template.folder, folder)
    researcher = Session.open_with_key(folder, template.key)
    document, ids = case()
    researcher.add_document(document)
    assert researcher.finalise(ids["testimony"]) == 0  # no organisation yet
    assert researcher.search("Oskatrub")
    code = org.write_enrolment(pair.coordinator.conn, tmp_path / "enrol.age",
                               pair.coordinator.author)
    # Interrupted after joining, before sealing (the laptop died): the next unlock
    # finishes it.
    from testimony_app.core.identity import seal

    def dies(*_args: object) -> None:
        raise KeyboardInterrupt

    real, seal.seal_finalised = seal.seal_finalised, dies  # type: ignore[assignment]
    try:
        with pytest.raises(KeyboardInterrupt):
            enrolling.apply_enrolment(researcher.conn, org.read_enrolment(tmp_path / "enrol.age",
                                                                    code), researcher.author)
    finally:
        seal.seal_finalised = real
    assert org.require_org(researcher.conn) and researcher.search("Oskatrub")
    researcher.close()
    researcher = Session.open_with_key(folder, template.key)
    assert researcher.search("Oskatrub") == []
    assert researcher.conn.execute("SELECT count(*) FROM identities").fetchone()[0] == 0
    researcher.close()
    found = leaks(folder, template.key, (TAGGED, TAGGED_AR, SUMMARY_NAME, WITNESS))
    assert found == [], found


def test_another_testimonys_draft_loses_the_sealed_identity(pair: Pair) -> None:
    """The editor's autosave of a second interview with the same witness holds the
    witness's identity; finalising the first seals it there too, and the draft,
    restored and saved, keeps the person sealed."""
    researcher = pair.researcher
    document, ids = case()
    researcher.add_document(document)
    second = copy.deepcopy(document["testimonies"][0])
    second.update(id=str(uuid.uuid4()), narrative={"en": "A second interview."})
    del second["tags"]
    researcher.add_document({"format": "testimony/1", "testimonies": [second]})
    shown = researcher.testimony_document(second["id"])
    assert shown["persons"][0]["identity"]["name"]["en"] == WITNESS
    shown["persons"][0]["occupation"] = "tradesperson"  # chosen, not saved yet
    researcher.save_draft("autosave", second["id"], "testimony", {"document": shown})
    assert researcher.finalise(ids["testimony"]) == 1
    [draft] = researcher.drafts()
    assert WITNESS not in json.dumps(draft.data, ensure_ascii=False)
    restored = draft.data["document"]
    assert "sealed_identity" in restored["persons"][0]
    researcher.add_document(restored)  # the editor saves the restored draft
    assert "sealed_identity" in researcher.record(ids["witness"]).data
    assert researcher.record(ids["witness"]).data["occupation"] == "tradesperson"
    folder, key = researcher.folder, researcher.data_key()
    researcher.close()
    found = leaks(folder, key, (WITNESS,))
    assert found == [], found
    pair.researcher = Session.open_with_key(folder, key)


def test_a_late_receipt_and_a_late_bundle_after_finalise(pair: Pair, tmp_path: Path) -> None:
    """Draft sent (A), changed and sent again (A2, delayed), finalised and sent (B).
    The coordinator takes B as an update and A2, arriving last, as an older version
    (not a conflict); A's receipt, accepted after finalising, leaves no hash of the
    plaintext versions on the laptop."""
    import hashlib

    researcher, coordinator = pair.researcher, pair.coordinator
    document, ids = case()
    tid, witness = ids["testimony"], ids["witness"]
    researcher.add_document(document)
    a = bundle.export(researcher, tmp_path / "a.age")
    imported_a = bundle.import_bundle(coordinator, a.path)
    changed = copy.deepcopy(document)
    changed["testimonies"][0]["title"] = "Checkpoint account, second visit"
    researcher.add_document(changed)
    a2 = bundle.export(researcher, tmp_path / "a2.age")
    plain = {hashlib.sha256(d.encode()).hexdigest() for (d,) in researcher.conn.execute(
        "SELECT data FROM revisions WHERE record_id = ?", (tid,))}
    plain |= {bundle.content_hash(researcher.record(i).data) for i in (tid, witness)}
    plain |= {bundle.content_hash({**researcher.record(witness).data,
                                   "identity": document["persons"][0]["identity"]})}
    assert researcher.finalise(tid) == 1
    b = bundle.export(researcher, tmp_path / "b.age")
    assert tid in bundle.import_bundle(coordinator, b.path).updated
    late = bundle.import_bundle(coordinator, a2.path)
    assert tid in late.unchanged and not late.conflicting
    receipt.write(coordinator, imported_a.bundle_id, tmp_path / "a.receipt")
    receipt.accept(researcher, tmp_path / "a.receipt")
    folder, key = researcher.folder, researcher.data_key()
    researcher.close()
    pages = plaintext_of_vault(folder, key)
    assert [h for h in plain if h.encode() in pages] == []
    pair.researcher = Session.open_with_key(folder, key)


def test_migration_12_clears_what_an_older_version_left_beside_sealed_persons(
        pair: Pair, tmp_path: Path) -> None:
    """An older version kept match keys in a sealed person's record and the hashes of
    what was sent: opening the vault drops both (the record gets a new revision, the
    one before is rewritten)."""
    from testimony_app.core.identity import seal

    researcher = pair.researcher
    document, ids = case()
    witness = ids["witness"]
    researcher.add_document(document)
    researcher.finalise(ids["testimony"])
    conn = researcher.conn
    keys = seal.match_keys(org.matching_key(conn), {"name": {"en": WITNESS}})
    from testimony_app.core.records import interchange

    revision = researcher.record(witness).revision
    text = interchange.canonical({**researcher.record(witness).data, "match_keys": keys})
    # The old state, record and its revision (the trigger lets a revision change only
    # under a permit and when it is not the current one: made so for a moment).
    conn.execute("UPDATE records SET data = ?, revision = revision + 1 WHERE id = ?",
                 (text, witness))
    conn.execute("INSERT INTO seal_permits VALUES (?, ?)", (witness, revision))
    conn.execute("UPDATE revisions SET data = ? WHERE record_id = ? AND revision = ?",
                 (text, witness, revision))
    conn.execute("UPDATE records SET revision = ? WHERE id = ?", (revision, witness))
    assert keys[0] in conn.execute("SELECT data FROM revisions WHERE record_id = ? AND "
                                   "revision = ?", (witness, revision)).fetchone()[0]
    conn.execute("INSERT OR REPLACE INTO sent_records VALUES (?, 1, ?, 1)", (witness, "cd" * 32))
    conn.execute("PRAGMA user_version = 11")
    folder, key = researcher.folder, researcher.data_key()
    researcher.close()
    researcher = pair.researcher = Session.open_with_key(folder, key)
    assert "match_keys" not in researcher.record(witness).data
    assert researcher.conn.execute("SELECT sha256 FROM sent_records WHERE record_id = ?",
                                   (witness,)).fetchone()[0] == ""
    researcher.close()
    pages = plaintext_of_vault(folder, key)
    assert [k for k in keys if k.encode() in pages] == [] and b"cd" * 32 not in pages
    pair.researcher = Session.open_with_key(folder, key)
