"""Figures: victims by month, incident type, place, sex, age group, victim status or
perpetrator, with women and children.

Three kinds of rows, never mixed:

- `reported`: one figure as its source published it: its number, qualifier, parts
  (each with its own qualifier), place, period with its precision, and source.
  A reported figure is never added to another, nor split into numbers its source
  did not give: by sex or age group, a figure shows under each category its source
  gave a part for, and whole under "all".
- `documented`: cases recorded in this vault, counted here (`computed` is true and
  `parts` lists the records counted). Qualifiers are kept: a sum that includes an
  "at least" is itself "at least".
- `total`: only when asked for (`totals`): the sum of one source's figures in one
  cell, computed here, with its parts and the weakest of their qualifiers; never
  made when the figures overlap (the same days and places counted twice).

By month, a date or period that crosses a month boundary is filed under its span
("2016-11/2016-12", open ends as ".."), with `spans_months` true, never under the
month it starts. A person merged into another (duplicates) is counted once per row.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from testimony_app import i18n
from testimony_app.core.common import outfile
from testimony_app.core.identity import duplicates
from testimony_app.core.records import breakdown, dates, figure_facts, tables, vocab
from testimony_app.core.records.figure_facts import month_key
from testimony_app.core.vault.connection import Connection
from testimony_app.i18n import N_, _, ngettext

DOCUMENTED = "documented"
REPORTED, TOTAL = "reported", "total"
ALL = "all"  # by sex or age group: a reported figure as a whole
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

SEX_LABELS = {"female": N_("female"), "male": N_("male"), "unknown": N_("sex not given"),
              ALL: N_("all (the figure as a whole)")}
AGE_LABELS = {"child": N_("child"), "adult": N_("adult"), "elderly": N_("elderly"),
              "unknown": N_("age not given"), ALL: N_("all (the figure as a whole)")}


def grouping(by: str) -> str:
    """The canonical name of a grouping ('victim_status' is 'status')."""
    by = ALIASES.get(by, by)
    if by not in GROUPINGS:
        raise ValueError("unknown grouping")
    return by


def combine(qualifiers: Iterable[str]) -> str:
    """The qualifier of a sum: the weakest of its parts' (core/breakdown)."""
    return breakdown.combine(qualifiers)


def spans_months(key: str) -> bool:
    return "/" in key


@dataclass
class Row:
    """A count made here: documented cases of one category, type and row."""

    key: dict[str, str]
    cell: figure_facts.Sum

    def as_json(self) -> dict[str, Any]:
        cell = self.cell
        return {**self.key, "kind": DOCUMENTED, "computed": True,
                "victims": cell.victims, "qualifier": combine(cell.qualifiers),
                "women": cell.women, "women_qualifier": combine(cell.women_qualifiers),
                "children": cell.children,
                "children_qualifier": combine(cell.children_qualifiers),
                "records": len(cell.ids), "parts": cell.ids,
                "spans_months": spans_months(self.key.get("month", ""))}


@dataclass(frozen=True)
class Figures:
    """Rows (dicts, JSON-ready) of kind `documented`, `reported` and, when asked
    for, `total`; see the module's docstring."""

    by: str
    rows: list[dict[str, Any]]
    level: str | None = None
    totals: bool = False


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


def load(conn: Connection, kind: str) -> list[dict[str, Any]]:
    return tables.of_kind(conn, kind)


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


def apart(a: Span, b: Span) -> bool:
    """True when two figures cannot count the same people: other days, or places
    neither of which lies within the other."""
    if a.end < b.start or b.end < a.start:
        return True
    return bool(a.place and b.place) and a.place not in b.chain and b.place not in a.chain


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


def reported_figure(agg: dict[str, Any], source: str, places: Places) -> dict[str, Any]:
    """One aggregate as its source published it (JSON-ready)."""
    given = agg.get("breakdown", {})
    parts = breakdown.parts(given, agg["qualifier"])
    women = parts.get("women")
    kids = parts.get("children") if not ({"girls", "boys"} & set(parts)) else None
    period = agg["period"]
    return {"kind": REPORTED, "computed": False, "id": agg["id"], "source": source,
            "source_id": agg["source"], "incident_type": agg["incident_type"],
            "victims": agg["count"], "qualifier": agg["qualifier"],
            "women": None if women is None else women[0],
            "women_qualifier": None if women is None else women[1],
            "children": None if kids is None else kids[0],
            "children_qualifier": None if kids is None else kids[1],
            "breakdown": breakdown.as_json(given, agg["qualifier"]),
            "period": period, "precision": period["precision"],
            "period_text": period.get("text", ""),
            "from": dates.start(period), "to": dates.end(period),
            "figure_place_id": agg.get("place") or "",
            "figure_place": places.name(agg.get("place")) if agg.get("place") else "",
            "count_from_parts": bool(agg.get("count_from_parts")),
            "records": 1, "spans_months": spans_months(month_key(period))}


def compute(conn: Connection, by: str = "month", level: str | None = None,
            language: str = "en", totals: bool = False) -> Figures:
    """Figures grouped `by` one of GROUPINGS; places at `level` (None: as recorded);
    `totals` adds, where one source gave several figures in one cell, their sum
    computed here."""
    by = grouping(by)
    if level is not None and level not in RANK:
        raise ValueError("unknown place level")
    places = Places(load(conn, "place"), language)
    sources = source_labels(load(conn, "source"))

    def key_for(category: str, month: str, type_: str, source: str,
                place: str | None) -> dict[str, str]:
        if by == "month":
            return {"month": month, "incident_type": type_, "source": source}
        if by == "type":
            return {"incident_type": type_, "source": source}
        if by == "place":
            return {**places.key(places.at_level(place, level)), "incident_type": type_,
                    "source": source}
        return {CATEGORY[by]: category, "incident_type": type_, "source": source}

    # Summed from what each incident adds, kept with it (core/records/figure_facts.py):
    # decoding every incident of a million testimonies took ten seconds.
    at_level = ({place: places.at_level(place, level) for place in places.by_id}
                if by == "place" and level is not None else None)
    out = [Row(key_for(cell.category, cell.month, cell.type, DOCUMENTED, cell.place),
               cell).as_json()
           for cell in figure_facts.sums(conn, by, duplicates.canonical(conn), at_level)]
    for agg in load(conn, "aggregate"):
        figure = reported_figure(agg, source_label(sources, agg["source"]), places)
        key = key_for("unknown", month_key(agg["period"]), agg["incident_type"],
                      figure["source"], agg.get("place"))
        if by not in ("sex", "age_group"):
            out.append({**key, **figure, "part": ""})
            continue
        field_ = CATEGORY[by]
        out.append({**key, field_: ALL, **figure, "part": ""})
        facet = 0 if by == "sex" else 1
        for code, (n, q) in breakdown.parts(agg.get("breakdown"), agg["qualifier"]).items():
            value = vocab.BREAKDOWN_FACETS.get(code, (None, None))[facet]
            if value is not None:
                out.append({**key, field_: value, **figure, "part": code,
                            "victims": n, "qualifier": q})
    if totals:
        out += _totals(out, by, places)
    out.sort(key=_order)
    return Figures(by, out, level, totals)


def _order(row: dict[str, Any]) -> tuple[Any, ...]:
    lead = [str(v) for k, v in row.items() if k in CATEGORY.values() or k == "place"]
    kind = {DOCUMENTED: 0, REPORTED: 1, TOTAL: 2}[row["kind"]]
    return (*lead, row["incident_type"], row["source"] != DOCUMENTED, row["source"], kind,
            row.get("from", ""), row.get("figure_place", ""), row.get("id", ""))


def _totals(rows: list[dict[str, Any]], by: str, places: Places) -> list[dict[str, Any]]:
    """One source's reported figures of one cell added up, computed here; none where
    two of them may count the same people."""
    field_ = CATEGORY[by]
    cells: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        if row["kind"] == REPORTED:
            cells.setdefault((str(row.get(field_, "")), row["incident_type"],
                              row["source_id"], row["part"]), []).append(row)
    out = []
    for figures in cells.values():
        if len(figures) < 2:
            continue
        spans = [span({"id": f["id"], "source": f["source_id"],
                       "incident_type": f["incident_type"], "period": f["period"],
                       "place": f["figure_place_id"]}, places) for f in figures]
        if any(not apart(a, b) for i, a in enumerate(spans) for b in spans[i + 1:]):
            continue
        first = figures[0]
        lead = {k: first[k] for k in first if k in CATEGORY.values()
                or k in ("place", "place_id", "place_level", "source", "source_id")}
        out.append({**lead, "kind": TOTAL, "computed": True, "part": first["part"],
                    "victims": sum(int(f["victims"]) for f in figures),
                    "qualifier": combine(f["qualifier"] for f in figures),
                    "women": None, "children": None, "records": len(figures),
                    "parts": [f["id"] for f in figures],
                    "of": [{"id": f["id"], "victims": f["victims"], "qualifier": f["qualifier"],
                            "figure_place": f["figure_place"],
                            "period": period_text(f["period"], shown=False)}
                           for f in figures],
                    "spans_months": any(f["spans_months"] for f in figures)})
    return out


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
    own level ("Aleppo (city)" when counting by neighbourhood); months a figure spans
    say so ("2016-11 to 2016-12 (spans months)")."""
    if figures.by == "place":
        level = row.get("place_level", "")
        if figures.level and level and RANK.get(level, 99) < RANK[figures.level]:
            return _("{place} ({level})").format(place=row["place"],
                                                 level=_(LEVEL_LABELS.get(level, level)))
        return str(row["place"])
    if figures.by == "month":
        return month_label(str(row["month"]))
    return category_label(figures.by, str(row[CATEGORY[figures.by]]), language)


def _bidi(text: str) -> str:
    """A date or a source's own words inside a sentence of the UI: in the UI's digits
    and, where the UI runs right to left, isolated (an ISO date's dashes would reorder
    it, a Latin phrase would take the Arabic punctuation around it)."""
    text = i18n.digits(text)
    return i18n.isolate(text) if i18n.is_rtl_language() else text


def month_label(key: str) -> str:
    """A month key in words: the month itself, or the span it crosses, marked."""
    if not spans_months(key):
        return _bidi(key)
    first, last = key.split("/")
    return _("{first} to {last} (spans months)").format(
        first=_("…") if first == ".." else _bidi(first),
        last=_("…") if last == ".." else _bidi(last))


def qualified(count: int, qualifier: str, number: Callable[[int], str] = str) -> str:
    """A count with its qualifier in words: "at least 1,897" (number formats digits)."""
    if qualifier not in QUALIFIED:
        return number(count)
    return _(QUALIFIED[qualifier]).format(n=number(count))


# A figure's qualifier as a sign, where there is no room for words (chart labels,
# table cells). ≥ and ≤ are mirrored characters: in right-to-left text ≥ is drawn
# as ≤, the opposite meaning. The sign and its number are therefore set inside a
# left-to-right isolate, where nothing is mirrored and the sign stays before the number.
SIGNS = {"at_least": "≥", "perhaps_more": "≥", "approximately": "~", "at_most": "≤"}
LRI, PDI = "\u2066", "\u2069"


def ltr(text: str) -> str:
    """Text kept left-to-right and unmirrored whatever surrounds it."""
    return f"{LRI}{text}{PDI}" if text else text


def signed(count_text: str, qualifier: str) -> str:
    """"≥61" for an at-least figure, isolated so that it never reads "≤61"; an
    exact figure is the number alone. An unknown qualifier is read as approximate."""
    if qualifier in ("exact", ""):
        return count_text
    return ltr(SIGNS.get(qualifier, "~") + count_text)


def sign_legend() -> str:
    """The key to the signs, each sign isolated like the figures it explains."""
    return _("{ge} at least, {le} up to, {approx} approximately.").format(
        ge=ltr("≥"), le=ltr("≤"), approx=ltr("~"))


def parts_text(row: dict[str, Any], number: Callable[[int], str] = str,
               language: str = "en") -> str:
    """A reported figure's parts as its source gave them: "299 children; 678
    civilian adults; 28 wounded"."""
    return i18n.join(
        f"{qualified(int(p['count']), str(p['qualifier']), number)} "
        f"{vocab.label('breakdown', code, language)}"
        for code, p in (row.get("breakdown") or {}).items())


def figure_text(row: dict[str, Any], number: Callable[[int], str] = str,
                language: str = "en") -> str:
    """A row in words: a reported figure with its place, period and parts; a count
    made here says so, with how many parts."""
    count = qualified(int(row["victims"]), str(row["qualifier"]), number)
    if row.get("part"):
        count += " " + vocab.label("breakdown", str(row["part"]), language)
    if row["kind"] == REPORTED:
        where = [str(row["figure_place"])] if row.get("figure_place") else []
        parts = parts_text(row, number, language) if not row.get("part") else ""
        if parts and row.get("count_from_parts"):
            count = _("{count} (computed here from its parts: {parts})").format(
                count=count, parts=parts)
        elif parts:
            count = f"{count} ({parts})"
        return i18n.join([count, *where, period_text(row["period"])])
    if row["kind"] == TOTAL:
        parts = " + ".join(
            "{} ({})".format(qualified(int(f["victims"]), str(f["qualifier"]), number),
                             i18n.join(x for x in (f["figure_place"], f["period"]) if x))
            for f in row.get("of", []))
        return _("{count}, computed here: {parts}").format(count=count, parts=parts)
    return ngettext("{count}: counted here from {n} record",
                    "{count}: counted here from {n} records", int(row["records"])).format(
        count=count, n=number(int(row["records"])))


def period_text(period: dict[str, Any], shown: bool = True) -> str:
    """A figure's period as its source gave it: its words, or its dates by precision;
    `shown` (to a person) in the UI's digits and isolated, else as stored (JSON rows)."""
    form: Callable[[str], str] = _bidi if shown else str
    if period.get("text"):  # the source's own words: data, its digits as written
        text = str(period["text"])
        return i18n.isolate(text) if shown and i18n.is_rtl_language() else text
    precision = period["precision"]
    if precision in ("range", "approximate"):
        text = form(f"{period['from']} – {period['to']}")
        return _("about {period}").format(period=text) if precision == "approximate" else text
    if precision == "before":
        return _("before {date}").format(date=form(period["value"]))
    if precision == "after":
        return _("after {date}").format(date=form(period["value"]))
    return form(str(period["value"]))


QUALIFIED = {"at_least": N_("at least {n}"), "approximately": N_("about {n}"),
             "perhaps_more": N_("{n}, perhaps more"), "at_most": N_("up to {n}")}
LEVEL_LABELS = {"country": N_("country"), "governorate": N_("governorate"),
                "city": N_("city"), "district": N_("district"),
                "neighbourhood": N_("neighbourhood"), "village": N_("village"),
                "site": N_("site")}


COMMON_COLUMNS = ["incident_type", "kind", "source", "qualifier", "victims", "part",
                  "women", "women_qualifier", "children", "children_qualifier", "breakdown",
                  "from", "to", "precision", "period_text", "figure_place", "records",
                  "parts", "note"]
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
    """Header, then one row per figure: a reported figure as its source gave it, a
    count or total made here with `computed_here` in its note and its parts' ids."""
    lead = LEAD_COLUMNS[figures.by]
    header = lead + COMMON_COLUMNS
    table = [header]
    for row in figures.rows:
        notes = (["computed_here"] if row.get("computed") else []) + (
            ["spans_months"] if row.get("spans_months") else [])
        cells = {**row, "note": " ".join(notes),
                 "parts": " ".join(row.get("parts", [row.get("id", "")])),
                 "breakdown": "; ".join(f"{code}={p['qualifier']}:{p['count']}"
                                        for code, p in (row.get("breakdown") or {}).items())}
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
    return len(figures.rows)
