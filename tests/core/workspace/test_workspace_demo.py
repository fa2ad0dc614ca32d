"""The workspace demo (`testimony demo --workspace`): a coordinator's vault built the
way real work builds it: two researchers' vaults, enrolled, finalised, exported as
bundles and imported. The workspace pages and their tests stand on it."""

from __future__ import annotations

import json

from testimony_app.core import demo
from testimony_app.core.session import Session
from testimony_app.core.sync import bundle
from testimony_app.core.vault import org
from tests.pages import plaintext_of_vault


def test_two_researchers_bundles_arrive_at_the_coordinator(workspace: Session) -> None:
    seed = json.loads(demo.workspace_seed_path().read_bytes())
    names = {p.name for p in org.people(workspace.conn) if p.trusted}
    assert names == {r["name"] for r in seed["researchers"]}
    counts = workspace.counts()
    aleppo = json.loads(demo.seed_path().read_bytes())
    expected = len(aleppo["testimonies"]) + sum(
        len(r["document"]["testimonies"]) for r in seed["researchers"])
    assert counts["testimony"] == expected
    # Every researcher's record came through a bundle, from its signer.
    by_name = {r.name: r for r in bundle.researchers(workspace.conn)}
    for entry in seed["researchers"]:
        fingerprint = by_name[entry["name"]].fingerprint
        for incident in entry["document"]["incidents"]:
            sources = bundle.provenance(workspace.conn, incident["id"])
            assert [p.fingerprint for p in sources] == [fingerprint]


def test_sealed_witnesses_are_unsealed_at_the_coordinator(workspace: Session) -> None:
    seed = json.loads(demo.workspace_seed_path().read_bytes())
    people = {p["id"]: p for p in workspace.people()}
    for entry in seed["researchers"]:
        for person in entry["document"]["persons"]:
            shown = people[person["id"]]
            assert shown["identity"]["name"] == person["identity"]["name"]
            if not person["identity"]["public_domain"]:
                assert shown["sealed"]  # it travelled sealed, and this vault opened it
            assert shown["identity"] is not None


def test_the_scratch_vaults_are_gone(workspace_template) -> None:  # type: ignore[no-untyped-def]
    parent = workspace_template.folder.parent
    assert [p.name for p in parent.iterdir()] == ["coordinator"]


def test_the_demo_vault_holds_no_plaintext_outside_the_database(workspace: Session) -> None:
    """Names are in the encrypted database only; a decrypted page scan finds them
    (the coordinator may see them), the raw files do not."""
    name = b"Nour al-Huda Q."
    for path in workspace.folder.iterdir():
        assert name not in path.read_bytes()
    assert name in plaintext_of_vault(workspace.folder, bytes(workspace._key))
