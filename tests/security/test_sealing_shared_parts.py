"""A name part a sealed person shares with someone else (a public-domain person, a
relative of another) never gets that person's code: a public name stays whole, and a
shared part alone becomes a neutral token, in sealing and in auditors' narratives."""

from __future__ import annotations

import uuid

from testimony_app.core.identity.narrative_redaction import Person, Redactor
from tests.sync_fixtures import Pair


def test_redaction_keeps_public_names_and_attributes_shared_parts_to_nobody() -> None:
    redactor = Redactor([Person("v", "[A-V]", ("Yusrindel Awwad Kammarosh",)),
                         Person("w", "[A-W]", ("Qorvandel Zibrakhan",), ("Tarnidel Oskatrub",)),
                         Person("o", "[A-O]", ("Pelvaran Oskatrub",))],
                        public=[Person("p", "", ("Ali Awwad",))])
    text, _ = redactor.redact("The minister Ali Awwad visited. Awwad came. "
                              "Yusrindel Awwad left. Oskatrub too.")
    assert text == ("The minister Ali Awwad visited. [name] came. [A-V] left. [name] too.")


def test_sealing_keeps_a_public_name_and_seals_a_shared_part_neutrally(pair: Pair) -> None:
    r = pair.researcher
    ids = {k: str(uuid.uuid4()) for k in ("witness", "victim", "public", "testimony")}
    en = ("They took Yusrindel Awwad. The next day the minister Ali Awwad visited the "
          "hospital. Awwad was not seen again.")
    s = en.index("Yusrindel Awwad")
    doc = {"format": "testimony/1",
           "persons": [{"id": ids["witness"], "sex": "male", "identity": {
               "name": {"en": "Qorvandel Zibrakhan"}, "public_domain": False}},
               {"id": ids["victim"], "sex": "male", "identity": {
                   "name": {"en": "Yusrindel Awwad"}, "public_domain": False}},
               {"id": ids["public"], "sex": "male", "identity": {
                   "name": {"en": "Ali Awwad"}, "public_domain": True}}],
           "testimonies": [{"id": ids["testimony"], "witness": ids["witness"],
                            "status": "draft",
                            "interview": {"date": {"precision": "day", "value": "2016-12-15"},
                                          "language": "en", "mode": "in_person"},
                            "consent": {"scope": "publish_anonymised", "recorded_by": "team A"},
                            "narrative": {"en": en},
                            "tags": [{"field": "narrative", "lang": "en", "start": s,
                                      "end": s + 15, "person": ids["victim"]}]}],
           "incidents": [{"id": str(uuid.uuid4()), "type": "arbitrary_arrest",
                          "date": {"precision": "day", "value": "2016-12-15"},
                          "verification": "unverified", "testimonies": [ids["testimony"]],
                          "victims": [{"person": ids["victim"], "status": "detained"}]}]}
    r.add_document(doc)
    r.finalise(ids["testimony"], allow_untagged=True)
    narrative = r.show(ids["testimony"])["testimonies"][0]["narrative"]["en"]
    assert "the minister Ali Awwad visited" in narrative, narrative
    assert narrative.endswith("hospital. [name] was not seen again."), narrative
    assert narrative.startswith("They took [P-"), narrative


def test_a_site_named_without_its_generic_word_is_redacted() -> None:
    from testimony_app.core.identity.narrative_redaction import Place

    places = [Place("c1", ("Aleppo", "\u062d\u0644\u0628"), "city", None, (("en", "Aleppo"),)),
              Place("x1", ("Bab Tarnoush Street",
                           "\u0634\u0627\u0631\u0639 \u0628\u0627\u0628 "
                           "\u062a\u0631\u0646\u0648\u0634"),
                    "site", "c1", (("en", "Bab Tarnoush Street"),))]
    redactor = Redactor([], places=places)
    assert redactor.redact("They held him at Bab Tarnoush.")[0] == "They held him at Aleppo."
    text = redactor.redact("\u0641\u064a \u0628\u0627\u0628 "
                           "\u062a\u0631\u0646\u0648\u0634", "ar")[0]
    assert "\u062a\u0631\u0646\u0648\u0634" not in text, text
