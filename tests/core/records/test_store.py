"""Records: add/show round trip, revisions, search in Arabic and Latin, deletion."""

from __future__ import annotations

import contextlib
import copy
import json
import uuid
from typing import Any

import pytest

from testimony_app.core.common.errors import InputError, NotFound, ValidationFailed
from testimony_app.core.records import interchange
from testimony_app.core.session import Session


def uid() -> str:
    return str(uuid.uuid4())


def minimal_testimony(narrative: dict[str, str], **extra: Any) -> dict[str, Any]:
    return {"id": uid(), "interview": {"date": {"precision": "day", "value": "2016-12-20"},
                                       "language": "ar", "mode": "in_person"},
            "consent": {"scope": "internal"}, "status": "draft", "narrative": narrative,
            **extra}


def doc(**arrays: list[dict[str, Any]]) -> dict[str, Any]:
    return {"format": "testimony/1", **arrays}


def test_every_demo_record_round_trips(demo_session: Session, demo_document: bytes) -> None:
    document = json.loads(demo_document)
    total = 0
    for kind, record in interchange.records(document):
        shown = demo_session.show(record["id"])
        assert shown[interchange.ARRAYS[kind]] == [record], record["id"]
        assert shown["meta"]["kind"] == kind
        total += 1
    assert total == sum(demo_session.counts().values())


def test_show_output_is_accepted_by_add_unchanged(demo_session: Session) -> None:
    some = demo_session.list_testimonies()[0].id
    result = demo_session.add_document(demo_session.show(some))
    assert result.unchanged == [some] and not result.added and not result.updated


def test_adding_the_same_document_twice_changes_nothing(demo_session: Session,
                                                        demo_document: bytes) -> None:
    head = demo_session.activity()[-1].seq
    result = demo_session.add_json(demo_document)
    assert not result.added and not result.updated
    assert demo_session.activity()[-1].seq == head


def test_persons_get_a_stable_pseudonym_code(demo_session: Session) -> None:
    person = demo_session.list_records("person")[0]
    assert person.code and person.code.startswith("P-") and len(person.code) == 11
    assert demo_session.record(person.code).id == person.id
    assert demo_session.show(person.id)["meta"]["code"] == person.code


def test_an_edit_is_a_new_revision_naming_the_changed_fields(session: Session) -> None:
    t = minimal_testimony({"en": "first version"})
    session.add_document(doc(testimonies=[t]))
    edited = copy.deepcopy(t)
    edited["narrative"] = {"en": "second version"}
    edited["status"] = "finalised"
    assert session.add_document(doc(testimonies=[edited])).updated == [t["id"]]
    history = session.history(t["id"])
    assert [r.revision for r in history] == [1, 2]
    assert history[1].changed == ["narrative", "status"]
    assert history[1].action == "updated" and history[1].author.startswith("device:")
    assert session.show(t["id"])["testimonies"] == [edited]


def test_identity_change_is_a_revision_without_the_values_in_it(session: Session) -> None:
    p = {"id": uid(), "sex": "female", "identity": {"name": {"en": "Old Name"},
                                                      "public_domain": False}}
    session.add_document(doc(persons=[p]))
    p2 = copy.deepcopy(p)
    p2["identity"]["name"] = {"en": "New Name"}
    session.add_document(doc(persons=[p2]))
    history = session.history(p["id"])
    assert history[-1].changed == ["identity"]
    revisions = session.conn.execute("SELECT data FROM revisions").fetchall()
    assert not any("Name" in r[0] for r in revisions)


ARABIC_VARIANTS = [
    ("أُعدِم محمد في الساحة", ["اعدم", "أعدم", "إعدم", "الساحه", "ساحة", "مُحمّد"]),
    ("ذهبت إلى المدرسة مع أبي", ["المدرسه", "مدرسة", "الي", "ابي"]),
    ("مستشفى حلب الميداني", ["مستشفي", "مستشفى", "حلـــب", "الميدانى"]),
    ("اعتقلوا ٢٠ شاباً", ["20", "٢٠", "شابا"]),
]


@pytest.mark.parametrize(("text", "queries"), ARABIC_VARIANTS)
def test_arabic_search_ignores_spelling_variants(session: Session, text: str,
                                                 queries: list[str]) -> None:
    t = minimal_testimony({"ar": text})
    session.add_document(doc(testimonies=[t]))
    for query in queries:
        hits = session.search(query)
        assert [h.id for h in hits] == [t["id"]], query


def test_latin_search_ignores_case_and_accents(session: Session) -> None:
    t = minimal_testimony({"en": "The Café near the Élysée checkpoint"})
    session.add_document(doc(testimonies=[t]))
    for query in ("cafe", "ELYSEE", "checkp", "café élysée"):
        assert [h.id for h in session.search(query)] == [t["id"]], query
    assert session.search("bakery") == []


def test_search_treats_fts_syntax_as_plain_words(session: Session) -> None:
    t = minimal_testimony({"en": "near the bridge"})
    session.add_document(doc(testimonies=[t]))
    for query in ('near"', "NEAR(a b)", "bridge OR", "*", "AND", "-", "^x"):
        with contextlib.suppress(InputError):
            session.search(query)
    assert [h.id for h in session.search('bridge"')] == [t["id"]]
    with pytest.raises(InputError):
        session.search("   ")


def test_demo_is_searchable_in_arabic_and_english(demo_session: Session) -> None:
    assert demo_session.search("checkpoint")
    assert demo_session.search("حاجز")
    assert demo_session.search("zero point")


def test_invalid_document_adds_nothing_and_names_every_path(session: Session) -> None:
    good = minimal_testimony({"en": "fine"})
    bad = minimal_testimony({"en": "x"}, status="published")
    bad_incident = {"id": uid(), "type": "arbitrary_arrest", "verification": "unverified",
                    "date": {"precision": "day", "value": "2016-13-40"}}
    with pytest.raises(ValidationFailed) as info:
        session.add_document(doc(testimonies=[good, bad], incidents=[bad_incident]))
    paths = {p for p, _ in info.value.problems}
    assert "$.testimonies[1].status" in paths
    assert any(p.startswith("$.incidents[0].date") for p in paths)
    assert session.counts() == {}


def test_broken_reference_adds_nothing(session: Session) -> None:
    good = minimal_testimony({"en": "fine"})
    dangling = minimal_testimony({"en": "x"}, witness=uid())
    with pytest.raises(ValidationFailed) as info:
        session.add_document(doc(testimonies=[good, dangling]))
    assert info.value.problems[0][0] == "$.testimonies[1]"
    assert session.counts() == {}


def test_semantic_checks(session: Session) -> None:
    group = {"count": 3, "qualifier": "exact", "breakdown": {"women": 2, "children": 2}}
    incident = {"id": uid(), "type": "summary_execution", "verification": "unverified",
                "date": {"precision": "range", "from": "2016-12-13", "to": "2016-12-12"},
                "victims": [{"group": group}]}
    with pytest.raises(ValidationFailed) as info:
        session.add_document(doc(incidents=[incident, dict(incident)]))
    reasons = " ".join(r for _, r in info.value.problems)
    assert "more than the count" in reasons
    assert "ends before it starts" in reasons
    assert "same id is used twice" in reasons


def test_validation_messages_never_quote_values(session: Session) -> None:
    secret = "Mohammad Secretname"
    t = minimal_testimony({"en": "x"}, status=secret)
    t["interview"]["mode"] = secret
    t[secret] = secret
    t["narrative"] = {secret: secret}
    with pytest.raises(ValidationFailed) as info:
        session.add_document(doc(testimonies=[t]))
    text = str(info.value) + repr(info.value.problems)
    assert "Secretname" not in text
    with pytest.raises(NotFound) as nf:
        session.show(secret)
    assert "Secretname" not in str(nf.value)


def test_delete_purges_record_history_and_index(session: Session) -> None:
    canary = "Qwertycanary"
    t = minimal_testimony({"en": f"the name {canary} appears here"})
    session.add_document(doc(testimonies=[t]))
    t2 = dict(t, narrative={"en": f"edited, still {canary}"})
    session.add_document(doc(testimonies=[t2]))
    assert session.search(canary)
    session.delete(t["id"])
    assert session.search(canary) == []
    conn = session.conn
    conn.execute("CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, search, 'row')")
    terms = {r[0] for r in conn.execute("SELECT term FROM temp.vocab")}
    assert canary.lower() not in terms
    assert conn.execute("SELECT count(*) FROM revisions WHERE record_id = ?",
                        (t["id"],)).fetchone()[0] == 0
    assert session.activity()[-1].action == "delete"
    with pytest.raises(NotFound):
        session.show(t["id"])


def test_delete_refuses_a_record_still_referred_to(demo_session: Session) -> None:
    person = demo_session.list_records("place")[0]
    with pytest.raises(InputError) as info:
        demo_session.delete(person.id)
    assert info.value.code == "in_use"


def test_id_prefixes_resolve(demo_session: Session) -> None:
    row = demo_session.list_testimonies()[0]
    assert demo_session.resolve(row.id[:13]) == row.id
    with pytest.raises(NotFound):
        demo_session.resolve("ffffffff-ffff")
