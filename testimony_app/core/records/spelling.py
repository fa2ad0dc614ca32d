"""The spellings of a name part, from one grammar: what a name can look like in text.

Sealing (core/identity/seal.py through core/records/narrative_tags.py), the tag suggestions, the
redaction of narratives for auditors (core/identity/narrative_redaction.py) and duplicate
detection (core/identity/namematch.py) all ask this module, so that a spelling one of them
knows the others know too (docs/FORMAT.md, "Spellings of a name").

The grammar, on top of what `textnorm.normalize_name` folds (case, Latin accents,
Arabic diacritics, tatweel, hamza seats, ta marbuta, alef maqsura, common
transliterations, al-/el-/ul- and the sun letters as separate words):

- Arabic proclitics in front of a word: a conjunction (و or ف), then a preposition
  (ب, ك or ل), then the article ال; any of them may be missing. ل with ال is written
  لل (للحلبي), and with a word that starts with ل one lam more goes (للبناني).
- Arabic nisba endings after a name: ي, ية, يين, يون, يات (الحلبية, الحلبيين); a name
  that is itself a nisba (الحلبي) keeps its ي.
- The Arabic accusative: a final alef, with or without tanween, after a name or its
  nisba (محمداً, محمدا, حلبياً), when three letters or more remain.
- Latin: the article glued (Alhalabi, Elhalabi) or written apart (al-, el-, Al, El, with
  a hyphen, a space or nothing); possessives ('s, ’s, s') and plurals (s, es, ies for y).

Two directions, kept in one place so that they agree (a test checks it):
`variants` writes every spelling of a name part (for tests and documentation);
`candidates` reads a word of text back to the keys it may be a spelling of, and
`keys` gives the keys of a name part. A word names a part when they share a key.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from testimony_app.core.records import textnorm

__all__ = ["PARTICLES", "Reading", "bare", "candidates", "is_arabic", "keys", "name_keys",
           "readings", "text_keys", "variants"]

# -- the grammar ----------------------------------------------------------------------

AR_CONJUNCTIONS = ("\u0648", "\u0641")  # wa, fa
AR_PREPOSITIONS = ("\u0628", "\u0643", "\u0644")  # bi, ka, li
AR_ARTICLE = "\u0627\u0644"  # al
_LAM = "\u0644"
# Nisba endings as textnorm leaves them (ta marbuta folded to heh), longest first.
AR_NISBA = ("\u064a\u064a\u0646", "\u064a\u0648\u0646", "\u064a\u0627\u062a",
            "\u064a\u0647", "\u064a")
_AR_YEH = "\u064a"
# The nisba endings as written, for `variants` (with ta marbuta).
_AR_NISBA_WRITTEN = ("\u064a", "\u064a\u0629", "\u064a\u064a\u0646", "\u064a\u0648\u0646",
                     "\u064a\u0627\u062a")
LATIN_ARTICLES = ("al", "el")
_LATIN_ARTICLE_FORMS = ("al-", "el-", "al ", "el ", "Al-", "El-", "Al ", "El ", "Al", "El",
                        "al", "el")
_LATIN_POSSESSIVES = ("'s", "\u2019s", "s'", "s\u2019")
# A glued Latin article is taken off only when four letters or more remain: "Elias"
# and "Alan" are names, "Alhalabi" is al-Halabi.
_LATIN_BARE_MIN = 4
_AR_BARE_MIN = 2
# A nisba ending is taken off only when a stem of three letters or more remains:
# "Ali" is no nisba of "Al".
_NISBA_STEM_MIN = 3
# "Allah" is not the article and a word (له is "to him").
_NOT_ARTICLE = frozenset({"\u0627\u0644\u0644\u0647"})
# The accusative: a name with tanween (محمداً, حلبياً) keeps a final alef once
# textnorm has dropped the mark, and many write it without the mark (رأيت محمدا).
# Taken off only when a stem of three letters or more remains ("رضا" stays Rida).
_AR_ALEF = "\u0627"
_ACCUSATIVE_STEM_MIN = 3
# The accusative as written, for `variants`: with and without the tanween, after the
# name and after its masculine nisba (حلبياً). The feminine (ةً) and the plurals take
# no alef.
_AR_ACCUSATIVE_WRITTEN = ("\u0627\u064b", "\u0627", "\u064b\u0627",
                          "\u064a\u0627\u064b", "\u064a\u0627")

# Words that belong to a name when they stand next to one (Abu Qorvan, Umm Ali, bin
# Zaid, al Halabi, Abd al-Karim), as textnorm.normalize_name leaves them. Alone they
# name nobody.
PARTICLES = frozenset({
    "al", "abu", "umm", "bin", "abd", "el", "bint", "ibn", "ben", "wal", "bil", "lil",
    "\u0627\u0628\u0648",  # abu
    "\u0627\u0628\u064a",  # abi (abu after a preposition)
    "\u0627\u0645",  # umm
    "\u0628\u0646",  # bin (and ibn, folded by normalize_name)
    "\u0628\u0646\u062a",  # bint
    "\u0639\u0628\u062f",  # abd
    "\u0627\u0644",  # al-
    "\u0627\u0644\u0644\u0647",  # allah (abd allah: the given name is the two words)
    "allah",
})


def _ar_prefixes() -> tuple[tuple[str, int], ...]:
    """Every proclitic run the grammar allows, with how many of its letters are not
    the article (a span for the name starts after them), longest first."""
    out: dict[str, int] = {}
    for conj, prep, article in itertools.product(("", *AR_CONJUNCTIONS),
                                                 ("", *AR_PREPOSITIONS), ("", AR_ARTICLE)):
        if prep == _LAM and article:
            out[conj + _LAM + _LAM] = len(conj) + 1  # li + al = lil
        else:
            out[conj + prep + article] = len(conj + prep)
    out.pop("", None)
    return tuple(sorted(out.items(), key=lambda item: (-len(item[0]), item[0])))


AR_PREFIXES = _ar_prefixes()


def is_arabic(text: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f" for ch in text)


# -- name parts -------------------------------------------------------------------------


def bare(token: str) -> str:
    """A normalised token without a glued article (الحلبي -> حلبي, alhalabi -> halabi)."""
    if token in _NOT_ARTICLE:
        return token
    if is_arabic(token):
        if token.startswith(AR_ARTICLE) and len(token) - len(AR_ARTICLE) >= _AR_BARE_MIN:
            return token[len(AR_ARTICLE):]
        return token
    for article in LATIN_ARTICLES:
        if token.startswith(article) and len(token) - len(article) >= _LATIN_BARE_MIN:
            return token[len(article):]
    return token


def keys(part: str) -> set[str]:
    """The keys of one normalised token of a name (empty for a particle or a letter)."""
    if len(part) < 2 or part in PARTICLES:
        return set()
    return {part, bare(part)}


def name_keys(name: str) -> set[str]:
    """The keys of every part of a name, as written."""
    out: set[str] = set()
    for part in textnorm.normalize_name(name).split():
        out |= keys(part)
    return out


# -- words of text ----------------------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    """One way to read a word of text: a key it may be a spelling of, how many letters
    in front are proclitics (و, ف, ب, ك, ل: not part of the name) and how many
    characters at the end are a Latin possessive or plural ending."""

    key: str
    lead: int = 0
    trail: int = 0
    nisba: bool = False  # read with a nisba ending taken off


# Latin endings after a name and what they leave: possessives, plurals (ies for y).
_LATIN_ENDINGS = (*((p, "") for p in (*_LATIN_POSSESSIVES, "\u02bcs", "s\u02bc", "'",
                                      "\u2019", "\u02bc")),
                  ("s", ""), ("es", ""), ("ies", "y"))


def _latin_stems(word: str) -> list[tuple[str, int]]:
    """The word, and the word without each possessive or plural ending it may have."""
    out = [(word, 0)]
    folded = word.lower()
    for ending, restored in _LATIN_ENDINGS:
        if folded.endswith(ending) and len(word) - len(ending) >= 2:
            out.append((word[:-len(ending)] + restored, len(ending)))
    return out


def _nisba_stems(token: str) -> list[str]:
    out = []
    for ending in AR_NISBA:
        if token.endswith(ending) and len(token) - len(ending) >= _NISBA_STEM_MIN:
            stem = token[:-len(ending)]
            out += [stem, stem + _AR_YEH]  # a name Xi: Xiyya is Xi's feminine
            break
    return out


def _arabic_readings(token: str) -> list[Reading]:
    out = [Reading(token)]
    for prefix, lead in AR_PREFIXES:
        if token.startswith(prefix) and len(token) - len(prefix) >= 2:
            rest = token[len(prefix):]
            out.append(Reading(rest, lead))
            if prefix.endswith(_LAM + _LAM) and lead == len(prefix) - 1:
                out.append(Reading(_LAM + rest, lead))  # li + al + Lubnani = lilubnani
            if prefix.endswith(AR_ARTICLE) or prefix.endswith(_LAM + _LAM):
                out.append(Reading(AR_ARTICLE + rest, lead))
    accusative = [Reading(r.key[:-1], r.lead, nisba=True) for r in out
                  if r.key.endswith(_AR_ALEF)
                  and len(r.key) - 1 >= _ACCUSATIVE_STEM_MIN]
    out += accusative
    more = [Reading(stem, r.lead, nisba=True) for r in out for stem in _nisba_stems(r.key)]
    return out + more


# Invisible characters that stand between two words when no space does (a bidi mark,
# a zero-width space): a word holding one is also read as the words around it.
_SPLITTERS = re.compile("[\u061c\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069]+")


def readings(word: str) -> list[Reading]:
    """Every key a word of text (as the text has it: any case, marks, apostrophes and
    hyphens included) may be a spelling of, most literal first, each once."""
    out: dict[str, Reading] = {}

    def add(reading: Reading) -> None:
        if len(reading.key) >= 2 and reading.key not in PARTICLES:
            out.setdefault(reading.key, reading)

    stems = [(word, 0)] if is_arabic(word) else _latin_stems(word)
    for stem, trail in stems:
        norm = textnorm.normalize_name(stem)
        pieces = norm.split()
        if _SPLITTERS.search(stem):  # two names a bidi mark or zero-width space parts
            pieces += textnorm.normalize_name(_SPLITTERS.sub(" ", stem)).split()
            pieces = list(dict.fromkeys(pieces))
        for piece in [norm, *pieces] if len(pieces) > 1 else [norm]:
            if is_arabic(piece):
                for reading in _arabic_readings(piece):
                    add(Reading(reading.key, reading.lead, trail, reading.nisba))
                    add(Reading(bare(reading.key), reading.lead, trail, reading.nisba))
            else:
                add(Reading(piece, 0, trail))
                add(Reading(bare(piece), 0, trail))
    return list(out.values())


def candidates(word: str) -> set[str]:
    """The keys a word of text may be a spelling of."""
    return {r.key for r in readings(word)}


_WORDS = re.compile(r"[^\s\-]+")


def text_keys(text: str) -> set[str]:
    """The keys of a name as someone wrote it in a text (a tagged stretch): each word
    without a Latin possessive or plural ending, never cut into proclitics or a nisba
    stem (a tag "al-Halabi" must not make every "Aleppo" a name)."""
    out: set[str] = set()
    for word in _WORDS.findall(text):
        out |= {r.key for r in readings(word) if not r.lead and not r.nisba}
    return out


# -- writing every spelling -------------------------------------------------------------


def variants(part: str) -> list[str]:
    """Every spelling of one name part (one word, without article) the grammar allows,
    with the article, proclitics and endings of its script; for tests and
    documentation. Case, marks and hamza forms are textnorm's and not multiplied here."""
    out: list[str] = []
    if is_arabic(part):
        endings = ("", *_AR_NISBA_WRITTEN)
        for conj, prep, article in itertools.product(("", *AR_CONJUNCTIONS),
                                                     ("", *AR_PREPOSITIONS), ("", AR_ARTICLE)):
            front = conj + _LAM + _LAM if prep == _LAM and article else conj + prep + article
            out += [front + part + ending for ending in endings]
            if not article and not prep:  # no article nor preposition in the accusative
                out += [front + part + ending for ending in _AR_ACCUSATIVE_WRITTEN]
        return list(dict.fromkeys(out))
    tails = ("", *_LATIN_POSSESSIVES, "s", "es")
    glued_too = len(textnorm.normalize_name(part)) >= _LATIN_BARE_MIN  # "Alan" is no al + an
    for article in ("", *_LATIN_ARTICLE_FORMS):
        if article.isalpha() and not glued_too:
            continue
        for tail in tails:
            out.append(article + part + tail)
        if part.endswith("y"):
            out.append(article + part[:-1] + "ies")
    return list(dict.fromkeys(out))
