"""The disclosure policy of a redacted export: what every value becomes.

One function, `decide`, reads what the vault holds (records opened, identities,
narratives already redacted and their review) and the export's profile (auditor,
period, threshold, place and date coarsening), and returns the `Disclosure`: the
records as they leave, the figures, the redaction log and the policy stated for
the manifest. Every file of the export (report.html, records.json, records.csv,
the Uwazi package, the manifest) is rendered from that result and nothing else,
so no file can carry what another hides.

Each value is kept, coarsened, pseudonymised, suppressed or withheld:

- persons become this auditor's pseudonyms with sex, age group and occupation;
  a name leaves only when it is in the public domain and not a witness's;
- testimonies leave when finalised and their consent scope allows sharing; a
  narrative leaves only as the redaction a coordinator approved, else withheld;
  titles, summaries, descriptions, group labels and a date's own words are withheld;
- dates keep their precision, or go to the month (spans to whole months); places
  keep their level, or go up to the city or the governorate; coordinates are
  rounded to the grid of their place's level, or withheld once places are coarsened;
- small counts (SMALL_COUNTS below) are suppressed in the figures, and the records
  that make up a suppressed figure carry no part of it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from testimony_app.core.audit import report
from testimony_app.core.common.errors import InputError
from testimony_app.core.common.ids import RecordId
from testimony_app.core.records import dates
from testimony_app.i18n import N_  # the log's keys are shown translated to auditors

FREE_TEXT_WITHHELD = {"title": N_("title withheld (free text)"),
                      "summary": N_("summary withheld (free text)")}
EXPORT_FORMAT = "testimony-redacted/1"
RULE = "testimony-disclosure/1"
SHARED_SCOPES = ("partners", "publish_anonymised", "publish_named")
MIN_THRESHOLD, MAX_THRESHOLD = 2, 100
PLACE_LEVELS = ("country", "governorate", "city")  # what places may be coarsened to
PARTS = ("victims", "women", "children")
# Decimal places kept of a coordinate, by the level of its place: about 11 m for a
# site, 1 km for a neighbourhood, 11 km for a city, 110 km above.
GRID = {"site": 4, "neighbourhood": 2, "village": 2, "district": 2, "city": 1,
        "governorate": 0, "country": 0}
GRID_METRES = {4: 11, 3: 111, 2: 1_110, 1: 11_100, 0: 111_000}

SMALL_COUNTS = (
    "Documented victims, women and children are counted by month (or by the months "
    "a date spans, when it crosses a month boundary) and incident type. "
    "A count from 1 to threshold-1 is suppressed. When a figure's victims are "
    "suppressed, its women and children are suppressed too and its incidents carry no "
    "victims (only a qualifier); when only its women or children are, its incidents "
    "carry their victim count and the parts shown, but no victim list. No total across "
    "figures is published, and nothing else in the export counts the victims of those "
    "incidents, so a suppressed count cannot be recomputed from the export. Figures "
    "other sources published are shown as published, one row each, never added up.")


@dataclass(frozen=True)
class Profile:
    """Who the export is for and how coarse it is."""

    auditor: str = "auditor"
    name: str = "auditor"
    date_from: str | None = None
    date_until: str | None = None
    threshold: int = 5
    coarsen_places: str | None = None  # "city" or "governorate"
    coarsen_dates: bool = False

    def __post_init__(self) -> None:
        if not MIN_THRESHOLD <= self.threshold <= MAX_THRESHOLD:
            raise InputError("threshold", low=MIN_THRESHOLD, high=MAX_THRESHOLD)
        if self.coarsen_places is not None and self.coarsen_places not in PLACE_LEVELS[1:]:
            raise InputError("place_level")


@dataclass(frozen=True)
class Narrative:
    """A testimony's narrative as it would leave (already redacted), per language."""

    texts: dict[str, str]
    replaced: dict[str, int]  # redaction log kind (names, contacts, places…) -> count
    approved: bool  # a coordinator approved exactly this redaction


@dataclass(frozen=True)
class Holdings:
    """What the vault holds, opened, for one auditor (the policy reads nothing else)."""

    sources: list[dict[str, Any]]
    places: list[dict[str, Any]]
    persons: list[dict[str, Any]]
    # The two kinds an archive holds most of: read afresh at each pass over them, so
    # that an export never holds a whole archive in memory (a list serves as well).
    testimonies: Iterable[dict[str, Any]]  # sealed ones opened
    incidents: Iterable[dict[str, Any]]
    aggregates: list[dict[str, Any]]
    identities: dict[str, dict[str, Any]]  # person id -> identity (coordinator's view)
    witnesses: frozenset[str]  # person ids that are someone's witness
    pseudonym: Callable[[str], str]  # this auditor's code for a person id
    narrate: Callable[[dict[str, Any]], Narrative | None]  # None: no narrative


@dataclass(frozen=True)
class Disclosure:
    """The export as it leaves: every writer renders from this only."""

    profile: Profile
    records: dict[str, Any]
    figures: list[dict[str, Any]]
    log: Counter[str] = field(default_factory=Counter)

    @property
    def policy(self) -> dict[str, Any]:
        """The rule the export follows, for its manifest: settings, never values."""
        p = self.profile
        return {"rule": RULE, "profile": p.name, "threshold": p.threshold,
                "small_counts": SMALL_COUNTS,
                "figure_cells": ["month", "incident_type"], "figure_parts": list(PARTS),
                "places": p.coarsen_places or "as_recorded",
                "coordinates": "withheld" if p.coarsen_places else "rounded_to_place_level",
                "dates": "month" if p.coarsen_dates else "as_recorded",
                "consent_scopes": list(SHARED_SCOPES), "pseudonyms": "per_auditor",
                "narratives": "approved_redaction_only", "free_text": "withheld",
                "other_sources": "as_published"}


def in_period(date: dict[str, Any], profile: Profile) -> bool:
    if profile.date_from and dates.end(date) < profile.date_from:
        return False
    return not (profile.date_until and dates.start(date) > profile.date_until)


def _month_end(day: str) -> str:
    return dates.end({"precision": "month", "value": day[:7]})


def coarse_date(date: dict[str, Any], to_month: bool) -> dict[str, Any]:
    """A date as it leaves: never the source's words; to the month when asked (a span
    to whole months). The month a figure counts it in does not change."""
    out = {k: v for k, v in date.items() if k != "text"}
    if not to_month:
        return out
    month = dates.month(date)
    precision = date["precision"]
    if month:
        return {"precision": "month", "value": month}
    if precision in ("range", "approximate"):
        return {"precision": precision, "from": f"{dates.start(date)[:7]}-01",
                "to": _month_end(dates.end(date))}
    if precision == "before":
        return {"precision": "before", "value": _month_end(str(date["value"]))}
    if precision == "after":
        return {"precision": "after", "value": f"{str(date['value'])[:7]}-01"}
    return out  # a year is coarser than a month already


def coarse_coordinates(coordinates: dict[str, Any], level: str) -> dict[str, Any]:
    """Coordinates on the grid of their place's level, and never finer than recorded."""
    recorded = int(coordinates.get("precision_m") or 0)
    decimals = GRID.get(level, 0)
    while decimals > 0 and GRID_METRES[decimals] < recorded:
        decimals -= 1
    return {"lat": round(float(coordinates["lat"]), decimals),
            "lon": round(float(coordinates["lon"]), decimals),
            "precision_m": max(recorded, GRID_METRES[decimals])}


def decide(holdings: Holdings, profile: Profile) -> Disclosure:
    """Decide what every value becomes; see the module's docstring."""
    log: Counter[str] = Counter()
    testimonies, shared, cited, witnessed = _testimonies(holdings, profile, log)
    places = {p["id"]: p for p in holdings.places}
    incidents, victim_persons = _incidents(holdings, profile, shared, places, log)
    witnesses = set(holdings.witnesses) | witnessed
    persons_all = _persons(holdings, victim_persons | cited)

    # Small counts: tally every figure from the candidate records, then take out of
    # the records every part a suppressed figure hides.
    threshold = profile.threshold
    persons_by_code = {p["pseudonym"]: p for p in persons_all.values()}
    for members in report.cells(incidents).values():
        totals = report.tally_incidents(members, persons_by_code)
        hidden = report.suppressed_parts(totals, threshold)
        if not hidden:
            continue
        log[N_("incident victims withheld under a small figure") if "victims" in hidden
            else N_("incident victim details withheld under a small figure")] += len(members)
        for incident in members:
            counts = report.incident_counts(incident, persons_by_code)
            marker: dict[str, Any] = {"qualifier": counts["qualifier"]}
            marker.update({part: counts[part] for part in PARTS if part not in hidden})
            incident.pop("victims")
            incident[report.WITHHELD] = marker

    # Persons leave only when a record that leaves points to them.
    shown_victims = {v["person"] for i in incidents for v in i.get("victims", [])
                     if "person" in v}
    sealed = {p["id"] for p in holdings.persons if "sealed_identity" in p}
    persons = []
    for pid, person in persons_all.items():
        if person["pseudonym"] not in shown_victims and pid not in cited:
            continue
        identity = holdings.identities.get(pid)
        if identity and identity.get("public_domain") and pid not in witnesses:
            person = {**person, "public_name": identity["name"]}
            log[N_("public-domain name kept")] += 1
        elif identity or pid in sealed:
            log[N_("identity withheld")] += 1
        persons.append(person)
    for incident in incidents:
        for victim in incident.get("victims", []):
            if victim.pop("_label", False):
                log[N_("victim group label withheld (free text)")] += 1

    aggregates = _aggregates(holdings, profile, places, log)
    records = {"format": EXPORT_FORMAT,
               "sources": [{k: s[k] for k in ("id", "name", "kind") if k in s}
                           for s in holdings.sources],
               "places": _places(incidents + aggregates, places, profile, log),
               "persons": persons, "testimonies": testimonies, "incidents": incidents,
               "aggregates": aggregates}
    return Disclosure(profile, records, report.figures(records, threshold), log)


def _testimonies(holdings: Holdings, profile: Profile, log: Counter[str]
                 ) -> tuple[list[dict[str, Any]], set[str], set[str], set[str]]:
    """(testimonies that leave, their ids, their witnesses' person ids, and every
    testimony's witness, whether it leaves or not: one pass over the testimonies)."""
    out_list, shared, cited, witnessed = [], set(), set(), set()
    for t in holdings.testimonies:
        if "witness" in t:
            witnessed.add(t["witness"])
        if not in_period(t["interview"]["date"], profile):
            continue
        if t["consent"]["scope"] not in SHARED_SCOPES or t["status"] != "finalised":
            log[N_("testimony withheld (consent or status)")] += 1
            continue
        shared.add(t["id"])
        interview = t["interview"]
        out: dict[str, Any] = {
            "id": t["id"], "status": t["status"], "consent_scope": t["consent"]["scope"],
            "interview": {"date": coarse_date(interview["date"], profile.coarsen_dates),
                          "language": interview["language"], "mode": interview["mode"]}}
        if "assessment" in t:
            out["assessment"] = t["assessment"]
        narrative = holdings.narrate(t) if t.get("narrative") else None
        if narrative is not None:
            if narrative.approved:
                out["narrative"] = narrative.texts
                for kind, n in sorted(narrative.replaced.items()):
                    log[kind] += n
            else:
                log[N_("narrative withheld (not reviewed)")] += 1
        for free_text in ("title", "summary"):
            if free_text in t:
                log[FREE_TEXT_WITHHELD[free_text]] += 1
        if "witness" in t:
            out["witness"] = holdings.pseudonym(t["witness"])
            cited.add(t["witness"])
            log[N_("witness identity withheld")] += 1 if t["witness"] in holdings.identities else 0
        out_list.append(out)
    return out_list, shared, cited, witnessed


def _place_ref(place_id: RecordId, places: dict[str, dict[str, Any]], level: str | None,
               log: Counter[str]) -> str | None:
    if level is None:
        return place_id
    keep = PLACE_LEVELS[: PLACE_LEVELS.index(level) + 1]
    current = places.get(place_id)
    while current and current["level"] not in keep and current.get("parent"):
        log[N_("place coarsened")] += 1
        current = places.get(current["parent"])
    return current["id"] if current else None


def _incidents(holdings: Holdings, profile: Profile, shared: set[str],
               places: dict[str, dict[str, Any]], log: Counter[str]
               ) -> tuple[list[dict[str, Any]], set[str]]:
    """(incidents that leave, with every victim, and the ids of their person victims)."""
    out_list, victim_persons = [], set()
    for i in holdings.incidents:
        if not in_period(i["date"], profile):
            continue
        if not i.get("sources") and not any(t in shared for t in i.get("testimonies", [])):
            log[N_("incident withheld (its testimonies may not leave)")] += 1
            continue
        out: dict[str, Any] = {
            "id": i["id"], "type": i["type"],
            "date": coarse_date(i["date"], profile.coarsen_dates),
            "verification": i["verification"],
            "testimonies": [t for t in i.get("testimonies", []) if t in shared]}
        if i.get("place"):
            out["place"] = _place_ref(i["place"], places, profile.coarsen_places, log)
        if "perpetrator" in i:
            out["perpetrator"] = {"category": i["perpetrator"]["category"]}
            if "description" in i["perpetrator"]:
                log[N_("perpetrator description withheld (free text)")] += 1
        if "description" in i:
            log[N_("incident description withheld (free text)")] += 1
        if "sources" in i:
            out["sources"] = i["sources"]
        victims = []
        for v in i.get("victims", []):
            status = {"status": v["status"]} if "status" in v else {}
            if "person" in v:
                victim_persons.add(v["person"])
                victims.append({"person": holdings.pseudonym(v["person"]), **status})
            else:
                group = {k: v["group"][k] for k in ("count", "qualifier", "breakdown")
                         if k in v["group"]}
                # counted in the log only if the group leaves (its incident's figure shown)
                victims.append({"group": group, **status,
                                **({"_label": True} if "label" in v["group"] else {})})
        out["victims"] = victims
        out_list.append(out)
    return out_list, victim_persons


def _persons(holdings: Holdings, needed: set[str]) -> dict[str, dict[str, Any]]:
    """person id -> the person as it would leave (pseudonym and attributes)."""
    out: dict[str, dict[str, Any]] = {}
    for p in holdings.persons:
        if p["id"] not in needed:
            continue
        person: dict[str, Any] = {"pseudonym": holdings.pseudonym(p["id"]), "sex": p["sex"]}
        if "age" in p or "age_group" in p:
            person["age_group"] = p.get("age_group") or (
                "child" if int(p["age"]) < 18 else "adult")
        if "occupation" in p:
            person["occupation"] = p["occupation"]
        out[p["id"]] = person
    return out


def _places(incidents: list[dict[str, Any]], places: dict[str, dict[str, Any]],
            profile: Profile, log: Counter[str]) -> list[dict[str, Any]]:
    """The places the incidents (and figures) name, with the places enclosing them."""
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for pid in sorted({i["place"] for i in incidents if i.get("place")}):
        chain: str | None = pid
        while chain and chain in places and chain not in seen:
            seen.add(chain)
            place = places[chain]
            entry: dict[str, Any] = {k: place[k] for k in ("id", "name", "level", "parent")
                                     if k in place}
            if "coordinates" in place:
                if profile.coarsen_places:
                    log[N_("coordinates withheld (places coarsened)")] += 1
                else:
                    entry["coordinates"] = coarse_coordinates(place["coordinates"],
                                                              place["level"])
            out.append(entry)
            chain = place.get("parent")
    return out


def _aggregates(holdings: Holdings, profile: Profile, places: dict[str, dict[str, Any]],
                log: Counter[str]) -> list[dict[str, Any]]:
    """Other sources' figures, as they published them (their words withheld), with the
    place each is for, coarsened like an incident's."""
    out = []
    for a in holdings.aggregates:
        if not in_period(a["period"], profile):
            continue
        entry: dict[str, Any] = {k: a[k] for k in ("id", "source", "incident_type", "period",
                                                    "count", "qualifier", "breakdown") if k in a}
        entry["period"] = coarse_date(a["period"], profile.coarsen_dates
                                      and dates.month(a["period"]) is not None)
        if a.get("place"):
            place = _place_ref(a["place"], places, profile.coarsen_places, log)
            if place:
                entry["place"] = place
        out.append(entry)
    return out
