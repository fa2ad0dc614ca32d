"""Finalise seals identities: a forced unlock of the researcher's laptop no longer
shows who spoke or who was taken; the coordinator still sees them after import."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from testimony_app.core.common.ids import PersonId, RecordId
from testimony_app.core.identity import seal
from testimony_app.core.records import textnorm
from testimony_app.core.session import Session
from testimony_app.core.sync import bundle
from testimony_app.core.vault import org
from tests.pages import plaintext_of_vault
from tests.sync_fixtures import Pair

WITNESS = "Qorvandel Zibrakhan"
WITNESS_AR = "قُرْوَنْدَل زِبْرَخان"
VICTIM = "Yusrindel Abu Kammarosh"
PUBLIC = "Ali Awwad"


def needles() -> list[bytes]:
    out = []
    for name in (WITNESS, WITNESS_AR, VICTIM):
        for form in {name, textnorm.normalize_for_search(name), *name.split()}:
            if len(form) >= 5:
                out += [form.encode(enc) for enc in ("utf-8", "utf-16-le")]
    return out


def case() -> tuple[dict[str, Any], str, list[str]]:
    ids = [str(uuid.uuid4()) for _ in range(5)]
    witness, victim, public, testimony, incident = ids
    document: dict[str, Any] = {
        "format": "testimony/1",
        "persons": [
            {"id": witness, "sex": "male", "age": 20, "identity": {
                "name": {"en": WITNESS, "ar": WITNESS_AR}, "public_domain": False,
                "aliases": ["Abu Qorvan"], "contact": "+963 555 0101"}},
            {"id": victim, "sex": "male", "identity": {
                "name": {"en": VICTIM}, "public_domain": False, "father_name": "Zibrakhan"}},
            {"id": public, "sex": "male", "identity": {"name": {"en": PUBLIC},
                                                         "public_domain": True}}],
        "testimonies": [{"id": testimony, "witness": witness, "status": "draft",
                         "interview": {"date": {"precision": "day", "value": "2016-12-15"},
                                       "language": "ar", "mode": "in_person"},
                         "consent": {"scope": "publish_anonymised", "recorded_by": "team A"},
                         "narrative": {"en": "They took two men at the checkpoint."}}],
        "incidents": [{"id": incident, "type": "summary_execution",
                       "date": {"precision": "day", "value": "2016-12-15"},
                       "verification": "unverified", "testimonies": [testimony],
                       "victims": [{"person": victim, "status": "killed"},
                                   {"person": public, "status": "killed"}]}]}
    return document, testimony, [witness, victim, public]


def test_finalise_seals_and_the_coordinator_unseals(pair: Pair, tmp_path: Path) -> None:
    researcher, coordinator = pair.researcher, pair.coordinator
    document, testimony, (witness, victim, public) = case()
    researcher.add_document(document)
    researcher.save_draft("d1", RecordId(testimony), "testimony", {"document": document})
    assert researcher.finalise(testimony) == 2

    # The researcher's vault, opened with the right key: pseudonyms and attributes only.
    shown = researcher.show(witness)["persons"][0]
    assert "identity" not in shown
    assert shown["sealed_identity"]["format"] == "age"
    assert "match_keys" not in shown and shown["age"] == 20
    assert researcher.show(public)["persons"][0]["identity"]["name"]["en"] == PUBLIC
    assert researcher.drafts() == []
    assert researcher.check() == []
    folder, key = researcher.folder, researcher.data_key()
    matching = org.matching_key(researcher.conn)
    researcher.close()
    plain = plaintext_of_vault(folder, key)
    found = [n for n in needles() if n in plain]
    assert found == [], found
    assert PUBLIC.encode() in plain  # public names are not sealed
    # No match key of a sealed name is left: with the matching key the vault holds,
    # one would confirm a guessed name offline (a dictionary attack).
    guessed = [k.encode() for name in (WITNESS, WITNESS_AR, "Abu Qorvan", VICTIM)
               for k in seal.match_keys(matching, {"name": {"en": name}})]
    assert guessed and not [k for k in guessed if k in plain]

    # The coordinator imports the bundle and sees the identities again.
    researcher = Session.open_with_key(folder, key)
    target = tmp_path / "bundle.age"
    bundle.export(researcher, target)
    result = bundle.import_bundle(coordinator, target)
    assert witness in result.added
    seen = coordinator.show(witness)["persons"][0]
    assert seen["identity"]["name"]["ar"] == WITNESS_AR
    assert seen["sealed_identity"] == shown["sealed_identity"]
    assert coordinator.show(victim)["persons"][0]["identity"]["father_name"] == "Zibrakhan"
    # ... and makes the match keys itself, from the identity it opened.
    assert seal.keys_by_person(coordinator.conn, [PersonId(RecordId(witness))])[witness] == set(
        seal.match_keys(org.matching_key(coordinator.conn), seen["identity"]))
    # the same bundle again, and the record shown back: nothing changes
    assert bundle.import_bundle(coordinator, target).already_imported
    assert coordinator.add_document(coordinator.show(witness)).unchanged == [witness]
    researcher.close()


def test_match_keys_meet_across_spellings(pair: Pair) -> None:
    key = org.matching_key(pair.researcher.conn)
    a = seal.match_keys(key, {"name": {"en": "Mohammad Abo al-Ward"}})
    b = seal.match_keys(key, {"name": {"en": "Muhammad Abu Al Ward"}})
    c = seal.match_keys(key, {"name": {"en": "Ali Amouri"}})
    assert a == b and a != c
    assert seal.match_keys(b"x" * 32, {"name": {"en": "Mohammad Abo al-Ward"}}) != a


def test_finalise_on_a_vault_without_organisation_seals_nothing(demo_session: Session) -> None:
    testimony = next(t for t in demo_session.list_testimonies() if t.status == "draft")
    document = demo_session.show(testimony.id)
    document["testimonies"][0]["no_incident_reason"] = "background"
    document["testimonies"][0]["consent"]["recorded_by"] = "team"
    demo_session.add_document(document)
    assert demo_session.finalise(testimony.id) == 0
    assert json.loads(json.dumps(demo_session.show(testimony.id)))["testimonies"][0][
        "status"] == "finalised"


def test_finalising_and_sealing_commit_together(pair: Pair) -> None:
    """If sealing fails, the testimony is not left finalised with its names in plaintext:
    the status change and the seal are one transaction."""
    import pytest

    researcher = pair.researcher
    document, testimony, (witness, _victim, _public) = case()
    researcher.add_document(document)
    # A recipient that cannot be encrypted to: sealing fails midway.
    researcher.conn.execute("UPDATE meta SET value = ? WHERE key = 'org.recipients'",
                            (json.dumps(["age1notarecipient"]),))
    import pyrage

    with pytest.raises(pyrage.RecipientError):
        researcher.finalise(testimony)
    assert researcher.record(testimony).data["status"] == "draft"
    assert researcher.conn.execute("SELECT count(*) FROM identities WHERE person_id = ?",
                                   (witness,)).fetchone()[0] == 1


def test_match_keys_a_document_brought_do_not_stay_beside_the_seal(pair: Pair) -> None:
    """A person added with match keys (a document from elsewhere), sealed later: no
    revision keeps them. A document with a sealed person and keys: not kept either."""
    researcher = pair.researcher
    document, testimony, (witness, _victim, _public) = case()
    key = org.matching_key(researcher.conn)
    keys = seal.match_keys(key, document["persons"][0]["identity"])
    document["persons"][0]["match_keys"] = keys
    researcher.add_document(document)
    assert researcher.finalise(testimony) == 2
    stored = " ".join(d for (d,) in researcher.conn.execute(
        "SELECT data FROM revisions WHERE record_id = ?", (witness,)))
    assert not [k for k in keys if k in stored]
    sealed = researcher.show(witness)["persons"][0]
    researcher.add_document({"format": "testimony/1", "persons": [{**sealed, "match_keys": keys}]})
    assert "match_keys" not in researcher.record(witness).data
