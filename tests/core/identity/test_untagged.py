"""Names nobody tagged: what finalising asks about, dismissals, tagging one."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from testimony_app.core.common.errors import InputError
from testimony_app.core.session import Session

TEXT = ("At the checkpoint they took Qorvandel Zibrakhan. Then Abu Marvan said the "
        "Monday raid began. Later the officer shouted at Tasqueline.")
AR = "قال أبو أحمد إن عبدالله كان هناك مع بن خالد، أم لا."


def _add(session: Session, text: str = TEXT, ar: str = AR,
         known: str | None = None) -> tuple[str, dict[str, str]]:
    ids = {k: str(uuid.uuid4()) for k in ("witness", "known", "testimony")}
    persons: list[dict[str, Any]] = [{"id": ids["witness"], "sex": "male"}]
    if known:
        persons.append({"id": ids["known"], "sex": "female", "identity": {
            "name": {"en": known}, "public_domain": False}})
    session.add_document({
        "format": "testimony/1", "persons": persons,
        "testimonies": [{"id": ids["testimony"], "witness": ids["witness"], "status": "draft",
                         "no_incident_reason": "context",
                         "interview": {"date": {"precision": "day", "value": "2016-12-15"},
                                       "language": "en", "mode": "in_person"},
                         "consent": {"scope": "internal", "recorded_by": "team"},
                         "narrative": {"en": text, "ar": ar}}]})
    return ids["testimony"], ids


def test_candidates_in_both_scripts(session: Session) -> None:
    tid, _ids = _add(session)
    found = {(c.text, c.reason) for c in session.untagged_names(tid)}
    assert ("Qorvandel Zibrakhan", "capitalised") in found
    assert ("Abu Marvan", "capitalised") in found  # "Then" opens the sentence
    assert ("Tasqueline", "capitalised") in found
    assert ("أبو أحمد", "arabic_pattern") in found
    assert ("عبدالله", "arabic_pattern") in found
    assert ("بن خالد", "arabic_pattern") in found
    texts = {t for t, _r in found}
    assert not texts & {"At", "Then", "Monday", "Later", "أم لا"}


def test_a_known_person_in_another_spelling(session: Session) -> None:
    tid, ids = _add(session, text="the raid took el-Oskatrub's brother away.", ar="",
                    known="Marvelline Oskatrub")
    found = session.untagged_names(tid)
    assert [(c.text, c.reason, c.person) for c in found] == [
        ("el-Oskatrub", "known_person", ids["known"])]


def test_tagged_names_and_their_spellings_are_not_asked_about(session: Session) -> None:
    tid, ids = _add(session, text="Qorvandel took Qorvandel's car.", ar="")
    record = session.record(tid).data
    record["tags"] = [{"field": "narrative", "lang": "en", "start": 0, "end": 9,
                       "person": ids["witness"]}]
    session.add_document({"format": "testimony/1", "testimonies": [record]})
    assert session.untagged_names(tid) == []


def test_dismissals_are_kept_by_position_until_the_text_changes(session: Session) -> None:
    tid, ids = _add(session)
    found = session.untagged_names(tid)
    assert session.dismiss_untagged(tid, found[:2]) == 2
    again = session.untagged_names(tid)
    assert [c.dismissed for c in again] == [True, True] + [False] * (len(again) - 2)
    # who and when, positions only: no word of the text in the vault's meta or log
    value = session.conn.execute("SELECT value FROM meta WHERE key LIKE 'untagged%'"
                                 ).fetchone()[0]
    assert "Qorvandel" not in value and json.loads(value)["by"] == session.author
    entry = session.conn.execute("SELECT detail FROM activity WHERE action = "
                                 "'untagged_dismissed'").fetchone()[0]
    assert json.loads(entry) == {"count": 2}
    # tagging another one keeps the dismissals
    session.tag_untagged(tid, again[2], ids["witness"])
    after = session.untagged_names(tid)
    assert [c.dismissed for c in after][:2] == [True, True]
    assert again[2].where not in {c.where for c in after}
    # an edit of the text voids them
    record = session.record(tid).data
    record["narrative"] = {**record["narrative"], "en": "Now " + TEXT}
    session.add_document({"format": "testimony/1", "testimonies": [record]})
    assert not any(c.dismissed for c in session.untagged_names(tid))


def test_tagging_a_stale_candidate_is_refused(session: Session) -> None:
    tid, ids = _add(session)
    first = session.untagged_names(tid)[0]
    record = session.record(tid).data
    record["narrative"] = {"en": "XX" + TEXT}
    session.add_document({"format": "testimony/1", "testimonies": [record]})
    with pytest.raises(InputError):
        session.tag_untagged(tid, first, ids["witness"])


def test_the_cli_refuses_until_each_is_tagged_or_dismissed(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    vault = str(tmp_path / "v")
    assert cli("init", "--vault", vault).code == 0
    source = tmp_path / "doc.json"
    tid, ids = str(uuid.uuid4()), str(uuid.uuid4())
    source.write_text(json.dumps({"format": "testimony/1",
                                  "persons": [{"id": ids, "sex": "male"}],
                                  "testimonies": [{
                                      "id": tid, "witness": ids, "status": "draft",
                                      "no_incident_reason": "context",
                                      "interview": {"date": {"precision": "day",
                                                             "value": "2016-12-15"},
                                                    "language": "en", "mode": "in_person"},
                                      "consent": {"scope": "internal", "recorded_by": "t"},
                                      "narrative": {"en": TEXT}}]}))
    assert cli("add", "--json", str(source), "--vault", vault).code == 0
    r = cli("finalise", tid, "--vault", vault)
    assert r.code == 1 and "1. narrative (en)" in r.out and "Qorvandel Zibrakhan" in r.out
    assert "nothing was finalised" in r.err
    r = cli("finalise", tid, "--json", "--vault", vault)
    listed = json.loads(r.out)["untagged"]
    assert r.code == 1 and [c["number"] for c in listed] == [1, 2, 3]
    r = cli("finalise", tid, "--dismiss", "2,3", "--tag", f"1={ids}", "--vault", vault)
    assert r.code == 0, r.err
    shown = json.loads(cli("show", tid, "--json", "--vault", vault).out)
    assert shown["testimonies"][0]["status"] == "finalised"
    assert len(shown["testimonies"][0]["tags"]) == 1
    # a number that was never listed is refused
    assert cli("finalise", tid, "--dismiss", "9", "--vault", vault).code == 1


def test_dismiss_all(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    vault = str(tmp_path / "v")
    assert cli("demo", "--vault", vault).code == 0
    from tests.conftest import SEEDS

    seeds = json.loads(SEEDS.read_text())
    draft = next(t for t in seeds["testimonies"] if t["status"] == "draft")
    r = cli("finalise", draft["id"], "--dismiss-all-untagged", "--json", "--vault", vault)
    assert r.code == 0, r.err
    assert json.loads(r.out)["finalised"] is True
