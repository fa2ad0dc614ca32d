"""The Uwazi package: both languages, dates at the precision held, coordinates as the
disclosure policy leaves them, and nothing a suppressed figure hides."""

from __future__ import annotations

import csv
import io
import zipfile
from typing import Any

from testimony_app.core.audit import disclosure, uwazi

PLACES = [
    {"id": "gov", "name": {"en": "Aleppo Governorate", "ar": "محافظة حلب"},
     "level": "governorate"},
    {"id": "city", "name": {"en": "Aleppo", "ar": "حلب"}, "level": "city", "parent": "gov",
     "coordinates": {"lat": 36.2021, "lon": 37.1343, "precision_m": 10000}},
    {"id": "hood", "name": {"en": "Jibreen", "ar": "جبرين"}, "level": "neighbourhood",
     "parent": "city", "coordinates": {"lat": 36.18771, "lon": 37.22049, "precision_m": 5}},
    {"id": "site", "name": {"en": "Checkpoint", "ar": "الحاجز"}, "level": "site",
     "parent": "hood", "coordinates": {"lat": 36.187712, "lon": 37.220493, "precision_m": 5}},
]


def incident(number: int, date: dict[str, Any], place: str, victims: int) -> dict[str, Any]:
    return {"id": f"i{number}", "type": "arbitrary_arrest", "date": date, "place": place,
            "verification": "verified", "sources": ["s"],
            "perpetrator": {"category": "government_forces"},
            "victims": [{"group": {"count": victims, "qualifier": "at_least"},
                         "status": "detained"}]}


INCIDENTS = [
    incident(1, {"precision": "day", "value": "2016-12-14"}, "site", 12),
    incident(2, {"precision": "month", "value": "2016-07"}, "hood", 9),
    incident(3, {"precision": "approximate", "from": "2016-11-01", "to": "2016-11-10",
                 "text": "early November"}, "city", 6),
    incident(4, {"precision": "before", "value": "2016-10-15"}, "site", 2),  # small figure
    incident(5, {"precision": "range", "from": "2016-09-01", "to": "2016-09-03"}, "gov", 5),
]


def package_rows(**profile: Any) -> list[dict[str, str]]:
    holdings = disclosure.Holdings(
        sources=[{"id": "s", "name": "S", "kind": "organisation"}], places=PLACES,
        persons=[], testimonies=[], incidents=INCIDENTS, aggregates=[], identities={},
        witnesses=frozenset(), pseudonym=lambda p: f"A-{p}", narrate=lambda t: None)
    result = disclosure.decide(holdings, disclosure.Profile(**profile))
    with zipfile.ZipFile(io.BytesIO(uwazi.package(result.records))) as archive:
        assert archive.namelist() == ["import.csv"]
        text = archive.read("import.csv").decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def test_dates_at_the_precision_held_and_titles_that_invent_no_day() -> None:
    day, month, approximate, before, span = package_rows()
    assert (day["date"], day["date_range"]) == ("2016/12/14", "")
    assert (month["date"], month["date_range"]) == ("", "2016/07/01:2016/07/31")
    assert approximate["date_range"] == "2016/11/01:2016/11/10"
    assert before["date_range"] == ":2016/10/15"
    assert span["date_range"] == "2016/09/01:2016/09/03"
    assert month["title__en"] == "Arbitrary arrest — 2016-07 — Aleppo Governorate::Jibreen"
    assert "2016-07-01" not in month["title__en"] + month["title__ar"]
    assert "about 2016-11-01 – 2016-11-10" in approximate["title__en"]
    assert "نحو 2016-11-01 – 2016-11-10" in approximate["title__ar"]
    assert "early November" not in approximate["title__en"]  # the source's words stay home
    assert "before 2016-10-15" in before["title__en"] and "قبل 2016-10-15" in before["title__ar"]
    # to the month only: still no day invented, and a span covers whole months
    day, month, approximate, _before, span = package_rows(coarsen_dates=True)
    assert (day["date"], day["date_range"]) == ("", "2016/12/01:2016/12/31")
    assert "— 2016-12 —" in day["title__en"]
    assert span["date_range"] == "2016/09/01:2016/09/30"


def test_list_values_in_english_and_arabic() -> None:
    row = package_rows()[0]
    assert (row["incident_type__en"], row["incident_type__ar"]) == ("Arbitrary arrest",
                                                                    "اعتقال تعسفي")
    assert (row["place__en"], row["place__ar"]) == ("Aleppo Governorate::Checkpoint",
                                                    "محافظة حلب::الحاجز")
    assert row["title__ar"] == "اعتقال تعسفي — 2016-12-14 — محافظة حلب::الحاجز"
    assert (row["perpetrator__en"], row["perpetrator__ar"]) == ("Government forces",
                                                                "القوات الحكومية")
    assert (row["verification__en"], row["verification__ar"]) == ("Verified", "متحقق منه")
    assert (row["victim_status__en"], row["victim_status__ar"]) == ("Detained", "محتجز")
    header = list(row)
    assert "incident_type" not in header  # Uwazi refuses a property with and without language


def test_coordinates_follow_place_coarsening() -> None:
    site, hood, city, _before, gov = package_rows()
    assert site["location_geolocation"] == "36.1877|37.2205"  # a site: about 11 m
    assert hood["location_geolocation"] == "36.19|37.22"  # a neighbourhood: about 1 km
    assert city["location_geolocation"] == "36.2|37.1"  # a city: about 11 km
    assert gov["location_geolocation"] == ""  # none recorded
    for level in ("city", "governorate"):
        rows = package_rows(coarsen_places=level)
        assert {r["location_geolocation"] for r in rows} == {""}
        assert "Checkpoint" not in str(rows) and "Jibreen" not in str(rows)


def test_a_small_figure_leaves_no_count_in_the_package() -> None:
    rows = package_rows()
    small = rows[3]
    assert small["victims"] == "" and small["victim_status__en"] == ""
    assert small["victims_shown__en"] == "Withheld (small figure)"
    assert small["victims_shown__ar"] == "محجوب (رقم صغير)"
    assert rows[0]["victims"] == "12" and rows[0]["victims_shown__en"] == "Victims listed"
    rows = package_rows(threshold=13)
    assert rows[0]["victims"] == ""
