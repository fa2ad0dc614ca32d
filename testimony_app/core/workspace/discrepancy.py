"""Figures that disagree: both are shown, each with its source and records.

Two kinds are found among the figures sources reported (aggregates):

- `sources_differ`: two or more figures for the same incident type, period and
  place that do not agree (SNHR's "at least 1,897" arrests in December 2016 beside
  another report's "over 1,800");
- `total_vs_parts`: a source's figure for a whole period or place beside the sum of
  the same source's figures for its parts, when the parts cover the whole (months
  that fill the six months) and the numbers differ (2,367 beside 2,221), or when
  the parts add up to more than an exact or approximate total.

Neither figure is preferred or hidden: deciding which is right is the reader's
work. Women and children are compared too where both figures give them. Cases
documented in the vault are not compared with reported figures: they are what
this organisation could document, not a count of everything that happened.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from testimony_app.core.records import breakdown, dates, figure_facts
from testimony_app.core.vault.connection import Connection
from testimony_app.core.workspace import stats

COMPARED = ("count", "women", "children")


@dataclass(frozen=True)
class Figure:
    role: str  # "reported", "total" or "sum_of_parts"
    source: str
    source_id: str
    count: int
    qualifier: str
    women: int | None
    children: int | None
    start: str  # "" when only the end is known
    end: str
    record_ids: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "record_ids": list(self.record_ids)}


@dataclass(frozen=True)
class Discrepancy:
    kind: str  # "sources_differ" or "total_vs_parts"
    incident_type: str
    place_id: str
    place: str
    start: str
    end: str
    figures: tuple[Figure, ...]
    differs: tuple[str, ...]  # which of COMPARED disagree

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "incident_type": self.incident_type,
                "place_id": self.place_id, "place": self.place, "start": self.start,
                "end": self.end, "differs": list(self.differs),
                "figures": [f.as_json() for f in self.figures]}


def _breakdown(agg: dict[str, Any], name: str) -> int | None:
    given = agg.get("breakdown")
    if not given:
        return None
    if name == "women":
        return breakdown.count(given, "women")
    return figure_facts.count_children(given)


def _figure(agg: dict[str, Any], role: str, sources: dict[str, str]) -> Figure:
    return Figure(role, stats.source_label(sources, agg["source"]), agg["source"],
                  int(agg["count"]), agg["qualifier"], _breakdown(agg, "women"),
                  _breakdown(agg, "children"), dates.start(agg["period"]),
                  dates.end(agg["period"]), (agg["id"],))


def _differs(figures: list[Figure]) -> tuple[str, ...]:
    out = []
    for name in COMPARED:
        known = [getattr(f, name) for f in figures if getattr(f, name) is not None]
        if len(known) >= 2 and len(set(known)) > 1:
            out.append(name)
    return tuple(out)


def _next_day(day: str) -> str:
    return (dt.date.fromisoformat(day) + dt.timedelta(days=1)).isoformat()


def _fills(total: stats.Span, parts: list[stats.Span]) -> bool:
    """True when the parts, all for the total's place, follow one another day after
    day from the total's first day to its last."""
    if any(p.place != total.place for p in parts) or total.start == "0000-01-01":
        return False
    spans = sorted((p.start, p.end) for p in parts)
    if spans[0][0] != total.start or spans[-1][1] != total.end:
        return False
    try:
        return all(_next_day(a[1]) == b[0] for a, b in zip(spans, spans[1:], strict=False))
    except ValueError:  # an open end ("after"): not a period that parts can fill
        return False


def _apart(a: stats.Span, b: stats.Span) -> bool:
    """True when two figures cannot count the same people: other days or other places."""
    if a.end < b.start or b.end < a.start:
        return True
    return bool(a.place and b.place) and a.place not in b.chain and b.place not in a.chain


def _all_apart(parts: list[stats.Span]) -> bool:
    """`_apart` for every two of `parts` (sorted by start): once one starts after
    another ends, so do all that follow it, so a year of daily parts is one sweep."""
    for i, a in enumerate(parts):
        for b in parts[i + 1:]:
            if b.start > a.end:
                break
            if not _apart(a, b):
                return False
    return True


def _inside(total: stats.Span, candidates: list[stats.Span]) -> list[stats.Span]:
    """The same source's figures for a period and place within the total's."""
    out = []
    for sp in candidates:
        if sp is total or sp.end > total.end or sp.start < total.start:
            continue
        if total.place and total.place not in sp.chain:
            continue
        if (sp.start, sp.end, sp.place) == (total.start, total.end, total.place) \
                and sp.id < total.id:
            continue  # two alike: the first is the whole, the second is not its part
        out.append(sp)
    return out


def _total_vs_parts(total: stats.Span, candidates: list[stats.Span], places: stats.Places,
                    sources: dict[str, str]) -> Discrepancy | None:
    inside = _inside(total, candidates)
    if len(inside) < 2:
        return None
    covered = stats.covering(inside)
    parts = sorted((sp for sp in inside if sp.id not in covered),
                   key=lambda sp: (sp.start, sp.end, sp.id))
    if len(parts) < 2 or not _all_apart(parts):
        return None
    women = [_breakdown(p.agg, "women") for p in parts]
    children = [_breakdown(p.agg, "children") for p in parts]
    whole = _figure(total.agg, "total", sources)
    summed = Figure("sum_of_parts", whole.source, whole.source_id,
                    sum(int(p.agg["count"]) for p in parts),
                    stats.combine(p.agg["qualifier"] for p in parts),
                    None if None in women else sum(w or 0 for w in women),
                    None if None in children else sum(c or 0 for c in children),
                    whole.start, whole.end, tuple(p.id for p in parts))
    differs = _differs([whole, summed])
    if _fills(total, parts):
        if not differs:
            return None
    elif summed.count > whole.count and whole.qualifier in ("exact", "approximately"):
        differs = ("count",)  # some parts alone exceed the whole
    else:
        return None  # parts that do not fill the whole may well add up to less
    return Discrepancy("total_vs_parts", total.agg["incident_type"], total.place,
                       places.name(total.place) if total.place else "",
                       whole.start, whole.end, (whole, summed), differs)


def find(conn: Connection, language: str = "en") -> list[Discrepancy]:
    """Every disagreement among reported figures, ordered by period, type and place."""
    aggregates = stats.load(conn, "aggregate")
    places = stats.Places(stats.load(conn, "place"), language)
    sources = stats.source_labels(stats.load(conn, "source"))
    found: list[Discrepancy] = []

    alike: dict[tuple[str, str, str, str], list[dict[str, Any]]] = {}
    for agg in aggregates:
        start, end = dates.start(agg["period"]), dates.end(agg["period"])
        alike.setdefault((agg["incident_type"], agg.get("place") or "", start, end),
                         []).append(agg)
    for (type_, place, start, end), group in alike.items():
        figures = [_figure(a, "reported", sources) for a in group]
        differs = _differs(figures)
        if len(group) >= 2 and differs:
            figures.sort(key=lambda f: (-f.count, f.source))
            found.append(Discrepancy("sources_differ", type_, place,
                                     places.name(place) if place else "", start, end,
                                     tuple(figures), differs))

    same_kind: dict[tuple[str, str], list[stats.Span]] = {}
    for agg in aggregates:
        same_kind.setdefault((agg["source"], agg["incident_type"]), []).append(
            stats.span(agg, places))
    for spans in same_kind.values():
        spans.sort(key=lambda sp: sp.start)
        starts = [sp.start for sp in spans]
        for total in spans:
            # Only figures starting within the total's days can be inside it.
            window = spans[bisect.bisect_left(starts, total.start):
                           bisect.bisect_right(starts, total.end)]
            found_one = _total_vs_parts(total, window, places, sources)
            if found_one is not None:
                found.append(found_one)
    found.sort(key=lambda d: (d.start, d.end, d.incident_type, d.place, d.kind))
    return found
