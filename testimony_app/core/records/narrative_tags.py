"""Names in a narrative (or summary) tagged to persons.

A testimony's `tags` list says which stretches of its free text name which
person (docs/FORMAT.md):

    {"field": "narrative", "lang": "ar", "start": 12, "end": 27, "person": "<uuid>"}

Offsets are code points into `record[field][lang]`, `end` exclusive. On an
enrolled researcher's laptop, finalising replaces each tagged stretch by the
person's pseudonym token and seals the original words (core/identity/seal.py); the tag
then carries them, encrypted, under `sealed`.

This module holds what does not need a database: validation, replacing spans
while keeping every tag's offsets right, and suggestions (known names and their
spelling variants, kunya and article forms, found in a text).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from testimony_app.core.records import spelling, textnorm
from testimony_app.core.vault.connection import Connection

FIELDS = ("narrative", "summary")
MAX_TAGS = 10_000

# Words that belong to a name when they stand next to one (Abu Qorvan, Umm Ali,
# bin Zaid, al Halabi, Abd al-Karim): the spelling grammar's (core/records/spelling.py).
PARTICLES = spelling.PARTICLES
# A word: letters and digits with the marks written on them (Arabic diacritics and
# tatweel, Latin combining accents: Python's \w leaves them out), apostrophes, hyphens.
MARKS = ("\u0300-\u036f\u0610-\u061a\u0640\u064b-\u065f\u0670\u06d6-\u06dc"
         "\u06df-\u06e8\u06ea-\u06ed\u200c")
# Invisible characters search folds away (soft hyphen, zero-width and bidi controls,
# variation selectors, any mark) belong to the word they stand in: "Kamma\u00adrosh"
# is one word that search finds, so sealing and redaction must see it whole.
MARKS += textnorm.DROPPED_IN_WORD
_WORD = re.compile(rf"\w[\w{MARKS}'\u2019\u02bc-]*", re.UNICODE)
_GAP = re.compile(r"[ \t\u00a0\u200c\u200f\u200e]{1,3}")


# -- validation -------------------------------------------------------------------


def problems(path: str, record: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """What is wrong with a testimony's tags, as (JSON path, reason) pairs.

    Reasons are our words, never a value from the record (it may be a name).
    """
    tags = record.get("tags") or []
    spans: dict[tuple[str, str], list[tuple[int, int, int]]] = {}
    for i, tag in enumerate(tags):
        where = f"{path}.tags[{i}]"
        texts = record.get(tag["field"])
        text = texts.get(tag["lang"]) if isinstance(texts, dict) else None
        start, end = tag["start"], tag["end"]
        if text is None:
            yield where, f"tags a {tag['field']} text in a language the record does not have"
        elif end <= start:
            yield where, "ends before it starts (a tag covers at least one character)"
        elif end > len(text):
            yield where, "reaches past the end of the text"
        elif not text[start:end].strip():
            yield where, "covers only spaces"
        else:
            spans.setdefault((tag["field"], tag["lang"]), []).append((start, end, i))
    for group in spans.values():
        group.sort()
        for (_s1, end1, _i1), (start2, _e2, i2) in zip(group, group[1:], strict=False):
            if start2 < end1:
                yield f"{path}.tags[{i2}]", "overlaps another tag"


def persons(record: dict[str, Any]) -> list[str]:
    """The persons a testimony's tags refer to, each once, in order."""
    return list(dict.fromkeys(tag["person"] for tag in record.get("tags") or []))


# -- replacing spans --------------------------------------------------------------


def replace_spans(text: str, spans: Sequence[tuple[int, int, str | None]]
                  ) -> tuple[str, list[tuple[int, int]]]:
    """Replace non-overlapping spans of `text` (None: keep that span's text).

    Returns the new text and, for each span in the order given, where it now is.
    """
    order = sorted(range(len(spans)), key=lambda k: spans[k][0])
    pieces: list[str] = []
    where: list[tuple[int, int]] = [(0, 0)] * len(spans)
    cursor = length = 0
    for k in order:
        start, end, replacement = spans[k]
        if start < cursor or end < start or end > len(text):
            raise ValueError("spans overlap or lie outside the text")
        pieces.append(text[cursor:start])
        length += start - cursor
        middle = text[start:end] if replacement is None else replacement
        pieces.append(middle)
        where[k] = (length, length + len(middle))
        length += len(middle)
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces), where


def apply(record: dict[str, Any], replace: dict[int, str]) -> dict[str, Any]:
    """A copy of a testimony with the text of tag number i replaced by replace[i],
    every tag's offsets following (tags not in `replace` keep their text)."""
    out = dict(record)
    tags = [dict(t) for t in record.get("tags") or []]
    groups: dict[tuple[str, str], list[int]] = {}
    for i, tag in enumerate(tags):
        groups.setdefault((tag["field"], tag["lang"]), []).append(i)
    for (field, lang), members in groups.items():
        if not any(i in replace for i in members):
            continue
        texts = dict(out[field])
        new_text, where = replace_spans(
            texts[lang], [(tags[i]["start"], tags[i]["end"], replace.get(i)) for i in members])
        texts[lang] = new_text
        out[field] = texts
        for i, (start, end) in zip(members, where, strict=True):
            tags[i]["start"], tags[i]["end"] = start, end
    if tags:
        out["tags"] = tags
    return out


def repeats(record: dict[str, Any], skip: Iterable[str] = (),
            people: Iterable[KnownPerson] = (), kept: Iterable[KnownPerson] = ()
            ) -> list[dict[str, Any]]:
    """New tags for the other places in the same record that name a tagged person:
    whole-word repeats of a tagged text (the name said twice, tagged once), then,
    through the `Matcher`, every spelling textnorm folds together (without
    diacritics, in another case, with a glued و/ب/ال, a part of the name alone) and
    the names of `people` (whose identities this vault can read: the persons the
    record seals, tagged or not), even when nothing is tagged.
    Used when sealing, which errs on the side of hiding: a word one of them shares
    with someone else is sealed too.

    Sealed tags are left out (their text is a token), and so are persons in `skip`.
    The names of `kept` persons (public-domain ones) stay: a run that names one of
    them gets no tag, and a run a word of which is also theirs, or anyone else's, is
    marked `"neutral": True` (its token must say nobody's code: the caller drops the
    mark).
    """
    skipped = set(skip)
    tags = record.get("tags") or []
    wanted: dict[str, str] = {}
    for tag in tags:
        if "sealed" in tag or tag["person"] in skipped:
            continue
        text = record[tag["field"]][tag["lang"]][tag["start"]:tag["end"]].strip()
        if len(text) >= 2:
            wanted.setdefault(text, tag["person"])
    people = [p for p in people if p.id not in skipped]
    if not wanted and not people:
        return []
    taken: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for tag in tags:
        taken.setdefault((tag["field"], tag["lang"]), []).append((tag["start"], tag["end"]))
    pattern = re.compile("|".join(
        rf"(?<!\w){re.escape(t)}(?!\w)" for t in sorted(wanted, key=len, reverse=True))
        or r"(?!)")
    persons_wanted = set(wanted.values()) | {p.id for p in people}
    kept = [p for p in kept if p.id not in persons_wanted]
    kept_ids = {p.id for p in kept}
    matcher = Matcher([*people, *kept],
                      extra=[(person, _name_words(text)) for text, person in wanted.items()])
    added: list[dict[str, Any]] = []
    for field in FIELDS:
        for lang, text in (record.get(field) or {}).items():
            spans = taken.setdefault((field, lang), [])
            found = [(m.start(), m.end(), wanted[m.group(0)]) for m in pattern.finditer(text)]
            for start, end, person in found:
                if any(start < e and s < end for s, e in spans):
                    continue
                spans.append((start, end))
                added.append({"field": field, "lang": lang, "start": start, "end": end,
                              "person": person})
            # A run that touches a tag ("Qorvandel" before a tagged "Zibrakhan") keeps
            # what lies outside the tag.
            for suggestion in matcher.suggest(text, prefer=persons_wanted):
                named = {suggestion.person, *suggestion.others}
                if suggestion.person in kept_ids or not named & persons_wanted:
                    continue  # a public name, or nobody this record seals
                neutral = len(named) > 1  # a part someone else has too: say no one
                for start, end in _outside(text, suggestion.start, suggestion.end, spans):
                    spans.append((start, end))
                    added.append({"field": field, "lang": lang, "start": start, "end": end,
                                  "person": suggestion.person,
                                  **({"neutral": True} if neutral else {})})
    # Exact repeats first; a record holds at most MAX_TAGS tags (interchange schema).
    return added[:max(0, MAX_TAGS - len(tags))]


def _outside(text: str, start: int, end: int, taken: list[tuple[int, int]]
             ) -> list[tuple[int, int]]:
    """The parts of text[start:end] outside every span in `taken`, trimmed, that
    hold a letter."""
    pieces = [(start, end)]
    for s, e in taken:
        pieces = [q for a, b in pieces for q in ((a, min(b, s)), (max(a, e), b)) if q[0] < q[1]]
    out = []
    for a, b in pieces:
        while a < b and not text[a].isalnum():
            a += 1
        while b > a and not (text[b - 1].isalnum() or unicodedata.category(text[b - 1]) == "Mn"):
            b -= 1
        if a < b:
            out.append((a, b))
    return out


# Words a tag can hold that are no part of a name ("the doctor", "his brother"):
# sealing every "the" of a narrative because one tag began with it would hide the
# text and swell the record. Latin words in lower case are left out for the same
# reason (names are written with a capital); Arabic has no case, hence its list.
_COMMON_WORDS = (
    "the a an of and or in on at to from with by for his her their my our your this that "
    "these those mr mrs ms miss sir dr doctor officer soldier man woman men women boy girl "
    "child old young brother sister father mother son daughter uncle aunt cousin wife "
    "husband neighbour neighbor friend "
    "\u0641\u064a \u0645\u0646 \u0639\u0644\u0649 \u0627\u0644\u0649 \u0639\u0646 "
    "\u0645\u0639 \u0647\u0630\u0627 \u0647\u0630\u0647 \u0630\u0644\u0643 "
    "\u0627\u0644\u062a\u064a \u0627\u0644\u0630\u064a \u0627\u062e\u064a "
    "\u0627\u062e\u062a\u064a \u0648\u0627\u0644\u062f\u064a "
    "\u0648\u0627\u0644\u062f\u062a\u064a \u0627\u0628\u0646\u064a "
    "\u062c\u0627\u0631\u0646\u0627 \u0627\u0644\u0637\u0628\u064a\u0628 "
    "\u0627\u0644\u0636\u0627\u0628\u0637 \u0627\u0644\u0631\u062c\u0644 "
    "\u0627\u0644\u0645\u0631\u0627\u0629 \u0627\u0644\u0643\u0628\u064a\u0631 "
    "\u0627\u0644\u0635\u063a\u064a\u0631 \u0643\u0628\u064a\u0631 "
    "\u0635\u063a\u064a\u0631 \u0627\u0644\u0634\u0627\u0628 "
    "\u0627\u0644\u0639\u062c\u0648\u0632")
_common: frozenset[str] | None = None


def _name_words(text: str) -> str:
    """The words of a tagged text that may be part of a name: not a common word, and,
    when the tag writes some word with a capital, not a Latin word in lower case
    ("al-Zibrakhan" keeps "Zibrakhan"; "zibrakhan", all in lower case, is kept)."""
    global _common
    if _common is None:
        _common = frozenset(textnorm.normalize_name(w) for w in _COMMON_WORDS.split())
    pieces = [p for w in _WORD.findall(text) for p in w.split("-") if p]
    capitals = any(p[0].isupper() for p in pieces)
    kept = [p for p in pieces
            if not (capitals and p[0].isascii() and p[0].islower())
            and textnorm.normalize_name(p) not in _common]
    return " ".join(kept)


# -- suggestions ------------------------------------------------------------------


@dataclass(frozen=True)
class KnownPerson:
    """A person whose names this vault may read (identity not sealed)."""

    id: str
    code: str
    names: tuple[str, ...]  # names in every script and aliases
    relatives: tuple[str, ...] = ()  # father's and mother's names
    public: bool = False


@dataclass(frozen=True)
class Suggestion:
    start: int
    end: int
    person: str
    others: tuple[str, ...] = ()  # other persons the same words could name


def _parts(name: str) -> set[str]:
    return spelling.name_keys(name)


def skip_letters(word: str, letters: int) -> int:
    """How many characters of `word` hold its first `letters` letters (marks and
    tatweel in between belong to them)."""
    seen = i = 0
    while i < len(word) and seen < letters:
        if unicodedata.category(word[i]).startswith("L") and word[i] != "\u0640":
            seen += 1
        i += 1
    while i < len(word) and (unicodedata.category(word[i]) == "Mn" or word[i] == "\u0640"):
        i += 1
    return i


@dataclass
class _Word:
    start: int
    end: int
    strong: frozenset[str]
    weak: frozenset[str]
    particle: bool


_NOBODY: frozenset[str] = frozenset()
_CACHE = 50_000  # normalised words kept between two suggestions (typing pauses)
AMBIGUOUS = 5  # more people than this share the words: not a suggestion by itself


class Matcher:
    """Finds where known persons are named in a text.

    A suggestion starts at a word that is part of someone's name or alias (in any
    spelling variant textnorm folds: Arabic with or without diacritics, hamza
    forms, Latin transliterations), takes in a kunya or article right before it
    (Abu, Umm, al-) and the words right after it that belong to the same person
    (more of the name, bin/ibn and the father's name).
    """

    def __init__(self, people: Iterable[KnownPerson],
                 extra: Iterable[tuple[str, str]] = (), base: Matcher | None = None) -> None:
        strong: dict[str, set[str]] = {}
        weak: dict[str, set[str]] = {}
        self.codes: dict[str, str] = dict(base.codes) if base else {}
        for person in people:
            self.codes[person.id] = person.code
            for name in person.names:
                for part in _parts(name):
                    strong.setdefault(part, set()).add(person.id)
            for name in person.relatives:
                for part in _parts(name):
                    weak.setdefault(part, set()).add(person.id)
        for person_id, text in extra:  # words already tagged to someone
            for part in spelling.text_keys(text):
                strong.setdefault(part, set()).add(person_id)
        # Layers, newest first: a matcher over a whole vault is built once (in a
        # worker) and a few names typed in a form are laid over it.
        self._layers: list[tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]] = [
            ({k: frozenset(v) for k, v in strong.items()},
             {k: frozenset(v) for k, v in weak.items()}), *(base._layers if base else [])]
        self._normalised: dict[str, tuple[tuple[spelling.Reading, ...], bool]] = (
            base._normalised if base else {})

    def extended(self, people: Iterable[KnownPerson],
                 extra: Iterable[tuple[str, str]] = ()) -> Matcher:
        """This matcher with more people and tagged words laid over it."""
        return Matcher(people, extra, base=self)

    def __bool__(self) -> bool:
        return any(strong for strong, _weak in self._layers)

    def _lookup(self, piece: str) -> tuple[frozenset[str], frozenset[str]]:
        strong: frozenset[str] = _NOBODY
        weak: frozenset[str] = _NOBODY
        for layer_strong, layer_weak in self._layers:
            found = layer_strong.get(piece)
            if found:
                strong = strong | found if strong else found
            found = layer_weak.get(piece)
            if found:
                weak = weak | found if weak else found
        return strong, weak

    def _word(self, match: re.Match[str]) -> _Word:
        """A word of the text and whose names it may be a spelling of (core/records/spelling.py):
        read literally first (the word and its parts), else the first reading with a
        proclitic, an ending or an article taken off that names someone; the span then
        leaves out the proclitics ("and" written as one word with the name) and a
        Latin possessive or plural ending."""
        word = match.group(0)
        start, end = match.start(), match.end()
        known = self._normalised.get(word)
        if known is None:
            if len(self._normalised) > _CACHE:
                self._normalised.clear()
            norm = textnorm.normalize_name(word)
            known = self._normalised[word] = (
                tuple(spelling.readings(word)),
                bool(norm) and all(p in PARTICLES for p in norm.split()))
        readings, particle = known
        strong: frozenset[str] = _NOBODY
        weak: frozenset[str] = _NOBODY
        for reading in readings:
            if reading.lead or reading.trail:
                continue
            more_strong, more_weak = self._lookup(reading.key)
            strong = strong | more_strong if strong else more_strong
            weak = weak | more_weak if weak else more_weak
        if not strong:
            for reading in readings:
                found, more_weak = self._lookup(reading.key)
                if found:
                    strong, weak = found, weak | more_weak
                    start += skip_letters(word, reading.lead)
                    end -= reading.trail
                    break
        return _Word(start, end, strong, weak, particle)

    def suggest(self, text: str, taken: Iterable[tuple[int, int]] = (),
                prefer: Iterable[str] = ()) -> list[Suggestion]:
        """Spans of `text` that name a known person, not overlapping `taken`.

        Words a great many people share ("Muhammad" alone, in a large vault) are
        suggested only for this testimony's own people (`prefer`).
        """
        if not self:
            return []
        words = [self._word(m) for m in _WORD.finditer(text)]
        busy = sorted(taken)
        preferred = frozenset(prefer)
        out: list[Suggestion] = []

        def next_to(a: _Word, b: _Word) -> bool:
            return _GAP.fullmatch(text[a.end:b.start]) is not None

        i = 0
        while i < len(words):
            if not words[i].strong:
                i += 1
                continue
            candidates = words[i].strong
            first = last = i
            while first > 0 and words[first - 1].particle and next_to(words[first - 1],
                                                                       words[first]):
                first -= 1
            k = i + 1
            while k < len(words) and next_to(words[k - 1], words[k]):
                hit = (candidates & words[k].strong) | (candidates & words[k].weak)
                if hit:
                    candidates = hit
                    last = k
                    k += 1
                elif words[k].particle:
                    k += 1  # kept only if a word of the same person follows
                else:
                    break
            start, end = words[first].start, words[last].end
            ranked = self._rank(candidates, preferred, words[i:last + 1])
            if ranked and not any(start < e and s < end for s, e in busy):
                out.append(Suggestion(start, end, ranked[0], tuple(ranked[1:])))
            i = last + 1
        return out

    def _rank(self, candidates: frozenset[str], preferred: frozenset[str],
              run: list[_Word]) -> list[str]:
        """Candidates best first: this testimony's people, then who has the most words
        of the run in their names. Too many: only this testimony's people, if any."""
        if len(candidates) > AMBIGUOUS:
            return sorted(candidates & preferred, key=lambda p: self.codes.get(p, p))

        def score(person: str) -> int:
            return sum(person in w.strong or person in w.weak for w in run)

        return sorted(candidates, key=lambda p: (p not in preferred, -score(p),
                                                 self.codes.get(p, p)))


def known_persons(conn: Connection, only: Iterable[str] | None = None) -> list[KnownPerson]:
    """Every person whose identity this vault can read (or those of them in `only`),
    with their names."""
    import json

    sql = ("SELECT r.id, r.code, i.data FROM identities i JOIN records r "
           "ON r.id = i.person_id")
    if only is None:
        rows = conn.execute(sql + " ORDER BY r.code").fetchall()
    else:
        ids, rows = sorted(set(only)), []
        for start in range(0, len(ids), 500):
            part = ids[start:start + 500]
            rows += conn.execute(f"{sql} WHERE r.id IN ({','.join('?' * len(part))})",  # noqa: S608
                                 part).fetchall()
        rows.sort(key=lambda r: r[1] or "")
    out = []
    for person_id, code, data in rows:
        identity = json.loads(data)
        names = [str(n) for n in identity.get("name", {}).values()]
        names += [str(a) for a in identity.get("aliases", [])]
        relatives = [str(identity[k]) for k in ("father_name", "mother_name") if identity.get(k)]
        out.append(KnownPerson(person_id, code or "", tuple(n for n in names if n.strip()),
                               tuple(relatives), bool(identity.get("public_domain"))))
    return out
