"""Figures: victims by month, incident type, place, sex, age group, victim status or
perpetrator, with women and children.

Cases documented here and figures other sources reported in aggregate are kept
in separate rows (`source` is "documented" or the reporting source's name) and
never added together: the same arrests would be counted twice. Qualifiers are
kept: a sum that includes an "at least" is itself "at least".

Within one source, a figure for part of a period (a month) is not added to the
same source's figure for the whole period (six months): the whole is counted and
the part is listed in `covered`; `discrepancy` shows where the two disagree. An
aggregate spanning several months is listed in `not_by_month` when counting by
month. A person merged into another (duplicates) is counted once per row.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from testimony_app.core import dates, duplicates, outfile, vocab
from testimony_app.i18n import N_, _

DOCUMENTED = "documented"
GROUPINGS = ("month", "type", "place", "sex", "age_group", "status", "perpetrator")
ALIASES = {"victim_status": "status", "incident_type": "type"}
# Place levels from the widest; a village is counted where a neighbourhood would be.
RANK = {"country": 0, "governorate": 1, "city": 2, "district": 3, "neighbourhood": 4,
        "village": 4, "site": 5}
LEVELS = ("country", "governorate", "city", "district", "neighbourhood", "site")
# The row field holding the category of each grouping (type rows have no other).
CATEGORY = {"month": "month", "type": "incident_type", "place": "place_id", "sex": "sex",
            "age_group": "age_group", "status": "victim_status", "perpetrator": "perpetrator"}
NO_PLACE = "(no place)"
UNKNOWN_SOURCE = "(unknown source)"

SEX_LABELS = {"female": N_("female"), "male": N_("male"), "unknown": N_("sex not given")}
AGE_LABELS = {"child": N_("child"), "adult": N_("adult"), "elderly": N_("elderly"),
              "unknown": N_("age not given")}


def grouping(by: str) -> str:
    """The canonical name of a grouping ('victim_status' is 'status')."""
    by = ALIASES.get(by, by)
    if by not in GROUPINGS:
        raise ValueError("unknown grouping")
    return by


def combine(qualifiers: Iterable[str]) -> str:
    """The qualifier of a sum: exact only if every part is; 'at least' if any part is
    a lower bound and none approximate; else approximately."""
    found = set(qualifiers)
    if found <= {"exact"}:
        return "exact"
    if found <= {"exact", "at_least", "perhaps_more"}:
        return "at_least"
    return "approximately"


@dataclass
class Row:
    key: dict[str, str]
    victims: int = 0
    women: int = 0
    children: int = 0
    qualifiers: set[str] = field(default_factory=set)
    ids: set[str] = field(default_factory=set)
    persons: set[str] = field(default_factory=set)

    @property
    def records(self) -> int:
        return len(self.ids)

    @property
    def qualifier(self) -> str:
        return combine(self.qualifiers)

    def as_json(self) -> dict[str, Any]:
        return {**self.key, "victims": self.victims, "women": self.women,
                "children": self.children, "qualifier": self.qualifier, "records": self.records}


@dataclass(frozen=True)
class Figures:
    by: str
    rows: list[dict[str, Any]]
    not_by_month: list[dict[str, Any]]  # aggregates spanning several months
    # Aggregates inside a larger figure of the same source (counted through it).
    covered: list[dict[str, Any]] = field(default_factory=list)
    level: str | None = None


@dataclass(frozen=True)
class _Part:
    """A share of a victim entry or aggregate falling under one category."""

    category: str
    victims: int
    women: int
    children: int


def count_children(breakdown: dict[str, int]) -> int:
    return sum(breakdown.get(k, 0) for k in ("girls", "boys", "children"))


def age_group(person: dict[str, Any]) -> str:
    """child (under 18), adult, elderly or unknown: the age decides when it is known."""
    given = person.get("age_group", "unknown")
    if "age" in person:
        if int(person["age"]) < 18:
            return "child"
        return given if given in ("adult", "elderly") else "adult"
    return str(given)


def _split(by: str, category: str, count: int, breakdown: dict[str, int]) -> list[_Part]:
    """A counted group (victims or an aggregate) by the grouping's categories."""
    known = sum(breakdown.values())
    rest = max(0, count - known)
    women, men = breakdown.get("women", 0), breakdown.get("men", 0)
    girls, boys = breakdown.get("girls", 0), breakdown.get("boys", 0)
    kids = breakdown.get("children", 0)  # sex not given
    if by == "sex":
        parts = [_Part("female", women + girls, women, girls), _Part("male", men + boys, 0, boys),
                 _Part("unknown", kids + rest, 0, kids)]
    elif by == "age_group":
        parts = [_Part("adult", women + men, women, 0),
                 _Part("child", girls + boys + kids, 0, girls + boys + kids),
                 _Part("unknown", rest, 0, 0)]
    else:
        return [_Part(category, count, women, count_children(breakdown))]
    return [p for p in parts if p.victims]


def source_labels(records: Iterable[dict[str, Any]]) -> dict[str, str]:
    """source id -> the name its figures are shown under. A name two source records
    share, or that is a word of this module ("documented"), gets the id's first
    characters: figures of two records are never put in one row."""
    names = {s["id"]: str(s["name"]) for s in records}
    count: dict[str, int] = {}
    for name in names.values():
        count[name] = count.get(name, 0) + 1
    return {sid: name if count[name] == 1 and name not in (DOCUMENTED, UNKNOWN_SOURCE)
            else f"{name} ({sid[:8]})" for sid, name in names.items()}


def source_label(labels: dict[str, str], source_id: str) -> str:
    return labels.get(source_id) or f"{UNKNOWN_SOURCE} ({str(source_id)[:8]})"


def load(conn: Any, kind: str) -> list[dict[str, Any]]:
    return [json.loads(r[0]) for r in conn.execute(
        "SELECT data FROM records WHERE kind = ? ORDER BY sort_date, id", (kind,))]


class Places:
    """The place hierarchy: names in a language, ancestors at a level."""

    def __init__(self, records: list[dict[str, Any]], language: str = "en") -> None:
        self.by_id = {p["id"]: p for p in records}
        self.language = language

    def name(self, place_id: str | None) -> str:
        names = self.by_id.get(place_id or "", {}).get("name", {})
        return str(names.get(self.language) or names.get("en")
                   or next(iter(names.values()), NO_PLACE))

    def chain(self, place_id: str | None) -> list[str]:
        """The place and its ancestors, nearest first (a cycle is cut)."""
        out: list[str] = []
        while place_id and place_id in self.by_id and place_id not in out:
            out.append(place_id)
            place_id = self.by_id[place_id].get("parent")
        return out

    def at_level(self, place_id: str | None, level: str | None) -> str:
        """The place's ancestor at `level`, or the place itself when it is no finer than
        that level (an incident known only by its city stays under the city)."""
        if not place_id:
            return ""
        if level is None:
            return place_id
        for ancestor in self.chain(place_id):
            if RANK.get(self.by_id[ancestor].get("level", ""), 99) <= RANK[level]:
                return ancestor
        return place_id

    def key(self, place_id: str) -> dict[str, str]:
        level = str(self.by_id.get(place_id, {}).get("level", "")) if place_id else ""
        return {"place": self.name(place_id) if place_id else NO_PLACE, "place_id": place_id,
                "place_level": level}


def bounds(period: dict[str, Any]) -> tuple[str, str]:
    return dates.start(period) or "0000-01-01", dates.end(period)


@dataclass(frozen=True)
class Span:
    """An aggregate's extent: its days, its place and the places enclosing it."""

    agg: dict[str, Any]
    start: str
    end: str
    place: str  # "" when the aggregate names no place
    chain: tuple[str, ...]  # the place, then its ancestors
    group: tuple[str, ...] = ()  # only aggregates of the same group may cover each other

    @property
    def id(self) -> str:
        return str(self.agg["id"])


def span(agg: dict[str, Any], places: Places, group: tuple[str, ...] = ()) -> Span:
    start, end = bounds(agg["period"])
    place = agg.get("place") or ""
    return Span(agg, start, end, place, tuple(places.chain(place)), group)


def covering(spans: Iterable[Span]) -> dict[str, str]:
    """id -> id of another aggregate of the same source, type and group whose period
    and place include it (adding both would count twice). Of two alike, the first id
    counts. One sort and a sweep, so thousands of daily figures stay fast: in start
    order (longer, then wider, first), a figure is covered when one seen before it,
    for its place or an enclosing one (or for no place), reaches as far."""
    buckets: dict[tuple[Any, ...], list[Span]] = {}
    for sp in spans:
        buckets.setdefault((sp.agg["source"], sp.agg["incident_type"], sp.group),
                           []).append(sp)
    out: dict[str, str] = {}
    for bucket in buckets.values():
        bucket.sort(key=lambda sp: sp.id)
        bucket.sort(key=lambda sp: len(sp.chain))
        bucket.sort(key=lambda sp: sp.end, reverse=True)
        bucket.sort(key=lambda sp: sp.start)
        furthest: dict[str, tuple[str, str]] = {}  # place ("" none) -> (latest end, id)
        for sp in bucket:
            for place in (*sp.chain, ""):
                seen = furthest.get(place)
                if seen is not None and seen[0] >= sp.end:
                    out[sp.id] = seen[1]
                    break
            seen = furthest.get(sp.place)
            if seen is None or sp.end > seen[0]:
                furthest[sp.place] = (sp.end, sp.id)
    return out


def compute(conn: Any, by: str = "month", level: str | None = None,
            language: str = "en") -> Figures:
    """Figures grouped `by` one of GROUPINGS; places at `level` (None: as recorded)."""
    by = grouping(by)
    if level is not None and level not in RANK:
        raise ValueError("unknown place level")
    merged = duplicates.canonical(conn)
    persons = {p["id"]: p for p in load(conn, "person")}
    places = Places(load(conn, "place"), language)
    sources = source_labels(load(conn, "source"))
    rows: dict[tuple[str, ...], Row] = {}
    not_by_month: list[dict[str, Any]] = []
    covered: list[dict[str, Any]] = []

    def key_for(category: str, month: str | None, type_: str, source: str,
                place: str | None) -> dict[str, str]:
        if by == "month":
            return {"month": month or "", "incident_type": type_, "source": source}
        if by == "type":
            return {"incident_type": type_, "source": source}
        if by == "place":
            return {**places.key(places.at_level(place, level)), "incident_type": type_,
                    "source": source}
        return {CATEGORY[by]: category, "incident_type": type_, "source": source}

    def add(key: dict[str, str], record_id: str, part: _Part | None, qualifier: str,
            person: str | None = None, origin: str = "") -> None:
        """Count into the row of `key`; `origin` (a source id, "" for documented cases)
        keeps each source's rows apart whatever the names say."""
        row = rows.setdefault((origin, *key.values()), Row(key))
        row.ids.add(record_id)
        if part is None:
            return
        if person is not None:
            if person in row.persons:
                return  # the same person (or one merged into it) counts once
            row.persons.add(person)
        row.victims += part.victims
        row.women += part.women
        row.children += part.children
        row.qualifiers.add(qualifier)

    for incident in load(conn, "incident"):
        date = incident["date"]
        # A documented event is counted once, in the month it starts (or ends).
        month = dates.month(date) or dates.sort_key(date)[:7]
        type_, place = incident["type"], incident.get("place")
        perpetrator = incident.get("perpetrator", {}).get("category", "unknown")
        victims = incident.get("victims", [])
        if by in ("month", "type", "place", "perpetrator"):
            add(key_for(perpetrator, month, type_, DOCUMENTED, place), incident["id"], None, "")
        for victim in victims:
            status = victim.get("status", "unknown")
            context = perpetrator if by == "perpetrator" else status
            if "group" in victim:
                group = victim["group"]
                for part in _split(by, context, group["count"], group.get("breakdown", {})):
                    add(key_for(part.category, month, type_, DOCUMENTED, place),
                        incident["id"], part, group["qualifier"])
                continue
            pid = merged.get(victim["person"], victim["person"])
            person = persons.get(pid) or persons.get(victim["person"], {})
            group_of_age = age_group(person)
            sex = str(person.get("sex", "unknown"))
            child = group_of_age == "child"
            woman = sex == "female" and not child
            category = {"sex": sex, "age_group": group_of_age}.get(by, context)
            add(key_for(category, month, type_, DOCUMENTED, place), incident["id"],
                _Part(category, 1, int(woman), int(child)), "exact", pid)

    aggregates = load(conn, "aggregate")

    def group_of(agg: dict[str, Any]) -> tuple[str, ...] | None:
        """Aggregates that may cover one another: those counted in the same rows."""
        if by == "month":
            month = dates.month(agg["period"])
            return None if month is None else (month,)
        if by == "place":
            return (places.at_level(agg.get("place"), level),)
        return ()

    groups = {agg["id"]: group_of(agg) for agg in aggregates}
    within = covering(span(agg, places, group) for agg in aggregates
                      if (group := groups[agg["id"]]) is not None)
    for agg in aggregates:
        source = source_label(sources, agg["source"])
        breakdown = agg.get("breakdown", {})
        entry = {"id": agg["id"], "incident_type": agg["incident_type"], "source": source,
                 "from": dates.start(agg["period"]), "to": dates.end(agg["period"]),
                 "victims": agg["count"], "qualifier": agg["qualifier"],
                 "women": breakdown.get("women", 0), "children": count_children(breakdown)}
        if groups[agg["id"]] is None:
            not_by_month.append(entry)
            continue
        if agg["id"] in within:
            covered.append({**entry, "within": within[agg["id"]]})
            continue
        for part in _split(by, "unknown", agg["count"], breakdown):
            add(key_for(part.category, dates.month(agg["period"]), agg["incident_type"],
                        source, agg.get("place")), agg["id"], part, agg["qualifier"],
                origin=str(agg["source"]))

    ordered = sorted(rows.values(), key=lambda r: tuple(r.key.values()))
    return Figures(by, [r.as_json() for r in ordered], not_by_month, covered, level)


# -- labels and CSV ------------------------------------------------------------


def category_label(by: str, code: str, language: str = "en") -> str:
    """Words for a category code (sex and age group in the UI language)."""
    by = grouping(by)
    if by == "type":
        return vocab.label("incident_type", code, language)
    if by == "status":
        return vocab.label("victim_status", code, language)
    if by == "perpetrator":
        return vocab.label("perpetrator", code, language)
    if by == "sex":
        return _(SEX_LABELS[code]) if code in SEX_LABELS else code
    if by == "age_group":
        return _(AGE_LABELS[code]) if code in AGE_LABELS else code
    return code


def row_label(figures: Figures, row: dict[str, Any], language: str = "en") -> str:
    """Words for a row's category; a place coarser than the level asked for says its
    own level ("Aleppo (city)" when counting by neighbourhood)."""
    if figures.by == "place":
        level = row.get("place_level", "")
        if figures.level and level and RANK.get(level, 99) < RANK[figures.level]:
            return _("{place} ({level})").format(place=row["place"],
                                                 level=_(LEVEL_LABELS.get(level, level)))
        return str(row["place"])
    return category_label(figures.by, str(row[CATEGORY[figures.by]]), language)


def qualified(count: int, qualifier: str, number: Callable[[int], str] = str) -> str:
    """A count with its qualifier in words: "at least 1,897" (number formats digits)."""
    if qualifier not in QUALIFIED:
        return number(count)
    return _(QUALIFIED[qualifier]).format(n=number(count))


QUALIFIED = {"at_least": N_("at least {n}"), "approximately": N_("about {n}"),
             "perhaps_more": N_("{n}, perhaps more")}
LEVEL_LABELS = {"country": N_("country"), "governorate": N_("governorate"),
                "city": N_("city"), "district": N_("district"),
                "neighbourhood": N_("neighbourhood"), "village": N_("village"),
                "site": N_("site")}


COMMON_COLUMNS = ["incident_type", "source", "qualifier", "victims", "women", "children",
                  "records", "note"]
LEAD_COLUMNS = {"month": ["month"], "type": [], "place": ["place", "place_id", "place_level"],
                "sex": ["sex"], "age_group": ["age_group"], "status": ["victim_status"],
                "perpetrator": ["perpetrator"]}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n",
                 "\uff1d", "\uff0b", "\uff0d", "\uff20")  # and their full-width forms


def safe_cell(value: Any) -> str:
    """A CSV cell a spreadsheet will not run: text starting like a formula (after any
    spaces, which some spreadsheets skip) gets a '."""
    text = "" if value is None else str(value)
    return "'" + text if text.lstrip(" ").startswith(FORMULA_START) else text


def csv_rows(figures: Figures) -> list[list[str]]:
    """Header, then one row per figure: counted rows first, then the aggregates not
    counted in them (note: spans_several_months, or within_a_larger_figure)."""
    lead = LEAD_COLUMNS[figures.by]
    header = lead + COMMON_COLUMNS
    table = [header]
    for row in figures.rows:
        table.append([safe_cell(row.get(c, "")) for c in header])
    for note, entries in (("spans_several_months", figures.not_by_month),
                          ("within_a_larger_figure", figures.covered)):
        for entry in entries:
            cells = {**entry, "note": note, "records": 1}
            if figures.by == "month":
                cells["month"] = f"{entry['from'] or '..'}/{entry['to']}"
            table.append([safe_cell(cells.get(c, "")) for c in header])
    return table


def to_csv(figures: Figures) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(csv_rows(figures))
    return buffer.getvalue()


def write_csv(figures: Figures, target: Path) -> int:
    """Write the figures as CSV (UTF-8, header row); refuses a file that exists.
    Returns the number of figure rows."""
    data = to_csv(figures).encode("utf-8")
    with outfile.new_file(target) as handle:
        handle.write(data)
    return len(figures.rows) + len(figures.not_by_month) + len(figures.covered)
