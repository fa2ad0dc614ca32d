"""The spelling grammar: what it writes it reads back, and no more than it should."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from testimony_app.core.records import spelling

_LATIN = st.text("bdfgkmnprtvzaiou", min_size=3, max_size=9).map(str.capitalize)
_ARABIC = st.text("تثجحخدذرزسشصضطظعغقمنهاي", min_size=3, max_size=7)


def _named(written: str, part: str) -> bool:
    wanted = spelling.name_keys(part)
    return any(spelling.candidates(w) & wanted for w in written.replace("-", " ").split())


@settings(max_examples=150, deadline=None, database=None)
@given(st.one_of(_LATIN, _ARABIC))
def test_every_spelling_the_grammar_writes_is_read_back(part: str) -> None:
    if not spelling.name_keys(part):
        return  # a particle
    for written in spelling.variants(part):
        assert _named(written, part), written


def test_the_proclitic_runs_of_arabic() -> None:
    prefixes = dict(spelling.AR_PREFIXES)
    assert "\u0648\u0628\u0627\u0644" in prefixes  # wa-bi-al
    assert "\u0648\u0644\u0644" in prefixes  # wa-li-l (li + al contracted)
    assert "\u0644\u0627\u0644" not in prefixes  # li + al is never written in full
    assert prefixes["\u0641\u0628\u0627\u0644"] == 2  # the span keeps the article


def test_examples() -> None:
    halabi = spelling.name_keys("\u0627\u0644\u062d\u0644\u0628\u064a")  # al-Halabi
    for word in ("\u0648\u0628\u0627\u0644\u062d\u0644\u0628\u064a",  # wa-bil-Halabi
                 "\u0648\u0644\u0644\u062d\u0644\u0628\u064a\u064a\u0646",  # wa-lil-Halabiyyin
                 "\u0627\u0644\u062d\u0644\u0628\u064a\u0629",  # al-Halabiyya
                 "\u062d\u064e\u0644\u064e\u0628\u0650\u064a\u0651"):  # with harakat
        assert spelling.candidates(word) & halabi, word
    # the city is no spelling of the nisba
    assert not spelling.candidates("\u062d\u0644\u0628") & halabi
    hajjar = spelling.name_keys("Hajjar")
    for word in ("el-Hajjar's", "Hajjars", "Hajjars\u2019", "ELHAJJAR", "al-Hájjar"):
        assert spelling.candidates(word) & hajjar, word
    assert spelling.bare("elias") == "elias"  # a name, not el + ias
    assert spelling.bare("alhalabi") == "halabi"
    assert not spelling.name_keys("\u0623\u0628\u0648")  # abu alone names nobody
    assert not spelling.name_keys("Abu")


def test_readings_say_where_the_name_starts_and_ends() -> None:
    word = "\u0648\u0628\u0627\u0644\u062d\u0644\u0628\u064a"
    by_key = {r.key: r for r in spelling.readings(word)}
    assert by_key["\u0627\u0644\u062d\u0644\u0628\u064a"].lead == 2
    latin = {r.key: r for r in spelling.readings("Hajjar's")}
    assert latin["hajjar"].trail == 2


def test_a_tagged_text_is_not_cut_into_stems() -> None:
    keys = spelling.text_keys("\u0627\u0644\u062d\u0644\u0628\u064a")
    assert "\u062d\u0644\u0628" not in keys  # Aleppo
    assert spelling.text_keys("Oskatrub's") >= {"oskatrub"}
