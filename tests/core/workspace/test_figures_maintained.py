"""Figures summed from the rows kept with each incident and person
(core/records/figure_facts.py) must be the figures counted from the records
themselves, for every grouping and place level, after every kind of change: an
incident added, edited, deleted; a person's sex or age changed; duplicates merged and
unmerged; a vault of an earlier version migrated. `check` reports rows that drifted.

The reference below is the count the app made before the rows were kept: it reads
every incident and person record, one incident at a time."""

from __future__ import annotations

import json
import random
import uuid
from pathlib import Path
from typing import Any

import pytest

from testimony_app.core.identity import duplicates
from testimony_app.core.records import figure_facts, tables
from testimony_app.core.records.figure_facts import Part, age_group, month_key, split
from testimony_app.core.session import Session
from testimony_app.core.vault import migrations
from testimony_app.core.workspace import stats
from testimony_app.core.workspace.stats import CATEGORY, DOCUMENTED, GROUPINGS, Places

LEVELS = (None, "governorate", "city", "neighbourhood")
TYPES = ("arbitrary_arrest", "summary_execution", "killing_shelling", "torture")
STATUSES = ("killed", "injured", "detained", "disappeared", "unknown")
PERPETRATORS = ("government_forces", "armed_opposition", "unknown")
QUALIFIERS = ("exact", "at_least", "approximately", "perhaps_more", "at_most")
CODES = ("women", "men", "girls", "boys", "children", "females", "males", "adults",
         "elderly", "civilians", "wounded")


def reference(conn: Any, by: str, level: str | None) -> list[dict[str, Any]]:
    """The documented rows as counted from the records (the former `stats.compute`)."""
    merged = duplicates.canonical(conn)
    persons = {p["id"]: p for p in tables.of_kind(conn, "person")}
    places = Places(tables.of_kind(conn, "place"))
    rows: dict[tuple[str, ...], dict[str, Any]] = {}

    def key_for(category: str, month: str, type_: str, place: str | None) -> dict[str, str]:
        if by == "month":
            return {"month": month, "incident_type": type_, "source": DOCUMENTED}
        if by == "type":
            return {"incident_type": type_, "source": DOCUMENTED}
        if by == "place":
            return {**places.key(places.at_level(place, level)), "incident_type": type_,
                    "source": DOCUMENTED}
        return {CATEGORY[by]: category, "incident_type": type_, "source": DOCUMENTED}

    def add(key: dict[str, str], record_id: str, part: Part | None,
            person: str | None = None) -> None:
        row = rows.setdefault(tuple(key.values()), {
            "key": key, "ids": set(), "persons": set(), "victims": 0, "q": set(),
            "women": 0, "wq": set(), "children": 0, "cq": set()})
        row["ids"].add(record_id)
        if part is None:
            return
        if person is not None:
            if person in row["persons"]:
                return
            row["persons"].add(person)
        row["victims"] += part.victims
        row["q"].add(part.qualifier)
        if part.women:
            row["women"] += part.women
            row["wq"].add(part.women_qualifier)
        if part.children:
            row["children"] += part.children
            row["cq"].add(part.children_qualifier)

    for incident in tables.each_of_kind(conn, "incident"):
        month = month_key(incident["date"])
        type_, place = incident["type"], incident.get("place")
        perpetrator = incident.get("perpetrator", {}).get("category", "unknown")
        if by in ("month", "type", "place", "perpetrator"):
            add(key_for(perpetrator, month, type_, place), incident["id"], None)
        for victim in incident.get("victims", []):
            status = victim.get("status", "unknown")
            context = perpetrator if by == "perpetrator" else status
            if "group" in victim:
                group = victim["group"]
                for part in split(by, context, group["count"], group["qualifier"],
                                  group.get("breakdown", {})):
                    add(key_for(part.category, month, type_, place), incident["id"], part)
                continue
            pid = merged.get(victim["person"], victim["person"])
            person = persons.get(pid) or persons.get(victim["person"], {})
            group_of_age = age_group(person)
            sex = str(person.get("sex", "unknown"))
            child = group_of_age == "child"
            woman = sex == "female" and not child
            category = {"sex": sex, "age_group": group_of_age}.get(by, context)
            add(key_for(category, month, type_, place), incident["id"],
                Part(category, 1, "exact", int(woman), "exact", int(child), "exact"), pid)
    return sorted(
        ({**r["key"], "kind": DOCUMENTED, "computed": True, "victims": r["victims"],
          "qualifier": stats.combine(r["q"]), "women": r["women"],
          "women_qualifier": stats.combine(r["wq"]), "children": r["children"],
          "children_qualifier": stats.combine(r["cq"]), "records": len(r["ids"]),
          "parts": sorted(r["ids"]), "spans_months": "/" in r["key"].get("month", "")}
         for r in rows.values()), key=lambda row: json.dumps(row, sort_keys=True))


def documented(session: Session, by: str, level: str | None) -> list[dict[str, Any]]:
    rows = stats.compute(session.conn, by=by, level=level).rows
    return sorted((r for r in rows if r["kind"] == DOCUMENTED),
                  key=lambda row: json.dumps(row, sort_keys=True))


def assert_as_counted_from_records(session: Session) -> None:
    for by in GROUPINGS:
        for level in LEVELS if by == "place" else (None,):
            assert documented(session, by, level) == reference(session.conn, by, level), (
                by, level)
    assert figure_facts.problems(session.conn) == []


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _date(rng: random.Random) -> dict[str, Any]:
    day = f"2016-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    return rng.choice([
        {"precision": "day", "value": day},
        {"precision": "month", "value": day[:7]},
        {"precision": "range", "from": day, "to": "2016-12-31"},
        {"precision": "approximate", "from": "2016-11-20", "to": "2016-12-05"},
        {"precision": "before", "value": day},
        {"precision": "after", "value": day},
        {"precision": "year", "value": "2016"}])


def _breakdown(rng: random.Random) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for code in rng.sample(CODES, rng.randint(0, 4)):
        count = rng.randint(0, 6)
        out[code] = count if rng.random() < 0.5 else {"count": count,
                                                       "qualifier": rng.choice(QUALIFIERS)}
    return out


def document(rng: random.Random, incidents: int = 60) -> dict[str, Any]:
    """Places in a hierarchy, persons of every sex and age, incidents with named
    victims (some named twice) and groups with and without breakdowns."""
    country = {"id": _uuid(rng), "name": {"en": "Syria"}, "level": "country"}
    governorate = {"id": _uuid(rng), "name": {"en": "Aleppo governorate"},
                   "level": "governorate", "parent": country["id"]}
    city = {"id": _uuid(rng), "name": {"en": "Aleppo"}, "level": "city",
            "parent": governorate["id"]}
    quarters = [{"id": _uuid(rng), "name": {"en": f"Quarter {n}"}, "level": "neighbourhood",
                 "parent": city["id"]} for n in range(4)]
    places = [country, governorate, city, *quarters]
    persons = []
    for _n in range(25):
        person: dict[str, Any] = {"id": _uuid(rng),
                                  "sex": rng.choice(("female", "male", "unknown"))}
        if rng.random() < 0.5:
            person["age"] = rng.randint(0, 90)
        if rng.random() < 0.5:
            person["age_group"] = rng.choice(("child", "adult", "elderly", "unknown"))
        persons.append(person)
    out = []
    for _n in range(incidents):
        victims: list[dict[str, Any]] = []
        for _v in range(rng.randint(0, 4)):
            victim: dict[str, Any]
            if rng.random() < 0.6:
                victim = {"person": rng.choice(persons)["id"]}
            else:
                victim = {"group": {"count": rng.randint(0, 30),
                                    "qualifier": rng.choice(QUALIFIERS)}}
                if rng.random() < 0.7:
                    victim["group"]["breakdown"] = _breakdown(rng)
            if rng.random() < 0.7:
                victim["status"] = rng.choice(STATUSES)
            victims.append(victim)
        incident: dict[str, Any] = {"id": _uuid(rng), "type": rng.choice(TYPES),
                                    "verification": "unverified", "date": _date(rng),
                                    "victims": victims}
        if rng.random() < 0.8:
            incident["place"] = rng.choice(places)["id"]
        if rng.random() < 0.7:
            incident["perpetrator"] = {"category": rng.choice(PERPETRATORS)}
        out.append(incident)
    return {"format": "testimony/1", "places": places, "persons": persons, "incidents": out}


def _valid(doc: dict[str, Any]) -> dict[str, Any]:
    """Drop breakdowns the vault refuses (parts larger than their whole)."""
    from testimony_app.core.records import breakdown

    for incident in doc["incidents"]:
        for victim in incident["victims"]:
            group = victim.get("group")
            if group and breakdown.problems(group.get("breakdown"), group["count"]):
                group.pop("breakdown")
    return doc


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_figures_are_those_counted_from_the_records(session: Session, seed: int) -> None:
    session.add_document(_valid(document(random.Random(seed))))
    assert_as_counted_from_records(session)


def test_the_demo_figures_are_those_counted_from_the_records(demo_session: Session) -> None:
    assert_as_counted_from_records(demo_session)


def test_figures_follow_every_change(session: Session) -> None:
    rng = random.Random(7)
    doc = _valid(document(rng, incidents=40))
    session.add_document(doc)
    incidents, persons = doc["incidents"], doc["persons"]
    # an incident edited: other victims, another month and place
    edited = {**incidents[0], "date": {"precision": "day", "value": "2015-03-02"},
              "victims": [{"person": persons[0]["id"], "status": "killed"},
                          {"group": {"count": 5, "qualifier": "at_least",
                                     "breakdown": {"women": 2}}}]}
    session.add_document({"format": "testimony/1", "incidents": [edited]})
    assert_as_counted_from_records(session)
    # a person's sex and age changed: every incident naming them counts them anew
    named = next(p for p in persons if any(v.get("person") == p["id"]
                                           for i in incidents[1:] for v in i["victims"]))
    session.add_document({"format": "testimony/1", "persons": [
        {"id": named["id"], "sex": "female", "age": 9}]})
    assert_as_counted_from_records(session)
    # duplicates merged (either way round, then undone): counted once per cell
    a, b, c = persons[1]["id"], persons[2]["id"], persons[3]["id"]
    session.merge_persons(a, b)
    session.merge_persons(c, a)
    assert_as_counted_from_records(session)
    session.unmerge_person(a)
    assert_as_counted_from_records(session)
    # an incident deleted takes its rows with it
    session.delete(incidents[5]["id"])
    assert_as_counted_from_records(session)
    assert not session.conn.execute("SELECT 1 FROM incident_facts WHERE incident_id = ?",
                                    (incidents[5]["id"],)).fetchone()


def test_check_reports_figures_that_drifted_from_their_records(session: Session) -> None:
    session.add_document(_valid(document(random.Random(11), incidents=10)))
    assert session.check() == []
    session.conn.execute("UPDATE incident_facts SET victims = victims + 1 WHERE incident_id = "
                         "(SELECT incident_id FROM incident_facts WHERE mode = 'incident' "
                         "LIMIT 1) AND mode = 'incident'")
    session.conn.execute("UPDATE person_facts SET sex = 'female' WHERE person_id = "
                         "(SELECT person_id FROM person_facts WHERE sex != 'female' LIMIT 1)")
    problems = session.check()
    assert any(p.startswith("figures:") and "2 records" in p for p in problems), problems


def test_an_earlier_vault_gains_its_figures_rows_when_opened(session: Session,
                                                             vault_dir: Path) -> None:
    session.add_document(_valid(document(random.Random(5), incidents=30)))
    conn = session.conn
    before = {by: documented(session, by, None) for by in GROUPINGS}
    conn.execute("DROP TABLE incident_facts")
    conn.execute("DROP TABLE person_facts")
    conn.execute("PRAGMA user_version = 15")  # the version before the figures' rows (16)
    key = session.data_key()
    session.close()
    with Session.open_with_key(vault_dir, key) as again:
        assert again.conn.execute("PRAGMA user_version").fetchone()[0] == migrations.LATEST
        assert {by: documented(again, by, None) for by in GROUPINGS} == before
        assert_as_counted_from_records(again)
        assert again.check() == []
