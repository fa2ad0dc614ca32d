"""Figures: the report's monthly arrest table, documented and reported kept apart."""

from __future__ import annotations

import uuid

from testimony_app.core.session import Session

SNHR = "Syrian Network for Human Rights"
# The report's table: July to December 2016, Aleppo governorate.
REPORT_TABLE = {
    "2016-07": (61, 11, 10),
    "2016-08": (48, 8, 6),
    "2016-09": (65, 6, 7),
    "2016-10": (89, 4, 9),
    "2016-11": (61, 13, 11),
    "2016-12": (1897, 47, 21),
}


def test_stats_by_month_reproduce_the_report_table(demo_session: Session) -> None:
    rows = demo_session.stats("month").rows
    snhr = {r["month"]: (r["victims"], r["women"], r["children"])
            for r in rows if r["source"] == SNHR and r["incident_type"] == "arbitrary_arrest"
            and not r["spans_months"]}
    assert snhr == REPORT_TABLE
    assert all(r["qualifier"] == "at_least" for r in rows if r["source"] == SNHR
               and r["incident_type"] == "arbitrary_arrest")


def test_documented_and_reported_are_never_added_together(demo_session: Session) -> None:
    rows = demo_session.stats("month").rows
    december = [r for r in rows if r["month"] == "2016-12"
                and r["incident_type"] == "arbitrary_arrest"]
    sources = {r["source"] for r in december}
    assert "documented" in sources and SNHR in sources
    snhr = next(r for r in december if r["source"] == SNHR)
    assert snhr["victims"] == 1897


def test_the_six_month_total_is_not_filed_under_a_month(demo_session: Session) -> None:
    figures = demo_session.stats("month")
    (total,) = [r for r in figures.rows if r["victims"] == 2367]
    assert (total["month"], total["spans_months"]) == ("2016-07/2016-12", True)


def test_groupings_by_type_and_place(demo_session: Session) -> None:
    by_type = demo_session.stats("type").rows
    assert {"incident_type", "source", "victims", "women", "children"} <= set(by_type[0])
    by_place = demo_session.stats("place").rows
    assert any(r["source"] == "documented" and r["place"] for r in by_place)


def test_counts_of_groups_and_individuals(session: Session) -> None:
    pid = [str(uuid.uuid4()) for _ in range(3)]
    persons = [{"id": pid[0], "sex": "female", "age": 30},
               {"id": pid[1], "sex": "male", "age_group": "child"},
               {"id": pid[2], "sex": "male", "age": 40}]
    incident = {"id": str(uuid.uuid4()), "type": "summary_execution",
                "verification": "unverified",
                "date": {"precision": "approximate", "from": "2016-12-01", "to": "2016-12-10"},
                "victims": [{"person": p} for p in pid] + [
                    {"group": {"count": 7, "qualifier": "perhaps_more",
                               "breakdown": {"women": 2, "girls": 1, "boys": 1}}}]}
    session.add_document({"format": "testimony/1", "persons": persons, "incidents": [incident]})
    (row,) = session.stats("month").rows
    assert {k: row[k] for k in ("month", "incident_type", "source", "victims", "women",
                                "children", "qualifier", "records", "computed")} == {
        "month": "2016-12", "incident_type": "summary_execution", "source": "documented",
        "victims": 10, "women": 3, "children": 3, "qualifier": "perhaps_more", "records": 1,
        "computed": True}
    assert row["parts"] == [incident["id"]]
