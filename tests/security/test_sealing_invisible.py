"""An invisible character inside a name (soft hyphen, zero-width joiner or space, word
joiner, a bidi mark, any mark search folds away) does not cut it in two: sealing,
redaction and the untagged question see the one word search finds."""

from __future__ import annotations

import unicodedata
import uuid
from pathlib import Path

from testimony_app.core.identity import narrative_redaction, untagged
from testimony_app.core.identity.narrative_redaction import Person, Redactor
from testimony_app.core.records import narrative_tags, textnorm
from tests.pages import plaintext_of_vault
from tests.sync_fixtures import Pair

NAME = "Yusrindel Kammarosh"
NAME_AR = "\u064a\u0633\u0631\u0646\u062f\u0644 \u0642\u0645\u0631\u0648\u0634"
CUTS = ("\u00ad", "\u200b", "\u200d", "\u2060", "\u200f", "\u202b", "\u034f", "\ufe0f",
        "\U000e0041", "\u180e")


def test_sealing_and_search_cut_words_alike() -> None:
    regexes = (narrative_tags._WORD, narrative_redaction._WORD, untagged._WORD)
    split = []
    for cp in range(0x110000):
        ch = chr(cp)
        if unicodedata.category(ch)[0] in "LNZ" and ch != "\u0640":
            continue
        word = "Kamma" + ch + "rosh"
        if textnorm.normalize_for_search(word) != "kammarosh":
            continue  # search cuts it too, or keeps the character
        split += [hex(cp) for regex in regexes if not regex.fullmatch(word)]
    assert split == []


def test_the_matcher_and_the_redactor_take_the_whole_word() -> None:
    person = narrative_tags.KnownPerson(id="p1", code="P-AAAA-BBBB", names=(NAME, NAME_AR))
    words = [f"Kamma{c}rosh" for c in CUTS]
    words += [f"\u0642\u0645{c}\u0631\u0648\u0634" for c in CUTS]
    text = f"They took {NAME}. " + " then ".join(words) + " left."
    record = {"narrative": {"en": text}, "tags": [
        {"field": "narrative", "lang": "en", "start": 10, "end": 10 + len(NAME), "person": "p1"}]}
    spans = [(t["start"], t["end"]) for t in record["tags"] + narrative_tags.repeats(
        record, people=[person])]
    for word in words:
        at = text.index(word)
        assert any(s <= at and at + len(word) <= e for s, e in spans), repr(word)
    redacted, _ = Redactor([Person("1", "[A-ONE]", (NAME, NAME_AR))]).redact(text)
    assert "rosh" not in redacted and "\u0631\u0648\u0634" not in redacted, redacted
    # two names a bidi mark or zero-width space parts, with no space
    glued = "Yusrindel\u200fKammarosh and Yusrindel\u200bKammarosh"
    redacted = Redactor([Person("1", "[A-ONE]", (NAME,))]).redact(glued)[0]
    assert "rosh" not in redacted and "drin" not in redacted, redacted


def test_finalise_seals_a_name_cut_by_an_invisible_character(pair: Pair, tmp_path: Path
                                                              ) -> None:
    r = pair.researcher
    ids = {k: str(uuid.uuid4()) for k in ("witness", "victim", "testimony", "incident")}
    en = f"They took {NAME}. Later Kamma\u00adrosh's wife and the Kamma\u200drosh family left."
    ar = (f"\u0623\u062e\u0630\u0648\u0627 {NAME_AR} "
          "\u062b\u0645 \u0642\u0645\u200d\u0631\u0648\u0634")
    s, s2 = en.index(NAME), ar.index(NAME_AR)
    tags = [{"field": "narrative", "lang": "en", "start": s, "end": s + len(NAME),
             "person": ids["victim"]},
            {"field": "narrative", "lang": "ar", "start": s2, "end": s2 + len(NAME_AR),
             "person": ids["victim"]}]
    doc = {"format": "testimony/1",
           "persons": [{"id": ids["witness"], "sex": "male", "identity": {
               "name": {"en": "Qorvandel Zibrakhan"}, "public_domain": False}},
               {"id": ids["victim"], "sex": "male", "identity": {
                   "name": {"en": NAME, "ar": NAME_AR}, "public_domain": False}}],
           "testimonies": [{"id": ids["testimony"], "witness": ids["witness"],
                            "status": "draft",
                            "interview": {"date": {"precision": "day", "value": "2016-12-15"},
                                          "language": "en", "mode": "in_person"},
                            "consent": {"scope": "publish_anonymised", "recorded_by": "team A"},
                            "narrative": {"en": en, "ar": ar}, "tags": tags}],
           "incidents": [{"id": ids["incident"], "type": "arbitrary_arrest",
                          "date": {"precision": "day", "value": "2016-12-15"},
                          "verification": "unverified", "testimonies": [ids["testimony"]],
                          "victims": [{"person": ids["victim"], "status": "detained"}]}]}
    r.add_document(doc)
    r.dismiss_untagged(ids["testimony"], r.untagged_names(ids["testimony"]))
    r.finalise(ids["testimony"])
    assert r.search("Kammarosh") == []
    assert r.search("\u0642\u0645\u0631\u0648\u0634") == []
    folder, key = r.folder, bytes(r._key)
    r.close()
    plain = plaintext_of_vault(folder, key)
    for needle in ("Kamma\u00adrosh", "Kamma\u200drosh", "\u0642\u0645\u200d\u0631\u0648\u0634"):
        for enc in ("utf-8", "utf-16-le"):
            assert needle.encode(enc) not in plain, repr(needle)
