"""Arabic words for codes, fingerprints read aloud in Arabic, isolated values and the
language's own separators."""

from __future__ import annotations

import re

from testimony_app import i18n
from testimony_app.core.records.words import word
from testimony_app.core.session import Session
from testimony_app.core.vault import org


def test_fingerprint_read_aloud_in_arabic_names_the_same_bytes() -> None:
    fp = "7K3Q-M2XD-ABCD-EFGH-JKMN-PQRS-TVWX-YZ01"
    english = org.fingerprint_words(fp).split()
    arabic = org.fingerprint_words(fp, "ar")
    assert not re.search("[0-9A-Za-z]", arabic)
    numbers = [int(n.translate(str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")))
               for n in arabic.replace("—", " ").split()]
    assert len(numbers) == 8 and [org.WORDS[n] for n in numbers] == english


def test_enum_values_have_arabic_words_and_values_are_isolated() -> None:
    i18n.set_language("ar")
    try:
        assert word("sex", "male") == "ذكر" and word("age_group", "elderly") != "elderly"
        assert word("language", "en") == "الإنجليزية"
        assert word("sex", "something new") == "something new"
        assert i18n.isolate("Aleppo") == "\u2068Aleppo\u2069"
        assert i18n.join(["أ", "ب"]) == "أ، ب" and i18n.join(["أ", "ب"], ";") == "أ؛ ب"
    finally:
        i18n.set_language("en")
    assert word("sex", "male") == "male" and i18n.join(["a", "b"]) == "a, b"


def test_tag_menu_labels_in_arabic(demo_session: Session) -> None:
    i18n.set_language("ar")
    try:
        labels = [label for _id, label in demo_session.labels("person", "ar")]
    finally:
        i18n.set_language("en")
    assert labels
    for label in labels:
        bare = re.sub("\u2068[^\u2069]*\u2069", "", label)
        assert not re.search(r"\b(male|female|unknown|adult|child|elderly)\b", bare), label
        assert not re.search("[0-9]", bare) and "·" not in bare, label
