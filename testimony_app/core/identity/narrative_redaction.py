"""Redacting the free text of a narrative for an auditor's export.

What a narrative that leaves may no longer hold, each replaced by a token:

- names of the persons this vault knows (not public-domain ones, and never a
  witness's), in every spelling of core/records/spelling.py: a run of words that names one
  person by two parts of a name or more, or by a part nobody else has that is not
  their given name, becomes that person's pseudonym; anything less certain (a part
  several people share, a common given name, a father's or mother's name) becomes
  `[name]`, attributed to nobody. A kunya or article (Abu, Umm, al-, bin) is no name
  by itself and goes with the name it stands before;
- the names of individual sources: `[source]`;
- contact details and document numbers: e-mail addresses `[email]`; phone numbers,
  in Latin, Arabic-Indic or Persian digits, `[phone]`; national ID and passport
  numbers `[id number]`. Dates and small counts stay;
- places this vault knows that lie below the place level of the export (a house, a
  street: a site): the name of their ancestor at that level, or `[place]`.

Everything here is deterministic: the same vault gives the same text whatever the
order of sets and dicts (PYTHONHASHSEED), so that an approval binds to it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from testimony_app.core.records import narrative_tags, spelling, textnorm

NAME, SOURCE, PLACE = "[name]", "[source]", "[place]"
EMAIL, PHONE, ID_NUMBER = "[email]", "[phone]", "[id number]"

# Place levels, coarsest first; village counts as a city.
LEVELS = {"country": 0, "governorate": 1, "city": 2, "village": 2, "district": 3,
          "neighbourhood": 4, "site": 5}
# Without a coarser level asked for, a narrative keeps neighbourhoods and loses sites
# (a house, a street and number).
DEFAULT_LEVEL = "neighbourhood"

# A word: letters and digits with the marks written on them, apostrophes, hyphens.
MARKS = ("\u0300-\u036f\u0610-\u061a\u0640\u064b-\u065f\u0670\u06d6-\u06dc"
         "\u06df-\u06e8\u06ea-\u06ed\u200c")
# Invisible characters search folds away (soft hyphen, zero-width and bidi controls,
# variation selectors, any mark) belong to the word they stand in: "Kamma\u00adrosh"
# is one word that search finds, so sealing and redaction must see it whole.
MARKS += textnorm.DROPPED_IN_WORD
_WORD = re.compile(rf"\w[\w{MARKS}'\u2019\u02bc-]*")
_GAP = re.compile(r"[ \t\u00a0\u200c\u200f\u200e,]{1,3}")

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Seven digits or more (any script's digits: \d is Unicode), with the separators
# phone numbers are written with; a leading + or 00.
# Between digit groups, up to three of: any space (thin, narrow no-break), any dash
# (Unicode Pd: en, em, minus-like), dots, brackets, slashes, the Arabic comma,
# underscores, bidi marks and zero-width characters.
_PHONE_SEPARATORS = (
    r"\s.()/_\u060c"
    "\\-\u058a\u05be\u1400\u1806\u2010-\u2015\u2212\u2e17\u2e1a\u2e3a\u2e3b\u2e40"
    "\u2e5d\u301c\u3030\u30a0\ufe31\ufe32\ufe58\ufe63\uff0d"
    "\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff")
_DIGITS = re.compile(rf"(?<![\w+])(?:\+|00)?\d(?:[{_PHONE_SEPARATORS}]{{0,3}}\d){{6,}}(?!\w)")
# A passport or ID number: one or two letters then six to nine digits, or digits
# then letters (N1234567, AB 123456, 123456789X).
_DOCUMENT = re.compile(r"(?<!\w)(?:[A-Za-z]{1,2} ?\d{6,9}|\d{6,12}[A-Za-z])(?!\w)")
_DATE = re.compile(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}")


@dataclass(frozen=True)
class Person:
    id: str
    token: str  # the auditor's pseudonym, in brackets
    names: tuple[str, ...]  # names in every script and aliases
    relatives: tuple[str, ...] = ()  # father's and mother's names


@dataclass(frozen=True)
class Place:
    id: str
    names: tuple[str, ...]  # in every language
    level: str
    parent: str | None = None
    name_by_lang: tuple[tuple[str, str], ...] = ()


@dataclass
class _Entity:
    kind: str  # "person", "source", "place"
    token: str
    keys: set[str] = field(default_factory=set)
    given: set[str] = field(default_factory=set)
    sequences: list[tuple[str, ...]] = field(default_factory=list)  # a place's names


# A word of the text: start and end of what may be a name in it, whom it may name
# (own names, relatives' names), whether it is a particle, the match.
_Word = tuple[int, int, frozenset[str], frozenset[str], bool, re.Match[str]]


def _name_sequence(name: str) -> tuple[str, ...]:
    return tuple(spelling.bare(p) for p in textnorm.normalize_name(name).split()
                 if spelling.keys(p))


class Redactor:
    """Redacts narratives against one vault's persons, sources and places, for one
    auditor and one place level. Build once per export; `redact` per text."""

    def __init__(self, persons: Iterable[Person], sources: Iterable[tuple[str, str]] = (),
                 places: Iterable[Place] = (), level: str = DEFAULT_LEVEL,
                 public: Iterable[Person] = ()) -> None:
        self._entities: dict[str, _Entity] = {}
        self._strong: dict[str, set[str]] = {}
        self._weak: dict[str, set[str]] = {}
        for person in sorted(persons, key=lambda p: p.id):
            entity = self._entities.setdefault(f"p:{person.id}", _Entity("person", person.token))
            for name in person.names:
                sequence = _name_sequence(name)
                if sequence:
                    entity.given.add(sequence[0])
                for key in sorted(spelling.name_keys(name)):
                    entity.keys.add(key)
                    self._strong.setdefault(key, set()).add(f"p:{person.id}")
            for name in person.relatives:
                for key in sorted(spelling.name_keys(name)):
                    self._weak.setdefault(key, set()).add(f"p:{person.id}")
        # Public persons' names stay; a word they share with someone is no one's.
        for person in sorted(public, key=lambda p: p.id):
            for name in person.names:
                for key in sorted(spelling.name_keys(name)):
                    self._strong.setdefault(key, set()).add(f"k:{person.id}")
        for source_id, name in sorted(sources):
            entity = self._entities.setdefault(f"s:{source_id}", _Entity("source", SOURCE))
            for key in sorted(spelling.name_keys(name)):
                entity.keys.add(key)
                self._strong.setdefault(key, set()).add(f"s:{source_id}")
        self._places = {p.id: p for p in places}
        self._level = LEVELS.get(level, LEVELS[DEFAULT_LEVEL])
        for place in sorted(self._places.values(), key=lambda p: p.id):
            if LEVELS.get(place.level, 5) <= self._level:
                continue
            entity = self._entities.setdefault(f"l:{place.id}", _Entity("place", PLACE))
            for name in place.names:
                sequence = _name_sequence(name)
                if sequence:
                    entity.sequences.append(sequence)
                for key in sorted(spelling.name_keys(name)):
                    entity.keys.add(key)
                    self._strong.setdefault(key, set()).add(f"l:{place.id}")
        self._memo: dict[str, tuple[frozenset[str], frozenset[str], int, int, bool]] = {}

    # -- places -----------------------------------------------------------------------

    def _place_token(self, place_id: str, lang: str) -> str:
        """The name of a place's ancestor at this redactor's level, or [place]."""
        current = self._places.get(place_id)
        seen: set[str] = set()
        while current is not None and LEVELS.get(current.level, 5) > self._level:
            if current.parent is None or current.parent in seen:
                return PLACE
            seen.add(current.id)
            current = self._places.get(current.parent)
        if current is None:
            return PLACE
        names = dict(current.name_by_lang)
        return names.get(lang) or names.get("en") or next(
            (n for _lang, n in sorted(names.items())), PLACE)

    # -- words ------------------------------------------------------------------------

    def _word(self, word: str) -> tuple[frozenset[str], frozenset[str], int, int, bool]:
        """Who a word may name (strong: own names; weak: relatives' names), how many
        letters in front and characters at the end are not the name, whether it is
        a particle."""
        known = self._memo.get(word)
        if known is not None:
            return known
        readings = spelling.readings(word)
        norm = textnorm.normalize_name(word)
        particle = bool(norm) and all(p in spelling.PARTICLES for p in norm.split())
        strong: set[str] = set()
        weak: set[str] = set()
        lead = trail = 0
        for reading in readings:
            if not (reading.lead or reading.trail):
                strong |= self._strong.get(reading.key, set())
                weak |= self._weak.get(reading.key, set())
        if not strong and not weak:
            for reading in readings:
                found = self._strong.get(reading.key, set()) | self._weak.get(reading.key, set())
                if found:
                    strong = set(self._strong.get(reading.key, set()))
                    weak = set(self._weak.get(reading.key, set()))
                    lead, trail = reading.lead, reading.trail
                    break
        result = (frozenset(strong), frozenset(weak), lead, trail, particle)
        self._memo[word] = result
        return result

    def _keys_of(self, word: str) -> set[str]:
        return spelling.candidates(word)

    # -- redacting --------------------------------------------------------------------

    def redact(self, text: str, lang: str = "en") -> tuple[str, Counter[str]]:
        """The text with every private thing replaced, and how many of each kind."""
        counts: Counter[str] = Counter()
        spans: list[tuple[int, int, str, str]] = []  # start, end, token, kind
        for match in _EMAIL.finditer(text):
            spans.append((match.start(), match.end(), EMAIL, "contact"))
        for match in _DOCUMENT.finditer(text):
            spans.append((match.start(), match.end(), ID_NUMBER, "document number"))
        for match in _DIGITS.finditer(text):
            if _DATE.fullmatch(match.group(0).strip()):
                continue
            raw = match.group(0)
            phone = raw.startswith(("+", "00", "0", "\u0660", "\u06f0")) or any(
                not ch.isdigit() for ch in raw)
            spans.append((match.start(), match.end(), PHONE if phone else ID_NUMBER,
                          "contact" if phone else "document number"))
        spans += self._names(text, lang)
        out: list[str] = []
        cursor = 0
        for start, end, token, kind in sorted(spans, key=lambda s: (s[0], -s[1], s[2])):
            if start < cursor:
                continue  # inside a span already replaced
            out.append(text[cursor:start])
            out.append(token)
            counts[kind] += 1
            cursor = end
        out.append(text[cursor:])
        return "".join(out), counts

    def _names(self, text: str, lang: str) -> list[tuple[int, int, str, str]]:
        words: list[_Word] = []
        for match in _WORD.finditer(text):
            strong, weak, lead, trail, particle = self._word(match.group(0))
            start = match.start() + narrative_tags.skip_letters(match.group(0), lead)
            words.append((start, match.end() - trail, strong, weak, particle, match))
        out: list[tuple[int, int, str, str]] = []

        def next_to(a: int, b: int) -> bool:
            return _GAP.fullmatch(text[words[a][1]:words[b][0]]) is not None

        i = 0
        while i < len(words):
            strong, weak = words[i][2], words[i][3]
            if not strong and not weak:
                i += 1
                continue
            candidates = strong | weak
            first = last = i
            named = [i]
            while first > 0 and words[first - 1][4] and next_to(first - 1, first):
                first -= 1
            k = i + 1
            while k < len(words) and next_to(k - 1, k):
                hit = candidates & (words[k][2] | words[k][3])
                if hit:
                    candidates = frozenset(hit)
                    last = k
                    named.append(k)
                    k += 1
                elif words[k][4]:
                    k += 1
                else:
                    break
            found = self._decide(words, named, candidates, lang)
            if found is not None:
                token, kind = found
                # A place keeps no article in front of its replacement.
                begin = words[first][0] if kind != "place" else words[named[0]][0]
                out.append((begin, words[last][1], token, kind))
            i = last + 1
        return out

    def _decide(self, words: list[_Word], named: list[int], candidates: frozenset[str], lang: str
                ) -> tuple[str, str] | None:
        """What a run of words that name someone or somewhere becomes (None: stays)."""
        run_keys = [self._keys_of(words[k][5].group(0)) for k in named]
        places = sorted(c for c in candidates if c.startswith("l:")
                        and self._covers(self._entities[c], run_keys))
        if places:
            tokens = {self._place_token(p[2:], lang) for p in places}
            return (tokens.pop() if len(tokens) == 1 else PLACE), "place"
        others = sorted(c for c in candidates if not c.startswith(("l:", "k:")))
        if not others:
            return None  # part of a place's or a public person's name only
        if all(c.startswith("s:") for c in others):
            return SOURCE, "source"
        strong_all = frozenset.intersection(*(words[k][2] for k in named))
        persons = sorted(c for c in strong_all if c.startswith("p:"))
        shared = any(c.startswith("k:") for c in candidates) or any(
            words[k][3] for k in named)  # also a public name, or a relative's
        if len(persons) == 1 and not shared and not any(c.startswith("s:") for c in others):
            entity = self._entities[persons[0]]
            if len(named) >= 2:
                return entity.token, "name"
            alone = words[named[0]][2]
            keys = run_keys[0]
            if len(alone) == 1 and not (keys & entity.given):
                return entity.token, "name"
        return NAME, "name"

    @staticmethod
    def _covers(entity: _Entity, run_keys: list[set[str]]) -> bool:
        """Whether the run holds the whole of one of a place's names, in order, or two
        of its words or more in a row ("Bab Tarnoush" for "Bab Tarnoush Street": a site
        named without its generic word)."""
        for sequence in entity.sequences:
            for size in range(2, min(len(sequence), len(run_keys)) + 1):
                for at in range(len(sequence) - size + 1):
                    part = sequence[at:at + size]
                    if any(all(part[j] in run_keys[offset + j] for j in range(size))
                           for offset in range(len(run_keys) - size + 1)):
                        return True
            if len(sequence) > len(run_keys):
                continue
            for offset in range(len(run_keys) - len(sequence) + 1):
                if all(sequence[j] in run_keys[offset + j] for j in range(len(sequence))):
                    return True
        return False
