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


def _sealed_unopenable_when_written(pair: Pair, known: str,
                                    monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """A wholly sealed testimony whose witness is `known`, outside the period, written
    while this vault could not open its seal (as a version whose schema lacked a field
    the testimony holds): its links were made from the sealed stub, without the witness."""
    from testimony_app.core.common.errors import ValidationFailed
    from testimony_app.core.identity import seal
    from testimony_app.core.records import interchange, sealed
    from testimony_app.core.vault import org

    conn = pair.coordinator.conn
    full = _testimony(random.Random(1), known, {"precision": "day", "value": "2012-03-01"})
    full.update(status="finalised",
                amendments=[{"at": "2016-01-02T10:00:00Z", "reason": "corrected"}])
    stub = {**seal.stub(full), "sealed": sealed._seal_bytes(
        sealed._padded(full), org.require_org(conn).recipients)}
    real = interchange.validate

    def without_amendments(document: Any) -> None:
        if any("amendments" in t for t in document.get("testimonies", [])):
            raise ValidationFailed([("$", "additional property")])
        real(document)

    with monkeypatch.context() as patched:
        patched.setattr(interchange, "validate", without_amendments)
        pair.coordinator.add_document({"format": "testimony/1", "testimonies": [stub]})
    assert not conn.execute("SELECT 1 FROM links WHERE role = 'witness' AND to_id = ?",
                            (known,)).fetchone()
    assert seal.opened(conn, stub)["witness"] == known  # this version opens it
    return stub


def _public_victim(pair: Pair) -> str:
    known, source = str(uuid.uuid4()), str(uuid.uuid4())
    pair.coordinator.add_document({
        "format": "testimony/1",
        "sources": [{"id": source, "name": "A published report", "kind": "organisation"}],
        "persons": [{"id": known, "sex": "male", "identity": {
            "name": {"en": "Known Public Name"}, "public_domain": True}}],
        "incidents": [{"id": str(uuid.uuid4()), "type": "arbitrary_arrest",
                       "verification": "verified", "sources": [source],
                       "date": {"precision": "day", "value": "2016-12-14"},
                       "victims": [{"person": known, "status": "detained"},
                                   {"group": {"count": 10, "qualifier": "exact"},
                                    "status": "detained"}]}]})
    return known


def test_a_seal_this_vault_could_not_open_when_written_still_keeps_the_name_home(
        pair: Pair, monkeypatch: pytest.MonkeyPatch) -> None:
    known = _public_victim(pair)
    _sealed_unopenable_when_written(pair, known, monkeypatch)
    redact.auditor_key(pair.coordinator.conn, "Auditor A")
    options = redact.Options(auditor="Auditor A", date_from="2016-01-01")
    assert "Known Public Name" not in repr(redact.disclose(pair.coordinator.conn,
                                                           options).records)


def test_the_upgrade_makes_stale_links_again(pair: Pair, monkeypatch: pytest.MonkeyPatch
                                              ) -> None:
    """A vault from before the days were kept: its links made by a version that could not
    open a seal are made again from what the seal holds."""
    from testimony_app.core.session import Session

    known = _public_victim(pair)
    stub = _sealed_unopenable_when_written(pair, known, monkeypatch)
    coordinator = pair.coordinator
    coordinator.conn.execute("DELETE FROM unopened_seals")  # an earlier version kept none
    coordinator.conn.execute("PRAGMA user_version = 17")
    folder, key = coordinator.folder, coordinator.data_key()
    coordinator.close()
    with Session.open_with_key(folder, key) as again:
        assert again.conn.execute(
            "SELECT 1 FROM links WHERE from_id = ? AND role = 'witness' AND to_id = ?",
            (stub["id"], known)).fetchone()
        assert again.check() == []


def test_the_upgrade_keeps_links_a_seal_it_cannot_open_no_longer_shows(
        pair: Pair, monkeypatch: pytest.MonkeyPatch) -> None:
    """The reverse: a version that opened the seal wrote the witness's link; one that
    cannot open it (its schema refuses a field the testimony holds) must not take the
    link away when it makes the links again."""
    from testimony_app.core.common.errors import ValidationFailed
    from testimony_app.core.identity import seal
    from testimony_app.core.records import interchange, sealed
    from testimony_app.core.session import Session
    from testimony_app.core.vault import org

    known = _public_victim(pair)
    coordinator = pair.coordinator
    full = _testimony(random.Random(1), known, {"precision": "day", "value": "2012-03-01"})
    full.update(status="finalised",
                amendments=[{"at": "2016-01-02T10:00:00Z", "reason": "corrected"}])
    stub = {**seal.stub(full), "sealed": sealed._seal_bytes(
        sealed._padded(full), org.require_org(coordinator.conn).recipients)}
    coordinator.add_document({"format": "testimony/1", "testimonies": [stub]})
    witness_link = ("SELECT 1 FROM links WHERE from_id = ? AND role = 'witness' "
                    "AND to_id = ?")
    assert coordinator.conn.execute(witness_link, (stub["id"], known)).fetchone()
    coordinator.conn.execute("PRAGMA user_version = 17")
    folder, key = coordinator.folder, coordinator.data_key()
    coordinator.close()
    real = interchange.validate

    def without_amendments(document: Any) -> None:
        if any("amendments" in t for t in document.get("testimonies", [])):
            raise ValidationFailed([("$", "additional property")])
        real(document)

    monkeypatch.setattr(interchange, "validate", without_amendments)
    with Session.open_with_key(folder, key) as again:
        assert again.conn.execute(witness_link, (stub["id"], known)).fetchone()
        redact.auditor_key(again.conn, "Auditor A")
        options = redact.Options(auditor="Auditor A", date_from="2016-01-01")
        assert "Known Public Name" not in repr(redact.disclose(again.conn, options).records)
        assert again.check() == []
