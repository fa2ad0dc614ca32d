"""Names in a narrative tagged to persons: validation, offsets, suggestions."""

from __future__ import annotations

import copy
import uuid
from typing import Any

import pytest

from testimony_app.core.common.errors import InputError, ValidationFailed
from testimony_app.core.records import narrative_tags
from testimony_app.core.records.narrative_tags import KnownPerson, Matcher
from testimony_app.core.session import Session

NARRATIVE_EN = "They took Qorvandel Zibrakhan at the checkpoint; Abu Qorvan said nothing."
NARRATIVE_AR = "أخذوا قُرْوَنْدَل زِبْرَخان عند الحاجز"


def document() -> tuple[dict[str, Any], str, str]:
    person, testimony = str(uuid.uuid4()), str(uuid.uuid4())
    start = NARRATIVE_EN.index("Qorvandel")
    start_ar = NARRATIVE_AR.index("قُ")
    return {
        "format": "testimony/1",
        "persons": [{"id": person, "sex": "male", "identity": {
            "name": {"en": "Qorvandel Zibrakhan", "ar": "قروندل زبرخان"},
            "aliases": ["Abu Qorvan"], "public_domain": False}}],
        "testimonies": [{
            "id": testimony, "status": "draft",
            "interview": {"date": {"precision": "day", "value": "2016-12-15"},
                          "language": "en", "mode": "in_person"},
            "consent": {"scope": "internal"},
            "narrative": {"en": NARRATIVE_EN, "ar": NARRATIVE_AR},
            "tags": [
                {"field": "narrative", "lang": "en", "start": start,
                 "end": start + len("Qorvandel Zibrakhan"), "person": person},
                {"field": "narrative", "lang": "ar", "start": start_ar,
                 "end": start_ar + len("قُرْوَنْدَل زِبْرَخان"), "person": person}]}],
    }, person, testimony


def test_tags_are_stored_as_references_and_round_trip(session: Session) -> None:
    doc, person, testimony = document()
    session.add_document(doc)
    shown = session.show(testimony)
    assert shown["testimonies"][0]["tags"] == doc["testimonies"][0]["tags"]
    # the same document again, and the record shown back: nothing changes
    assert session.add_document(doc).unchanged == [person, testimony]
    assert session.add_document(
        {"format": "testimony/1", "testimonies": shown["testimonies"]}).unchanged == [testimony]
    # a tagged person is referred to: it cannot be deleted from under the tag
    with pytest.raises(InputError) as refused:
        session.delete(person)
    assert refused.value.code == "in_use"


@pytest.mark.parametrize(("change", "reason"), [
    ({"start": 70, "end": 90}, "reaches past the end of the text"),
    ({"start": 12, "end": 12}, "ends before it starts"),
    ({"lang": "fr"}, "in a language the record does not have"),
    ({"field": "summary"}, "in a language the record does not have"),
    ({"start": 4, "end": 5}, "covers only spaces"),
])
def test_bad_spans_are_refused_with_their_path(session: Session, change: dict[str, Any],
                                               reason: str) -> None:
    doc, _person, _testimony = document()
    doc["testimonies"][0]["tags"][0].update(change)
    with pytest.raises(ValidationFailed) as caught:
        session.add_document(doc)
    assert any(path == "$.testimonies[0].tags[0]" and reason in why
               for path, why in caught.value.problems), caught.value.problems
    assert session.counts() == {}
    # never a value from the record in the reasons
    assert not any("Qorvandel" in why for _p, why in caught.value.problems)


def test_overlapping_and_unknown_persons_are_refused(session: Session) -> None:
    doc, _person, _testimony = document()
    bad = copy.deepcopy(doc)
    first = bad["testimonies"][0]["tags"][0]
    bad["testimonies"][0]["tags"].append({**first, "start": first["start"] + 3})
    with pytest.raises(ValidationFailed) as caught:
        session.add_document(bad)
    assert ("$.testimonies[0].tags[2]", "overlaps another tag") in caught.value.problems
    bad = copy.deepcopy(doc)
    bad["testimonies"][0]["tags"][0]["person"] = str(uuid.uuid4())
    with pytest.raises(ValidationFailed) as caught:
        session.add_document(bad)
    assert any("tagged refers to a person that does not exist" in why
               for _p, why in caught.value.problems)
    bad = copy.deepcopy(doc)
    bad["testimonies"][0]["tags"][0]["colour"] = "red"
    with pytest.raises(ValidationFailed):
        session.add_document(bad)
    assert session.counts() == {}


def test_apply_keeps_every_offset_right() -> None:
    record = {"narrative": {"en": "A met Bob and Carol."},
              "tags": [{"field": "narrative", "lang": "en", "start": 6, "end": 9, "person": "b"},
                       {"field": "narrative", "lang": "en", "start": 14, "end": 19,
                        "person": "c"},
                       {"field": "narrative", "lang": "en", "start": 0, "end": 1, "person": "a"}]}
    out = narrative_tags.apply(record, {0: "[P-0000-0001]", 2: "[P-0000-0003]"})
    text = out["narrative"]["en"]
    assert text == "[P-0000-0003] met [P-0000-0001] and Carol."
    assert [text[t["start"]:t["end"]] for t in out["tags"]] == [
        "[P-0000-0001]", "Carol", "[P-0000-0003]"]
    assert record["narrative"]["en"] == "A met Bob and Carol."  # the input is untouched


def test_repeats_of_a_tagged_name_are_found_as_whole_words() -> None:
    """Sealing errs on the side of hiding: "Bob" of "Bob Rayyan" is a part of the
    tagged name, so it goes too; "Rayyan" is not."""
    record = {"narrative": {"en": "Bob Ray left. Later Bob Ray came back; Bob Rayyan did not."},
              "summary": {"en": "About Bob Ray."},
              "tags": [{"field": "narrative", "lang": "en", "start": 0, "end": 7,
                        "person": "b"}]}
    found = narrative_tags.repeats(record)
    assert [(t["field"], t["start"], t["end"]) for t in found] == [
        ("narrative", 20, 27), ("narrative", 39, 42), ("summary", 6, 13)]
    assert narrative_tags.repeats(record, skip={"b"}) == []


def test_repeats_find_other_spellings_and_the_known_names() -> None:
    """What finalise seals beside a tag: the name without diacritics, in capitals,
    with a glued و, broken over a line, a possessive, the surname alone, and the
    tagged person's name in the other script (from the identity, when readable)."""
    ar_tagged, ar_plain = "مَرْفيلين أُسكاتروب", "مرفيلين أسكاتروب"
    ar = f"أخذوا {ar_tagged}. رأينا {ar_plain} و{ar_plain} ووالدة أسكاتروب."
    en = ("They took Marvelline Oskatrub. MARVELLINE OSKATRUB was moved; Marvelline\n"
          "Oskatrub's mother said Oskatrub was beaten. Ahmad Hassan saw it.")
    record = {"narrative": {"ar": ar, "en": en},
              "tags": [{"field": "narrative", "lang": "ar", "start": ar.index(ar_tagged),
                        "end": ar.index(ar_tagged) + len(ar_tagged), "person": "m"},
                       {"field": "narrative", "lang": "en", "start": 10, "end": 29,
                        "person": "m"}]}
    found = narrative_tags.repeats(record)
    sealed = narrative_tags.apply({**record, "tags": record["tags"] + found},
                                  {i: "[P]" for i in range(len(record["tags"]) + len(found))})
    assert sealed["narrative"]["ar"] == "أخذوا [P]. رأينا [P] و[P] ووالدة [P]."
    assert sealed["narrative"]["en"] == ("They took [P]. [P] was moved; [P]\n[P]'s mother "
                                         "said [P] was beaten. Ahmad Hassan saw it.")
    only_en = {"narrative": {"en": "They took Marvelline Oskatrub.", "ar": f"رأينا {ar_plain}."},
               "tags": [{"field": "narrative", "lang": "en", "start": 10, "end": 29,
                         "person": "m"}]}
    assert narrative_tags.repeats(only_en) == []  # the Arabic name is unknown here ...
    known = [KnownPerson("m", "P-M", ("Marvelline Oskatrub", ar_tagged))]
    [tag] = narrative_tags.repeats(only_en, people=known)  # ... but not to the identity
    assert (tag["lang"], only_en["narrative"]["ar"][tag["start"]:tag["end"]]) == ("ar", ar_plain)


PEOPLE = [
    KnownPerson("w", "P-AAAA-AAAA", ("Mohammad Abo al-Ward", "محمد أبو الورد"),
                relatives=("Zibrakhan",)),
    KnownPerson("v", "P-BBBB-BBBB", ("Yusrindel Kammarosh", "Abu Yusr")),
    KnownPerson("x", "P-CCCC-CCCC", ("Mohamed Hallaq",)),
]


def spans(text: str, matcher: Matcher, **kw: Any) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(text[s.start:s.end], s.person, s.others) for s in matcher.suggest(text, **kw)]


def test_suggestions_latin_transliteration_and_kunya() -> None:
    matcher = Matcher(PEOPLE)
    text = "Then Muhammad Abu Al Ward bin Zibrakhan saw Abu Yusr, and kammarosh ran."
    found = spans(text, matcher)
    assert ("Muhammad Abu Al Ward bin Zibrakhan", "w", ()) in found
    assert ("Abu Yusr", "v", ()) in found
    assert ("kammarosh", "v", ()) in found
    # a first name shared by two people: both are offered, this testimony's first
    shared = spans("Mohammed arrived.", matcher, prefer={"x"})
    assert shared == [("Mohammed", "x", ("w",))]
    # a father's name alone suggests nothing; words already tagged are left alone
    assert spans("Zibrakhan came.", matcher) == []
    start = text.index("Abu Yusr")
    assert all(s[0] != "Abu Yusr" for s in spans(text, matcher,
                                                   taken=[(start, start + 8)]))


def test_suggestions_arabic_with_diacritics_and_glued_letters() -> None:
    matcher = Matcher(PEOPLE)
    text = "قالَ مُحَمَّد أَبو الوَرد إنهم جاؤوا، ثم رأى والورد"
    found = spans(text, matcher)
    assert found[0] == ("مُحَمَّد أَبو الوَرد", "w", ())
    # "and al-Ward" glued in one word: the suggestion leaves the "and" out
    assert found[-1][0] == "الورد" and found[-1][1] == "w"


def test_suggestions_from_words_already_tagged() -> None:
    matcher = Matcher([], extra=[("z", "Zaynoun Tarbel")])
    assert spans("We met Zaynoun Tarbel twice.", matcher) == [("Zaynoun Tarbel", "z", ())]


def test_known_persons_come_from_identities_this_vault_reads(session: Session) -> None:
    doc, person, _testimony = document()
    session.add_document(doc)
    known = session.known_persons()
    assert [k.id for k in known] == [person]
    assert "Abu Qorvan" in known[0].names and known[0].code.startswith("P-")
    found = Matcher(known).suggest(NARRATIVE_EN)
    assert [NARRATIVE_EN[s.start:s.end] for s in found] == ["Qorvandel Zibrakhan", "Abu Qorvan"]


def test_a_name_many_people_share_is_suggested_only_for_this_testimony() -> None:
    many = [KnownPerson(str(i), f"P-{i:04}-0000", (f"Muhammad Qasrawi{i}",)) for i in range(8)]
    matcher = Matcher(many)
    assert spans("Muhammad came.", matcher) == []
    assert spans("Muhammad came.", matcher, prefer={"3"}) == [("Muhammad", "3", ())]
    assert spans("Muhammad Qasrawi5 came.", matcher) == [("Muhammad Qasrawi5", "5", ())]
    # a narrowed matcher laid over a big one: the form's witness is found too
    wider = matcher.extended([KnownPerson("w", "", ("Zaynoun Tarbel",))])
    assert spans("Zaynoun came.", wider) == [("Zaynoun", "w", ())]


def test_repeats_seal_the_rest_of_a_name_next_to_a_tag_and_not_common_words() -> None:
    """Only "Zibrakhan" tagged: "Qorvandel" right before it (the same person's name,
    known from the identity) is sealed too. A descriptive tag ("The doctor") does
    not make every "the" of the text a name."""
    text = "They took Qorvandel Zibrakhan. Later Qorvandel was released; the doctor left."
    record = {"narrative": {"en": text},
              "tags": [{"field": "narrative", "lang": "en", "start": 20, "end": 29,
                        "person": "q"},
                       {"field": "narrative", "lang": "en", "start": text.index("the doctor"),
                        "end": text.index("the doctor") + 10, "person": "d"}]}
    known = [KnownPerson("q", "P-Q", ("Qorvandel Zibrakhan",))]
    found = narrative_tags.repeats(record, people=known)
    assert sorted((text[t["start"]:t["end"]], t["person"]) for t in found) == [
        ("Qorvandel", "q"), ("Qorvandel", "q")]
    only_descriptive = {"narrative": {"en": "The doctor saw the men at the checkpoint."},
                        "tags": [{"field": "narrative", "lang": "en", "start": 0, "end": 10,
                                  "person": "d"}]}
    assert narrative_tags.repeats(only_descriptive) == []


def test_repeats_from_a_tag_with_an_article_or_in_lower_case() -> None:
    """"al-Zibrakhan" or "zibrakhan" tagged (no identity to read): the other
    spellings of the name are found from the tag alone."""
    for tagged in ("al-Zibrakhan", "zibrakhan", "abu-Zibrakhan"):
        text = f"They took {tagged} at dawn. Later Zibrakhan, then ZIBRAKHAN, was seen."
        record = {"narrative": {"en": text},
                  "tags": [{"field": "narrative", "lang": "en", "start": 10,
                            "end": 10 + len(tagged), "person": "z"}]}
        found = [text[t["start"]:t["end"]] for t in narrative_tags.repeats(record)]
        assert found == ["Zibrakhan", "ZIBRAKHAN"], (tagged, found)
