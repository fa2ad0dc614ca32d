"""Incidents that several testimonies describe: suggestions, decisions,
clusters, independent sources and a suggested verification status.

**Suggestions.** Two incidents are suggested as possibly the same event when

- neither has been decided on (confirmed or rejected) and they are not already in
  the same cluster, nor in two clusters a person said differ (a pair of them was
  rejected);
- each is reported by a testimony, and no testimony reports both (a testimony that
  reports two incidents describes two events);
- they have the same type;
- their dates can overlap, each date taken as the interval its precision allows
  (a month is its first to its last day, "before 15 December" is open to the past);
- their places are the same, or one lies within the other. Researchers record the
  same town as different place records, so two places are also the same when they
  are at the same level and share a name once normalised (core/textnorm, any
  language: "al-Kalasa" and "Al Kalasa"), unless both have parents at one level that
  are not the same place (two "Midan" neighbourhoods in two cities). An incident
  without a place may still be suggested, with a lower score.

Each suggestion carries a score in [0, 1] and its reasons:
0.1 (same type) + 0.45 × dates + 0.45 × places, where dates count 1 for the same
day, 0.8 / 0.6 / 0.4 when the wider date spans at most 10 / 31 / 366 days, else
0.2; places count 1 for the same record, 0.9 for the same name at the same level,
0.6 for nested places and 0.2 when a place is missing. Then +0.1 for a victim in
common (same person, same match key, or merged), +0.05 for the same perpetrator
category, +0.05 when different researchers reported them, −0.15 when the
perpetrator categories differ, −0.1 when the accounts share a source (the same
witness or the same report). Suggestions are ranked by score.

**Candidates.** So that 100 000 records are not hundreds of millions of pairs,
incidents meet only through their places (the same place, one of the same name and
level, one that lies within the other; an incident without a place meets every
incident of its type) and only when their dates overlap. Each incident then takes
at most MAX_PARTNERS partners: best first by the date and place parts of the score,
nearest in time first among equals (`_candidates`, which looks at no more than
MAX_SCAN incidents of one place and date class); a pair is scored when either
incident took the other. Pairs already decided or in one cluster do not count, so
each decision brings the next ones up. With fewer candidates than that, every pair
the rules allow is scored. What can be missed is in a crowd: among a thousand
arrests in one city in one month, or for an open-ended, year-long or placeless
incident among thousands of its type, a pair whose incidents both have
MAX_PARTNERS closer (or as close and nearer in time) partners. Asked for the best
N only (the Corroboration page), pairs are scored in the order of the most they
can score, until no pair left can enter the first N.

**Decisions.** A person confirms or rejects a pair; each decision is kept with who
and when (append-only), and can be undone (the pair is undecided again). Confirmed
pairs link incidents into **clusters** (connected components).

**Independent sources** of a cluster: its testimonies and the other sources its
incidents cite, where testimonies from the same witness count once. Two witnesses
are the same when they are the same person record, share a match key, or one was
merged into the other (core/duplicates.canonical). A testimony taken from another
organisation's material counts as that organisation's source, so the same report
cited by an incident is not counted twice.

A source the coordinator marked as not independent (core/independence: a party to
the conflict, a coerced statement, one that repeats another source), or a testimony
taken from such a source, is not counted; the cluster lists it with the reason.

**Suggested status** (the coordinator accepts or changes it):

- ``disputed`` when incidents of the cluster disagree on the perpetrator category
  (categories left empty or "unknown" do not disagree with anything);
- otherwise by independent sources: 0 or 1 → ``unverified``, 2 →
  ``partially_verified``, 3 or more → ``verified``.

Setting the status writes a new revision of each incident (core/store) and an
entry in the activity log.
"""

from __future__ import annotations

import heapq
import itertools
import json
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date as Date
from typing import Any

from testimony_app import i18n
from testimony_app.core.common.errors import InputError
from testimony_app.core.common.ids import PersonId, RecordId
from testimony_app.core.identity import duplicates, seal
from testimony_app.core.records import dates, store, tables, textnorm, vocab
from testimony_app.core.vault import activity
from testimony_app.core.vault.connection import Connection
from testimony_app.core.vault.db import transaction
from testimony_app.core.workspace import independence
from testimony_app.core.workspace.provenance import researchers_of
from testimony_app.i18n import N_, Nn_, _, ngettext

VERIFICATION = ("unverified", "partially_verified", "verified", "disputed")
CONFIRMED, REJECTED, UNDONE = "confirmed", "rejected", "undone"
MAX_DEPTH = 16  # place hierarchies deeper than this (or cyclic) are cut here
OPEN_WIDTH = 3650  # days an open-ended date ("before", "after") is taken to span

REASONS: dict[str, str] = {
    "same_type": N_("same type: {type}"),
    "same_day": N_("same day: {date}"),
    "dates_overlap": N_("dates overlap: {start} to {end}"),
    "same_place": N_("same place"),
    "same_place_name": N_("places with the same name at the same level"),
    "nested_place": N_("one place lies within the other"),
    "place_unknown": N_("no place recorded for one of them"),
    "shared_victim": N_("a victim in common"),
    "same_perpetrator": N_("same perpetrator category: {perpetrator}"),
    "perpetrators_differ": N_("perpetrator categories differ"),
    "different_researchers": N_("reported by different researchers"),
    "shared_source": N_("the accounts share a source (the same witness or report), "
                        "counted once"),
    "not_independent": N_("not counted as an independent source: {source} ({why})"),
}
# Reasons that hold a count: each in the plural form its count asks for.
PLURAL_REASONS: dict[str, tuple[str, str]] = {
    "sources": Nn_("{count} independent source", "{count} independent sources"),
}


@dataclass(frozen=True)
class Reason:
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def text(self, language: str = "en") -> str:
        params = dict(self.params)
        if "type" in params:
            params["type"] = vocab.label("incident_type", params["type"], language)
        if "perpetrator" in params:
            params["perpetrator"] = vocab.label("perpetrator", params["perpetrator"], language)
        if "why" in params:
            params["why"] = vocab.label("dependence", params["why"], language)
        if isinstance(params.get("source"), str):  # a name from records, in any script
            params["source"] = _bidi(params["source"])
        for name, value in params.items():
            if isinstance(value, str) and _ISO_DATE.fullmatch(value):
                params[name] = _bidi(i18n.digits(value))
        try:
            if self.code in PLURAL_REASONS and isinstance(params.get("count"), int):
                count = params["count"]
                return ngettext(*PLURAL_REASONS[self.code], count).format(
                    **{**params, "count": i18n.number(count)})
            return _(REASONS[self.code]).format(**params)
        except (KeyError, IndexError, ValueError):
            return self.code

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, **self.params, "text": self.text()}


@dataclass(frozen=True)
class IncidentInfo:
    """What a reviewer needs to see of an incident beside another."""

    id: RecordId
    type: str
    date: dict[str, Any]
    place: str | None
    place_names: tuple[dict[str, str], ...]  # the place, then the places it lies in
    perpetrator: str | None
    verification: str
    testimonies: tuple[RecordId, ...]
    researchers: tuple[tuple[str, str], ...]  # (fingerprint, name); empty: made here

    def place_label(self, language: str = "en") -> str:
        return " — ".join(_name(n, language) for n in self.place_names[:3])

    def researcher_label(self) -> str:
        if not self.researchers:
            return _("this vault")
        return ", ".join(name or fp for fp, name in self.researchers)

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "type": self.type, "date": self.date,
                "date_text": date_text(self.date), "place": self.place,
                "place_label": self.place_label(), "perpetrator": self.perpetrator,
                "verification": self.verification, "testimonies": list(self.testimonies),
                "researchers": [{"fingerprint": fp, "name": name}
                                for fp, name in self.researchers]}


@dataclass(frozen=True)
class Suggestion:
    a: IncidentInfo
    b: IncidentInfo
    score: float
    reasons: tuple[Reason, ...]

    def as_json(self) -> dict[str, Any]:
        return {"score": self.score, "a": self.a.as_json(), "b": self.b.as_json(),
                "reasons": [r.as_json() for r in self.reasons]}


@dataclass(frozen=True)
class Decision:
    a: RecordId
    b: RecordId
    decision: str
    author: str
    at: str
    score: float | None

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Cited:
    """A source or testimony the incidents of a cluster rest on, and whether the
    coordinator marked it as not independent (the dependence code, else None)."""

    id: RecordId
    kind: str  # "source" or "testimony"
    name: str
    dependence: str | None

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Cluster:
    incidents: tuple[IncidentInfo, ...]
    links: tuple[Decision, ...]
    sources: int
    suggested: str
    reasons: tuple[Reason, ...]  # why that status
    cited: tuple[Cited, ...] = ()  # what it rests on, independent or not

    @property
    def ids(self) -> tuple[RecordId, ...]:
        return tuple(i.id for i in self.incidents)

    @property
    def agreed(self) -> bool:
        """Every incident already has the suggested status."""
        return all(i.verification == self.suggested for i in self.incidents)

    def as_json(self) -> dict[str, Any]:
        return {"incidents": [i.as_json() for i in self.incidents],
                "links": [d.as_json() for d in self.links], "sources": self.sources,
                "suggested": self.suggested, "agreed": self.agreed,
                "reasons": [r.as_json() for r in self.reasons],
                "cited": [c.as_json() for c in self.cited]}


# -- small helpers -------------------------------------------------------------------


def _name(names: dict[str, str], language: str) -> str:
    return names.get(language) or next(iter(names.values()), "")


_ISO_DATE = re.compile(r"\d{4}(-\d\d){0,2}")


def date_text(value: dict[str, Any]) -> str:
    """A date with precision in a few characters: 2016-12, ~2016-12-01–2016-12-10, in
    the UI's digits and isolated, so that a range keeps its order in Arabic text."""
    precision = value.get("precision")
    if precision in ("range", "approximate"):
        return _bidi(i18n.digits(("~" if precision == "approximate" else "")
                                 + f"{value['from']}–{value['to']}"))
    if precision == "before":
        return _("before {date}").format(date=_bidi(i18n.digits(value["value"])))
    if precision == "after":
        return _("after {date}").format(date=_bidi(i18n.digits(value["value"])))
    return _bidi(i18n.digits(value.get("value", "")))


def _bidi(text: str) -> str:
    """A date isolated where the UI runs right to left (its dashes would reorder it)."""
    return i18n.isolate(text) if i18n.is_rtl_language() else text


def _days(iso: str) -> int:
    return Date.fromisoformat(iso).toordinal()


class _Union:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        parent = self.parent.setdefault(x, x)
        while parent != x:
            grand = self.parent.setdefault(parent, parent)
            self.parent[x] = grand
            x, parent = parent, grand
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


@dataclass
class _Incident:
    id: RecordId
    data: dict[str, Any]
    start: str
    end: str
    testimonies: frozenset[RecordId]
    victims: frozenset[PersonId]

    @property
    def perpetrator(self) -> str | None:
        category = self.data.get("perpetrator", {}).get("category")
        return None if category in (None, "", "unknown") else str(category)


@dataclass(frozen=True)
class _Features:
    width: int  # days the date spans (OPEN_WIDTH when open-ended)
    victims: frozenset[str]  # roots in the person union
    researchers: frozenset[str]  # fingerprints of whoever sent the incident or its testimonies
    sources: frozenset[str]  # witnesses (as roots), testimonies and sources it rests on


@dataclass(frozen=True)
class _Place:
    level: str
    names: frozenset[str]
    parent: str | None
    labels: dict[str, str]


class _Snapshot:
    """What corroboration reads from the vault, loaded in a few queries."""

    def __init__(self, conn: Connection, incident_ids: Iterable[str] | None = None) -> None:
        self.conn = conn
        if incident_ids is None:
            rows = tables.texts_of_kind(conn, "incident")
        else:
            rows = _rows(conn, "incident", sorted(set(incident_ids)))
        self.incidents: dict[str, _Incident] = {}
        for rid, raw in rows:
            data = json.loads(raw)
            self.incidents[rid] = _Incident(
                RecordId(rid), data, dates.start(data["date"]) or "0001-01-01",
                dates.end(data["date"]),
                frozenset(data.get("testimonies", [])),
                frozenset(v["person"] for v in data.get("victims", []) if "person" in v))
        self.places: dict[str, _Place] = {}
        for rid, raw in tables.texts_of_kind(conn, "place"):
            data = json.loads(raw)
            names = frozenset(n for n in (textnorm.normalize_name(str(t))
                                          for t in data["name"].values()) if n)
            self.places[rid] = _Place(data["level"], names, data.get("parent"), data["name"])
        testimony_ids = sorted({t for i in self.incidents.values() for t in i.testimonies})
        self.testimonies: dict[str, tuple[PersonId | None, RecordId | None]] = {}
        self.titles: dict[str, str] = {}
        for rid, raw in _rows(conn, "testimony", testimony_ids):
            data = json.loads(raw)
            self.testimonies[rid] = (data.get("witness"), data.get("source"))
            self.titles[rid] = str(data.get("title") or rid[:8])
        self.dependent = independence.current(conn)
        for rid, raw in _rows(conn, "source", sorted(self.dependent)):
            self.titles[rid] = str(json.loads(raw).get("name") or rid[:8])
        person_ids = sorted({w for w, _s in self.testimonies.values() if w}
                            | {v for i in self.incidents.values() for v in i.victims})
        self.same = _Union()
        for rid, keys in seal.keys_by_person(conn, person_ids).items():
            for key in keys:
                self.same.union("p:" + rid, "k:" + key)
        for merged, into in duplicates.canonical(conn).items():
            self.same.union("p:" + merged, "p:" + into)
        self.researchers = researchers_of(conn, [*sorted(self.incidents), *testimony_ids])
        self._same_place: dict[tuple[str, str], bool] = {}
        self._relations: dict[tuple[str, str], tuple[str, float] | None] = {}
        self._features: dict[str, _Features] = {}
        self._infos: dict[str, IncidentInfo] = {}

    # places

    def ancestors(self, place: str) -> list[str]:
        """The places `place` lies in, nearest first."""
        out: list[str] = []
        current = self.places.get(place)
        while current is not None and current.parent and len(out) < MAX_DEPTH:
            if current.parent in out or current.parent == place:
                break
            out.append(current.parent)
            current = self.places.get(current.parent)
        return out

    def same_place(self, p: str, q: str, depth: int = 0) -> bool:
        if p == q:
            return True
        key = (min(p, q), max(p, q))
        cached = self._same_place.get(key)
        if cached is not None:
            return cached
        a, b = self.places.get(p), self.places.get(q)
        result = False
        if a is not None and b is not None and a.level == b.level and a.names & b.names:
            result = True
            if a.parent and b.parent and depth < MAX_DEPTH:
                pa, pb = self.places.get(a.parent), self.places.get(b.parent)
                if pa is not None and pb is not None and pa.level == pb.level:
                    result = self.same_place(a.parent, b.parent, depth + 1)
        self._same_place[key] = result
        return result

    def place_relation(self, p: str | None, q: str | None) -> tuple[str, float] | None:
        if not p or not q:
            return "place_unknown", 0.2
        if p == q:
            return "same_place", 1.0
        key = (p, q) if p < q else (q, p)
        if key in self._relations:
            return self._relations[key]
        found: tuple[str, float] | None = None
        if self.same_place(p, q):
            found = "same_place_name", 0.9
        elif (any(self.same_place(a, q) for a in self.ancestors(p))
                or any(self.same_place(a, p) for a in self.ancestors(q))):
            found = "nested_place", 0.6
        self._relations[key] = found
        return found

    # sources

    def _testimony_keys(self, tid: str) -> set[str]:
        """What makes a testimony the same source as another: its witness (as a person
        merged or sharing a match key stands for one) and the source it was taken from."""
        witness, source = self.testimonies.get(tid, (None, None))
        keys = {"t:" + tid}
        if witness:
            keys.add(self.same.find("p:" + witness))
        if source:
            keys.add("s:" + source)
        return keys

    def features(self, incident: _Incident) -> _Features:
        """What the pair rules read of one incident, worked out once."""
        found = self._features.get(incident.id)
        if found is None:
            sources = {key for tid in incident.testimonies for key in self._testimony_keys(tid)}
            sources |= {"s:" + s for s in incident.data.get("sources", [])}
            found = self._features[incident.id] = _Features(
                _width(incident),
                frozenset(self.same.find("p:" + v) for v in incident.victims),
                frozenset(fp for rid in (incident.id, *incident.testimonies)
                          for fp, _n in self.researchers.get(rid, [])),
                frozenset(sources))
        return found

    def _dependence(self, tid: str) -> str | None:
        """The source that makes a testimony not independent: itself, or the source
        it was taken from, when the coordinator marked it so."""
        if tid in self.dependent:
            return tid
        source = self.testimonies.get(tid, (None, None))[1]
        return source if source in self.dependent else None

    def cited(self, *incidents: _Incident) -> tuple[Cited, ...]:
        """Every testimony and source these incidents rest on, with its name."""
        wanted: dict[RecordId, str] = {}
        for incident in incidents:
            for tid in sorted(incident.testimonies):
                wanted.setdefault(tid, "testimony")
                source = self.testimonies.get(tid, (None, None))[1]
                if source:
                    wanted.setdefault(source, "source")
            for sid in incident.data.get("sources", []):
                wanted.setdefault(sid, "source")
        missing = sorted(k for k, kind in wanted.items()
                         if kind == "source" and k not in self.titles)
        for rid, raw in _rows(self.conn, "source", missing):
            self.titles[rid] = str(json.loads(raw).get("name") or rid[:8])
        return tuple(Cited(rid, kind, self.titles.get(rid, rid[:8]),
                           self.dependent[rid].reason if rid in self.dependent else None)
                     for rid, kind in wanted.items())

    def not_independent(self, *incidents: _Incident) -> list[str]:
        """The sources of these incidents marked as not independent, in order."""
        out: list[str] = []
        for incident in incidents:
            for tid in sorted(incident.testimonies):
                found = self._dependence(tid)
                if found and found not in out:
                    out.append(found)
            for sid in incident.data.get("sources", []):
                if sid in self.dependent and sid not in out:
                    out.append(sid)
        return out

    def source_roots(self, *incidents: _Incident) -> list[set[str]]:
        """The independent sources of each incident, as roots comparable across the
        incidents given. A fresh union over these incidents only (the person union is
        never changed), so that the answer does not depend on what was asked before.
        Sources marked as not independent are left out."""
        union = _Union()
        counted = [[t for t in incident.testimonies if not self._dependence(t)]
                   for incident in incidents]
        for tids in counted:
            for tid in tids:
                for key in self._testimony_keys(tid):
                    union.union("t:" + tid, key)
        return [{union.find(key) for tid in tids for key in self._testimony_keys(tid)}
                | {union.find("s:" + s) for s in incident.data.get("sources", [])
                   if s not in self.dependent}
                for incident, tids in zip(incidents, counted, strict=True)]

    def info(self, incident: _Incident) -> IncidentInfo:
        found = self._infos.get(incident.id)
        if found is None:
            found = self._infos[incident.id] = self._info(incident)
        return found

    def _info(self, incident: _Incident) -> IncidentInfo:
        data = incident.data
        place = data.get("place")
        chain = [place, *self.ancestors(place)] if place else []
        seen: list[tuple[str, str]] = []
        for rid in [incident.id, *sorted(incident.testimonies)]:
            for pair in self.researchers.get(rid, []):
                if pair not in seen:
                    seen.append(pair)
        return IncidentInfo(
            incident.id, data["type"], data["date"], place,
            tuple(self.places[p].labels for p in chain if p in self.places),
            incident.perpetrator, data["verification"], tuple(sorted(incident.testimonies)),
            tuple(seen))


def _rows(conn: Connection, kind: str, ids: Sequence[str]) -> list[tuple[Any, ...]]:
    """(id, data) of the records of a kind among `ids`. Many are read in one scan of
    the kind: thousands of lookups by id cost ten times more."""
    return tables.texts_among(conn, kind, ids, _LOOKUPS)


_LOOKUPS = 2000


# -- decisions ------------------------------------------------------------------------


def _pair(a: RecordId, b: RecordId) -> tuple[RecordId, RecordId]:
    if a == b:
        raise InputError("same_incident")
    return (a, b) if a < b else (b, a)


def decisions(conn: Connection) -> dict[tuple[str, str], Decision]:
    """The current decision on every decided pair of incidents that both still exist."""
    out: dict[tuple[str, str], Decision] = {}
    rows = conn.execute(
        "SELECT c.incident_a, c.incident_b, c.decision, c.author, c.at, c.score "
        "FROM corroboration c WHERE c.seq = (SELECT max(seq) FROM corroboration d "
        "WHERE d.incident_a = c.incident_a AND d.incident_b = c.incident_b) "
        "AND c.decision != 'undone' ORDER BY c.seq").fetchall()
    # Both incidents must still exist (records/tables.py answers which do).
    present = tables.existing(conn, sorted({i for r in rows for i in (r[0], r[1])}))
    for a, b, decision, author, at, score in rows:
        if a in present and b in present:
            out[(a, b)] = Decision(a, b, decision, author, at, score)
    return out


def decision_history(conn: Connection, a: RecordId, b: RecordId) -> list[Decision]:
    """Every decision ever taken on a pair, oldest first."""
    a, b = _pair(a, b)
    return [Decision(*row) for row in conn.execute(
        "SELECT incident_a, incident_b, decision, author, at, score FROM corroboration "
        "WHERE incident_a = ? AND incident_b = ? ORDER BY seq", (a, b))]


def _require_incidents(conn: Connection, *ids: RecordId) -> None:
    for rid in ids:
        if store.get(conn, rid, with_identity=False).kind != "incident":
            raise InputError("not_an_incident")


def decide(conn: Connection, a: RecordId, b: RecordId, decision: str, author: str) -> Decision:
    """Confirm or reject that two incidents are the same event, or undo the decision."""
    if decision not in (CONFIRMED, REJECTED, UNDONE):
        raise InputError("input")
    a, b = _pair(a, b)
    _require_incidents(conn, a, b)
    current = decisions(conn).get((a, b))
    if decision == UNDONE and current is None:
        raise InputError("nothing_to_undo")
    if current is not None and current.decision == decision:
        return current
    found = compare(conn, a, b)
    score = found.score if found is not None else None
    at = activity.now()
    with transaction(conn):
        conn.execute("INSERT INTO corroboration (incident_a, incident_b, decision, score, "
                     "author, at) VALUES (?,?,?,?,?,?)", (a, b, decision, score, author, at))
        activity.record(conn, author, "corroboration", a, other=b, decision=decision)
    return Decision(a, b, decision, author, at, score)


def confirm(conn: Connection, a: RecordId, b: RecordId, author: str) -> Decision:
    return decide(conn, a, b, CONFIRMED, author)


def reject(conn: Connection, a: RecordId, b: RecordId, author: str) -> Decision:
    return decide(conn, a, b, REJECTED, author)


def undo(conn: Connection, a: RecordId, b: RecordId, author: str) -> Decision:
    return decide(conn, a, b, UNDONE, author)


# -- suggestions ----------------------------------------------------------------------


def _components(ids: Iterable[str], links: Iterable[tuple[str, str]]) -> _Union:
    union = _Union()
    for rid in ids:
        union.find(rid)
    for a, b in links:
        union.union(a, b)
    return union


def _score(snap: _Snapshot, a: _Incident, b: _Incident,
           explain: bool = True) -> tuple[float, list[Reason]] | None:
    """Score and reasons for a pair, or None when the rules rule it out. Without
    `explain`, the same score and no reasons (ranking many pairs)."""
    if not a.testimonies or not b.testimonies or a.testimonies & b.testimonies:
        return None
    if a.data["type"] != b.data["type"]:
        return None
    start, end = max(a.start, b.start), min(a.end, b.end)
    if start > end:
        return None
    place = snap.place_relation(a.data.get("place"), b.data.get("place"))
    if place is None:
        return None
    reasons: list[Reason] = []
    fa, fb = snap.features(a), snap.features(b)
    width = max(fa.width, fb.width)
    if width <= 1:
        date_score = 1.0
        if explain:
            reasons += [Reason("same_type", {"type": a.data["type"]}),
                        Reason("same_day", {"date": start})]
    else:
        date_score = _date_score(width)
        if explain:
            reasons += [Reason("same_type", {"type": a.data["type"]}),
                        Reason("dates_overlap", {
                            "start": start if start != "0001-01-01" else "…",
                            "end": end if end != "9999-12-31" else "…"})]
    found = [place[0]]
    score = 0.1 + 0.45 * date_score + 0.45 * place[1]
    if fa.victims & fb.victims:
        found.append("shared_victim")
        score += 0.1
    pa, pb = a.perpetrator, b.perpetrator
    if pa and pb and pa == pb:
        found.append("same_perpetrator")
        score += 0.05
    elif pa and pb:
        found.append("perpetrators_differ")
        score -= 0.15
    if fa.researchers and fb.researchers and not fa.researchers & fb.researchers:
        found.append("different_researchers")
        score += 0.05
    # A chain joining a testimony of one to a testimony of the other must step over a
    # witness or a source both rest on: sharing one is sharing a source.
    if fa.sources & fb.sources:
        found.append("shared_source")
        score -= 0.1
    if explain:
        reasons += [Reason(code, {"perpetrator": pa} if code == "same_perpetrator" else {})
                    for code in found]
    return round(min(1.0, max(0.0, score)), 2), reasons


def _date_score(width: int) -> float:
    return 1.0 if width <= 1 else 0.8 if width <= 10 else 0.6 if width <= 31 else (
        0.4 if width <= 366 else 0.2)


def _ceiling(snap: _Snapshot, a: _Incident, b: _Incident) -> float:
    """The highest score `_score` can give a pair: its date and place parts with every
    bonus and no malus, added up in the same order."""
    place = snap.place_relation(a.data.get("place"), b.data.get("place"))
    date_score = _date_score(max(snap.features(a).width, snap.features(b).width))
    score = 0.1 + 0.45 * date_score + 0.45 * (place[1] if place else 1.0)
    score += 0.1
    score += 0.05
    score += 0.05
    return round(min(1.0, max(0.0, score)), 2)


def _width(incident: _Incident) -> int:
    first = incident.start if incident.start != "0001-01-01" else None
    last = incident.end if incident.end != "9999-12-31" else None
    if first is None or last is None:
        return OPEN_WIDTH
    return min(OPEN_WIDTH, _days(last) - _days(first) + 1)


def compare(conn: Connection, a: RecordId, b: RecordId) -> Suggestion | None:
    """How two incidents compare under the suggestion rules (None: they do not match)."""
    snap = _Snapshot(conn, [a, b])
    if a not in snap.incidents or b not in snap.incidents:
        return None
    found = _score(snap, snap.incidents[a], snap.incidents[b])
    if found is None:
        return None
    first, second = sorted((snap.incidents[a], snap.incidents[b]), key=lambda i: (i.start, i.id))
    return Suggestion(snap.info(first), snap.info(second), found[0], tuple(found[1]))


# How candidate pairs are found. Incidents of a type are filed in lanes: by place
# (where they are, and every place they lie in), then by date class (the widths at
# which the date score steps down, open-ended dates apart), each lane sorted by date.
# An incident walks the lanes its pairs can be in, best first by the date and place
# parts of the score, nearest in time first among equals, and takes the incidents
# whose dates overlap its own.
MAX_PARTNERS = 12  # partners an incident takes (a pair is scored when either of its
                   # incidents took the other)
MAX_SCAN = 500  # incidents one walk of one lane looks at, at most
_DATE_STEPS = (1, 10, 31, 366)  # as in _score
_DATE_TENTHS = (10, 8, 6, 4, 2)  # the date score, in tenths
_OPEN_START, _OPEN_END = len(_DATE_STEPS) + 1, len(_DATE_STEPS) + 2
_NAMESAKES = 200  # places of one name and level checked two by two, at most


@dataclass(slots=True)
class _Timed:
    incident: _Incident
    start: int  # ordinal days (open ends: 0001-01-01 and 9999-12-31)
    end: int
    anchor: int  # where "near in time" is measured from: the middle, or the known end
    kind: int  # date class: index in _DATE_STEPS (len: wider), _OPEN_START, _OPEN_END


def _timed(incident: _Incident, width: int) -> _Timed:
    start, end = _days(incident.start), _days(incident.end)
    if incident.start == "0001-01-01":
        return _Timed(incident, start, end, end, _OPEN_START)
    if incident.end == "9999-12-31":
        return _Timed(incident, start, end, start, _OPEN_END)
    kind = next((i for i, step in enumerate(_DATE_STEPS) if width <= step), len(_DATE_STEPS))
    return _Timed(incident, start, end, (start + end) // 2, kind)


class _Lane:
    """Incidents of one type, one place role and one date class, sorted by anchor."""

    def __init__(self, kind: int, items: list[_Timed]) -> None:
        self.kind = kind
        self.items = sorted(items, key=lambda t: (t.anchor, t.incident.id))
        self.anchors = [t.anchor for t in self.items]
        # b overlaps a when b.start <= a.end and b.end >= a.start, so its anchor lies
        # within [a.start - after, a.end + before]:
        self.before = max(t.anchor - t.start for t in self.items)
        self.after = max(t.end - t.anchor for t in self.items)

    def span(self, a: _Timed) -> tuple[int, int]:
        """Where the incidents that may overlap a's dates are: items[lo:hi]."""
        return (bisect_left(self.anchors, a.start - self.after),
                bisect_right(self.anchors, a.end + self.before))

    def walk(self, a: _Timed, lo: int, hi: int) -> Iterator[tuple[int, str, _Timed]]:
        """(distance, id, incident) of the incidents of items[lo:hi] whose dates overlap
        a's, nearest to a's anchor first."""
        anchors, target = self.anchors, a.anchor
        right = bisect_left(anchors, target, lo, hi)
        left = right - 1
        for _step in range(MAX_SCAN):
            if left >= lo and (right >= hi or target - anchors[left] <= anchors[right] - target):
                b, left = self.items[left], left - 1
            elif right < hi:
                b, right = self.items[right], right + 1
            else:
                return
            if b.start <= a.end and b.end >= a.start:
                yield abs(b.anchor - target), b.incident.id, b


def _candidates(snap: _Snapshot, incidents: list[_Incident],
                usable: Any) -> set[tuple[str, str]]:
    """Pairs worth scoring (see MAX_PARTNERS), as (earlier, later) by (start, id)."""
    # Places that are the same (same_place) share a class: a chain of them too, which
    # is more than same_place says, never less.
    classes = _Union()
    by_name: dict[tuple[str, str], list[str]] = {}
    for pid, known in snap.places.items():
        classes.find(pid)
        for name in known.names:
            by_name.setdefault((known.level, name), []).append(pid)
    for namesakes in by_name.values():
        if len(namesakes) > _NAMESAKES:  # too many to check two by two: one class
            for p in namesakes[1:]:
                classes.union(namesakes[0], p)
            continue
        for p, q in itertools.combinations(namesakes, 2):
            if classes.find(p) != classes.find(q) and snap.same_place(p, q):
                classes.union(p, q)
    timed = {i.id: _timed(i, snap.features(i).width) for i in incidents}
    filed: dict[tuple[str, ...], dict[int, list[_Timed]]] = {}
    roles: dict[tuple[str, str], list[tuple[tuple[str, ...], int]]] = {}  # by (type, place)
    for incident in incidents:
        t, kind, place = timed[incident.id], incident.data["type"], incident.data.get("place")
        keys: list[tuple[str, ...]] = [(kind, "all")]
        if not place:
            keys.append((kind, "none"))
            roles[(kind, "")] = [((kind, "all"), 2)]
        else:
            here = classes.find(place)
            above = [classes.find(p) for p in snap.ancestors(place)]
            keys += [(kind, "at", here), *((kind, "in", c) for c in above)]
            # The lanes its pairs are in, and the place score (tenths) they promise.
            roles[(kind, place)] = [((kind, "at", here), 10), ((kind, "in", here), 6),
                                    *(((kind, "at", c), 6) for c in above), ((kind, "none"), 2)]
        for key in keys:
            filed.setdefault(key, {}).setdefault(t.kind, []).append(t)
    lanes = {key: [_Lane(k, items) for k, items in by_kind.items()]
             for key, by_kind in filed.items()}
    plans: dict[tuple[str, str, int], list[list[_Lane]]] = {}

    def plan(incident: _Incident, a: _Timed) -> list[list[_Lane]]:
        """The lanes to walk for an incident, in groups of equal promise, best first."""
        key = (incident.data["type"], incident.data.get("place") or "", a.kind)
        found = plans.get(key)
        if found is None:
            by_rank: dict[int, list[_Lane]] = {}
            for lanes_key, place_tenths in roles[key[:2]]:
                for lane in lanes.get(lanes_key, ()):
                    date_tenths = _DATE_TENTHS[min(max(a.kind, lane.kind), len(_DATE_STEPS))]
                    by_rank.setdefault(date_tenths + place_tenths, []).append(lane)
            found = plans[key] = [by_rank[rank] for rank in sorted(by_rank, reverse=True)]
        return found

    pairs: set[tuple[str, str]] = set()
    for incident in incidents:
        a = timed[incident.id]
        mine = (incident.start, incident.id)
        taken: set[str] = set()
        for group in plan(incident, a):
            walks = []
            for lane in group:
                lo, hi = lane.span(a)
                if lo < hi:
                    walks.append(lane.walk(a, lo, hi))
            if not walks:
                continue
            merged = walks[0] if len(walks) == 1 else heapq.merge(
                *walks, key=lambda w: (w[0], w[1]))
            for _distance, _id, b in merged:
                other = b.incident
                if other.id in taken or other is incident or not usable(incident, other):
                    continue
                taken.add(other.id)
                pairs.add((incident.id, other.id) if mine < (other.start, other.id)
                          else (other.id, incident.id))
                if len(taken) >= MAX_PARTNERS:
                    break
            if len(taken) >= MAX_PARTNERS:
                break
    return pairs


def suggestions(conn: Connection, limit: int | None = None) -> list[Suggestion]:
    """Pairs of incidents that may be the same event, best first (see the module doc:
    at most MAX_PARTNERS taken by each incident)."""
    snap = _Snapshot(conn)
    decided = decisions(conn)
    clusters = _components(snap.incidents, [k for k, d in decided.items()
                                            if d.decision == CONFIRMED])
    # Two clusters a person said differ somewhere (b is not c) are not offered through
    # another pair (a, with b, beside c): confirming it would contradict that.
    apart = {frozenset((clusters.find(a), clusters.find(b)))
             for (a, b), d in decided.items() if d.decision == REJECTED}

    linked = {rid: clusters.find(rid) for pair in decided for rid in pair}

    def usable(a: _Incident, b: _Incident) -> bool:
        """What the rules and the decisions allow, before the score (checked again)."""
        if a.testimonies & b.testimonies:
            return False
        if a.id in linked and b.id in linked:  # others are alone in their cluster
            if (min(a.id, b.id), max(a.id, b.id)) in decided:
                return False
            roots = frozenset((linked[a.id], linked[b.id]))
            if len(roots) == 1 or roots in apart:
                return False
        return snap.place_relation(a.data.get("place"), b.data.get("place")) is not None

    reported = [i for i in snap.incidents.values() if i.testimonies and i.start <= i.end]
    # With a limit, pairs are scored by what they can score at most, best first,
    # until no pair left can enter the first `limit` (ties included).
    prune = limit is not None and limit > 0
    by_ceiling: dict[float, list[tuple[_Incident, _Incident]]] = {}
    for a_id, b_id in _candidates(snap, reported, usable):
        a, b = snap.incidents[a_id], snap.incidents[b_id]
        by_ceiling.setdefault(_ceiling(snap, a, b) if prune else 1.0, []).append((a, b))
    found: list[tuple[float, str, str, str]] = []
    explained: dict[tuple[str, str], list[Reason]] = {}  # without a limit: all, at once
    for ceiling in sorted(by_ceiling, reverse=True):
        if prune and limit is not None and len(found) >= limit and ceiling < -found[-1][0]:
            break  # found: the best `limit` so far, in order
        for a, b in by_ceiling[ceiling]:
            scored = _score(snap, a, b, explain=not prune)
            if scored is not None:
                found.append((-scored[0], a.start, a.id, b.id))
                if not prune:
                    explained[(a.id, b.id)] = scored[1]
        if prune and limit is not None:
            found = heapq.nsmallest(limit, found)
    found.sort()
    if limit is not None:
        found = found[:limit]
    out = []
    for rank, _start, a_id, b_id in found:
        a, b = snap.incidents[a_id], snap.incidents[b_id]
        reasons = explained.get((a_id, b_id))
        if reasons is None:
            reasons = (_score(snap, a, b) or (0.0, []))[1]
        out.append(Suggestion(snap.info(a), snap.info(b), -rank, tuple(reasons)))
    return out


# -- clusters, sources, status ---------------------------------------------------------


def suggested_status(sources: int, disputed: bool) -> str:
    if disputed:
        return "disputed"
    if sources >= 3:
        return "verified"
    if sources == 2:
        return "partially_verified"
    return "unverified"


def _cluster(snap: _Snapshot, ids: list[str], links: list[Decision]) -> Cluster:
    members = sorted((snap.incidents[i] for i in ids), key=lambda i: (i.start, i.id))
    sources = len(set().union(*snap.source_roots(*members)))
    categories = {i.perpetrator for i in members if i.perpetrator}
    disputed = len(categories) > 1
    reasons = [Reason("sources", {"count": sources})]
    if disputed:
        reasons.append(Reason("perpetrators_differ"))
    for sid in snap.not_independent(*members):
        judgement = snap.dependent[sid]
        reasons.append(Reason("not_independent", {
            "source": snap.titles.get(sid, sid[:8]), "why": judgement.reason or "",
            "id": sid}))
    return Cluster(tuple(snap.info(i) for i in members), tuple(links), sources,
                   suggested_status(sources, disputed), tuple(reasons), snap.cited(*members))


def clusters(conn: Connection, everything: bool = False) -> list[Cluster]:
    """Incidents linked by confirmed decisions, with their sources and suggested status.

    By default only what is corroborated or linked: clusters of two or more incidents,
    and single incidents with two or more independent sources. `everything` adds
    the single incidents with fewer.
    """
    snap = _Snapshot(conn)
    links = [d for d in decisions(conn).values() if d.decision == CONFIRMED]
    union = _components(snap.incidents, [(d.a, d.b) for d in links])
    groups: dict[str, list[str]] = {}
    for rid in snap.incidents:
        groups.setdefault(union.find(rid), []).append(rid)
    by_root: dict[str, list[Decision]] = {}
    for d in links:
        by_root.setdefault(union.find(d.a), []).append(d)
    out = []
    for root, ids in groups.items():
        if not everything and len(ids) == 1:
            # A single incident is listed only with two or more sources: count them
            # before building what is shown of it.
            [alone] = snap.source_roots(snap.incidents[ids[0]])
            if len(alone) < 2:
                continue
        out.append(_cluster(snap, ids, by_root.get(root, [])))
    out.sort(key=lambda c: (-len(c.incidents), -c.sources,
                            dates.sort_key(c.incidents[0].date), c.ids))
    return out


def cluster_of(conn: Connection, incident_id: RecordId) -> Cluster:
    """The cluster an incident belongs to (just itself when it is linked to nothing)."""
    _require_incidents(conn, incident_id)
    links = [d for d in decisions(conn).values() if d.decision == CONFIRMED]
    neighbours: dict[RecordId, set[RecordId]] = {}
    for d in links:
        neighbours.setdefault(d.a, set()).add(d.b)
        neighbours.setdefault(d.b, set()).add(d.a)
    seen, todo = {incident_id}, [incident_id]
    while todo:
        for other in neighbours.get(todo.pop(), ()):
            if other not in seen:
                seen.add(other)
                todo.append(other)
    snap = _Snapshot(conn, seen)
    return _cluster(snap, sorted(seen), [d for d in links if d.a in seen])


def set_verification(conn: Connection, incident_id: RecordId, status: str, author: str,
                     whole_cluster: bool = True) -> list[RecordId]:
    """Give an incident (and by default every incident linked to it) a verification
    status: a new revision of each that changes, and an activity-log entry each.
    Returns the ids changed."""
    if status not in VERIFICATION:
        raise InputError("verification_status")
    cluster = cluster_of(conn, incident_id)
    ids = list(cluster.ids) if whole_cluster else [incident_id]
    changed: list[RecordId] = []
    with transaction(conn):
        items: list[tuple[str, dict[str, Any]]] = []
        for rid in ids:
            data = store.get(conn, rid, with_identity=False).data
            if data["verification"] != status:
                items.append(("incident", {**data, "verification": status}))
                changed.append(rid)
        store.put_records(conn, items, author)
        for rid in changed:
            activity.record(conn, author, "verification", rid, status=status,
                         suggested=cluster.suggested, sources=cluster.sources)
    return changed
