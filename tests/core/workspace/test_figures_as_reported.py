"""Every figure `stats` shows is one a source published, or one labelled as computed
here with its parts: on the demo data, and on generated sets where one source reports
several places, months and spans."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from pathlib import Path
from typing import Any

from testimony_app.core.records import breakdown, dates
from testimony_app.core.session import Session
from testimony_app.core.sync import bundle
from testimony_app.core.workspace import stats
from tests.sync_fixtures import Pair

NS = uuid.uuid5(uuid.NAMESPACE_URL, "https://testimony.invalid/seeds/aleppo-2016")
REPORT = "An Agonizing Farewell"


def uid(key: str) -> str:
    return str(uuid.uuid5(NS, key))


# -- the report's figures, as the report gives them ------------------------------------


def test_two_places_of_one_source_are_not_merged(demo_session: Session) -> None:
    """"Over 500" killed in east Aleppo and "around 29" in the west were one "~529"."""
    rows = [r for r in demo_session.stats("month").rows if r["month"] == "2016-11"
            and r["incident_type"] == "killing_other"]
    assert sorted((r["victims"], r["qualifier"], r["figure_place"], r["kind"]) for r in rows) \
        == [(29, "approximately", "West Aleppo", "reported"),
            (500, "at_least", "East Aleppo", "reported")]
    everything = {r["victims"] for by in stats.GROUPINGS for r in demo_session.stats(by).rows}
    assert 529 not in everything
    # Asked for, a total is labelled as computed here, with its parts and the weakest
    # qualifier of the two.
    rows = [r for r in demo_session.stats("month", totals=True).rows
            if r["month"] == "2016-11" and r["incident_type"] == "killing_other"]
    (total,) = [r for r in rows if r["kind"] == stats.TOTAL]
    assert (total["victims"], total["qualifier"], total["computed"]) == (529, "approximately",
                                                                         True)
    assert sorted(total["parts"]) == sorted(uid(f"aggregate:report-killed-{side}-aleppo-"
                                                "2016-11-15-28") for side in ("east", "west"))
    text = stats.figure_text(total)
    assert "computed here" in text and "at least 500" in text and "about 29" in text


def test_up_to_and_almost_keep_their_words(demo_session: Session) -> None:
    rows = {r["id"]: r for r in demo_session.stats("type").rows if r["kind"] == "reported"}
    mod = rows[uid("aggregate:ru-mod-left-east-aleppo")]
    assert (mod["victims"], mod["qualifier"]) == (10500, "at_most")
    assert stats.figure_text(mod).startswith("up to 10500 (4015 children)")
    who = rows[uid("aggregate:who-patients-referred")]
    assert (who["women"], who["women_qualifier"]) == (100, "exact")
    assert (who["children"], who["children_qualifier"]) == (150, "approximately")
    assert "100 women, about 150 children" in stats.figure_text(who)


def test_the_evacuation_of_15_december_keeps_its_three_parts(demo_session: Session) -> None:
    """"299 children, 678 civilian adults and 28 wounded": the three as given, and the
    1,005 that the report never printed marked as the sum of its parts."""
    record = uid("aggregate:report-evacuated-2016-12-15")
    (shown,) = demo_session.show(record)["aggregates"]
    assert shown["breakdown"] == {"children": {"count": 299, "qualifier": "exact"},
                                  "civilian_adults": {"count": 678, "qualifier": "exact"},
                                  "wounded": {"count": 28, "qualifier": "exact"}}
    assert shown["count_from_parts"] is True
    (row,) = [r for r in demo_session.stats("month").rows if r.get("id") == record]
    assert stats.figure_text(row).startswith(
        "1005 (computed here from its parts: 299 children, 678 civilian adults, 28 wounded)")


def test_four_male_members_are_counted_as_male(demo_session: Session) -> None:
    mayasser = uid("incident:2016-12-arrest-mayasser-family")
    (shown,) = demo_session.show(mayasser)["incidents"]
    assert shown["victims"][0]["group"]["breakdown"] == {"males": {"count": 4,
                                                                  "qualifier": "exact"}}
    rows = demo_session.stats("sex").rows
    (male,) = [r for r in rows if r["kind"] == "documented" and r["sex"] == "male"
               and r["incident_type"] == "arbitrary_arrest"]
    assert mayasser in male["parts"]
    assert not any(mayasser in r["parts"] for r in rows if r["kind"] == "documented"
                   and r["sex"] == "unknown" and r["incident_type"] == "arbitrary_arrest")


def test_an_arrest_placed_across_months_is_not_filed_under_the_first(
        demo_session: Session) -> None:
    mayasser = uid("incident:2016-12-arrest-mayasser-family")
    rows = [r for r in demo_session.stats("month").rows if r["kind"] == "documented"
            and mayasser in r["parts"]]
    assert [(r["month"], r["spans_months"]) for r in rows] == [("2016-11/2016-12", True)]
    assert stats.month_label("2016-11/2016-12") == "2016-11 to 2016-12 (spans months)"


def test_report_figures_round_trip_through_a_bundle(pair: Pair, tmp_path: Path) -> None:
    r, c = pair.researcher, pair.coordinator
    source = {"id": str(uuid.uuid4()), "name": "Ministry", "kind": "government"}
    place = {"id": str(uuid.uuid4()), "name": {"en": "East"}, "level": "district",
             "coordinates": {"lat": 36.21, "lon": 37.17, "precision_m": 2000}}
    figure = {"id": str(uuid.uuid4()), "source": source["id"],
              "incident_type": "forced_displacement",
              "period": {"precision": "before", "value": "2016-12-08"}, "place": place["id"],
              "count": 10500, "count_from_parts": False, "qualifier": "at_most",
              "breakdown": {"children": {"count": 4015, "qualifier": "exact"},
                            "wounded": {"count": 28, "qualifier": "at_least"},
                            "detainees_released": 3, "fighters": {"count": 2,
                                                                  "qualifier": "perhaps_more"}}}
    r.add_document({"format": "testimony/1", "sources": [source], "places": [place],
                    "aggregates": [figure]})
    exported = bundle.export(r, tmp_path / "b.age")
    bundle.import_bundle(c, exported.path)
    assert c.show(figure["id"])["aggregates"] == [figure]
    assert c.show(place["id"])["places"] == [place]


# -- generated sets: one source, several places, months and spans ----------------------


PLACES = [("gov", None, "governorate"), ("city", "gov", "city"), ("east", "city", "district"),
          ("west", "city", "district"), ("north", "city", "district")]
QUALIFIERS = ["exact", "at_least", "approximately", "perhaps_more", "at_most"]


def _period(rng: random.Random) -> dict[str, Any]:
    start = dt.date(2016, 9, 1) + dt.timedelta(days=rng.randrange(150))
    kind = rng.choice(["day", "month", "range", "approximate", "before", "after"])
    if kind == "day":
        return {"precision": "day", "value": start.isoformat()}
    if kind == "month":
        return {"precision": "month", "value": start.isoformat()[:7]}
    if kind in ("before", "after"):
        return {"precision": kind, "value": start.isoformat()}
    end = start + dt.timedelta(days=rng.randrange(1, 70))
    return {"precision": kind, "from": start.isoformat(), "to": end.isoformat()}


def _generated(rng: random.Random, places: dict[str, str]) -> tuple[list[Any], list[Any]]:
    sources = [{"id": str(uuid.uuid4()), "name": f"Org {i}", "kind": "organisation"}
               for i in range(2)]
    aggregates = []
    for _i in range(25):
        count = rng.randrange(1, 5000)
        given: dict[str, Any] = {}
        for code in rng.sample(["women", "children", "males", "civilian_adults", "wounded"],
                               rng.randrange(0, 3)):
            given[code] = {"count": rng.randrange(0, count // 4 + 1),
                           "qualifier": rng.choice(QUALIFIERS)}
        aggregates.append({"id": str(uuid.uuid4()), "source": rng.choice(sources)["id"],
                           "incident_type": rng.choice(["arbitrary_arrest", "killing_other"]),
                           "period": _period(rng), "count": count,
                           "qualifier": rng.choice(QUALIFIERS),
                           **({"place": places[rng.choice(list(places))]}
                              if rng.random() < 0.9 else {}),
                           **({"breakdown": given} if given else {})})
    return sources, aggregates


def test_generated_figures_are_shown_as_published(session: Session) -> None:
    ids = {key: str(uuid.uuid4()) for key, _p, _l in PLACES}
    session.add_document({"format": "testimony/1", "places": [
        {"id": ids[k], "name": {"en": k}, "level": level,
         **({"parent": ids[parent]} if parent else {})} for k, parent, level in PLACES]})
    rng = random.Random(20161215)
    for _round in range(4):
        sources, aggregates = _generated(rng, ids)
        session.add_document({"format": "testimony/1", "sources": sources,
                              "aggregates": aggregates})
    published = {a["id"]: a for a in session.list_records("aggregate") for a in [a.data]}
    for by in stats.GROUPINGS:
        for totals in (False, True):
            figures = session.stats(by, "district" if by == "place" else None, totals=totals)
            seen: dict[str, int] = {}
            for row in figures.rows:
                assert row["kind"] in (stats.REPORTED, stats.TOTAL), row
                if row["kind"] == stats.TOTAL:
                    assert totals and row["computed"]
                    parts = [published[p] for p in row["parts"]]
                    assert len({p["source"] for p in parts}) == 1
                    if not row["part"]:
                        assert row["victims"] == sum(p["count"] for p in parts)
                        assert row["qualifier"] == stats.combine(p["qualifier"] for p in parts)
                    continue
                agg = published[row["id"]]
                if row["part"]:  # a part its source gave, with its own qualifier
                    assert (row["victims"], row["qualifier"]) == breakdown.part(
                        agg["breakdown"][row["part"]], agg["qualifier"])
                else:
                    assert (row["victims"], row["qualifier"]) == (agg["count"],
                                                                  agg["qualifier"])
                    seen[row["id"]] = seen.get(row["id"], 0) + 1
                if by == "month":
                    key = row["month"]
                    first, last = dates.start(agg["period"]), dates.end(agg["period"])
                    if stats.spans_months(key):
                        assert first[:7] != last[:7] and row["spans_months"]
                    else:
                        assert first[:7] == last[:7] == key
            assert seen == dict.fromkeys(published, 1), by
