"""What each incident and person adds to the figures, kept beside the records.

Counting the victims of a whole archive from the records read every incident and
decoded its JSON: at a million testimonies (some 200 000 incidents) plain SQLite
alone took ten seconds to do that. So each write of an incident or a person also
writes, in the same transaction, the rows it adds to the figures (`incident_facts`,
`person_facts`), and the figures are summed from these rows in one pass
(`sums`, for core/workspace/stats.py). What can change without the incident changing stays out
of the rows and is joined when the figures are counted: a person's sex and age (their
own record) and merges of duplicates (the merges table).

The rows of one incident, each with the incident's month, type, place and
perpetrator:

- `incident`: the incident itself, with the sum of its groups (it is counted by
  month, type, place and perpetrator even without a victim);
- `person`: a named victim (one person; their status);
- `whole`, `sex`, `age_group`: a group of victims as one part, or split by sex or by
  age group into the parts its breakdown gives and the rest ("not given").

`problems` recomputes every row from the records, for `check`.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from testimony_app.core.common.ids import PersonId
from testimony_app.core.records import breakdown, dates, tables
from testimony_app.core.vault.connection import Connection
from testimony_app.i18n import ngettext, number

INCIDENT, PERSON = "incident", "person"
WHOLE, BY_SEX, BY_AGE = "whole", "sex", "age_group"

# The columns of `incident_facts` (core/vault/migrations.py), in the order rows are made.
COLUMNS = ("incident_id", "sort_date", "entry", "part", "mode", "month", "type", "place_id",
           "perpetrator", "status", "category", "victims", "qualifier", "women",
           "women_qualifier", "children", "children_qualifier", "person_id")

def remainder(whole: str, parts: Iterable[str]) -> str:
    """The qualifier of a whole less its parts ("at least 61, of which 11 women":
    at least 50 others only if the 11 is not itself a lower bound)."""
    found = set(parts)
    if whole == "exact" and found <= {"exact"}:
        return "exact"
    if whole in ("at_least", "perhaps_more") and found <= {"exact", "at_most"}:
        return "at_least"
    if whole in ("exact", "at_most") and found <= {"exact", "at_least", "perhaps_more"}:
        return "at_most"
    return "approximately"


def month_key(date: dict[str, Any]) -> str:
    """The month a date falls in ("2016-12"), or the months it spans
    ("2016-11/2016-12"; an open end is "..")."""
    first, last = dates.start(date)[:7] or "..", dates.end(date)[:7]
    if last.startswith("9999"):
        last = ".."
    return first if first == last else f"{first}/{last}"


def count_children(given: dict[str, Any]) -> int:
    return sum(breakdown.count(given, k) for k in ("girls", "boys", "children"))


def age_group(person: dict[str, Any]) -> str:
    """child (under 18), adult, elderly or unknown: the age decides when it is known."""
    given = person.get("age_group", "unknown")
    if "age" in person:
        if int(person["age"]) < 18:
            return "child"
        return given if given in ("adult", "elderly") else "adult"
    return str(given)


@dataclass(frozen=True)
class Part:
    """A share of a documented victim entry falling under one category."""

    category: str
    victims: int
    qualifier: str
    women: int = 0
    women_qualifier: str = "exact"
    children: int = 0
    children_qualifier: str = "exact"


def _women_children(given: dict[str, Any], qualifier: str,
                    codes: tuple[str, ...] = ("girls", "boys", "children")
                    ) -> tuple[int, str, int, str]:
    parts = breakdown.parts(given, qualifier)
    women = parts.get("women", (0, "exact"))
    kids = [parts[c] for c in codes if c in parts]
    return (women[0], women[1], sum(n for n, _q in kids),
            breakdown.combine(q for _n, q in kids))


def split(by: str, category: str, count: int, qualifier: str,
          given: dict[str, Any]) -> list[Part]:
    """A documented group by the grouping's categories: the parts its breakdown
    gives, and the rest (with the qualifier a remainder has) as not given."""
    women, wq, kids, kq = _women_children(given, qualifier)
    if by not in (BY_SEX, BY_AGE):
        return [Part(category, count, qualifier, women, wq, kids, kq)]
    facet = breakdown.by_facet(given, qualifier, 0 if by == BY_SEX else 1)
    parts = breakdown.parts(given, qualifier)
    out = []
    for value, (n, q) in facet.items():
        if by == BY_SEX:
            w = parts.get("women", (0, "exact")) if value == "female" else (0, "exact")
            kid_code = {"female": "girls", "male": "boys"}[value]
            k = parts.get(kid_code, (0, "exact"))
        else:
            w = parts.get("women", (0, "exact")) if value == "adult" else (0, "exact")
            k = (n, q) if value == "child" else (0, "exact")
        out.append(Part(value, n, q, w[0], w[1], k[0], k[1]))
    rest = count - sum(n for n, _q in facet.values())
    if rest > 0:
        k = parts.get("children", (0, "exact")) if by == BY_SEX else (0, "exact")
        out.append(Part("unknown", rest, remainder(qualifier, (q for _n, q in facet.values())),
                        0, "exact", k[0], k[1]))
    return [p for p in out if p.victims]


def incident_rows(incident: dict[str, Any], sort_date: str) -> list[tuple[Any, ...]]:
    """The rows an incident adds (in COLUMNS' order); `sort_date` is its records row's."""
    head = (incident["id"], sort_date or "")
    where = (month_key(incident["date"]), incident["type"], incident.get("place") or "",
             incident.get("perpetrator", {}).get("category", "unknown"))
    rows: list[tuple[Any, ...]] = []
    wholes: list[Part] = []
    for entry, victim in enumerate(incident.get("victims", [])):
        status = victim.get("status", "unknown")
        if "group" not in victim:
            rows.append((*head, entry, 0, PERSON, *where, status, "", 1, "exact", 0, "exact",
                         0, "exact", victim["person"]))
            continue
        group = victim["group"]
        for mode in (WHOLE, BY_SEX, BY_AGE):
            # The category of a whole group is its status (or the perpetrator's, which
            # the sum takes from `perpetrator`): kept as '' here.
            for index, part in enumerate(split(mode, "", group["count"], group["qualifier"],
                                                group.get("breakdown", {}))):
                rows.append((*head, entry, index, mode, *where, status, part.category,
                             part.victims, part.qualifier, part.women, part.women_qualifier,
                             part.children, part.children_qualifier, None))
                if mode == WHOLE:
                    wholes.append(part)
    # The incident's own row carries the sum of its groups (qualifiers as sets, joined):
    # counted by month, type, place or perpetrator, an incident is one row to read.
    women = [p for p in wholes if p.women]
    children = [p for p in wholes if p.children]
    rows.insert(0, (*head, -1, 0, INCIDENT, *where, "", "", sum(p.victims for p in wholes),
                    _joined(p.qualifier for p in wholes), sum(p.women for p in women),
                    _joined(p.women_qualifier for p in women),
                    sum(p.children for p in children),
                    _joined(p.children_qualifier for p in children), None))
    return rows


def _joined(words: Iterable[str]) -> str:
    return ",".join(sorted(set(words)))


@functools.cache
def _words(joined: str) -> frozenset[str]:
    return frozenset(joined.split(",")) if joined else frozenset()


def person_row(person: dict[str, Any]) -> tuple[str, str, str]:
    return (person["id"], str(person.get("sex", "unknown")), age_group(person))


_INSERT_FACTS = (f"INSERT INTO incident_facts ({', '.join(COLUMNS)}) "  # noqa: S608 (names)
                 f"VALUES ({', '.join('?' * len(COLUMNS))})")


def put(conn: Connection, kind: str, record: dict[str, Any], sort_date: str | None,
        *, new: bool = False) -> None:
    """Write what a stored incident or person adds to the figures (inside the caller's
    transaction, beside its records row); `new`: nothing of it is stored yet."""
    if kind == "incident":
        if not new:
            conn.execute("DELETE FROM incident_facts WHERE incident_id = ?", (record["id"],))
        conn.executemany(_INSERT_FACTS, incident_rows(record, sort_date or ""))
    elif kind == "person":
        if not new:
            conn.execute("DELETE FROM person_facts WHERE person_id = ?", (record["id"],))
        conn.execute("INSERT INTO person_facts (person_id, sex, age_group) VALUES (?, ?, ?)",
                     person_row(record))


def put_many(conn: Connection, items: Iterable[tuple[str, dict[str, Any], str | None]]) -> None:
    """`put` for new records in bulk: (kind, record, sort_date) of records just inserted."""
    rows: list[tuple[Any, ...]] = []
    people: list[tuple[str, str, str]] = []
    for kind, record, sort_date in items:
        if kind == "incident":
            rows += incident_rows(record, sort_date or "")
        elif kind == "person":
            people.append(person_row(record))
    conn.executemany(_INSERT_FACTS, rows)
    conn.executemany("INSERT INTO person_facts (person_id, sex, age_group) VALUES (?, ?, ?)",
                     people)


def rebuild(conn: Connection) -> None:
    """Every row again from the records (a vault made before the rows were kept)."""
    conn.execute("DELETE FROM incident_facts")
    conn.execute("DELETE FROM person_facts")
    for records in tables.in_slices(conn, ("incident", "person")):
        put_many(conn, ((kind, json.loads(data), sort_date)
                        for _id, kind, data, sort_date in records))


def problems(conn: Connection) -> list[str]:
    """Incidents and persons whose rows differ from what their records add now (read
    a slice of records at a time, with their rows)."""
    wrong = 0
    for records in tables.in_slices(conn, ("incident", "person")):
        ids = json.dumps([r[0] for r in records])
        stored: dict[str, list[tuple[Any, ...]]] = {}
        for row in conn.execute(
                f"SELECT {', '.join(COLUMNS)} FROM incident_facts WHERE incident_id IN "  # noqa: S608
                "(SELECT value FROM json_each(?)) ORDER BY incident_id, entry, part, mode",
                (ids,)):
            stored.setdefault(row[0], []).append(tuple(row))
        people = {row[0]: tuple(row) for row in conn.execute(
            "SELECT person_id, sex, age_group FROM person_facts WHERE person_id IN "
            "(SELECT value FROM json_each(?))", (ids,))}
        for record_id, kind, data, sort_date in records:
            record = json.loads(data)
            if kind == "person":
                wrong += people.get(record_id) != person_row(record)
            else:
                wrong += stored.get(record_id, []) != sorted(
                    incident_rows(record, sort_date or ""), key=lambda r: (r[2], r[3], r[4]))
    # rows whose record is gone (the foreign keys cascade; a damaged vault may not)
    wrong += conn.execute("SELECT count(DISTINCT incident_id) FROM incident_facts f WHERE NOT "
                          "EXISTS (SELECT 1 FROM records r WHERE r.id = f.incident_id)"
                          ).fetchone()[0]
    wrong += conn.execute("SELECT count(*) FROM person_facts f WHERE NOT EXISTS "
                          "(SELECT 1 FROM records r WHERE r.id = f.person_id)").fetchone()[0]
    if not wrong:
        return []
    return [ngettext("figures: the counts kept for {count} record differ from what it says",
                     "figures: the counts kept for {count} records differ from what they say",
                     wrong).format(count=number(wrong))]


@dataclass(frozen=True)
class Sum:
    """One cell of documented figures: its month, type, place and category ('' where
    the grouping has none), the incidents counted in it, and the sums of their parts
    with the qualifiers met."""

    month: str
    type: str
    place: str
    category: str
    ids: list[str]
    victims: int
    qualifiers: set[str]
    women: int
    women_qualifiers: set[str]
    children: int
    children_qualifiers: set[str]


@dataclass
class _Cell:
    ids: set[str]
    persons: set[str]
    victims: int = 0
    women: int = 0
    children: int = 0
    qualifiers: set[str] = field(default_factory=set)
    women_qualifiers: set[str] = field(default_factory=set)
    children_qualifiers: set[str] = field(default_factory=set)

    def add_sums(self, victims: int, qualifiers: str, women: int, women_qualifiers: str,
                 children: int, children_qualifiers: str) -> None:
        """An incident's groups summed (qualifiers joined by commas; none: no group)."""
        if qualifiers:
            self.victims += victims
            self.qualifiers |= _words(qualifiers)
            self.women += women
            self.women_qualifiers |= _words(women_qualifiers)
            self.children += children
            self.children_qualifiers |= _words(children_qualifiers)

    def add(self, victims: int, qualifier: str, women: int, women_qualifier: str,
            children: int, children_qualifier: str) -> None:
        self.victims += victims
        self.qualifiers.add(qualifier)
        if women:
            self.women += women
            self.women_qualifiers.add(women_qualifier)
        if children:
            self.children += children
            self.children_qualifiers.add(children_qualifier)


def sums(conn: Connection, by: str, merged: Mapping[PersonId, PersonId],
         place_at_level: Mapping[str, str] | None = None) -> list[Sum]:
    """The documented figures grouped `by` (month, type, place, perpetrator, status,
    sex or age_group), summed from the rows. `merged`: person -> the person it was
    merged into (counted once per cell, at the first incident by date, then id, that
    names them); `place_at_level`: place -> the place it is counted under.

    A named victim is counted by what their record says now (the merged-into person's
    when there is one): their sex and age group come from `person_facts`.

    One pass over the rows, summed here: SQLite's GROUP BY sorts, and its sorter
    under SQLCipher took several times the pass itself."""
    at_level = place_at_level or {}
    cells: dict[tuple[str, str, str, str], _Cell] = {}

    def cell(month: str, type_: str, place: str, category: str) -> _Cell:
        key = (month, type_, at_level.get(place, place), category)
        found = cells.get(key)
        if found is None:
            found = cells[key] = _Cell(set(), set())
        return found

    # The columns a cell is keyed by, chosen here: fewer values cross into Python.
    month = "month" if by == "month" else "''"
    place = "place_id" if by == "place" else "''"
    category = {"perpetrator": "perpetrator", "status": "status", BY_SEX: "category",
                BY_AGE: "category"}.get(by, "''")
    key = f"{month}, type, {place}, {category}"
    # By month, type, place or perpetrator an incident's groups fall in one cell: its
    # own row sums them. By status, sex or age group each group's parts are read.
    whole = by in ("month", "type", "place", "perpetrator")
    rows = (f"SELECT {key}, incident_id, victims, qualifier, women, women_qualifier, "  # noqa: S608
            "children, children_qualifier FROM incident_facts WHERE mode = ?")
    for (month_, type_, place_, category_, incident_id, victims, qualifier, women,
         women_qualifier, children, children_qualifier) in conn.execute(
            rows, (INCIDENT if whole else by if by in (BY_SEX, BY_AGE) else WHOLE,)):
        target = cell(month_, type_, place_, category_)
        target.ids.add(incident_id)
        if whole:
            target.add_sums(victims, qualifier, women, women_qualifier, children,
                            children_qualifier)
        else:
            target.add(victims, qualifier, women, women_qualifier, children,
                       children_qualifier)
    # Named victims in the order the incidents are counted: the first naming counts.
    roots = set(merged.values())
    people = {person: (sex, age) for person, sex, age in conn.execute(
        "SELECT person_id, sex, age_group FROM person_facts WHERE person_id IN "
        "(SELECT value FROM json_each(?))", (json.dumps(sorted(roots)),))}
    context = {"perpetrator": "perpetrator", "status": "status"}.get(by, "''")
    for month_, type_, place_, context_, incident_id, person, sex, age in conn.execute(
            f"SELECT {month}, type, {place}, {context}, "  # noqa: S608 (column names)
            "incident_id, person_id, p.sex, p.age_group FROM incident_facts f "
            "LEFT JOIN person_facts p USING (person_id) WHERE f.mode = 'person' "
            "ORDER BY f.sort_date, f.incident_id, f.entry"):
        root = merged.get(person, person)
        sex, age = people.get(root) or (sex or "unknown", age or "unknown")
        target = cell(month_, type_, place_, {BY_SEX: sex, BY_AGE: age}.get(by, context_))
        target.ids.add(incident_id)
        if root not in target.persons:
            target.persons.add(root)
            child = age == "child"
            target.add(1, "exact", int(sex == "female" and not child), "exact", int(child),
                       "exact")
    return [Sum(m, t, p, c, sorted(found.ids), found.victims, found.qualifiers, found.women,
                found.women_qualifiers, found.children, found.children_qualifiers)
            for (m, t, p, c), found in cells.items()]
