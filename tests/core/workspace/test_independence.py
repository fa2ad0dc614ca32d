"""Sources the coordinator judged not independent never raise a suggested status."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from testimony_app.core.common.errors import InputError, NotFound
from testimony_app.core.session import Session
from testimony_app.core.workspace import independence

ANNA = "6cd72eba-eda5-5faa-aa41-b187eb8f9892"  # ANNA News in seeds/aleppo-2016.json
KAMEL_CONFESSION = "2016-12-forced-confession-abdulhami-kamel"


def _source(name: str) -> dict[str, Any]:
    return {"id": str(uuid.uuid4()), "name": name, "kind": "media"}


def _incident(sources: list[str], testimonies: list[str] = ()) -> dict[str, Any]:  # type: ignore[assignment]
    return {"id": str(uuid.uuid4()), "type": "ill_treatment", "verification": "unverified",
            "date": {"precision": "day", "value": "2016-12-20"}, "sources": sources,
            **({"testimonies": list(testimonies)} if testimonies else {})}


def _cluster(session: Session, incident: str) -> Any:
    return session.corroboration_of(incident)


def test_a_coerced_confession_does_not_make_an_incident_verified(session: Session) -> None:
    outlet, rights, media = _source("Outlet of one side"), _source("NGO"), _source("Paper")
    incident = _incident([outlet["id"], rights["id"], media["id"]])
    session.add_document({"format": "testimony/1", "sources": [outlet, rights, media],
                          "incidents": [incident]})
    before = _cluster(session, incident["id"])
    assert (before.sources, before.suggested) == (3, "verified")

    judgement = session.mark_source(outlet["id"][:8], "coerced", note="broadcast confession")
    assert (judgement.independent, judgement.reason) == (False, "coerced")
    after = _cluster(session, incident["id"])
    assert (after.sources, after.suggested) == (2, "partially_verified")
    why = [r for r in after.reasons if r.code == "not_independent"]
    assert [r.params["source"] for r in why] == ["Outlet of one side"]
    assert "coerced" in why[0].text() and after.as_json()["reasons"][1]["why"] == "coerced"
    entry = session.activity()[-1]
    assert (entry.action, entry.target, entry.detail) == (
        "source_independence", outlet["id"], {"independent": False, "reason": "coerced"})
    assert "broadcast" not in repr(entry.detail)  # the words stay out of the log

    session.mark_source(outlet["id"], None)  # taken back
    assert _cluster(session, incident["id"]).suggested == "verified"
    assert session.source_judgements() == {}
    assert [j.independent for j in independence.history(session.conn, outlet["id"])] == [
        False, True]


def test_a_testimony_taken_from_a_marked_source_is_not_counted(session: Session) -> None:
    party, other = _source("Ministry"), _source("NGO")
    testimony = {"id": str(uuid.uuid4()), "status": "draft", "source": party["id"],
                 "interview": {"date": {"precision": "day", "value": "2016-12-21"},
                               "language": "ar", "mode": "written"},
                 "consent": {"scope": "internal"}}
    incident = _incident([other["id"]], [testimony["id"]])
    session.add_document({"format": "testimony/1", "sources": [party, other],
                          "testimonies": [testimony], "incidents": [incident]})
    assert _cluster(session, incident["id"]).sources == 2
    session.mark_source(party["id"], "party_to_conflict")
    cluster = _cluster(session, incident["id"])
    assert (cluster.sources, cluster.suggested) == (1, "unverified")
    assert session.corroboration_clusters() == []  # one source left: nothing corroborated


def test_repeating_another_source_needs_that_source(session: Session) -> None:
    first, echo = _source("Agency"), _source("Echo")
    session.add_document({"format": "testimony/1", "sources": [first, echo]})
    with pytest.raises(InputError) as caught:
        session.mark_source(echo["id"], "repeats_another")
    assert caught.value.code == "repeats_what"
    with pytest.raises(InputError):
        session.mark_source(echo["id"], "hearsay")
    judgement = session.mark_source(echo["id"], "repeats_another", repeats=first["id"])
    assert judgement.repeats == first["id"]
    with pytest.raises(NotFound):
        session.mark_source(str(uuid.uuid4()), "coerced")


def test_the_reports_confession_no_longer_counts(demo_session: Session) -> None:
    """ANNA News broadcast Kamel's "confession"; the White Helmets said it was made
    under duress. Marked coerced, it stops counting and the view says why."""
    kamel = str(uuid.uuid5(uuid.uuid5(uuid.NAMESPACE_URL,
                                      "https://testimony.invalid/seeds/aleppo-2016"),
                           "incident:" + KAMEL_CONFESSION))
    before = _cluster(demo_session, kamel)
    demo_session.mark_source(ANNA, "coerced")
    after = _cluster(demo_session, kamel)
    assert after.sources == before.sources - 1
    assert any(r.code == "not_independent" and r.params["source"] == "ANNA News"
               for r in after.reasons)
