"""Corroboration on crafted cases: the same arrest in an English and an Arabic account,
from two researchers' bundles, beside look-alikes; decisions, clusters, independent
sources, the suggested status and accepting it. Real vaults and real bundles."""

from __future__ import annotations

import itertools
import random
import uuid
from datetime import date, timedelta
from typing import Any

import pytest

from testimony_app.core.common.errors import InputError
from testimony_app.core.common.ids import PersonId, RecordId
from testimony_app.core.records import dates
from testimony_app.core.session import Session
from testimony_app.core.workspace import corroboration
from tests.corroboration_fixtures import (  # noqa: F401
    Trio,
    day,
    document,
    incident,
    interview_record,
    load_two_accounts,
    place,
    trio,
    trio_template,
    witness,
)


def pairs(session: Session) -> list[frozenset[str]]:
    return [frozenset((s.a.id, s.b.id)) for s in session.corroboration_suggestions()]


def codes(suggestion: corroboration.Suggestion) -> list[str]:
    return [r.code for r in suggestion.reasons]


def test_arabic_and_english_accounts_from_two_researchers(trio: Trio) -> None:  # noqa: F811
    accounts, _ids = load_two_accounts(trio)
    c = trio.coordinator
    found = c.corroboration_suggestions()
    # Exactly two pairs: the arrest itself, and the al-Midan arrest of researcher one,
    # which lies in Aleppo on a day within "mid-December". Not the looting (other type),
    # the October arrest (other dates), Idlib (other city) nor al-Midan of Damascus
    # (same name and level, but in another city).
    assert pairs(c) == [frozenset((accounts.english_arrest, accounts.arabic_arrest)),
                        frozenset((accounts.midan_one, accounts.arabic_arrest))]
    best = found[0]
    assert best.score > found[1].score
    assert best.a.id == accounts.arabic_arrest  # 10 December sorts before the 14th
    assert codes(best) == ["same_type", "dates_overlap", "nested_place", "same_perpetrator",
                           "different_researchers"]
    assert best.reasons[1].params == {"start": "2016-12-14", "end": "2016-12-14"}
    assert {r.text() for r in best.reasons} >= {
        "same type: Arbitrary arrest", "one place lies within the other",
        "reported by different researchers"}
    # who reported each side, under the names the coordinator trusts them by
    assert [fp for fp, _n in best.b.researchers] == [trio.fp_one]
    assert best.b.researcher_label() == "Researcher One"
    assert best.a.researcher_label() == "Researcher Two"
    assert best.b.place_label("en") == "al-Kalasa — Aleppo — Aleppo Governorate"
    assert best.a.place_label("ar") == "حلب"
    # the same rules, asked about one pair; and a pair the rules exclude
    pair = corroboration.compare(c.conn, accounts.english_arrest, accounts.arabic_arrest)
    assert pair is not None and pair.score == best.score
    assert corroboration.compare(c.conn, accounts.english_arrest, accounts.other_type) is None
    assert corroboration.compare(c.conn, accounts.midan_one, accounts.midan_two) is None
    # JSON is plain data
    data = best.as_json()
    assert data["a"]["date_text"] == "~2016-12-10–2016-12-20"
    assert data["reasons"][0] == {"code": "same_type", "type": "arbitrary_arrest",
                                  "text": "same type: Arbitrary arrest"}


def test_confirm_reject_undo_clusters_and_status(trio: Trio) -> None:  # noqa: F811
    accounts, _ids = load_two_accounts(trio)
    c = trio.coordinator
    assert c.corroboration_clusters() == []  # nothing corroborated yet
    decision = c.confirm_corroboration(accounts.english_arrest, accounts.arabic_arrest)
    assert decision.decision == "confirmed" and decision.author == c.author
    assert decision.score is not None and decision.score > 0.5
    assert c.activity(1)[0].action == "corroboration"
    # the confirmed pair is no longer suggested, nor is a pair inside the same cluster
    assert frozenset((accounts.english_arrest, accounts.arabic_arrest)) not in pairs(c)
    [cluster] = c.corroboration_clusters()
    assert set(cluster.ids) == {accounts.english_arrest, accounts.arabic_arrest}
    assert cluster.sources == 2 and cluster.suggested == "partially_verified"
    assert not cluster.agreed
    assert c.corroboration_of(accounts.arabic_arrest).ids == cluster.ids
    # a single incident is its own cluster
    alone = c.corroboration_of(accounts.other_city)
    assert alone.ids == (accounts.other_city,) and alone.sources == 1
    assert alone.suggested == "unverified"

    c.reject_corroboration(accounts.midan_one, accounts.arabic_arrest)
    assert c.corroboration_suggestions() == []
    # undo puts the pair back among the suggestions; who and when are kept
    c.undo_corroboration(accounts.arabic_arrest, accounts.midan_one)
    assert pairs(c) == [frozenset((accounts.midan_one, accounts.arabic_arrest))]
    history = c.corroboration_history(accounts.midan_one, accounts.arabic_arrest)
    assert [h.decision for h in history] == ["rejected", "undone"]
    assert all(h.author == c.author and h.at for h in history)
    with pytest.raises(InputError) as error:
        c.undo_corroboration(accounts.midan_one, accounts.arabic_arrest)
    assert error.value.code == "nothing_to_undo"
    with pytest.raises(InputError) as error:
        c.confirm_corroboration(accounts.midan_one, accounts.midan_one)
    assert error.value.code == "same_incident"
    testimony_id = c.record(accounts.english_arrest).data["testimonies"][0]
    with pytest.raises(InputError) as error:
        c.confirm_corroboration(accounts.midan_one, testimony_id)
    assert error.value.code == "not_an_incident"

    # accepting the suggested status: a new revision of each incident, logged
    before = c.record(accounts.english_arrest).revision
    changed = c.set_verification(accounts.english_arrest, cluster.suggested)
    assert set(changed) == set(cluster.ids)
    for rid in cluster.ids:
        assert c.record(rid).data["verification"] == "partially_verified"
    assert c.record(accounts.english_arrest).revision == before + 1
    assert c.history(accounts.english_arrest)[-1].changed == ["verification"]
    logged = [e for e in c.activity(5) if e.action == "verification"]
    assert {e.target for e in logged} == set(cluster.ids)
    assert {k: v for k, v in logged[0].detail.items()  # less the anchors (core/vault/anchor.py)
            if not k.startswith("anchor")} == {"status": "partially_verified",
                                "suggested": "partially_verified", "sources": 2}
    assert c.corroboration_of(accounts.english_arrest).agreed
    # the coordinator may overrule it, for one incident only
    assert c.set_verification(accounts.arabic_arrest, "verified", whole_cluster=False) == [
        accounts.arabic_arrest]
    assert c.record(accounts.english_arrest).data["verification"] == "partially_verified"
    with pytest.raises(InputError) as error:
        c.set_verification(accounts.arabic_arrest, "true")
    assert error.value.code == "verification_status"
    # unlinking splits the cluster again
    c.undo_corroboration(accounts.english_arrest, accounts.arabic_arrest)
    assert c.corroboration_clusters() == []
    assert c.check() == []


def _second_account(vaults: Trio, ids: dict[str, str], witness_id: str | None = None,
                    name: dict[str, str] | None = None, perpetrator: str | None = None
                    ) -> RecordId:
    """Researcher two records another account of the arrest (another testimony), sends
    it, and the coordinator imports it. Returns the new incident's id."""
    records: dict[str, list[dict[str, Any]]] = {}
    if witness_id is None:
        person = witness(name or {"en": "Someone Else"})
        records["persons"] = [person]
        witness_id = person["id"]
    t = interview_record(witness_id, "ar", "رواية أخرى عن الاعتقال.", "شهادة ثانية")
    aleppo = vaults.two.record(ids["arabic_arrest"]).data["place"]
    arrest = incident(t["id"], "arbitrary_arrest", day("2016-12-14"), aleppo, perpetrator)
    vaults.two.add_document(document(**records, testimonies=[t], incidents=[arrest]))
    vaults.two.finalise(t["id"], allow_untagged=True)
    vaults.send(vaults.two, "two-" + arrest["id"][:8])
    return RecordId(str(arrest["id"]))


def test_two_testimonies_from_the_same_witness_are_one_source(trio: Trio) -> None:  # noqa: F811
    accounts, ids = load_two_accounts(trio)
    c = trio.coordinator
    again = _second_account(trio, ids, witness_id=ids["witness_two"])
    c.confirm_corroboration(accounts.english_arrest, accounts.arabic_arrest)
    suggestion = next(s for s in c.corroboration_suggestions() if again in (s.a.id, s.b.id)
                      and accounts.arabic_arrest in (s.a.id, s.b.id))
    assert "shared_source" in codes(suggestion)
    c.confirm_corroboration(again, accounts.arabic_arrest)
    cluster = c.corroboration_of(again)
    assert len(cluster.ids) == 3 and cluster.sources == 2
    assert cluster.suggested == "partially_verified"


def test_the_same_witness_recorded_by_both_researchers_is_one_source(trio: Trio) -> None:  # noqa: F811
    """Researcher two meets researcher one's witness again: another person record, but
    the same name in another spelling, so the same match key once sealed."""
    accounts, ids = load_two_accounts(trio)
    c = trio.coordinator
    again = _second_account(trio, ids, name={"en": "Muhammad Al Halabi"})
    from testimony_app.core.identity import seal

    witness_again = c.record(c.record(again).data["testimonies"][0]).data["witness"]
    keys = seal.keys_by_person(c.conn, [PersonId(RecordId(ids["witness_one"])),
                                         PersonId(RecordId(witness_again))])
    assert keys[ids["witness_one"]] & keys[witness_again]
    c.confirm_corroboration(accounts.english_arrest, again)
    assert c.corroboration_of(again).sources == 1
    c.confirm_corroboration(accounts.english_arrest, accounts.arabic_arrest)
    cluster = c.corroboration_of(again)
    assert len(cluster.ids) == 3 and cluster.sources == 2


def test_three_sources_verified_and_disagreement_disputed(trio: Trio) -> None:  # noqa: F811
    accounts, ids = load_two_accounts(trio)
    c = trio.coordinator
    third = _second_account(trio, ids, name={"en": "A Third Witness"},
                            perpetrator="pro_government_militia")
    c.confirm_corroboration(accounts.english_arrest, accounts.arabic_arrest)
    c.confirm_corroboration(third, accounts.arabic_arrest)
    cluster = c.corroboration_of(third)
    assert cluster.sources == 3 and cluster.suggested == "verified"
    fourth = _second_account(trio, ids, name={"en": "A Fourth Witness"},
                             perpetrator="armed_opposition")
    suggestion = corroboration.compare(c.conn, fourth, accounts.english_arrest)
    assert suggestion is not None and "perpetrators_differ" in codes(suggestion)
    c.confirm_corroboration(fourth, accounts.english_arrest)
    cluster = c.corroboration_of(fourth)
    assert cluster.sources == 4 and cluster.suggested == "disputed"
    assert [r.code for r in cluster.reasons] == ["sources", "perpetrators_differ"]


def test_dates_with_precision(session: Session) -> None:
    """Intervals from each precision: a month holds its days, 'before' and 'after' are
    open, a year is wide; only overlapping ones are suggested."""
    city = place({"en": "Aleppo"}, "city")
    people = [witness({"en": f"Witness {n}"}) for n in range(6)]
    ts = [interview_record(p["id"], "en", "account", f"t{n}") for n, p in enumerate(people)]
    when = [day("2016-12-14"), {"precision": "month", "value": "2016-12"},
            {"precision": "before", "value": "2016-12-01"},
            {"precision": "after", "value": "2016-12-20"},
            {"precision": "year", "value": "2015"},
            {"precision": "range", "from": "2016-11-25", "to": "2016-12-02"}]
    incidents = [incident(t["id"], "torture", w, city["id"]) for t, w in zip(ts, when,
                                                                             strict=True)]
    session.add_document(document(places=[city], persons=people, testimonies=ts,
                                  incidents=incidents))
    ids = [i["id"] for i in incidents]
    found = {frozenset((s.a.id, s.b.id)): s for s in session.corroboration_suggestions()}
    expected = {(0, 1), (1, 3), (1, 5), (2, 4), (2, 5), (1, 2)}
    assert set(found) == {frozenset((ids[x], ids[y])) for x, y in expected}
    # the day inside the month ranks above the open-ended pairs
    assert found[frozenset((ids[0], ids[1]))].score > found[frozenset((ids[2], ids[4]))].score
    # made in this vault: reported by no researcher but this vault
    assert found[frozenset((ids[0], ids[1]))].a.researcher_label() == "this vault"


def test_place_names_match_across_languages_only_at_the_same_level(session: Session) -> None:
    gov = place({"en": "Aleppo", "ar": "حلب"}, "governorate")
    city = place({"ar": "حلب"}, "city")
    other = place({"ar": "حَلَب"}, "city")  # diacritics do not make another place
    people = [witness({"en": f"W {n}"}) for n in range(3)]
    ts = [interview_record(p["id"], "en", "account", f"t{n}") for n, p in enumerate(people)]
    at_gov, at_city, at_other = (incident(t["id"], "looting", day("2016-12-14"), p["id"])
                                 for t, p in zip(ts, (gov, city, other), strict=True))
    session.add_document(document(places=[gov, city, other], persons=people, testimonies=ts,
                                  incidents=[at_gov, at_city, at_other]))
    assert pairs(session) == [frozenset((at_city["id"], at_other["id"]))]
    assert codes(session.corroboration_suggestions()[0])[2] == "same_place_name"


def test_no_place_is_a_weaker_suggestion_and_no_testimony_none(session: Session) -> None:
    city = place({"en": "Aleppo"}, "city")
    people = [witness({"en": f"W {n}"}) for n in range(3)]
    ts = [interview_record(p["id"], "en", "account", f"t{n}") for n, p in enumerate(people)]
    placed = incident(ts[0]["id"], "looting", day("2016-12-14"), city["id"])
    unplaced = incident(ts[1]["id"], "looting", day("2016-12-14"), None)
    same = incident(ts[2]["id"], "looting", day("2016-12-14"), city["id"])
    sourced_only = incident(ts[2]["id"], "looting", day("2016-12-14"), city["id"])
    sourced_only["testimonies"] = []
    session.add_document(document(places=[city], persons=people, testimonies=ts,
                                  incidents=[placed, unplaced, same, sourced_only]))
    found = session.corroboration_suggestions()
    assert [frozenset((s.a.id, s.b.id)) for s in found][0] == frozenset(
        (placed["id"], same["id"]))
    assert "place_unknown" in codes(found[-1]) and found[-1].score < found[0].score
    assert all(sourced_only["id"] not in (s.a.id, s.b.id) for s in found)
    assert len(session.corroboration_suggestions(limit=1)) == 1


def test_a_shared_report_does_not_make_two_victims_one_person(session: Session) -> None:
    """Two witnesses whose accounts were taken from the same report are one source, but
    not one person: a pair naming each as a victim shares no victim, whatever pairs
    were scored before it (and `compare` says the same as the suggestions)."""
    city = place({"en": "Aleppo"}, "city")
    report = {"id": str(uuid.uuid4()), "name": "A report",
              "kind": "organisation"}
    w1, w2, w3, w4 = (witness({"en": f"Witness {n}"}) for n in range(4))
    t1 = {**interview_record(w1["id"], "en", "account", "t1"), "source": report["id"]}
    t2 = {**interview_record(w2["id"], "en", "account", "t2"), "source": report["id"]}
    t3, t4 = (interview_record(w["id"], "en", "account", n) for w, n in ((w3, "t3"), (w4, "t4")))
    # Scored first (earlier): two accounts from the report.
    x = incident(t1["id"], "torture", day("2016-11-02"), city["id"])
    y = incident(t2["id"], "torture", day("2016-11-02"), city["id"])
    # Then two other events, whose victims are the report's two witnesses.
    p = incident(t3["id"], "torture", day("2016-12-14"), city["id"],
                 victims=[{"person": w1["id"], "status": "detained"}])
    q = incident(t4["id"], "torture", day("2016-12-14"), city["id"],
                 victims=[{"person": w2["id"], "status": "detained"}])
    session.add_document(document(places=[city], sources=[report],
                                  persons=[w1, w2, w3, w4], testimonies=[t1, t2, t3, t4],
                                  incidents=[x, y, p, q]))
    found = {frozenset((s.a.id, s.b.id)): s for s in session.corroboration_suggestions()}
    assert "shared_source" in codes(found[frozenset((x["id"], y["id"]))])
    pq = found[frozenset((p["id"], q["id"]))]
    assert "shared_victim" not in codes(pq) and "shared_source" not in codes(pq)
    alone = corroboration.compare(session.conn, p["id"], q["id"])
    assert alone is not None and alone.score == pq.score
    # Confirmed, the report's two accounts are one independent source.
    session.confirm_corroboration(x["id"], y["id"])
    assert session.corroboration_of(x["id"]).sources == 1


def test_a_rejection_holds_for_the_incidents_confirmed_with_either(session: Session) -> None:
    """a is b (confirmed), b is not c (rejected): a and c are not offered, for confirming
    them would make b and c one event. Undoing the rejection offers both pairs again."""
    city = place({"en": "Aleppo"}, "city")
    people = [witness({"en": f"W {n}"}) for n in range(3)]
    ts = [interview_record(p["id"], "en", "account", f"t{n}") for n, p in enumerate(people)]
    a, b, c = (incident(t["id"], "looting", day("2016-12-14"), city["id"]) for t in ts)
    session.add_document(document(places=[city], persons=people, testimonies=ts,
                                  incidents=[a, b, c]))
    assert len(pairs(session)) == 3
    session.confirm_corroboration(a["id"], b["id"])
    session.reject_corroboration(b["id"], c["id"])
    assert pairs(session) == []
    session.undo_corroboration(b["id"], c["id"])
    assert set(pairs(session)) == {frozenset((a["id"], c["id"])), frozenset((b["id"], c["id"]))}


def test_decisions_cannot_be_edited_or_deleted_behind_the_app(workspace: Session) -> None:
    """The history of corroboration decisions is append-only in the database itself."""
    import sqlcipher3

    suggestion = workspace.corroboration_suggestions()[0]
    workspace.confirm_corroboration(suggestion.a.id, suggestion.b.id)
    for statement in ("UPDATE corroboration SET decision = 'rejected'",
                      "DELETE FROM corroboration"):
        with pytest.raises(sqlcipher3.IntegrityError, match="append-only"):
            workspace.conn.execute(statement)


# -- large vaults: candidate pairs by place and date, a bounded number each -------------


def _random_date(rng: random.Random) -> dict[str, Any]:
    d = date(2016, 1, 1) + timedelta(days=rng.randrange(366))
    kind = rng.random()
    if kind < 0.4:
        return day(d.isoformat())
    if kind < 0.55:
        return {"precision": "month", "value": d.isoformat()[:7]}
    if kind < 0.7:
        return {"precision": "approximate", "from": d.isoformat(),
                "to": (d + timedelta(days=rng.choice((3, 9, 20, 60)))).isoformat()}
    if kind < 0.8:
        return {"precision": "year", "value": str(d.year)}
    if kind < 0.9:
        return {"precision": "range", "from": d.isoformat(),
                "to": (d + timedelta(days=rng.choice((400, 900)))).isoformat()}
    return {"precision": rng.choice(("before", "after")), "value": d.isoformat()}


def test_without_a_crowd_every_pair_the_rules_allow_is_offered(
        session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    """Blocking by place and date leaves out no pair the rules allow: against every
    pair scored one by one, on places with twins (same name and level, with and
    without a parent, in two cities) and dates of every precision. With the default
    cap the suggestions are some of those, scored the same."""
    rng = random.Random(3)
    country = place({"en": "Syria"}, "country")
    gov = place({"en": "Aleppo Governorate"}, "governorate", country["id"])
    aleppo = place({"en": "Aleppo", "ar": "حلب"}, "city", gov["id"])
    aleppo_again = place({"ar": "حلب"}, "city")
    idlib = place({"en": "Idlib"}, "city", gov["id"])
    hoods = [place({"en": name}, "neighbourhood", city["id"])
             for name in ("al-Midan", "Salah al-Din") for city in (aleppo, idlib, aleppo_again)]
    places = [country, gov, aleppo, aleppo_again, idlib, *hoods]
    people = [witness({"en": f"W {n}"}) for n in range(40)]
    ts = [interview_record(p["id"], "en", "account", f"t{n}") for n, p in enumerate(people)]
    incidents = [incident(rng.choice(ts)["id"], rng.choice(("torture", "looting")),
                          _random_date(rng), rng.choice(places)["id"] if rng.random() < 0.9
                          else None,
                          rng.choice((None, "armed_opposition", "government_forces")))
                 for _ in range(160)]
    session.add_document(document(places=places, persons=people, testimonies=ts,
                                  incidents=incidents))
    snap = corroboration._Snapshot(session.conn)
    expected = {}
    for a, b in itertools.combinations(snap.incidents.values(), 2):
        scored = corroboration._score(snap, a, b)
        if scored is not None:
            expected[frozenset((a.id, b.id))] = scored[0]
    everything = session.corroboration_suggestions()
    capped = {frozenset((s.a.id, s.b.id)): s.score for s in everything}
    assert capped.items() <= expected.items() and len(capped) < len(expected)
    for limit in (1, 7, 60):  # the best first, as if every pair were ranked
        assert session.corroboration_suggestions(limit) == everything[:limit]
    monkeypatch.setattr(corroboration, "MAX_PARTNERS", 10**6)
    found = session.corroboration_suggestions()
    assert {frozenset((s.a.id, s.b.id)): s.score for s in found} == expected
    assert all((dates.start(s.a.date), s.a.id) <= (dates.start(s.b.date), s.b.id) for s in found)


def test_the_same_arrest_is_found_among_thousands(session: Session) -> None:
    """1 500 arrests in one city in December (some with a month, a year or an open
    date), from 30 accounts: each incident is compared with its best partners only.
    Two accounts of one arrest at the same place on the same day are still offered,
    and so are two accounts both dated "before 1 June" in the city."""
    rng = random.Random(11)
    city = place({"en": "Aleppo"}, "city")
    hoods = [place({"en": f"Quarter {n}"}, "neighbourhood", city["id"]) for n in range(6)]
    people = [witness({"en": f"W {n}"}) for n in range(34)]
    ts = [interview_record(p["id"], "en", "account", f"t{n}") for n, p in enumerate(people)]
    crowd = []
    for k in range(1500):
        r = rng.random()
        when = (day(f"2016-12-{rng.randint(1, 31):02d}") if r < 0.8 else
                {"precision": "month", "value": "2016-12"} if r < 0.9 else
                {"precision": "year", "value": "2016"} if r < 0.95 else
                {"precision": "before", "value": "2016-12-20"})
        crowd.append(incident(ts[k % 30]["id"], "arbitrary_arrest", when,
                              rng.choice([city, *hoods])["id"]))
    one, other = (incident(t["id"], "arbitrary_arrest", day("2016-12-14"), hoods[2]["id"],
                           "pro_government_militia") for t in ts[30:32])
    early = [incident(t["id"], "arbitrary_arrest", {"precision": "before", "value": "2016-06-01"},
                      city["id"]) for t in ts[32:34]]
    session.add_document(document(places=[city, *hoods], persons=people, testimonies=ts,
                                  incidents=[*crowd, one, other, *early]))
    found = session.corroboration_suggestions()
    assert len(found) <= corroboration.MAX_PARTNERS * 1504  # every pair: over a million
    by_pair = {frozenset((s.a.id, s.b.id)): s for s in found}
    pair = by_pair[frozenset((one["id"], other["id"]))]
    assert codes(pair) == ["same_type", "same_day", "same_place", "same_perpetrator"]
    assert pair.score == 1.0 and found[0].score == 1.0
    assert codes(by_pair[frozenset(i["id"] for i in early)]) == [
        "same_type", "dates_overlap", "same_place"]
