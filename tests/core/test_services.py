"""The facade's services (`session.org`, `.sync`, `.audit`) do what the modules below
them do, with the session's connection and author: a researcher's bundle reaches the
coordinator, the receipt comes back, trust and settings change, a narrative is reviewed,
all without the caller touching a connection."""

from __future__ import annotations

from pathlib import Path

import pytest

from testimony_app.core.common.errors import InputError
from testimony_app.core.session import Session
from tests.sync_fixtures import Pair

SEEDS = Path(__file__).resolve().parents[2] / "seeds" / "aleppo-2016.json"


def test_the_services_are_made_once_per_session(session: Session) -> None:
    assert session.org is session.org and session.sync is session.sync
    assert session.audit is session.audit
    assert session.org.organisation() is None
    with pytest.raises(InputError) as caught:
        session.org.require_coordinator()
    assert caught.value.code == "not_coordinator"
    with pytest.raises(InputError) as caught:
        session.sync.plan()
    assert caught.value.code == "not_enrolled"


def test_a_round_trip_through_the_services(pair: Pair, tmp_path: Path) -> None:
    r, c = pair.researcher, pair.coordinator
    r.add_json(SEEDS.read_bytes())
    plan = r.sync.plan()
    exported = r.sync.export(tmp_path / "b1.age")
    assert exported.sequence == plan.sequence == 1
    assert exported.records == sum(plan.records.values())
    preview = c.sync.preview(exported.path)
    assert preview.trusted and not preview.result.already_imported
    result = c.sync.import_bundle(exported.path)
    assert result.signer == pair.fingerprint and len(result.added) == exported.records
    assert [p.bundle_id for p in c.sync.provenance(result.added[0])] == [result.bundle_id]
    assert [x.fingerprint for x in c.sync.researchers()] == [pair.fingerprint]
    assert c.sync.gaps() == [] and c.sync.conflicts() == []
    receipt = c.sync.receipt_path(exported.path, result.sequence, tmp_path)
    c.sync.write_receipt(result.bundle_id, receipt)
    accepted = r.sync.accept_receipt(receipt)
    assert accepted.records == exported.records
    waiting = r.sync.pending_purge()
    assert waiting > 0
    purged = r.sync.purge_received()
    assert purged.records + purged.attachments > 0 and r.sync.pending_purge() == 0
    assert c.sync.tsa_urls() == [] and c.sync.pending_timestamps() >= 0

    assert c.org.whoami().fingerprint != pair.fingerprint
    assert c.org.require_coordinator().role == "coordinator"
    assert c.org.untrust(pair.fingerprint).trusted is False
    assert c.org.trust(pair.fingerprint, "Researcher One").trusted is True
    assert [p.fingerprint for p in c.org.people()] == [pair.fingerprint]
    before = c.org.require_coordinator().settings.get("seal_whole_testimony")
    c.org.set_setting("seal_whole_testimony", not before)
    assert c.org.require_coordinator().settings["seal_whole_testimony"] is (not before)
    assert c.activity(1)[0].actor == c.author

    testimony = next(t["id"] for t in c.audit.candidates() if t["has_narrative"])
    assert c.audit.preview(testimony)
    c.audit.approve(testimony)
    assert next(t for t in c.audit.candidates() if t["id"] == testimony)["approved"]
    assert c.audit.withdraw(testimony) is True
    assert c.audit.withdraw(testimony) is False


def test_what_runs_before_a_vault_is_open(pair: Pair, tmp_path: Path) -> None:
    """The static doors the command line uses with no vault open: reading an enrolment
    file (`init --enroll` reads it before the vault is made) and checking an export."""
    from testimony_app.core.audit import redact
    from testimony_app.core.audit.service import AuditService
    from testimony_app.core.vault.org_service import OrgService

    c = pair.coordinator
    organisation = c.org.require_coordinator()
    code = c.org.write_enrolment(tmp_path / "enrol.age")
    enrolment = OrgService.read_enrolment(tmp_path / "enrol.age", code)
    assert enrolment.org_id == organisation.id
    with pytest.raises(InputError):
        OrgService.read_enrolment(tmp_path / "enrol.age", "not the code")

    c.add_json(SEEDS.read_bytes())
    c.audit.export(tmp_path / "export", redact.Options())
    assert AuditService.check(tmp_path / "export", [organisation.fingerprint]).authentic
    unknown = AuditService.check(tmp_path / "export")
    assert not unknown.authentic and unknown.fingerprint == organisation.fingerprint
    keys = tmp_path / "keys.txt"
    keys.write_text("# the organisation\n" + organisation.fingerprint + "\n", encoding="utf-8")
    assert AuditService.check(tmp_path / "export", trusted_keys=keys).authentic
    keys.write_text("not a fingerprint\n", encoding="utf-8")
    with pytest.raises(InputError):
        AuditService.check(tmp_path / "export", trusted_keys=keys)
