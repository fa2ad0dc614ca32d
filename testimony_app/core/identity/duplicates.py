"""Persons who may be the same person: suggestions, merges, undo.

Merging links records and is reversible; nothing is deleted. A merge is a row in
`person_decisions` (who, when, why); the records of both persons stay as they
were, and `canonical` tells the rest of the app (corroboration, figures) which
person now stands for which. "Not the same person" is a decision too, and a
pair so marked is not suggested again. Undoing either keeps the row, marked undone.

Suggestions compare persons merged into one as one (their names, keys and places
together), and are scored 0-100:

- the same match key (HMAC of a normalised name under the organisation's matching
  key): 90. Works without seeing names, on any vault of the organisation;
- the same identity document number: 95;
- otherwise names, only where this vault sees identities (a coordinator after
  import; a vault of no organisation): the same normalised name 85; a near miss
  in the same script 80 - 10 per edit; another spelling, each part one letter
  apart 68; the same name in the other script (Arabic and Latin meet on a consonant
  skeleton) 72 - 12 per edit; a name given without its middle parts 55;
- then tie-breakers: the same birth year +10 (overlapping birth dates +4), birth
  years 2-4 apart -15, 5 or more -40; the same father's name +8, a different one
  -15; the same mother's name +6, a different one -10; victims at the same place
  (city or finer) +8, at different places -5;
- a man and a woman are never suggested.

Pairs scoring MIN_SCORE or more are offered. Persons sharing a match key or a
document number are always compared (unless more than MAX_SHARED share it). Names
are compared only within blocks (namematch.block_keys, on consonant skeletons, so
in either script and whatever the vowels): the same given and family names; the
whole name as it is or with one letter left out; and, in blocks of at most MAX_NEAR
persons, the same given name with a family name one letter apart. Up to MAX_BLOCK
persons of a block are compared all with all. A larger block (100 000 persons hold
hundreds of Muhammad al-Halabi) is put in order twice, by middle names then birth
year, and by birth year then middle names (those with one), and each person is
compared with the WINDOW persons after it in each order. So 100 000 persons mean
some hundred thousand comparisons, not 5 x 10^9. What can be missed:

- names whose skeletons differ in two letters or more (a consonant differing in the
  given and in the family name; a name without its middle parts whose given name is
  one consonant apart), unless the given names agree and the family names are one
  letter apart in a block of at most MAX_NEAR persons;
- in a block larger than MAX_BLOCK (more persons than that share a given and a family
  name, or a whole name), a pair more than WINDOW persons apart in both orders: two
  persons of one name born years apart or of unknown birth year, or a name without
  its middle parts (or with middle names spelt with other consonants) among many of
  the same birth year.

Names and birth years never leave this module except in `Side.names` and
`Side.birth_year` when the caller asks for them; reasons, errors and the activity
log hold codes, ids and counts only.
"""

from __future__ import annotations

import itertools
import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from testimony_app import i18n
from testimony_app.core.common.errors import InputError
from testimony_app.core.common.ids import PersonId
from testimony_app.core.identity.namematch import Likeness, Name, block_keys, compare, middle
from testimony_app.core.records import arrivals, dates, sealed, tables
from testimony_app.core.vault import activity, org
from testimony_app.core.vault.connection import Connection
from testimony_app.core.vault.db import transaction
from testimony_app.i18n import N_, Nn_, _, ngettext

MIN_SCORE = 50
# A match key or document number shared by more persons than this is too common to
# say anything (a one-word alias); such groups are not turned into pairs.
MAX_SHARED = 50
# Groups sharing a blocking key are compared all with all up to MAX_BLOCK of them; in
# a larger block (a common given and family name), each with the WINDOW that follow
# it in the order of their middle names and birth years.
MAX_BLOCK = 40
WINDOW = 10
# A family name one letter apart (namematch.block_keys, `near`) joins a block only
# while the block has at most MAX_NEAR groups.
MAX_NEAR = 20

# Ranks of place levels; places ranked FINE or finer say where someone was.
_LEVEL_RANK = {"country": 0, "governorate": 1, "city": 2, "village": 2, "district": 3,
               "neighbourhood": 4, "site": 5}
_FINE = 2

REASONS: dict[str, str] = {
    "same_match_key": N_("same match key (same name once normalised)"),
    "same_id_number": N_("same identity document number"),
    "same_name": N_("same name once normalised"),
    "spelling": N_("the same name spelt differently (each part one letter apart)"),
    "transliteration": N_("same name in Arabic and Latin script"),
    "name_parts": N_("one name is the other without its middle parts"),
    "same_birth_year": N_("same birth year"),
    "birth_dates_overlap": N_("birth dates overlap"),
    "same_father_name": N_("same father's name"),
    "different_father_name": N_("different father's names"),
    "same_mother_name": N_("same mother's name"),
    "different_mother_name": N_("different mother's names"),
    "same_place": N_("victims at the same place"),
    "different_places": N_("victims at different places"),
}
# Reasons that hold a count (letters, years): each in the plural form its count asks for.
PLURAL_REASONS: dict[str, tuple[str, str]] = {
    "name_distance": Nn_("names {value} letter apart", "names {value} letters apart"),
    "transliteration_near": Nn_("names in Arabic and Latin script, {value} letter apart",
                                "names in Arabic and Latin script, {value} letters apart"),
    "birth_years_differ": Nn_("birth years {value} year apart",
                              "birth years {value} years apart"),
}


@dataclass(frozen=True)
class Reason:
    code: str
    value: int | None = None

    def text(self) -> str:
        value: object = self.value
        if isinstance(self.value, int) and not isinstance(self.value, bool):
            value = i18n.number(self.value)  # in the UI's digits
        if self.code in PLURAL_REASONS and isinstance(self.value, int):
            return ngettext(*PLURAL_REASONS[self.code], self.value).format(value=value)
        return _(REASONS[self.code]).format(value=value)

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "text": self.text()}
        if self.value is not None:
            out["value"] = self.value
        return out


@dataclass(frozen=True)
class Side:
    """One person of a suggested pair, as shown for review. `names` and `birth_year`
    are None where this vault cannot see the identity or names were not asked for."""

    id: PersonId
    code: str
    sex: str
    age: int | None
    age_group: str | None
    occupation: str | None
    places: tuple[str, ...]
    sealed: bool
    merged: tuple[str, ...]
    recorded_by: tuple[str, ...]
    names: tuple[str, ...] | None = None
    birth_year: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in self.__dict__.items()}


@dataclass(frozen=True)
class Suggestion:
    a: Side
    b: Side
    score: int
    reasons: tuple[Reason, ...]

    def as_json(self) -> dict[str, Any]:
        return {"score": self.score, "reasons": [r.as_json() for r in self.reasons],
                "a": self.a.as_json(), "b": self.b.as_json()}


@dataclass(frozen=True)
class Decision:
    """A merge (`person` merged into `other`) or a "not the same person" decision."""

    id: int
    kind: str
    person_id: PersonId
    person_code: str
    other_id: PersonId
    other_code: str
    at: str
    author: str
    detail: dict[str, Any]
    undone_at: str | None = None
    undone_by: str | None = None

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Review:
    """What the duplicates page and `testimony duplicates` show."""

    suggestions: list[Suggestion]
    merges: list[Decision]
    distinct: list[Decision]
    persons: int
    sealed: int  # persons whose identity is sealed: compared by match key only
    names_shown: bool

    @property
    def names_visible(self) -> bool:
        """Whether every identity could be compared by name (no sealed one)."""
        return self.sealed == 0

    def as_json(self) -> dict[str, Any]:
        return {"persons": self.persons, "sealed": self.sealed,
                "names_visible": self.names_visible, "names_shown": self.names_shown,
                "suggestions": [s.as_json() for s in self.suggestions],
                "merges": [m.as_json() for m in self.merges],
                "not_duplicates": [d.as_json() for d in self.distinct]}


# -- merged persons ---------------------------------------------------------------


def _active(conn: Connection, kind: str) -> list[tuple[int, PersonId, PersonId]]:
    """(decision id, person, other) of active decisions whose persons both still exist."""
    rows = conn.execute(
        "SELECT d.id, d.person_id, d.other_id FROM person_decisions d "
        "WHERE d.kind = ? AND d.undone_at IS NULL ORDER BY d.id", (kind,)).fetchall()
    present = tables.existing(conn, sorted({p for r in rows for p in (r[1], r[2])}))
    return [(r[0], r[1], r[2]) for r in rows if r[1] in present and r[2] in present]


def canonical(conn: Connection) -> dict[PersonId, PersonId]:
    """person id -> the id of the person it was merged into (only merged ids appear).

    Other parts (corroboration's independent sources, figures) use this to count a
    merged person once. Merges chain (A into B, B into C: A and B -> C).
    """
    parent = {person: other for _id, person, other in _active(conn, "merged")}
    roots: dict[PersonId, PersonId] = {}
    for person in parent:
        seen = {person}
        current = parent[person]
        while current in parent and current not in seen:  # merge() never makes a cycle
            seen.add(current)
            current = parent[current]
        roots[person] = current
    return roots


def _root(roots: dict[PersonId, PersonId], person_id: PersonId) -> PersonId:
    return roots.get(person_id, person_id)


def _person(conn: Connection, person_id: PersonId) -> str:
    """The pseudonym code of a person (or InputError for another kind of record)."""
    row = tables.kind_and_code(conn, person_id)
    if row is None or row[0] != "person":
        raise InputError("not_a_person", id=person_id[:8])
    return str(row[1])


def _decision(conn: Connection, decision_id: int) -> Decision:
    row = conn.execute(
        "SELECT d.id, d.kind, d.person_id, d.other_id, d.at, d.author, d.detail, "
        "d.undone_at, d.undone_by FROM person_decisions d WHERE d.id = ?",
        (decision_id,)).fetchone()
    codes = tables.codes_by_id(conn, [row[2], row[3]])
    return Decision(row[0], row[1], row[2], codes.get(row[2]) or "", row[3],
                    codes.get(row[3]) or "", row[4], row[5], json.loads(row[6]), row[7], row[8])


def decisions(conn: Connection, kind: str, *, undone: bool = False) -> list[Decision]:
    """Active decisions of a kind ('merged' or 'distinct'), newest first; with
    `undone`, every decision ever taken, undone ones included."""
    where = "" if undone else " AND undone_at IS NULL"
    ids = [r[0] for r in conn.execute(
        f"SELECT id FROM person_decisions WHERE kind = ?{where} ORDER BY id DESC",  # noqa: S608
        (kind,))]
    return [_decision(conn, i) for i in ids]


def _distinct_between(conn: Connection, roots: dict[PersonId, PersonId], a: PersonId,
                      b: PersonId) -> bool:
    """Whether someone said a person of a's group is not a person of b's group."""
    ra, rb = _root(roots, a), _root(roots, b)
    return any({_root(roots, x), _root(roots, y)} == {ra, rb}
               for _id, x, y in _active(conn, "distinct"))


def merge(conn: Connection, kept_id: PersonId, merged_id: PersonId, author: str) -> Decision:
    """Record that `merged_id` is the same person as `kept_id`; both records stay."""
    kept_code, merged_code = _person(conn, kept_id), _person(conn, merged_id)
    if kept_id == merged_id:
        raise InputError("same_person_twice")
    with transaction(conn):
        roots = canonical(conn)
        row = conn.execute("SELECT id, other_id FROM person_decisions WHERE kind = 'merged' "
                           "AND person_id = ? AND undone_at IS NULL", (merged_id,)).fetchone()
        if row is not None and merged_id in roots:
            raise InputError("already_merged", person=merged_code, into=_person(conn, row[1]))
        if row is not None:  # merged into a person deleted since: that link is void
            conn.execute("UPDATE person_decisions SET undone_at = ?, undone_by = ? "
                         "WHERE id = ?", (activity.now(), author, row[0]))
        if _root(roots, kept_id) == merged_id:
            raise InputError("already_same", a=kept_code, b=merged_code)
        if _distinct_between(conn, roots, kept_id, merged_id):
            raise InputError("marked_distinct", a=kept_code, b=merged_code)
        found = _score_pair(conn, kept_id, merged_id)
        detail = {"score": found[0], "reasons": [r.code for r in found[1]]} if found else {}
        cursor = conn.execute(
            "INSERT INTO person_decisions (kind, person_id, other_id, at, author, detail) "
            "VALUES ('merged', ?, ?, ?, ?, ?)",
            (merged_id, kept_id, activity.now(), author, json.dumps(detail, sort_keys=True)))
        activity.record(conn, author, "person_merged", merged_id, into=kept_id, **detail)
        return _decision(conn, int(cursor.lastrowid))


def unmerge(conn: Connection, merged_id: PersonId, author: str) -> Decision:
    """Undo the merge of `merged_id`: it stands for itself again (persons merged into
    it stay with it)."""
    code = _person(conn, merged_id)
    with transaction(conn):
        row = conn.execute("SELECT id, other_id FROM person_decisions WHERE kind = 'merged' "
                           "AND person_id = ? AND undone_at IS NULL", (merged_id,)).fetchone()
        if row is None:
            raise InputError("not_merged", person=code)
        conn.execute("UPDATE person_decisions SET undone_at = ?, undone_by = ? WHERE id = ?",
                     (activity.now(), author, row[0]))
        activity.record(conn, author, "person_unmerged", merged_id, was_in=row[1])
        return _decision(conn, int(row[0]))


def mark_distinct(conn: Connection, a: PersonId, b: PersonId, author: str) -> Decision:
    """Record that two persons are not the same person: never suggested again."""
    code_a, code_b = _person(conn, a), _person(conn, b)
    if a == b:
        raise InputError("same_person_twice")
    first, second = sorted((a, b))
    with transaction(conn):
        roots = canonical(conn)
        if _root(roots, a) == _root(roots, b):
            raise InputError("already_same", a=code_a, b=code_b)
        row = conn.execute("SELECT id FROM person_decisions WHERE kind = 'distinct' AND "
                           "person_id = ? AND other_id = ? AND undone_at IS NULL",
                           (first, second)).fetchone()
        if row is not None:
            return _decision(conn, int(row[0]))
        cursor = conn.execute(
            "INSERT INTO person_decisions (kind, person_id, other_id, at, author) "
            "VALUES ('distinct', ?, ?, ?, ?)", (first, second, activity.now(), author))
        activity.record(conn, author, "persons_not_same", first, other=second)
        return _decision(conn, int(cursor.lastrowid))


def unmark_distinct(conn: Connection, a: PersonId, b: PersonId, author: str) -> Decision:
    code_a, code_b = _person(conn, a), _person(conn, b)
    first, second = sorted((a, b))
    with transaction(conn):
        row = conn.execute("SELECT id FROM person_decisions WHERE kind = 'distinct' AND "
                           "person_id = ? AND other_id = ? AND undone_at IS NULL",
                           (first, second)).fetchone()
        if row is None:
            raise InputError("not_marked_distinct", a=code_a, b=code_b)
        conn.execute("UPDATE person_decisions SET undone_at = ?, undone_by = ? WHERE id = ?",
                     (activity.now(), author, row[0]))
        activity.record(conn, author, "persons_not_same_undone", first, other=second)
        return _decision(conn, int(row[0]))


# -- what is known of each person ---------------------------------------------------


@dataclass
class _Group:
    """A person and the persons merged into it, seen as one."""

    root: PersonId
    code: str
    created_at: str
    record: dict[str, Any]
    members: list[str] = field(default_factory=list)
    visible: bool = False  # some member's identity can be read here
    sealed: int = 0  # members whose identity is sealed and cannot be read here
    texts: list[str] = field(default_factory=list)
    names: list[Name] = field(default_factory=list)
    keys: set[str] = field(default_factory=set)
    documents: set[str] = field(default_factory=set)
    births: list[tuple[int, int]] = field(default_factory=list)
    fathers: list[Name] = field(default_factory=list)
    mothers: list[Name] = field(default_factory=list)
    sexes: set[str] = field(default_factory=set)
    places: set[str] = field(default_factory=set)  # where it was, city or finer
    direct_places: set[str] = field(default_factory=set)


def _birth_range(identity: dict[str, Any]) -> tuple[int, int] | None:
    date = identity.get("birth_date")
    if not isinstance(date, dict) or date.get("precision") in ("before", "after"):
        return None
    try:
        return int(dates.start(date)[:4]), int(dates.end(date)[:4])
    except (KeyError, ValueError):
        return None


_DOCUMENT = re.compile(r"[^0-9A-Za-z]")


def _load(conn: Connection, only: set[PersonId] | None = None) -> dict[str, _Group]:
    """Every person group (root id -> group), or only the groups of `only`."""
    roots = canonical(conn)
    wanted = None if only is None else {_root(roots, p) for p in only}
    try:
        key: bytes | None = org.matching_key(conn)
    except InputError:
        key = None
    groups: dict[str, _Group] = {}
    prepared: dict[str, Name | None] = {}  # names repeat: each is prepared once per call

    def prepare(text: str) -> Name | None:
        if text not in prepared:
            prepared[text] = Name.of(text)
        return prepared[text]

    rows = tables.person_rows(conn)
    # Roots first, so that members find their group.
    rows.sort(key=lambda r: r[0] in roots)
    for person_id, code, created_at, data, identity_data in rows:
        root = _root(roots, person_id)
        if wanted is not None and root not in wanted:
            continue
        record = json.loads(data)
        if root == person_id:
            groups[root] = _Group(root, code, created_at, record)
        group = groups.get(root)
        if group is None:  # its root is gone (deleted): it stands alone
            group = groups[person_id] = _Group(person_id, code, created_at, record)
        group.members.append(person_id)
        group.keys.update(record.get("match_keys", []))
        if record.get("sex") in ("male", "female"):
            group.sexes.add(record["sex"])
        if not identity_data:
            group.sealed += "sealed_identity" in record
            continue
        identity = json.loads(identity_data)
        group.visible = True
        if key is not None:
            group.keys.update(sealed.match_keys(key, identity))
        for text in sealed.names_of(identity):
            name = prepare(text)
            if name is not None:
                group.texts.append(text)
                group.names.append(name)
        group.documents.update(d for d in (_DOCUMENT.sub("", str(n)).upper()
                                           for n in identity.get("id_numbers", [])) if len(d) >= 4)
        birth = _birth_range(identity)
        if birth:
            group.births.append(birth)
        for field_name, target in (("father_name", group.fathers),
                                   ("mother_name", group.mothers)):
            parent = prepare(str(identity.get(field_name, "")))
            if parent is not None:
                target.append(parent)
    _add_places(conn, groups, roots)
    return groups


def _add_places(conn: Connection, groups: dict[str, _Group],
                roots: dict[PersonId, PersonId]) -> None:
    """Where each person was a victim: the incidents' places and the places above them."""
    places = {r[0]: (r[1], _LEVEL_RANK.get(r[2] or "", _FINE))
              for r in tables.place_parents(conn)}
    for person_id, place_id in tables.victim_places(conn):
        group = groups.get(_root(roots, person_id)) or groups.get(person_id)
        if group is None:
            continue
        group.direct_places.add(place_id)
        current: str | None = place_id
        for _step in range(20):  # a bounded walk up: parents never loop, but be safe
            if current is None or current not in places:
                break
            parent, rank = places[current]
            if rank >= _FINE:
                group.places.add(current)
            current = parent


# -- scoring -----------------------------------------------------------------------


def _likeness_score(likeness: Likeness) -> tuple[int, Reason]:
    if likeness.kind == "same_name":
        return 85, Reason("same_name")
    if likeness.kind == "name_distance":
        return 80 - 10 * likeness.edits, Reason("name_distance", likeness.edits)
    if likeness.kind == "spelling":
        return 68, Reason("spelling")
    if likeness.kind == "transliteration":
        if likeness.edits == 0:
            return 72, Reason("transliteration")
        return 72 - 12 * likeness.edits, Reason("transliteration_near", likeness.edits)
    return 55, Reason("name_parts")


def _best_likeness(a: list[Name], b: list[Name]) -> tuple[int, Reason] | None:
    best: tuple[int, Reason] | None = None
    for x, y in itertools.product(a, b):
        likeness = compare(x, y)
        if likeness is not None:
            found = _likeness_score(likeness)
            if best is None or found[0] > best[0]:
                best = found
    return best


def _alike(a: list[Name], b: list[Name]) -> bool | None:
    """Parents' names: alike (True), different (False), or unknown on either side."""
    if not a or not b:
        return None
    return any(found is not None and found.kind != "name_parts"
               for found in (compare(x, y) for x, y in itertools.product(a, b)))


def _score(a: _Group, b: _Group) -> tuple[int, list[Reason]] | None:
    if len(a.sexes | b.sexes) > 1:
        return None  # a man and a woman: never the same person
    reasons: list[Reason] = []
    base = 0
    if a.documents & b.documents:
        base = 95
        reasons.append(Reason("same_id_number"))
    if a.keys & b.keys:
        base = max(base, 90)
        reasons.append(Reason("same_match_key"))
    else:
        found = _best_likeness(a.names, b.names)
        if found is not None:
            base = max(base, found[0])
            reasons.append(found[1])
    if base == 0:
        return None
    adjust = 0
    if a.births and b.births:
        gap = min(max(0, y[0] - x[1], x[0] - y[1]) for x in a.births for y in b.births)
        exact = any(x[0] == x[1] == y[0] == y[1] for x in a.births for y in b.births)
        if gap == 0:
            adjust += 10 if exact else 4
            reasons.append(Reason("same_birth_year" if exact else "birth_dates_overlap"))
        elif gap >= 2:
            adjust -= 15 if gap < 5 else 40
            reasons.append(Reason("birth_years_differ", gap))
    for names_a, names_b, plus, minus, kind in ((a.fathers, b.fathers, 8, 15, "father_name"),
                                                (a.mothers, b.mothers, 6, 10, "mother_name")):
        alike = _alike(names_a, names_b)
        if alike is True:
            adjust += plus
            reasons.append(Reason("same_" + kind))
        elif alike is False:
            adjust -= minus
            reasons.append(Reason("different_" + kind))
    if a.places and b.places:
        if a.places & b.places:
            adjust += 8
            reasons.append(Reason("same_place"))
        else:
            adjust -= 5
            reasons.append(Reason("different_places"))
    return max(0, min(100, base + adjust)), reasons


def _score_pair(conn: Connection, a: PersonId, b: PersonId) -> tuple[int, list[Reason]] | None:
    roots = canonical(conn)
    groups = _load(conn, {a, b})
    ga, gb = groups.get(_root(roots, a)), groups.get(_root(roots, b))
    if ga is None or gb is None or ga is gb:
        return None
    return _score(ga, gb)


def _pairs_sharing(index: dict[str, set[str]], limit: int | None) -> Iterable[tuple[str, str]]:
    for members in index.values():
        if len(members) < 2 or (limit is not None and len(members) > limit):
            continue
        yield from itertools.combinations(sorted(members), 2)


def _order(group: _Group) -> tuple[str, int, str, str]:
    """Where a group stands in a large block: by its middle names, then its birth
    year, then its whole name."""
    name = min(group.names, key=lambda n: (middle(n), n.flat), default=None)
    birth = min((b[0] for b in group.births), default=0)
    if name is None:
        return ("", birth, "", group.root)
    return (middle(name), birth, name.flat, group.root)


def _block_pairs(groups: dict[str, _Group], members: set[str]) -> Iterable[tuple[str, str]]:
    """Every pair of a block of at most MAX_BLOCK groups. In a larger one, each group
    with the WINDOW groups after it by middle names (then birth year), and the WINDOW
    after it by birth year (then middle names) among those with a birth year: the
    same middle names, and the same birth year whatever the middle names."""
    if len(members) <= MAX_BLOCK:
        yield from itertools.combinations(sorted(members), 2)
        return
    keys = {root: _order(groups[root]) for root in members}
    by_middle = sorted(members, key=keys.__getitem__)
    by_birth = sorted((r for r in members if keys[r][1]), key=lambda r: (keys[r][1], *keys[r]))
    for ordered in (by_middle, by_birth):
        for index, a in enumerate(ordered):
            for b in ordered[index + 1:index + 1 + WINDOW]:
                yield (a, b) if a < b else (b, a)


def _candidates(groups: dict[str, _Group]) -> set[tuple[str, str]]:
    by_key: dict[str, set[str]] = defaultdict(set)
    by_document: dict[str, set[str]] = defaultdict(set)
    by_block: dict[str, set[str]] = defaultdict(set)
    near: dict[str, set[str]] = defaultdict(set)  # family names one letter apart
    for root, group in groups.items():
        for match_key in group.keys:
            by_key[match_key].add(root)
        for document in group.documents:
            by_document[document].add(root)
        for name in group.names:
            exact = block_keys(name, near=False)
            for block in exact:
                by_block[block].add(root)
            for block in block_keys(name) - exact:
                near[block].add(root)
    pairs: set[tuple[str, str]] = set()
    pairs.update(_pairs_sharing(by_key, MAX_SHARED))
    pairs.update(_pairs_sharing(by_document, MAX_SHARED))
    # A family name one letter apart joins a block only while it stays small: in a
    # crowd, a typo is still met through the whole name one letter apart.
    for block, members in near.items():
        exact = by_block.get(block, set())
        if len(members | exact) <= MAX_NEAR:
            pairs.update(itertools.combinations(sorted(members), 2))
            pairs.update((a, b) if a < b else (b, a)
                         for a in members for b in exact if a != b)
    seen: set[frozenset[str]] = set()
    for members in by_block.values():
        if len(members) < 2:
            continue
        frozen = frozenset(members)  # a name's keys often hold the same few groups
        if frozen in seen:
            continue
        seen.add(frozen)
        pairs.update(_block_pairs(groups, members))
    return pairs


# -- the review ----------------------------------------------------------------------


def _place_labels(conn: Connection, language: str) -> dict[str, str]:
    out = {}
    for place_id, data in tables.texts_of_kind(conn, "place"):
        name = json.loads(data)["name"]
        out[place_id] = str(name.get(language) or next(iter(name.values()), ""))
    return out


def _recorders(conn: Connection) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    names = org.names(conn)
    for record_id, fingerprint in arrivals.person_senders(conn):
        out[record_id].add(str(names.get(fingerprint, fingerprint)))
    return out


def _birth_text(births: list[tuple[int, int]]) -> str | None:
    if not births:
        return None
    return " / ".join(sorted({str(lo) if lo == hi else f"{lo}–{hi}" for lo, hi in births}))


def _side(group: _Group, codes: dict[str, str], labels: dict[str, str],
          recorders: dict[str, set[str]], names: bool) -> Side:
    record = group.record
    show = names and group.visible
    return Side(
        id=group.root, code=group.code, sex=str(record.get("sex", "unknown")),
        age=record.get("age"), age_group=record.get("age_group"),
        occupation=record.get("occupation"),
        places=tuple(sorted(labels.get(p, "") for p in group.direct_places)),
        sealed=group.sealed > 0,
        merged=tuple(sorted(codes[m] for m in group.members if m != group.root)),
        recorded_by=tuple(sorted(set().union(*(recorders.get(m, set())
                                               for m in group.members)))),
        names=tuple(dict.fromkeys(group.texts)) if show else None,
        birth_year=_birth_text(group.births) if show else None)


def review(conn: Connection, *, names: bool = True, min_score: int = MIN_SCORE,
           language: str = "en") -> Review:
    """Suggested pairs (best first), merges and "not the same" decisions.

    With `names=False`, no name or birth year is in the result even where this
    vault can see them (they are still used for scoring).
    """
    groups = _load(conn)
    roots = canonical(conn)
    excluded = {tuple(sorted((_root(roots, x), _root(roots, y))))
                for _i, x, y in _active(conn, "distinct")}
    scored: list[tuple[int, list[Reason], _Group, _Group]] = []
    for ra, rb in _candidates(groups):
        if (ra, rb) in excluded:
            continue
        found = _score(groups[ra], groups[rb])
        if found is not None and found[0] >= min_score:
            a, b = sorted((groups[ra], groups[rb]),
                          key=lambda g: (not g.visible, -len(g.members), g.created_at, g.code))
            scored.append((found[0], found[1], a, b))
    scored.sort(key=lambda s: (-s[0], s[2].code, s[3].code))
    codes = tables.codes_of_kind(conn, "person")
    labels = _place_labels(conn, language)
    recorders = _recorders(conn)
    sides: dict[str, Side] = {}  # a group is in many suggestions: one Side each

    def side(group: _Group) -> Side:
        found = sides.get(group.root)
        if found is None:
            found = sides[group.root] = _side(group, codes, labels, recorders, names)
        return found

    suggestions = [Suggestion(side(a), side(b), score, tuple(reasons))
                   for score, reasons, a, b in scored]
    persons = sum(len(g.members) for g in groups.values())
    sealed = sum(g.sealed for g in groups.values())
    return Review(suggestions, decisions(conn, "merged"), decisions(conn, "distinct"),
                  persons, sealed, names)
