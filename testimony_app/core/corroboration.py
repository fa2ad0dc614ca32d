"""Incidents that several testimonies describe (issue 6): suggestions, decisions,
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

**Decisions.** A person confirms or rejects a pair; each decision is kept with who
and when (append-only), and can be undone (the pair is undecided again). Confirmed
pairs link incidents into **clusters** (connected components).

**Independent sources** of a cluster: its testimonies and the other sources its
incidents cite, where testimonies from the same witness count once. Two witnesses
are the same when they are the same person record, share a match key, or one was
merged into the other (core/duplicates.canonical). A testimony taken from another
organisation's material counts as that organisation's source, so the same report
cited by an incident is not counted twice.

**Suggested status** (the coordinator accepts or changes it):

- ``disputed`` when incidents of the cluster disagree on the perpetrator category
  (categories left empty or "unknown" do not disagree with anything);
- otherwise by independent sources: 0 or 1 → ``unverified``, 2 →
  ``partially_verified``, 3 or more → ``verified``.

Setting the status writes a new revision of each incident (core/store) and an
entry in the activity log.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date as Date
from typing import Any

from testimony_app.core import audit, dates, duplicates, store, textnorm, vocab
from testimony_app.core.db import transaction
from testimony_app.core.errors import InputError
from testimony_app.core.provenance import researchers_of
from testimony_app.i18n import N_, _

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
    "sources": N_("{count} independent sources"),
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
        try:
            return _(REASONS[self.code]).format(**params)
        except (KeyError, IndexError, ValueError):
            return self.code

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, **self.params, "text": self.text()}


@dataclass(frozen=True)
class IncidentInfo:
    """What a reviewer needs to see of an incident beside another."""

    id: str
    type: str
    date: dict[str, Any]
    place: str | None
    place_names: tuple[dict[str, str], ...]  # the place, then the places it lies in
    perpetrator: str | None
    verification: str
    testimonies: tuple[str, ...]
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
    a: str
    b: str
    decision: str
    author: str
    at: str
    score: float | None

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Cluster:
    incidents: tuple[IncidentInfo, ...]
    links: tuple[Decision, ...]
    sources: int
    suggested: str
    reasons: tuple[Reason, ...]  # why that status

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(i.id for i in self.incidents)

    @property
    def agreed(self) -> bool:
        """Every incident already has the suggested status."""
        return all(i.verification == self.suggested for i in self.incidents)

    def as_json(self) -> dict[str, Any]:
        return {"incidents": [i.as_json() for i in self.incidents],
                "links": [d.as_json() for d in self.links], "sources": self.sources,
                "suggested": self.suggested, "agreed": self.agreed,
                "reasons": [r.as_json() for r in self.reasons]}


# -- small helpers -------------------------------------------------------------------


def _name(names: dict[str, str], language: str) -> str:
    return names.get(language) or next(iter(names.values()), "")


def date_text(value: dict[str, Any]) -> str:
    """A date with precision in a few characters: 2016-12, ~2016-12-01–2016-12-10."""
    precision = value.get("precision")
    if precision in ("range", "approximate"):
        return ("~" if precision == "approximate" else "") + f"{value['from']}–{value['to']}"
    if precision == "before":
        return _("before {date}").format(date=value["value"])
    if precision == "after":
        return _("after {date}").format(date=value["value"])
    return str(value.get("value", ""))


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
    id: str
    data: dict[str, Any]
    start: str
    end: str
    testimonies: frozenset[str]
    victims: frozenset[str]

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

    def __init__(self, conn: Any, incident_ids: Iterable[str] | None = None) -> None:
        self.conn = conn
        if incident_ids is None:
            rows = conn.execute("SELECT id, data FROM records WHERE kind = 'incident'").fetchall()
        else:
            rows = _rows(conn, "SELECT id, data FROM records WHERE kind = 'incident' AND id IN",
                         sorted(set(incident_ids)))
        self.incidents: dict[str, _Incident] = {}
        for rid, raw in rows:
            data = json.loads(raw)
            self.incidents[rid] = _Incident(
                rid, data, dates.start(data["date"]) or "0001-01-01", dates.end(data["date"]),
                frozenset(data.get("testimonies", [])),
                frozenset(v["person"] for v in data.get("victims", []) if "person" in v))
        self.places: dict[str, _Place] = {}
        for rid, raw in conn.execute("SELECT id, data FROM records WHERE kind = 'place'"):
            data = json.loads(raw)
            names = frozenset(n for n in (textnorm.normalize_name(str(t))
                                          for t in data["name"].values()) if n)
            self.places[rid] = _Place(data["level"], names, data.get("parent"), data["name"])
        testimony_ids = sorted({t for i in self.incidents.values() for t in i.testimonies})
        self.testimonies: dict[str, tuple[str | None, str | None]] = {}
        for rid, raw in _rows(conn, "SELECT id, data FROM records WHERE kind = 'testimony' "
                                    "AND id IN", testimony_ids):
            data = json.loads(raw)
            self.testimonies[rid] = (data.get("witness"), data.get("source"))
        person_ids = sorted({w for w, _s in self.testimonies.values() if w}
                            | {v for i in self.incidents.values() for v in i.victims})
        self.same = _Union()
        for rid, raw in _rows(conn, "SELECT id, data FROM records WHERE kind = 'person' "
                                    "AND id IN", person_ids):
            for key in json.loads(raw).get("match_keys", []):
                self.same.union("p:" + rid, "k:" + str(key))
        for merged, into in duplicates.canonical(conn).items():
            self.same.union("p:" + merged, "p:" + into)
        self.researchers = researchers_of(conn, sorted(self.incidents) + testimony_ids)
        self._same_place: dict[tuple[str, str], bool] = {}
        self._features: dict[str, _Features] = {}

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
        if self.same_place(p, q):
            return "same_place_name", 0.9
        if (any(self.same_place(a, q) for a in self.ancestors(p))
                or any(self.same_place(a, p) for a in self.ancestors(q))):
            return "nested_place", 0.6
        return None

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

    def source_roots(self, *incidents: _Incident) -> list[set[str]]:
        """The independent sources of each incident, as roots comparable across the
        incidents given. A fresh union over these incidents only (the person union is
        never changed), so that the answer does not depend on what was asked before."""
        union = _Union()
        for incident in incidents:
            for tid in incident.testimonies:
                for key in self._testimony_keys(tid):
                    union.union("t:" + tid, key)
        return [{union.find(key) for tid in incident.testimonies
                 for key in self._testimony_keys(tid)}
                | {union.find("s:" + s) for s in incident.data.get("sources", [])}
                for incident in incidents]

    def info(self, incident: _Incident) -> IncidentInfo:
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


def _rows(conn: Any, sql: str, ids: list[str]) -> list[tuple[Any, ...]]:
    out: list[tuple[Any, ...]] = []
    for start in range(0, len(ids), 500):
        part = ids[start:start + 500]
        out += conn.execute(f"{sql} ({','.join('?' * len(part))})", part).fetchall()
    return out


# -- decisions ------------------------------------------------------------------------


def _pair(a: str, b: str) -> tuple[str, str]:
    if a == b:
        raise InputError("same_incident")
    return (a, b) if a < b else (b, a)


def decisions(conn: Any) -> dict[tuple[str, str], Decision]:
    """The current decision on every decided pair of incidents that both still exist."""
    out: dict[tuple[str, str], Decision] = {}
    for a, b, decision, author, at, score in conn.execute(
            "SELECT c.incident_a, c.incident_b, c.decision, c.author, c.at, c.score "
            "FROM corroboration c WHERE c.seq = (SELECT max(seq) FROM corroboration d "
            "WHERE d.incident_a = c.incident_a AND d.incident_b = c.incident_b) "
            "AND c.decision != 'undone' "
            "AND EXISTS (SELECT 1 FROM records r WHERE r.id = c.incident_a) "
            "AND EXISTS (SELECT 1 FROM records r WHERE r.id = c.incident_b) "
            "ORDER BY c.seq"):
        out[(a, b)] = Decision(a, b, decision, author, at, score)
    return out


def decision_history(conn: Any, a: str, b: str) -> list[Decision]:
    """Every decision ever taken on a pair, oldest first."""
    a, b = _pair(a, b)
    return [Decision(*row) for row in conn.execute(
        "SELECT incident_a, incident_b, decision, author, at, score FROM corroboration "
        "WHERE incident_a = ? AND incident_b = ? ORDER BY seq", (a, b))]


def _require_incidents(conn: Any, *ids: str) -> None:
    for rid in ids:
        if store.get(conn, rid, with_identity=False).kind != "incident":
            raise InputError("not_an_incident")


def decide(conn: Any, a: str, b: str, decision: str, author: str) -> Decision:
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
    at = audit.now()
    with transaction(conn):
        conn.execute("INSERT INTO corroboration (incident_a, incident_b, decision, score, "
                     "author, at) VALUES (?,?,?,?,?,?)", (a, b, decision, score, author, at))
        audit.record(conn, author, "corroboration", a, other=b, decision=decision)
    return Decision(a, b, decision, author, at, score)


def confirm(conn: Any, a: str, b: str, author: str) -> Decision:
    return decide(conn, a, b, CONFIRMED, author)


def reject(conn: Any, a: str, b: str, author: str) -> Decision:
    return decide(conn, a, b, REJECTED, author)


def undo(conn: Any, a: str, b: str, author: str) -> Decision:
    return decide(conn, a, b, UNDONE, author)


# -- suggestions ----------------------------------------------------------------------


def _components(ids: Iterable[str], links: Iterable[tuple[str, str]]) -> _Union:
    union = _Union()
    for rid in ids:
        union.find(rid)
    for a, b in links:
        union.union(a, b)
    return union


def _score(snap: _Snapshot, a: _Incident, b: _Incident) -> tuple[float, list[Reason]] | None:
    """Score and reasons for a pair, or None when the rules rule it out."""
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
    reasons = [Reason("same_type", {"type": a.data["type"]})]
    fa, fb = snap.features(a), snap.features(b)
    width = max(fa.width, fb.width)
    if width <= 1:
        reasons.append(Reason("same_day", {"date": start}))
        date_score = 1.0
    else:
        reasons.append(Reason("dates_overlap", {
            "start": start if start != "0001-01-01" else "…",
            "end": end if end != "9999-12-31" else "…"}))
        date_score = 0.8 if width <= 10 else 0.6 if width <= 31 else 0.4 if width <= 366 else 0.2
    reasons.append(Reason(place[0]))
    score = 0.1 + 0.45 * date_score + 0.45 * place[1]
    if fa.victims & fb.victims:
        reasons.append(Reason("shared_victim"))
        score += 0.1
    pa, pb = a.perpetrator, b.perpetrator
    if pa and pb and pa == pb:
        reasons.append(Reason("same_perpetrator", {"perpetrator": pa}))
        score += 0.05
    elif pa and pb:
        reasons.append(Reason("perpetrators_differ"))
        score -= 0.15
    if fa.researchers and fb.researchers and not fa.researchers & fb.researchers:
        reasons.append(Reason("different_researchers"))
        score += 0.05
    # A chain joining a testimony of one to a testimony of the other must step over a
    # witness or a source both rest on: sharing one is sharing a source.
    if fa.sources & fb.sources:
        reasons.append(Reason("shared_source"))
        score -= 0.1
    return round(min(1.0, max(0.0, score)), 2), reasons


def _width(incident: _Incident) -> int:
    first = incident.start if incident.start != "0001-01-01" else None
    last = incident.end if incident.end != "9999-12-31" else None
    if first is None or last is None:
        return OPEN_WIDTH
    return min(OPEN_WIDTH, _days(last) - _days(first) + 1)


def compare(conn: Any, a: str, b: str) -> Suggestion | None:
    """How two incidents compare under the suggestion rules (None: they do not match)."""
    snap = _Snapshot(conn, [a, b])
    if a not in snap.incidents or b not in snap.incidents:
        return None
    found = _score(snap, snap.incidents[a], snap.incidents[b])
    if found is None:
        return None
    first, second = sorted((snap.incidents[a], snap.incidents[b]), key=lambda i: (i.start, i.id))
    return Suggestion(snap.info(first), snap.info(second), found[0], tuple(found[1]))


def suggestions(conn: Any, limit: int | None = None) -> list[Suggestion]:
    """Pairs of incidents that may be the same event, best first (see the module doc)."""
    snap = _Snapshot(conn)
    decided = decisions(conn)
    clusters = _components(snap.incidents, [k for k, d in decided.items()
                                            if d.decision == CONFIRMED])
    # Two clusters a person said differ somewhere (b is not c) are not offered through
    # another pair (a, with b, beside c): confirming it would contradict that.
    apart = {frozenset((clusters.find(a), clusters.find(b)))
             for (a, b), d in decided.items() if d.decision == REJECTED}
    by_type: dict[str, list[_Incident]] = {}
    for incident in snap.incidents.values():
        if incident.testimonies:
            by_type.setdefault(incident.data["type"], []).append(incident)
    found: list[tuple[float, str, str, str, str, list[Reason]]] = []
    for items in by_type.values():
        items.sort(key=lambda i: (i.start, i.id))
        for index, a in enumerate(items):
            for b in items[index + 1:]:
                if b.start > a.end:
                    break
                if (min(a.id, b.id), max(a.id, b.id)) in decided:
                    continue
                roots = frozenset((clusters.find(a.id), clusters.find(b.id)))
                if len(roots) == 1 or roots in apart:
                    continue
                scored = _score(snap, a, b)
                if scored is not None:
                    found.append((scored[0], a.start, a.id, b.id, b.start, scored[1]))
    found.sort(key=lambda f: (-f[0], f[1], f[2], f[3]))
    if limit is not None:
        found = found[:limit]
    return [Suggestion(snap.info(snap.incidents[a]), snap.info(snap.incidents[b]), score,
                       tuple(reasons)) for score, _s, a, b, _t, reasons in found]


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
    return Cluster(tuple(snap.info(i) for i in members), tuple(links), sources,
                   suggested_status(sources, disputed), tuple(reasons))


def clusters(conn: Any, everything: bool = False) -> list[Cluster]:
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


def cluster_of(conn: Any, incident_id: str) -> Cluster:
    """The cluster an incident belongs to (just itself when it is linked to nothing)."""
    _require_incidents(conn, incident_id)
    links = [d for d in decisions(conn).values() if d.decision == CONFIRMED]
    neighbours: dict[str, set[str]] = {}
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


def set_verification(conn: Any, incident_id: str, status: str, author: str,
                     whole_cluster: bool = True) -> list[str]:
    """Give an incident (and by default every incident linked to it) a verification
    status: a new revision of each that changes, and an activity-log entry each.
    Returns the ids changed."""
    if status not in VERIFICATION:
        raise InputError("verification_status")
    cluster = cluster_of(conn, incident_id)
    ids = list(cluster.ids) if whole_cluster else [incident_id]
    changed: list[str] = []
    with transaction(conn):
        items: list[tuple[str, dict[str, Any]]] = []
        for rid in ids:
            data = store.get(conn, rid, with_identity=False).data
            if data["verification"] != status:
                items.append(("incident", {**data, "verification": status}))
                changed.append(rid)
        store.put_records(conn, items, author)
        for rid in changed:
            audit.record(conn, author, "verification", rid, status=status,
                         suggested=cluster.suggested, sources=cluster.sources)
    return changed
