"""Someone with the passphrase edits the vault outside the app: content, an old
revision, the anchors, the whole activity log. `testimony check` must say which
record and revision differ (by id, never content), and once a head of the log came
back signed in a receipt, a rewrite of everything before it must fail too; the
coordinator flags the next bundle of a log that does not extend what it received.
Legitimate rewrites (sealing, purge, merge, migration) leave `check` clean.
"""

from __future__ import annotations

import copy
import hashlib
import json
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from testimony_app.core.records import figure_facts, interchange
from testimony_app.core.session import Session
from testimony_app.core.sync import bundle, receipt
from testimony_app.core.vault import activity, db, keyfile, migrations
from tests.conftest import Template
from tests.security.test_sealing_tags import case
from tests.sync_fixtures import Pair

FAMILY = "the Hajjar family, twelve members"
ANCHORS_MIGRATION = migrations.MIGRATIONS.index(migrations._v13) + 1


def family() -> tuple[dict[str, Any], str]:
    incident = str(uuid.uuid4())
    return {"format": "testimony/1", "incidents": [{
        "id": incident, "type": "summary_execution",
        "date": {"precision": "day", "value": "2016-12-12"}, "verification": "unverified",
        "victims": [{"group": {"label": {"en": FAMILY}, "count": 12, "qualifier": "exact"},
                     "status": "killed"}]}]}, incident


def _twelve_made_two(data: str) -> str:
    record = json.loads(data)
    record["victims"][0]["group"]["count"] = 2
    return interchange.canonical(record)


@contextmanager
def raw(session: Session) -> Iterator[Any]:
    """The database opened with the key, outside the app (the session is closed)."""
    folder, key = session.folder, session.data_key()
    session.close()
    conn = db.connect(folder / keyfile.DB_FILE, key)
    try:
        yield conn
        conn.commit()
    finally:
        conn.close()


def reopen(folder: Path, key: bytes) -> Session:
    return Session.open_with_key(folder, key)


def _no_content(problems: list[str]) -> None:
    text = " ".join(problems)
    assert "Hajjar" not in text and "twelve" not in text


def _drop(conn: Any, *triggers: str) -> None:
    for name in triggers:
        conn.execute(f"DROP TRIGGER IF EXISTS {name}")


def test_content_edited_with_the_key_is_named(session: Session, template: Template) -> None:
    document, incident = family()
    session.add_document(document)
    folder = session.folder
    with raw(session) as conn:
        data = conn.execute("SELECT data FROM records WHERE id = ?", (incident,)).fetchone()[0]
        conn.execute("UPDATE records SET data = ? WHERE id = ?", (_twelve_made_two(data), incident))
    with reopen(folder, template.key) as again:
        problems = again.check()
    assert any(incident in p and "current content" in p for p in problems), problems
    _no_content(problems)


def test_content_and_its_revision_edited_are_named(session: Session, template: Template
                                                   ) -> None:
    document, incident = family()
    session.add_document(document)
    folder = session.folder
    with raw(session) as conn:
        _drop(conn, "revisions_append_only")
        data = conn.execute("SELECT data FROM records WHERE id = ?", (incident,)).fetchone()[0]
        forged = _twelve_made_two(data)
        conn.execute("UPDATE records SET data = ? WHERE id = ?", (forged, incident))
        conn.execute("UPDATE revisions SET data = ? WHERE record_id = ?", (forged, incident))
    with reopen(folder, template.key) as again:
        problems = again.check()
    # and the figures kept with the incident no longer match what it now says
    assert problems == [f"record {incident}, revision 1: changed outside the app",
                        "figures: the counts kept for 1 record differ from what it says"]


def test_an_old_revision_edited_is_named(session: Session, template: Template) -> None:
    document, incident = family()
    session.add_document(document)
    later = copy.deepcopy(document)
    later["incidents"][0]["verification"] = "verified"
    session.add_document(later)
    folder = session.folder
    with raw(session) as conn:
        _drop(conn, "revisions_append_only")
        data = conn.execute("SELECT data FROM revisions WHERE record_id = ? AND revision = 1",
                            (incident,)).fetchone()[0]
        conn.execute("UPDATE revisions SET data = ? WHERE record_id = ? AND revision = 1",
                     (_twelve_made_two(data), incident))
    with reopen(folder, template.key) as again:
        problems = again.check()
    assert problems == [f"record {incident}, revision 1: changed outside the app"]


def test_a_revision_removed_or_added_is_named(session: Session, template: Template) -> None:
    document, incident = family()
    session.add_document(document)
    later = copy.deepcopy(document)
    later["incidents"][0]["verification"] = "verified"
    session.add_document(later)
    folder = session.folder
    with raw(session) as conn:
        _drop(conn, "revisions_kept")
        conn.execute("DELETE FROM revisions WHERE record_id = ? AND revision = 1", (incident,))
        row = conn.execute("SELECT at, author, action, changed, data FROM revisions "
                           "WHERE record_id = ? AND revision = 2", (incident,)).fetchone()
        conn.execute("INSERT INTO revisions (record_id, revision, at, author, action, changed, "
                     "data) VALUES (?, 3, ?, ?, ?, ?, ?)", (incident, *row))
    with reopen(folder, template.key) as again:
        problems = again.check()
    assert f"record {incident}, revision 1: missing (removed outside the app)" in problems
    assert any(f"record {incident}, revision 3: not written by the app" in p
               for p in problems)
    assert any(f"record {incident}: its current content" in p for p in problems)


def test_an_edit_anchored_anew_by_an_ordinary_entry_is_named(session: Session,
                                                              template: Template) -> None:
    """The attacker anchors the forged old revision as sealing would (a new anchor row,
    the old salt forgotten) and lets the next unlock's entry take it: only sealing may
    anchor a version anew, so the entry is named."""
    document, incident = family()
    session.add_document(document)
    later = copy.deepcopy(document)
    later["incidents"][0]["verification"] = "verified"
    session.add_document(later)
    folder = session.folder
    with raw(session) as conn:
        _drop(conn, "revisions_append_only")
        data = conn.execute("SELECT data FROM revisions WHERE record_id = ? AND revision = 1",
                            (incident,)).fetchone()[0]
        forged = _twelve_made_two(data)
        conn.execute("UPDATE revisions SET data = ? WHERE record_id = ? AND revision = 1",
                     (forged, incident))
        conn.execute("UPDATE anchors SET salt = NULL WHERE record_id = ? AND revision = 1",
                     (incident,))
        salt = b"\x01" * 16
        conn.execute("INSERT INTO anchors (record_id, revision, digest, salt) VALUES "
                     "(?, 1, ?, ?)", (incident, hashlib.sha256(salt + forged.encode())
                                      .hexdigest(), salt))
    with reopen(folder, template.key) as again:
        problems = again.check()
        unlock = again.activity()[-2]
    assert unlock.action == "unlock" and unlock.detail["anchored"] == 1
    assert problems == [f"activity log: entry #{unlock.seq} (unlock) rewrites or removes "
                        "record versions, which only sealing and purging do"]


def test_an_identity_edited_is_named(session: Session, template: Template) -> None:
    person = str(uuid.uuid4())
    session.add_document({"format": "testimony/1", "persons": [
        {"id": person, "sex": "male", "identity": {"name": {"en": "Omar Hajjar"},
                                                   "public_domain": False}}]})
    folder = session.folder
    with raw(session) as conn:
        conn.execute("UPDATE identities SET data = replace(data, 'Omar', 'Amr') "
                     "WHERE person_id = ?", (person,))
        conn.execute("UPDATE identity_revisions SET data = replace(data, 'Omar', 'Amr') "
                     "WHERE person_id = ?", (person,))
    with reopen(folder, template.key) as again:
        problems = again.check()
    assert problems == [f"the identity of person {person}, revision 1: changed outside the app"]
    assert "Omar" not in problems[0] and "Amr" not in problems[0]


def _fold(rows: list[tuple[int, str, int, str]]) -> str:
    """How an entry's `anchors` is computed (docs/FORMAT.md): the attacker knows it."""
    digest = hashlib.sha256()
    for row_id, record_id, revision, value in rows:
        digest.update(f"{row_id} {record_id} {revision} {value}\n".encode())
    return digest.hexdigest()


def rewrite_everything(conn: Any, incident: str) -> None:
    """The thorough attack: twelve made two in the record and every revision, their
    anchors recomputed, the log entries that anchor them recomputed, and the whole
    chain of the log recomputed from the first entry, head and all."""
    _drop(conn, "revisions_append_only", "anchors_append_only", "activity_append_only",
          "activity_kept")
    for revision, data in conn.execute("SELECT revision, data FROM revisions WHERE "
                                       "record_id = ?", (incident,)).fetchall():
        forged = _twelve_made_two(data)
        conn.execute("UPDATE revisions SET data = ? WHERE record_id = ? AND revision = ?",
                     (forged, incident, revision))
        for row_id, salt in conn.execute("SELECT id, salt FROM anchors WHERE record_id = ? "
                                         "AND revision = ? AND salt IS NOT NULL",
                                         (incident, revision)).fetchall():
            conn.execute("UPDATE anchors SET digest = ? WHERE id = ?", (
                hashlib.sha256(salt + forged.encode()).hexdigest(), row_id))
    current = conn.execute("SELECT data FROM revisions WHERE record_id = ? ORDER BY revision "
                           "DESC LIMIT 1", (incident,)).fetchone()[0]
    conn.execute("UPDATE records SET data = ? WHERE id = ?", (current, incident))
    # what the app keeps beside the record (the figures' rows), made with its own code
    sort_date = conn.execute("SELECT sort_date FROM records WHERE id = ?",
                             (incident,)).fetchone()[0]
    figure_facts.put(conn, "incident", json.loads(current), sort_date)
    entries = conn.execute("SELECT seq, at, actor, action, target, detail FROM activity "
                           "ORDER BY seq").fetchall()
    conn.execute("DELETE FROM activity")
    prev = activity.GENESIS
    for seq, at, actor, action, target, detail in entries:
        value = json.loads(detail)
        if "anchors" in value:
            first, count = value["anchors_from"], value["anchored"]
            value["anchors"] = _fold(conn.execute(
                "SELECT id, record_id, revision, digest FROM anchors WHERE id >= ? AND id < ? "
                "ORDER BY id", (first, first + count)).fetchall())
            detail = json.dumps(value, sort_keys=True, ensure_ascii=False)
        digest = activity.entry_hash(prev, seq, at, actor, action, target, detail)
        conn.execute("INSERT INTO activity (seq, at, actor, action, target, detail, prev_hash, "
                     "hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                     (seq, at, actor, action, target, detail, prev, digest))
        prev = digest
    conn.execute("UPDATE meta SET value = ? WHERE key = 'activity_head'",
                 (f"{entries[-1][0]}:{prev}",))


def test_a_full_rewrite_passes_on_the_laptop_alone(session: Session, template: Template
                                                   ) -> None:
    """Why the head must leave: on a vault that never exchanged, the thorough attack
    leaves nothing for `check` to find (so the attack below is complete)."""
    document, incident = family()
    session.add_document(document)
    folder = session.folder
    with raw(session) as conn:
        rewrite_everything(conn, incident)
    with reopen(folder, template.key) as again:
        assert again.check() == []
        assert again.record(incident).data["victims"][0]["group"]["count"] == 2


def _exchange(pair: Pair, tmp_path: Path, name: str) -> bundle.ImportResult:
    exported = bundle.export(pair.researcher, tmp_path / f"{name}.age")
    result = bundle.import_bundle(pair.coordinator, exported.path)
    receipt.write(pair.coordinator, exported.bundle_id, tmp_path / f"{name}.receipt")
    receipt.accept(pair.researcher, tmp_path / f"{name}.receipt")
    return result


def test_a_full_rewrite_is_caught_by_the_last_receipt(pair: Pair, tmp_path: Path,
                                                      template: Template) -> None:
    document, incident = family()
    pair.researcher.add_document(document)
    first = _exchange(pair, tmp_path, "1")
    assert first.log_warning is None
    folder = pair.researcher.folder
    with raw(pair.researcher) as conn:
        rewrite_everything(conn, incident)
    pair.researcher = reopen(folder, template.key)
    problems = pair.researcher.check()
    assert len(problems) == 1 and "the log was rewritten" in problems[0], problems
    _no_content(problems)
    # The receipt's head cannot be moved to fit: it is the organisation's signature.
    pair.researcher.conn.execute("UPDATE confirmed_log_heads SET hash = ?",
                                 (pair.researcher.activity()[-1].hash,))
    assert any("signature does not match" in p for p in pair.researcher.check())


def test_the_coordinator_flags_a_log_that_does_not_extend(pair: Pair, tmp_path: Path,
                                                          template: Template) -> None:
    document, incident = family()
    pair.researcher.add_document(document)
    _exchange(pair, tmp_path, "1")
    place: dict[str, Any] = {"format": "testimony/1", "places": [{"id": str(uuid.uuid4()),
                                                  "name": {"en": "Bustan al-Qasr"},
                                                  "level": "neighbourhood"}]}
    pair.researcher.add_document(place)
    assert _exchange(pair, tmp_path, "2").log_warning is None  # an honest next bundle
    folder = pair.researcher.folder
    with raw(pair.researcher) as conn:
        rewrite_everything(conn, incident)
        conn.execute("DELETE FROM confirmed_log_heads")  # hides it from check on the laptop
    pair.researcher = reopen(folder, template.key)
    assert pair.researcher.check() == []
    changed = copy.deepcopy(place)
    changed["places"][0]["name"] = {"en": "Bustan al-Basha"}
    pair.researcher.add_document(changed)
    exported = bundle.export(pair.researcher, tmp_path / "3.age")
    result = bundle.import_bundle(pair.coordinator, exported.path)
    assert result.log_warning == "log_rewritten"
    assert result.updated == [place["places"][0]["id"]]  # imported all the same
    arrivals = pair.coordinator.provenance(place["places"][0]["id"]).arrivals
    assert [a.log_warning for a in arrivals] == [None, "log_rewritten"]
    assert bundle.provenance(pair.coordinator.conn, place["places"][0]["id"])[-1].log_warning \
        == "log_rewritten"
    assert pair.coordinator.check() == []


def test_a_bundle_whose_log_is_shorter_is_flagged(pair: Pair, tmp_path: Path,
                                                  template: Template) -> None:
    """Thrown-away history: the researcher's vault swapped for an older copy (or a log
    cut short) after a bundle left; the next bundle's head is behind the last one."""
    document, _incident = family()
    pair.researcher.add_document(document)
    folder = pair.researcher.folder
    pair.researcher.close()
    copy_dir = tmp_path / "older"
    shutil.copytree(folder, copy_dir)
    pair.researcher = reopen(folder, template.key)
    for _ in range(3):
        pair.researcher.add_document(family()[0])
    exported = bundle.export(pair.researcher, tmp_path / "1.age")
    assert bundle.import_bundle(pair.coordinator, exported.path).log_warning is None
    pair.researcher.close()
    shutil.rmtree(folder)
    shutil.copytree(copy_dir, folder)
    pair.researcher = reopen(folder, template.key)
    pair.researcher.conn.execute("INSERT INTO sent_bundles (sequence, bundle_id, created_at, "
                                 "records, attachments) VALUES (1, ?, '', 0, 0)",
                                 (exported.bundle_id,))
    pair.researcher.add_document(family()[0])
    second = bundle.export(pair.researcher, tmp_path / "2.age")
    assert bundle.import_bundle(pair.coordinator, second.path).log_warning == "log_rewritten"


# -- legitimate rewrites keep check clean ---------------------------------------------


def test_sealing_on_finalise_reanchors_what_it_rewrites(pair: Pair, tmp_path: Path) -> None:
    researcher = pair.researcher
    document, ids = case()
    untagged = copy.deepcopy(document)
    del untagged["testimonies"][0]["tags"]
    researcher.add_document(untagged)
    _exchange(pair, tmp_path, "1")
    researcher.add_document(document)
    assert researcher.finalise(ids["testimony"], allow_untagged=True) == 1
    assert researcher.check() == []
    conn = researcher.conn
    # Each rewritten version is anchored anew; its old commitment keeps no salt (with
    # the salt it would be a plain hash of the plaintext, confirming a guessed name).
    for record_id in (ids["testimony"], ids["witness"]):
        for revision, data in conn.execute("SELECT revision, data FROM revisions WHERE "
                                           "record_id = ?", (record_id,)).fetchall():
            rows = conn.execute("SELECT digest, salt FROM anchors WHERE record_id = ? AND "
                                "revision = ? ORDER BY id", (record_id, revision)).fetchall()
            assert [salt is not None for _d, salt in rows] == [False] * (len(rows) - 1) + [True]
            assert hashlib.sha256(rows[-1][1] + data.encode()).hexdigest() == rows[-1][0]
    assert conn.execute("SELECT count(*) FROM anchors WHERE record_id = ? AND revision = 1",
                        (ids["testimony"],)).fetchone()[0] == 2  # rewritten once
    # The witness's identity left with its revisions: their removal anchored, salts gone.
    identity = conn.execute("SELECT digest, salt FROM anchors WHERE record_id = ? ORDER BY id",
                            ("identity:" + ids["witness"],)).fetchall()
    assert identity[-1] == ("", None) and all(salt is None for _d, salt in identity)
    # The next exchange carries the sealing's entries; the coordinator sees no rewrite.
    assert _exchange(pair, tmp_path, "2").log_warning is None
    assert researcher.check() == [] and pair.coordinator.check() == []


def test_purge_after_a_receipt_keeps_check_clean(pair: Pair, tmp_path: Path) -> None:
    document, incident = family()
    pair.researcher.add_document(document)
    _exchange(pair, tmp_path, "1")
    purged = receipt.purge_received(pair.researcher)
    assert purged.records == 1
    assert pair.researcher.check() == []
    removed = pair.researcher.conn.execute(
        "SELECT digest, salt FROM anchors WHERE record_id = ? ORDER BY id", (incident,)
    ).fetchall()
    assert removed[-1] == ("", None) and all(salt is None for _d, salt in removed)
    pair.researcher.add_document(document)  # the same id made again: anchored anew
    pair.researcher.add_document(family()[0])
    assert _exchange(pair, tmp_path, "2").log_warning is None
    assert pair.researcher.check() == [] and pair.coordinator.check() == []


def test_merging_duplicates_keeps_check_clean(session: Session) -> None:
    a, b = str(uuid.uuid4()), str(uuid.uuid4())
    session.add_document({"format": "testimony/1", "persons": [
        {"id": a, "sex": "male", "identity": {"name": {"en": "Omar Hajjar"},
                                              "public_domain": False}},
        {"id": b, "sex": "male", "identity": {"name": {"en": "Omar al-Hajjar"},
                                              "public_domain": False}}]})
    session.merge_persons(a, b)
    assert session.check() == []
    session.unmerge_person(b)
    session.delete(b)
    assert session.check() == []


def _as_before_anchors(session: Session) -> None:
    """The vault as the version before anchors left it: no anchor tables, and log
    entries without anchors (the chain recomputed, as that version computed it)."""
    conn = session.conn
    conn.execute("BEGIN IMMEDIATE")
    _drop(conn, "anchors_append_only", "anchors_kept", "activity_append_only",
          "activity_kept")
    for table in ("anchors", "received_log_heads", "confirmed_log_heads"):
        conn.execute(f"DROP TABLE {table}")
    conn.execute("DELETE FROM meta WHERE key = 'anchors_done'")
    entries = conn.execute("SELECT seq, at, actor, action, target, detail FROM activity "
                           "ORDER BY seq").fetchall()
    conn.execute("DELETE FROM activity")
    prev = activity.GENESIS
    for seq, at, actor, action, target, detail in entries:
        value = {k: v for k, v in json.loads(detail).items()
                 if k not in ("anchors", "anchors_from", "anchored")}
        detail = json.dumps(value, sort_keys=True, ensure_ascii=False)
        digest = activity.entry_hash(prev, seq, at, actor, action, target, detail)
        conn.execute("INSERT INTO activity (seq, at, actor, action, target, detail, prev_hash, "
                     "hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                     (seq, at, actor, action, target, detail, prev, digest))
        prev = digest
    conn.execute("UPDATE meta SET value = ? WHERE key = 'activity_head'",
                 (f"{entries[-1][0]}:{prev}",))
    for name in ("activity_append_only", "activity_kept"):
        conn.execute(f"CREATE TRIGGER {name} BEFORE {'UPDATE' if 'only' in name else 'DELETE'} "
                     "ON activity BEGIN SELECT RAISE(ABORT, 'the activity log is append-only'); "
                     "END")
    conn.execute(f"PRAGMA user_version = {ANCHORS_MIGRATION - 1}")
    conn.execute("COMMIT")


def test_the_migration_anchors_an_existing_vault(demo_session: Session, template: Template
                                                 ) -> None:
    folder = demo_session.folder
    revisions = demo_session.conn.execute(
        "SELECT (SELECT count(*) FROM revisions) + (SELECT count(*) FROM identity_revisions)"
    ).fetchone()[0]
    _as_before_anchors(demo_session)
    demo_session.close()
    with reopen(folder, template.key) as upgraded:
        anchored = [e for e in upgraded.activity() if e.action == "anchored"]
        assert len(anchored) == 1 and anchored[0].detail["anchored"] == revisions
        assert upgraded.check() == []
        incident = upgraded.list_records("incident")[0].id
    # From then on an edit outside the app is found, as in a new vault.
    with reopen(folder, template.key) as again, raw(again) as conn:
        conn.execute("UPDATE records SET data = replace(data, '\"verification\"', "
                     "'\"verification\" ') WHERE id = ?", (incident,))
    with reopen(folder, template.key) as again:
        assert any(incident in p for p in again.check())
