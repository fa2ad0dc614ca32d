"""Names nobody tagged: what finalising asks about before it seals.

Sealing replaces only tagged names (and every spelling of them). Before a testimony
is finalised, its narrative and summary are scanned for what looks like a name no
tag covers, and the researcher tags or dismisses each (the CLI's `finalise` and the
editor's finalise flow refuse until then):

- persons this vault knows, in any spelling (core/records/spelling.py), reason `known_person`;
- Latin words with a capital that are not at the start of a sentence, or that stand
  in a run of two or more (with al-, bin, Abu and the like between), and are neither
  common words nor places or organisations the vault knows, reason `capitalised`;
- Arabic name patterns: ابن, بن, بنت, أبو, أم, آل or عبد and the word after them, and
  عبد glued to its name (عبدالله), reason `arabic_pattern`.

A dismissal is kept in the vault (`meta`, under the testimony's id) with who, when
and the positions it covers, never the words; it holds while the testimony is at
the revision it was made for. The activity log records how many were dismissed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from testimony_app.core.common.errors import InputError
from testimony_app.core.common.ids import PersonId, RecordId
from testimony_app.core.identity import seal
from testimony_app.core.records import narrative_tags, spelling, store, tables, textnorm
from testimony_app.core.vault import activity, meta, org
from testimony_app.core.vault.connection import Connection
from testimony_app.core.vault.db import transaction

META_PREFIX = "untagged_dismissed:"
REASONS = ("known_person", "capitalised", "arabic_pattern")


@dataclass(frozen=True)
class Candidate:
    """A stretch of a testimony's free text that may be a name no tag covers."""

    field: str
    lang: str
    start: int
    end: int
    text: str
    reason: str
    person: str | None = None  # a known person it may name
    dismissed: bool = False

    @property
    def where(self) -> tuple[str, str, int, int]:
        return self.field, self.lang, self.start, self.end


_WORD = re.compile(rf"\w[\w{narrative_tags.MARKS}'\u2019\u02bc-]*")
_SENTENCE_END = re.compile(r"[.!?:;\u061f\u06d4\n\"\u201c(]\s*$")
_GAP = re.compile(r"[ \t\u00a0]{1,2}")
# Latin words written with a capital that are not names.
_NOT_NAMES_TEXT = (
    "i im ive id ill mr mrs ms dr sir madam god allah the a an and but or if then when "
    "while after before during since until at in on of to from by with for he she they "
    "we you it his her their our my this that these those there here january february "
    "march april may june july august september october november december monday "
    "tuesday wednesday thursday friday saturday sunday un ngo eid ramadan arab arabic "
    "english kurdish syrian syria muslim christian islamic state army police")
_NOT_NAMES = frozenset(_NOT_NAMES_TEXT.split())
_LATIN_JOINERS = frozenset({"al", "el", "bin", "ibn", "abu", "umm", "abd", "bint", "ben",
                            "de", "van", "von", "da"})
# Arabic words that open a name: ibn, bin, bint, abu (abi, aba), umm, abd; aal (آل) is
# looked for as written, since textnorm folds it into the article.
_AR_OPENERS = frozenset({"\u0627\u0628\u0646", "\u0628\u0646", "\u0628\u0646\u062a",
                         "\u0627\u0628\u0648", "\u0627\u0628\u064a", "\u0627\u0628\u0627",
                         "\u0627\u0645", "\u0639\u0628\u062f"})
_AR_AAL = "\u0622\u0644"
# Words after an opener that make it no name: أم لا (or not), أبو ما...
_AR_NOT_NAMES_TEXT = (
    "\u0644\u0627 \u0645\u0627 \u0645\u0646 \u0641\u064a \u0639\u0644\u0649 "
    "\u0639\u0646 \u0647\u0648 \u0647\u064a \u0627\u0646 \u0627\u0646\u0647 "
    "\u0643\u0627\u0646 \u0627\u0644\u0630\u064a \u0627\u0644\u062a\u064a")
_AR_NOT_NAMES = frozenset(textnorm.normalize_name(w) for w in _AR_NOT_NAMES_TEXT.split())
_AR_ABD_AL = "\u0639\u0628\u062f\u0627\u0644"


def _common() -> frozenset[str]:
    return frozenset(textnorm.normalize_name(w)
                     for w in narrative_tags._COMMON_WORDS.split()) | _NOT_NAMES


def _vault_words(conn: Connection) -> set[str]:
    """Keys of the names of places and of sources that are not persons: capitalised,
    but not names to seal."""
    out: set[str] = set()
    for kind in ("place", "source"):
        for data in tables.texts_of_kind_by_id(conn, kind):
            record = json.loads(data)
            if kind == "source" and record.get("kind") == "individual":
                continue
            names = record["name"].values() if isinstance(record["name"], dict) \
                else [record["name"]]
            for name in names:
                out |= spelling.name_keys(str(name))
    return out


def _latin(text: str, common: frozenset[str], known: set[str]) -> list[tuple[int, int]]:
    words = list(_WORD.finditer(text))
    runs: list[list[re.Match[str]]] = []
    for match in words:
        word = match.group(0)
        if not word[0].isalpha() or spelling.is_arabic(word):
            continue
        joiner = textnorm.normalize_name(word) in _LATIN_JOINERS
        capital = any(piece[:1].isupper() for piece in word.split("-"))
        if not capital and not joiner:
            continue
        if runs and _GAP.fullmatch(text[runs[-1][-1].end():match.start()]):
            runs[-1].append(match)
        else:
            runs.append([match])
    out = []
    for run in runs:
        while run and textnorm.normalize_name(run[-1].group(0)) in _LATIN_JOINERS:
            run.pop()
        names = [m for m in run if m.group(0)[0].isupper() or "-" in m.group(0)]
        names = [m for m in names if not _plain(m.group(0), common, known)]
        if not names:
            continue
        first = run[0]
        at_start = _SENTENCE_END.search(text[:first.start()]) is not None \
            or not text[:first.start()].strip()
        if at_start and len(names) == 1 and names[0] is first:
            continue  # one capitalised word opening a sentence
        # leading words that are no names ("Then", "The"), then lower-case joiners
        while run and run[0] is not names[0] and (
                _plain(run[0].group(0), common, known)
                and textnorm.normalize_name(run[0].group(0)) not in _LATIN_JOINERS
                or run[0].group(0)[0].islower()):
            run = run[1:]
        if run:
            out.append((run[0].start(), run[-1].end()))
    return out


def _plain(word: str, common: frozenset[str], known: set[str]) -> bool:
    """A capitalised word that is no name: a common word, a short acronym, a place or
    organisation the vault knows."""
    norm = textnorm.normalize_name(word)
    if not norm or norm in common or norm in _LATIN_JOINERS:
        return True
    if word.isupper() and len(word) <= 4:
        return True
    keys = spelling.name_keys(word)
    return bool(keys) and keys <= known


def _plain_start(word: str, common: frozenset[str]) -> bool:
    return textnorm.normalize_name(word) in common


def _arabic(text: str, common: frozenset[str]) -> list[tuple[int, int]]:
    words = list(_WORD.finditer(text))
    out = []
    i = 0
    while i < len(words):
        raw = words[i].group(0)
        norm = textnorm.normalize_for_search(raw)
        bare_raw = "".join(ch for ch in raw if not ("\u064b" <= ch <= "\u065f"))
        if norm.startswith(_AR_ABD_AL) and len(norm) > len(_AR_ABD_AL) + 1:
            out.append((words[i].start(), words[i].end()))
            i += 1
            continue
        opener = norm in _AR_OPENERS or bare_raw == _AR_AAL
        following = i + 1 < len(words) and _GAP.fullmatch(
            text[words[i].end():words[i + 1].start()]) is not None
        if opener and following:
            nxt = words[i + 1].group(0)
            if textnorm.normalize_name(nxt) not in common | _AR_NOT_NAMES \
                    and spelling.is_arabic(nxt):
                last = i + 1
                # a chain: Abu Ahmad bin Khalid
                while (last + 2 < len(words)
                       and textnorm.normalize_for_search(words[last + 1].group(0)) in _AR_OPENERS
                       and _GAP.fullmatch(text[words[last].end():words[last + 1].start()])
                       and _GAP.fullmatch(text[words[last + 1].end():words[last + 2].start()])):
                    last += 2
                out.append((words[i].start(), words[last].end()))
                i = last + 1
                continue
        i += 1
    return out


def _dismissals(conn: Connection, testimony_id: RecordId,
                revision: int) -> set[tuple[str, str, int, int]]:
    stored = meta.get(conn, META_PREFIX + testimony_id)
    if stored is None:
        return set()
    data = json.loads(stored)
    if data.get("revision") != revision:
        return set()
    return {(s[0], s[1], int(s[2]), int(s[3])) for s in data.get("spans", [])}


def candidates(conn: Connection, testimony_id: RecordId) -> list[Candidate]:
    """Every stretch of the testimony's narrative and summary that may be a name no tag
    covers, in order (field, language, position); dismissed ones marked."""
    rec = store.get(conn, testimony_id, with_identity=False)
    if rec.kind != "testimony":
        raise InputError("not_a_testimony")
    record = rec.data
    current = org.organisation(conn)
    if "sealed" in record or (current is not None and current.role == org.ROLE_MEMBER
                              and current.settings.get("seal_whole_testimony") is True):
        return []  # the whole testimony is sealed: no word of it stays readable
    dismissed = _dismissals(conn, testimony_id, rec.revision)
    common = _common()
    known = _vault_words(conn)
    people = narrative_tags.known_persons(conn)
    matcher = narrative_tags.Matcher(people)
    public = {p.id for p in people if p.public}
    tagged: dict[tuple[str, str], list[tuple[int, int]]] = {}
    # What sealing covers on its own: the tags, and every other spelling of a tagged
    # name or of a tagged person's known names.
    mine = set(narrative_tags.persons(record))
    covered = narrative_tags.repeats(record, people=[p for p in people if p.id in mine])
    for tag in [*(record.get("tags") or ()), *covered]:
        tagged.setdefault((tag["field"], tag["lang"]), []).append((tag["start"], tag["end"]))
    out: list[Candidate] = []
    for field in narrative_tags.FIELDS:
        for lang, text in sorted((record.get(field) or {}).items()):
            taken = list(tagged.get((field, lang), []))
            found: list[tuple[int, int, str, str | None]] = []
            for suggestion in matcher.suggest(text, taken=taken):
                if suggestion.person in public:
                    continue  # a name already public needs no tag
                found.append((suggestion.start, suggestion.end, "known_person",
                              suggestion.person))
            found += [(s, e, "capitalised", None) for s, e in _latin(text, common, known)]
            found += [(s, e, "arabic_pattern", None) for s, e in _arabic(text, common)]
            # a known person first: it says whom; then the longest from the left
            for start, end, reason, person in sorted(found, key=lambda f: (
                    REASONS.index(f[2]) > 0, f[0], -f[1], REASONS.index(f[2]))):
                if any(start < e and s < end for s, e in taken):
                    continue
                taken.append((start, end))
                where = (field, lang, start, end)
                out.append(Candidate(field, lang, start, end, text[start:end], reason, person,
                                     where in dismissed))
    return sorted(out, key=lambda c: (narrative_tags.FIELDS.index(c.field), c.lang, c.start))


def open_candidates(conn: Connection, testimony_id: RecordId) -> list[Candidate]:
    return [c for c in candidates(conn, testimony_id) if not c.dismissed]


def dismiss(conn: Connection, testimony_id: RecordId, chosen: list[Candidate], author: str) -> int:
    """Record that these stretches are no names (positions only); how many were new."""
    rec = store.get(conn, testimony_id, with_identity=False)
    spans = _dismissals(conn, testimony_id, rec.revision)
    new = {c.where for c in chosen} - spans
    if not new:
        return 0
    spans |= new
    value = json.dumps({"revision": rec.revision, "by": author, "at": activity.now(),
                        "spans": sorted([list(s) for s in spans])})
    with transaction(conn):
        meta.put(conn, META_PREFIX + testimony_id, value)
        activity.record(conn, author, "untagged_dismissed", testimony_id, count=len(new))
    return len(new)


def tag(conn: Connection, testimony_id: RecordId, candidate: Candidate, person_id: PersonId,
        author: str) -> None:
    """Tag a candidate to a person (a new revision of the testimony)."""
    rec = store.get(conn, testimony_id, with_identity=False)
    if store.get(conn, person_id, with_identity=False).kind != "person":
        raise InputError("not_a_person", id=person_id)
    record = dict(rec.data)
    text = (record.get(candidate.field) or {}).get(candidate.lang, "")
    if text[candidate.start:candidate.end] != candidate.text:
        raise InputError("untagged_changed")
    record["tags"] = [*(record.get("tags") or []), {
        "field": candidate.field, "lang": candidate.lang, "start": candidate.start,
        "end": candidate.end, "person": person_id}]
    kept = _dismissals(conn, testimony_id, rec.revision)
    store.add_document(conn, {"format": "testimony/1", "testimonies": [record]}, author,
                       sealer=seal.seal_changed)
    if kept:  # a tag moves no text: what was dismissed stays dismissed
        revision = store.get(conn, testimony_id, with_identity=False).revision
        stored = meta.get(conn, META_PREFIX + testimony_id)
        with transaction(conn):
            meta.update(conn, META_PREFIX + testimony_id, json.dumps(
                {**json.loads(stored or ""), "revision": revision}))
