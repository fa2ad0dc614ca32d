"""The Arabic accusative (a final alef, with or without tanween: يسرندلاً, يسرندلا,
رأيت محمداً) is a spelling of the name: sealing, the redaction of narratives and the
untagged question all find it."""

from __future__ import annotations

import uuid
from pathlib import Path

from testimony_app.core.identity.narrative_redaction import Person, Redactor
from testimony_app.core.records import narrative_tags as nt
from tests.pages import plaintext_of_vault
from tests.sync_fixtures import Pair

NAME = "Yusrindel Kammarosh"
NAME_AR = "\u064a\u0633\u0631\u0646\u062f\u0644 \u0642\u0645\u0631\u0648\u0634"
ACCUSATIVES = ("\u064a\u0633\u0631\u0646\u062f\u0644\u0627\u064b",  # يسرندلاً
               "\u064a\u0633\u0631\u0646\u062f\u0644\u0627",  # يسرندلا
               "\u0642\u0645\u0631\u0648\u0634\u064b\u0627",  # قمروشًا
               "\u0648\u0642\u0645\u0631\u0648\u0634\u0627\u064b")  # وقمروشاً


def _text() -> str:
    return (f"\u0623\u062e\u0630\u0648\u0627 {NAME_AR} \u062b\u0645 \u0631\u0623\u064a\u062a "
            + " \u062b\u0645 ".join(ACCUSATIVES) + " \u0641\u064a \u0627\u0644\u0633\u062c\u0646")


def test_the_matcher_seals_the_accusative() -> None:
    person = nt.KnownPerson(id="p1", code="P-AAAA-BBBB", names=(NAME, NAME_AR))
    text = _text()
    start = text.index(NAME_AR)
    record = {"narrative": {"ar": text}, "tags": [
        {"field": "narrative", "lang": "ar", "start": start, "end": start + len(NAME_AR),
         "person": "p1"}]}
    spans = [(t["start"], t["end"]) for t in record["tags"] + nt.repeats(record, people=[person])]
    for word in ACCUSATIVES:
        at = text.index(word)
        name_at = at + (1 if word.startswith("\u0648") else 0)
        assert any(s <= name_at and at + len(word) <= e for s, e in spans), word


def test_the_redaction_takes_the_accusative() -> None:
    redactor = Redactor([Person("1", "[A-ONE]", (NAME, NAME_AR))])
    text, _ = redactor.redact(_text(), "ar")
    for word in ACCUSATIVES:
        assert word not in text, word
    assert "\u0642\u0645\u0631\u0648\u0634" not in text and "\u064a\u0633\u0631\u0646" not in text


def test_finalise_seals_the_accusative_and_asks_about_it(pair: Pair, tmp_path: Path) -> None:
    r = pair.researcher
    ids = {k: str(uuid.uuid4()) for k in ("witness", "victim", "testimony", "incident")}
    ids["other"] = str(uuid.uuid4())
    other = "\u0623\u0648\u0633\u0643\u0627\u062a\u0631\u0628\u0627\u064b"  # أوسكاترباً
    text = _text() + " \u0648\u0631\u0623\u064a\u062a " + other
    start = text.index(NAME_AR)
    doc = {"format": "testimony/1",
           "persons": [{"id": ids["witness"], "sex": "male", "identity": {
               "name": {"en": "Qorvandel Zibrakhan"}, "public_domain": False}},
               {"id": ids["victim"], "sex": "male", "identity": {
                   "name": {"en": NAME, "ar": NAME_AR}, "public_domain": False}},
               {"id": ids["other"], "sex": "male", "identity": {"name": {
                   "en": "Tarnidel Oskatrub",
                   "ar": "\u062a\u0631\u0646\u064a\u062f\u0644 "
                         "\u0623\u0648\u0633\u0643\u0627\u062a\u0631\u0628"},
                   "public_domain": False}}],
           "testimonies": [{"id": ids["testimony"], "witness": ids["witness"],
                            "status": "draft",
                            "interview": {"date": {"precision": "day", "value": "2016-12-15"},
                                          "language": "ar", "mode": "in_person"},
                            "consent": {"scope": "publish_anonymised", "recorded_by": "team A"},
                            "narrative": {"ar": text},
                            "tags": [{"field": "narrative", "lang": "ar", "start": start,
                                      "end": start + len(NAME_AR), "person": ids["victim"]}]}],
           "incidents": [{"id": ids["incident"], "type": "arbitrary_arrest",
                          "date": {"precision": "day", "value": "2016-12-15"},
                          "verification": "unverified", "testimonies": [ids["testimony"]],
                          "victims": [{"person": ids["victim"], "status": "detained"}]}]}
    r.add_document(doc)
    asked = r.untagged_names(ids["testimony"])
    # a known person no tag names, in the accusative: asked about
    at = text.index(other)
    assert [c.person for c in asked if c.start <= at < c.end] == [ids["other"]], asked
    r.dismiss_untagged(ids["testimony"], asked)
    r.finalise(ids["testimony"])
    narrative = r.show(ids["testimony"])["testimonies"][0]["narrative"]["ar"]
    for word in ACCUSATIVES:
        assert word not in narrative, word
    folder, key = r.folder, bytes(r._key)
    r.close()
    plain = plaintext_of_vault(folder, key)
    for word in ACCUSATIVES:
        assert word.encode() not in plain, word

