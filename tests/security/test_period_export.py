"""An export of one period reads only the testimonies and incidents whose dates can
fall in it (their first and last day, kept beside each record), and sends exactly
what reading every record sent: the same records, the same log. A witness whose
testimony lies outside the period still keeps a public name home (the links say who
is whose witness; `check` finds links or days that differ from the records)."""

from __future__ import annotations

import random
import uuid
from typing import Any

import pytest

from testimony_app.core.audit import disclosure, redact
from testimony_app.core.records import record_days, tables
from tests.core.workspace.test_figures_maintained import _date, _uuid
from tests.sync_fixtures import Pair

PERIODS = [("2016-03-01", "2016-05-31"), ("2016-12-01", None), (None, "2016-02-15"),
           ("2016-06-15", "2016-06-15"), ("2016-11-20", "2016-11-30"), (None, None)]


def _testimony(rng: random.Random, witness: str | None = None,
               date: dict[str, Any] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": _uuid(rng), "status": rng.choice(("draft", "finalised")),
        "interview": {"date": date or _date(rng), "language": "en", "mode": "in_person"},
        "consent": {"scope": rng.choice(("internal", "publish_anonymised")),
                    "recorded_by": "team"}}
    if witness:
        out["witness"] = witness
    return out


def _document(rng: random.Random) -> dict[str, Any]:
    persons = [{"id": _uuid(rng), "sex": "female"} for _n in range(6)]
    testimonies = [_testimony(rng, rng.choice(persons)["id"]) for _n in range(40)]
    incidents = [{"id": _uuid(rng), "type": "arbitrary_arrest", "verification": "unverified",
                  "date": _date(rng), "testimonies": [rng.choice(testimonies)["id"]],
                  "victims": [{"person": rng.choice(persons)["id"], "status": "detained"}]}
                 for _n in range(40)]
    return {"format": "testimony/1", "persons": persons, "testimonies": testimonies,
            "incidents": incidents}


def _decided(pair: Pair, period: tuple[str | None, str | None], bounded: bool
             ) -> disclosure.Disclosure:
    conn = pair.coordinator.conn
    options = redact.Options(auditor="Auditor A", date_from=period[0], date_until=period[1])
    read = period if bounded else (None, None)
    return disclosure.decide(redact.holdings(conn, "Auditor A", None, read), options.profile_())


@pytest.mark.parametrize("period", PERIODS)
def test_a_period_sends_what_reading_every_record_sent(
        pair: Pair, period: tuple[str | None, str | None]) -> None:
    pair.coordinator.add_document(_document(random.Random(4)))
    redact.auditor_key(pair.coordinator.conn, "Auditor A")
    bounded, whole = _decided(pair, period, True), _decided(pair, period, False)
    assert bounded.records == whole.records
    assert bounded.log == whole.log
    if period == ("2016-06-15", "2016-06-15"):  # a day: far fewer testimonies read
        conn = pair.coordinator.conn
        read = sum(1 for _t in record_days.between(conn, "testimony", *period))
        assert 0 < read < len(tables.of_kind(conn, "testimony")) / 2


def test_a_record_without_its_days_is_still_read(pair: Pair) -> None:
    rng = random.Random(9)
    doc = _document(rng)
    pair.coordinator.add_document(doc)
    inside = next(t for t in doc["testimonies"]
                  if disclosure.in_period(t["interview"]["date"],
                                          disclosure.Profile(date_from="2016-06-01",
                                                             date_until="2016-08-31")))
    conn = pair.coordinator.conn
    conn.execute("DELETE FROM record_days WHERE record_id = ?",
                 (inside["id"],))
    read = {t["id"] for t in record_days.between(conn, "testimony", "2016-06-01",
                                                          "2016-08-31")}
    assert inside["id"] in read
    assert any(p.startswith("periods:") for p in pair.coordinator.check())


def test_a_witness_outside_the_period_keeps_a_public_name_home(pair: Pair) -> None:
    coordinator = pair.coordinator
    known, source, incident = (str(uuid.uuid4()) for _n in range(3))
    coordinator.add_document({
        "format": "testimony/1",
        "sources": [{"id": source, "name": "A published report", "kind": "organisation"}],
        "persons": [{"id": known, "sex": "male", "identity": {
            "name": {"en": "Known Public Name"}, "public_domain": True}}],
        "testimonies": [_testimony(random.Random(1), known,
                                   {"precision": "day", "value": "2012-03-01"})],
        "incidents": [{"id": incident, "type": "arbitrary_arrest", "verification": "verified",
                       "date": {"precision": "day", "value": "2016-12-14"},
                       "sources": [source],
                       "victims": [{"person": known, "status": "detained"},
                                   {"group": {"count": 10, "qualifier": "exact"},
                                    "status": "detained"}]}]})
    redact.auditor_key(coordinator.conn, "Auditor A")
    result = _decided(pair, ("2016-01-01", None), True)
    (person,) = result.records["persons"]  # the victim leaves, under a pseudonym only
    assert "public_name" not in person
    assert "Known Public Name" not in repr(result.records)
    # the links are what says so: without the witness's link, check tells
    assert coordinator.check() == []
    coordinator.conn.execute("DELETE FROM links WHERE role = 'witness' AND to_id = ?", (known,))
    assert any(p.startswith("links:") for p in coordinator.check())
