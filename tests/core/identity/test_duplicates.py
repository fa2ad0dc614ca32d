"""Duplicate persons: name matching, suggestions across two researchers' bundles, and
merges and "not the same" decisions undone. Real vaults and real bundles (the dup_trio
fixture: a coordinator and two enrolled researchers), no mocks."""

from __future__ import annotations

import json
import random
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from testimony_app.core.common.errors import InputError
from testimony_app.core.common.ids import PersonId, RecordId
from testimony_app.core.identity import duplicates
from testimony_app.core.identity.duplicates import Review, Side, _candidates, _Group
from testimony_app.core.identity.namematch import Likeness, Name, block_keys, compare, levenshtein
from testimony_app.core.session import Session
from testimony_app.core.vault import db
from tests.duplicates_fixtures import IDS, NAMES, DupTrio, dup_template, dup_trio  # noqa: F401
from tests.sync_fixtures import pair_template  # noqa: F401

SPELLINGS = ["Mohammad Abdul Rahman al-Hassan", "Muhammad Abd al-Rahman el-Hasan",
             "محمد عبد الرحمن الحسن", "Mohamad Abdelrahman Alhasan",
             "Mohammed Abd al-Rahman al-Hasani"]


def pairs(review: Review) -> dict[frozenset[str], duplicates.Suggestion]:
    """Suggestions by the fixture keys (A, B, ...) of their two persons."""
    key_of = {v: k for k, v in IDS.items()}
    return {frozenset((key_of[s.a.id], key_of[s.b.id])): s for s in review.suggestions}


def codes(suggestion: duplicates.Suggestion) -> list[str]:
    return [r.code for r in suggestion.reasons]


def name_free(text: str) -> bool:
    return not any(name in text or name.lower() in text.lower() for name in NAMES.values())


# -- names ---------------------------------------------------------------------------


def _reference_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


@given(st.text("abcd", max_size=12), st.text("abcd", max_size=12), st.integers(0, 4))
def test_bounded_levenshtein_agrees_with_the_textbook_one(a: str, b: str, limit: int) -> None:
    assert levenshtein(a, b, limit) == min(_reference_distance(a, b), limit + 1)


def test_one_name_spelt_five_ways_meets_itself() -> None:
    names = [Name.of(s) for s in SPELLINGS]
    assert all(names)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            assert a is not None and b is not None
            assert compare(a, b) is not None, (a.normalised, b.normalised)
            assert block_keys(a) & block_keys(b)  # and they are compared at all
    arabic, latin = names[2], names[0]
    assert arabic is not None and latin is not None
    assert compare(arabic, latin) == Likeness("transliteration", 0)
    shorter = Name.of("Muhammad al-Hasan")
    assert shorter is not None and compare(shorter, arabic) == Likeness(
        "name_parts", 0)


@pytest.mark.parametrize(("a", "b"), [
    ("Husayn Ali Khalil", "Hasan Ali Khalil"),
    ("Ali Mahmoud Khalil", "Ali Muhammad Khalil"),
    ("Karim Abd al-Nour", "Karim Ali al-Nour"),
    ("Amjad Rami Hajjar", "Majd Rami Hajjar"),
    ("Samir Hajjar", "Nabil Hajjar"),
    ("Fatima Khalil", "Khalil Fatima"),
])
def test_different_names_stay_apart(a: str, b: str) -> None:
    x, y = Name.of(a), Name.of(b)
    assert x is not None and y is not None and compare(x, y) is None


def test_blocking_keeps_comparisons_far_below_every_pair() -> None:
    rng = random.Random(6)
    first = ["Muhammad", "Ahmad", "Mahmoud", "Ali", "Hasan", "Khalid", "Umar", "Yusuf",
             "Ibrahim", "Mustafa", "Samir", "Walid", "Fadi", "Rami", "Bilal", "Hamza"]
    family = ["al-" + "".join(rng.choice("bdfhjklmnrstwz") + rng.choice("aiu")
                              for _ in range(3)) for _ in range(400)]
    groups = {}
    for i in range(3000):
        name = Name.of(f"{rng.choice(first)} {rng.choice(first)} {rng.choice(family)}")
        assert name is not None
        groups[str(i)] = _Group(PersonId(RecordId(str(i))), f"P-{i}", "", {"sex": "male"},
                                names=[name])
    found = _candidates(groups)
    assert len(found) < 0.02 * 3000 * 2999 / 2


# -- suggestions ------------------------------------------------------------------------


def test_the_coordinator_sees_one_victim_across_two_researchers(dup_trio: DupTrio) -> None:  # noqa: F811
    review = dup_trio.coordinator.duplicates()
    assert review.sealed == 0 and review.names_visible
    found = pairs(review)
    same = {"A", "B", "C", "E"}  # one victim, four records, four spellings
    assert {k for k in found if k <= same} == {
        frozenset(p) for p in [("A", "B"), ("A", "C"), ("A", "E"), ("B", "C"), ("B", "E"),
                               ("C", "E")]}
    assert not [k for k in found if "D" in k]  # a woman with the same name: never
    assert frozenset(("F", "G")) not in found  # one key, but born 40 years apart
    assert codes(found[frozenset(("K", "K2"))]) == ["same_match_key", "same_place"]

    # Across the two bundles: the Latin and the Arabic spelling, with their tie-breakers.
    ab = found[frozenset(("A", "B"))]
    assert codes(ab) == ["transliteration", "same_birth_year", "same_place"]
    assert ab.score == 90
    sides: dict[str, Side] = {s.id: s for s in (ab.a, ab.b)}
    assert sides[IDS["A"]].recorded_by == ("Researcher One",)
    assert sides[IDS["B"]].recorded_by == ("Researcher Two",)
    assert sides[IDS["B"]].names == (NAMES["B"],) and sides[IDS["B"]].birth_year == "1980"
    assert sides[IDS["A"]].places == ("Salah al-Din",)
    assert codes(found[frozenset(("A", "E"))]) == ["same_match_key"]
    assert codes(found[frozenset(("A", "C"))]) == ["name_distance", "same_place"]
    scores = [s.score for s in review.suggestions]
    assert scores == sorted(scores, reverse=True) and min(scores) >= duplicates.MIN_SCORE
    assert all(r.text() and name_free(r.text()) for s in review.suggestions for r in s.reasons)


def test_a_researcher_after_finalise_has_nothing_to_compare(dup_trio: DupTrio) -> None:  # noqa: F811
    """Sealed persons keep no match key on the researcher's laptop: with the matching
    key it holds, a key would confirm a guessed name. So the researcher's review of
    sealed persons finds nothing; the coordinator's finds K and K2 (below)."""
    review = dup_trio.two.duplicates()
    assert review.sealed == review.persons == 7 and not review.names_visible
    assert review.suggestions == []
    assert dup_trio.two.conn.execute("SELECT count(*) FROM person_keys").fetchone()[0] == 0
    assert frozenset(("K", "K2")) in set(pairs(dup_trio.coordinator.duplicates()))
    assert name_free(json.dumps(review.as_json(), ensure_ascii=False))


def test_no_names_leaves_names_and_birth_years_out(dup_trio: DupTrio) -> None:  # noqa: F811
    named = json.dumps(dup_trio.coordinator.duplicates().as_json(), ensure_ascii=False)
    assert NAMES["B"] in named and "1980" in named
    hidden = dup_trio.coordinator.duplicates(names=False)
    text = json.dumps(hidden.as_json(), ensure_ascii=False)
    assert name_free(text) and "1980" not in text
    assert len(hidden.suggestions) == len(dup_trio.coordinator.duplicates().suggestions)


# -- merges --------------------------------------------------------------------------


def snapshot(session: Session) -> dict[str, tuple[object, ...]]:
    return {r[0]: tuple(r) for r in session.conn.execute(
        "SELECT id, data, revision, updated_at FROM records")}


def test_merge_links_the_records_and_unmerge_undoes_it(dup_trio: DupTrio) -> None:  # noqa: F811
    c = dup_trio.coordinator
    before_records, before = snapshot(c), pairs(c.duplicates())
    decision = c.merge_persons(dup_trio.code("A"), dup_trio.code("B"))
    assert (decision.kind, decision.person_id, decision.other_id) == ("merged", IDS["B"],
                                                                      IDS["A"])
    assert decision.detail["reasons"][0] == "transliteration" and decision.author == c.author
    assert duplicates.canonical(c.conn) == {IDS["B"]: IDS["A"]}
    assert snapshot(c) == before_records  # both records stay, unchanged

    review = c.duplicates()
    after = pairs(review)
    assert frozenset(("A", "B")) not in after and frozenset(("B", "C")) not in after
    ac = after[frozenset(("A", "C"))]  # A stands for both now: B's spelling counts too
    group = ac.a if ac.a.id == IDS["A"] else ac.b
    assert group.merged == (dup_trio.code("B"),)
    assert set(group.names or ()) == {NAMES["A"], NAMES["B"]}
    assert [m.person_code for m in review.merges] == [dup_trio.code("B")]
    people = {p["id"]: p for p in c.people()}
    assert people[IDS["B"]]["merged_into"] == dup_trio.code("A")
    assert people[IDS["A"]]["merged_into"] is None

    entry = c.activity(1)[0]
    assert (entry.action, entry.target, entry.detail["into"]) == ("person_merged", IDS["B"],
                                                                   IDS["A"])
    log = json.dumps([e.__dict__ for e in c.activity()], ensure_ascii=False)
    assert name_free(log)

    undone = c.unmerge_person(dup_trio.code("B"))
    assert undone.undone_at and undone.undone_by == c.author
    assert duplicates.canonical(c.conn) == {}
    assert set(pairs(c.duplicates())) == set(before)
    assert c.activity(1)[0].action == "person_unmerged"
    history = duplicates.decisions(c.conn, "merged", undone=True)
    assert [(d.person_id, d.undone_at is not None) for d in history] == [(IDS["B"], True)]
    assert snapshot(c) == before_records
    assert c.check() == []


def test_merges_chain_and_refuse_what_makes_no_sense(dup_trio: DupTrio) -> None:  # noqa: F811
    c = dup_trio.coordinator
    code = dup_trio.code
    c.merge_persons(code("A"), code("E"))
    c.merge_persons(code("C"), code("A"))
    assert duplicates.canonical(c.conn) == {IDS["E"]: IDS["C"], IDS["A"]: IDS["C"]}
    failures = {
        "already_same": (code("E"), code("C")),
        "already_merged": (code("B"), code("E")),
        "same_person_twice": (code("B"), code("B")),
        "not_a_person": (IDS["SALAH"], code("B")),
    }
    for expected, (kept, merged) in failures.items():
        with pytest.raises(InputError) as caught:
            c.merge_persons(kept, merged)
        assert caught.value.code == expected
        assert name_free(str(caught.value))
    with pytest.raises(InputError, match="not merged"):
        c.unmerge_person(code("C"))
    # Undoing the middle link: E stays with A, A stands alone again.
    c.unmerge_person(code("A"))
    assert duplicates.canonical(c.conn) == {IDS["E"]: IDS["A"]}


def test_not_the_same_person_is_remembered_and_can_be_undone(dup_trio: DupTrio) -> None:  # noqa: F811
    c = dup_trio.coordinator
    a, cc = dup_trio.code("A"), dup_trio.code("C")
    first = c.mark_not_duplicates(a, cc)
    assert c.mark_not_duplicates(cc, a) == first  # said twice, recorded once
    review = c.duplicates()
    assert frozenset(("A", "C")) not in pairs(review)
    assert [(d.person_id, d.other_id) for d in review.distinct] == [
        tuple(sorted((IDS["A"], IDS["C"])))]
    with pytest.raises(InputError) as caught:
        c.merge_persons(a, cc)
    assert caught.value.code == "marked_distinct"
    # A decision about one person holds for whoever is merged with it.
    c.merge_persons(dup_trio.code("B"), a)
    assert frozenset(("B", "C")) not in pairs(c.duplicates())
    c.unmerge_person(a)
    c.mark_not_duplicates(a, cc, undo=True)
    assert frozenset(("A", "C")) in pairs(c.duplicates())
    with pytest.raises(InputError) as caught:
        c.mark_not_duplicates(a, cc, undo=True)
    assert caught.value.code == "not_marked_distinct"
    actions = [e.action for e in c.activity()]
    assert actions.count("persons_not_same") == 1 and "persons_not_same_undone" in actions


def test_decisions_are_only_ever_undone_never_erased(dup_trio: DupTrio) -> None:  # noqa: F811
    c = dup_trio.coordinator
    decision = c.merge_persons(dup_trio.code("A"), dup_trio.code("B"))
    for statement in ("DELETE FROM person_decisions",
                      "UPDATE person_decisions SET other_id = person_id"):
        with pytest.raises(db.DatabaseError):
            c.conn.execute(statement)
    c.unmerge_person(dup_trio.code("B"))
    with pytest.raises(db.DatabaseError):  # an undone decision stays undone
        c.conn.execute("UPDATE person_decisions SET undone_at = NULL WHERE id = ?",
                       (decision.id,))


def test_a_person_deleted_since_leaves_no_link(session: Session) -> None:
    """On a vault of no organisation (no match keys): names alone, and deletions."""
    x, y, z = (str(uuid.uuid4()) for _ in range(3))
    session.add_document({"format": "testimony/1", "persons": [
        {"id": i, "sex": "male", "identity": {"name": {"en": "Nabil Hajjar"},
                                              "public_domain": False}} for i in (x, y, z)]})
    review = session.duplicates()
    assert len(review.suggestions) == 3 and review.sealed == 0
    assert {r for s in review.suggestions for r in codes(s)} == {"same_name"}
    session.merge_persons(x, y)
    session.delete(x)  # the person kept is gone: y stands alone again
    assert duplicates.canonical(session.conn) == {}
    session.merge_persons(z, y)
    assert duplicates.canonical(session.conn) == {y: z}
    session.delete(y)
    assert duplicates.canonical(session.conn) == {}
    assert session.duplicates().suggestions == []


# -- the workspace demo: what a coordinator sees after two researchers' bundles ------


def test_the_workspace_demo_shows_the_same_victims_reported_twice(workspace: Session) -> None:
    review = workspace.duplicates(names=False)
    across = [s for s in review.suggestions
              if s.a.recorded_by and s.b.recorded_by and s.a.recorded_by != s.b.recorded_by]
    assert len(across) >= 2
    assert all(s.a.names is None for s in review.suggestions)


# -- large vaults: blocking that stays small and still finds near misses ----------------


MIDDLES = ["Ahmad", "Khalid", "Yusuf", "Ali", "Hasan", "Umar", "Ibrahim", "Mustafa", "Samir",
           "Walid", "Fadi", "Rami", "Bilal", "Hamza", "Mahmoud", "Jamal", "Nabil", "Ziad",
           "Tariq", "Salim"]


def _crowd_group(key: str, text: str, born: int | None) -> _Group:
    name = Name.of(text)
    assert name is not None
    return _Group(PersonId(RecordId(key)), key, "", {"sex": "male"}, names=[name],
                  births=[(born, born)] if born else [])


def test_a_typo_in_a_family_name_is_found_among_thousands_of_muhammads() -> None:
    """6 000 men called Muhammad in three families: blocks far too large to compare all
    with all. A family name one consonant apart (Halabi, Halafi) still meets its twin,
    and the candidates stay far below every pair."""
    rng = random.Random(7)
    groups: dict[str, _Group] = {}
    for i in range(6000):
        text = f"Muhammad {rng.choice(MIDDLES)} {rng.choice(['al-Halabi', 'Hajjar', 'Khatib'])}"
        groups[f"c{i:04d}"] = _crowd_group(f"c{i:04d}", text, rng.choice([None, *range(1950,
                                                                                       2006)]))
    groups["x"] = _crowd_group("x", "Muhammad Yusuf al-Halabi", 1983)
    groups["y"] = _crowd_group("y", "Mohammed Yousef al-Halafi", 1983)
    groups["z"] = _crowd_group("z", "محمد يوسف الحلبي", 1983)
    found = _candidates(groups)
    assert len(found) < 6003 * 150  # every pair would be 18 million
    for pair in (("x", "y"), ("x", "z"), ("y", "z")):
        assert pair in found
        scored = duplicates._score(groups[pair[0]], groups[pair[1]])
        assert scored is not None and scored[0] >= duplicates.MIN_SCORE


@pytest.mark.parametrize(("a", "b"), [
    ("Nabil Hajjar", "Mabil Hajjar"),  # the first letter
    ("Samir Khalil Hajjar", "Samir Khalil Hajjaj"),
    ("Muhammad Hajjar", "Muhammad Khalid Hajjaj"),  # middle left out, and a typo
    ("Mohammad Abdul Rahman al-Hassan", "محمد عبد الرحمن الحسن"),
    ("Abd al-Rahman Ahmad Halabi", "عبدالرحمن الحلبي"),
])
def test_names_alike_share_a_block(a: str, b: str) -> None:
    x, y = Name.of(a), Name.of(b)
    assert x is not None and y is not None and compare(x, y) is not None
    assert block_keys(x) & block_keys(y)


def test_abd_and_the_name_after_it_are_one_given_name() -> None:
    """Abd al-Rahman and Abd al-Karim of one family do not share a block by their
    given and family names (they would put every Abd al-Something together)."""
    x, y = Name.of("Abd al-Rahman Halabi"), Name.of("Abd al-Karim Halabi")
    assert x is not None and y is not None
    assert not block_keys(x) & block_keys(y)
