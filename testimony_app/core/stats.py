"""Figures: victims by month, type or place, with women and children.

Cases documented here and figures other sources reported in aggregate are kept
in separate rows (`source` is "documented" or the reporting source's name) and
never added together: the same arrests would be counted twice. Qualifiers are
kept: a sum that includes an "at least" is itself "at least".
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from testimony_app.core import dates

DOCUMENTED = "documented"
GROUPINGS = ("month", "type", "place")


@dataclass
class Row:
    key: dict[str, str]
    victims: int = 0
    women: int = 0
    children: int = 0
    records: int = 0
    qualifiers: set[str] = field(default_factory=set)

    @property
    def qualifier(self) -> str:
        if self.qualifiers <= {"exact"}:
            return "exact"
        if self.qualifiers <= {"exact", "at_least", "perhaps_more"}:
            return "at_least"
        return "approximately"

    def as_json(self) -> dict[str, Any]:
        return {**self.key, "victims": self.victims, "women": self.women,
                "children": self.children, "qualifier": self.qualifier, "records": self.records}


@dataclass(frozen=True)
class Figures:
    by: str
    rows: list[dict[str, Any]]
    not_by_month: list[dict[str, Any]]  # aggregates spanning several months


def _children(breakdown: dict[str, int]) -> int:
    return sum(breakdown.get(k, 0) for k in ("girls", "boys", "children"))


def _is_child(person: dict[str, Any]) -> bool:
    if "age" in person:
        return int(person["age"]) < 18
    return person.get("age_group") == "child"


def _load(conn: Any, kind: str) -> list[dict[str, Any]]:
    return [json.loads(r[0]) for r in conn.execute(
        "SELECT data FROM records WHERE kind = ? ORDER BY sort_date, id", (kind,))]


def compute(conn: Any, by: str = "month") -> Figures:
    if by not in GROUPINGS:
        raise ValueError(by)
    persons = {p["id"]: p for p in _load(conn, "person")}
    places = {p["id"]: p for p in _load(conn, "place")}
    sources = {s["id"]: s["name"] for s in _load(conn, "source")}
    rows: dict[tuple[str, ...], Row] = {}
    not_by_month: list[dict[str, Any]] = []

    def key_for(date: dict[str, Any], type_: str, source: str,
                place: str | None) -> dict[str, str] | None:
        if by == "month":
            month = dates.month(date)
            if month is None:
                return None
            return {"month": month, "incident_type": type_, "source": source}
        if by == "type":
            return {"incident_type": type_, "source": source}
        name = places.get(place or "", {}).get("name", {})
        return {"place": name.get("en") or next(iter(name.values()), "(no place)"),
                "place_id": place or "", "incident_type": type_, "source": source}

    def row_for(key: dict[str, str]) -> Row:
        return rows.setdefault(tuple(key.values()), Row(key))

    for incident in _load(conn, "incident"):
        date = incident["date"]
        if by == "month" and dates.month(date) is None:
            # A documented event is counted once, in the month it starts (or ends).
            date = {"precision": "month", "value": dates.sort_key(date)[:7]}
        key = key_for(date, incident["type"], DOCUMENTED, incident.get("place"))
        if key is None:
            continue
        row = row_for(key)
        row.records += 1
        for victim in incident.get("victims", []):
            if "group" in victim:
                group = victim["group"]
                breakdown = group.get("breakdown", {})
                row.victims += group["count"]
                row.women += breakdown.get("women", 0)
                row.children += _children(breakdown)
                row.qualifiers.add(group["qualifier"])
            else:
                person = persons.get(victim["person"], {})
                row.victims += 1
                row.qualifiers.add("exact")
                if _is_child(person):
                    row.children += 1
                elif person.get("sex") == "female":
                    row.women += 1

    for agg in _load(conn, "aggregate"):
        source = sources.get(agg["source"], "(unknown source)")
        key = key_for(agg["period"], agg["incident_type"], source, agg.get("place"))
        if key is None:
            not_by_month.append({"id": agg["id"], "incident_type": agg["incident_type"],
                                 "source": source, "from": dates.start(agg["period"]),
                                 "to": dates.end(agg["period"]), "victims": agg["count"],
                                 "qualifier": agg["qualifier"]})
            continue
        row = row_for(key)
        row.records += 1
        breakdown = agg.get("breakdown", {})
        row.victims += agg["count"]
        row.women += breakdown.get("women", 0)
        row.children += _children(breakdown)
        row.qualifiers.add(agg["qualifier"])

    ordered = sorted(rows.values(), key=lambda r: tuple(r.key.values()))
    return Figures(by, [r.as_json() for r in ordered], not_by_month)
