"""People created and found the way the window does it, and what finalising will do,
said before it is done; amending a finalised testimony keeps the reason."""

from __future__ import annotations

import uuid

import pytest

from testimony_app.core.common.errors import InputError
from testimony_app.core.session import Session
from tests.pages import plaintext_of_vault
from tests.security.test_sealing import case
from tests.sync_fixtures import Pair


def test_a_named_person_is_created_found_and_seen_where_named(session: Session) -> None:
    created = session.save_person({
        "sex": "male", "age": 34, "occupation": "health_worker",
        "identity": {"name": {"ar": "خالد الحلبي"}, "public_domain": False,
                     "father_name": "أحمد"}})
    assert created.code.startswith("P-") and created.name == "خالد الحلبي"
    assert created.attributes("en") == "Male · 34 · Health worker"
    assert created.attributes("ar") == "ذكر · 34 · عامل صحي"
    # By name in another spelling (hamza, ta marbuta folded), by code, by attribute.
    assert [p.id for p in session.find_persons("الحلبى")] == [created.id]
    assert [p.id for p in session.find_persons(created.code.lower())] == [created.id]
    assert created.id in [p.id for p in session.find_persons("health worker")]
    assert created.id in [p.id for p in session.find_persons("عامل صحي")]
    # Changed: attributes and identity, one more revision.
    changed = session.save_person({"id": created.id, "sex": "male", "age": 35,
                                   "identity": {"name": {"ar": "خالد الحلبي"},
                                                "public_domain": True}})
    assert changed.code == created.code and changed.age == 35 and changed.public_domain
    document, testimony, (witness, victim, _public) = case()
    session.add_document(document)
    view = session.person_view(victim)
    assert [m.id for m in view.incidents] == [document["incidents"][0]["id"]]  # type: ignore[index]
    assert [(m.id, m.role) for m in view.testimonies] == [(testimony, "victim_reported")]
    assert view.identity is not None and view.summary.name == "Yusrindel Abu Kammarosh"
    assert [(m.id, m.role) for m in session.person_view(witness).testimonies] == [
        (testimony, "witness")]
    assert [m.id for m in session.incident_testimonies(
        document["incidents"][0]["id"])] == [testimony]  # type: ignore[index]


def test_bad_person_is_refused_and_nothing_is_kept(session: Session) -> None:
    before = len(session.find_persons())
    with pytest.raises(InputError):
        session.save_person({"sex": "robot"})
    with pytest.raises(InputError):
        session.save_person({"sex": "male", "identity": {"public_domain": False}})
    assert len(session.find_persons()) == before


def test_finalise_preview_says_what_a_vault_without_organisation_does(
        session: Session) -> None:
    document, testimony, _ids = case()
    del document["testimonies"][0]["consent"]["recorded_by"]  # type: ignore[index]
    session.add_document(document)
    preview = session.finalise_preview(testimony)
    assert preview.missing == ["consent.recorded_by"]
    assert preview.organisation is None and preview.identities == 0
    assert preview.public_names == 1


def test_finalise_preview_counts_what_will_be_sealed(pair: Pair) -> None:
    researcher = pair.researcher
    document, testimony, (witness, victim, _public) = case()
    document["testimonies"][0]["tags"] = [  # type: ignore[index]
        {"field": "narrative", "lang": "en", "start": 9, "end": 16, "person": victim}]
    researcher.add_document(document)
    preview = researcher.finalise_preview(testimony)
    assert preview.missing == []
    assert preview.organisation == "Test Organisation"
    assert (preview.identities, preview.public_names, preview.tagged_names) == (2, 1, 1)
    assert preview.witness and not preview.whole
    assert researcher.finalise(testimony) == 2
    after = researcher.finalise_preview(testimony)
    assert after.finalised and after.already_sealed == 2 and after.identities == 0


def test_amend_needs_a_reason_and_records_it(session: Session) -> None:
    document, testimony, _ids = case()
    session.add_document(document)
    edited = session.testimony_document(testimony)
    with pytest.raises(InputError):
        session.amend(edited, "a reason")  # still a draft: saved, not amended
    session.finalise(testimony)
    edited = session.testimony_document(testimony)
    edited["testimonies"][0]["summary"] = {"en": "Corrected: three men, not two."}
    with pytest.raises(InputError):
        session.amend(edited, "   ")
    revisions = len(session.history(testimony))
    session.amend(edited, "The witness corrected the number on 5 January.")
    record = session.record(testimony).data
    assert record["status"] == "finalised"
    assert record["amendments"][-1]["reason"] == "The witness corrected the number on 5 January."
    assert len(session.history(testimony)) == revisions + 1


def test_sealed_identity_cannot_be_replaced_in_plaintext(pair: Pair) -> None:
    researcher = pair.researcher
    document, testimony, (witness, _victim, _public) = case()
    researcher.add_document(document)
    researcher.finalise(testimony)
    with pytest.raises(InputError):
        researcher.save_person({"id": witness, "sex": "male", "identity": {
            "name": {"en": "Qorvandel Zibrakhan"}, "public_domain": False}})
    kept = researcher.save_person({"id": witness, "sex": "male", "age": 21})
    assert kept.sealed and kept.name is None
    assert b"Qorvandel" not in plaintext_of_vault(researcher.folder, bytes(researcher._key))


def test_new_person_ids_are_fresh(session: Session) -> None:
    a = session.save_person({"sex": "female"})
    b = session.save_person({"sex": "female"})
    assert a.id != b.id and a.code != b.code
    assert uuid.UUID(a.id)
