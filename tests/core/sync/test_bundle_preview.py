"""The import preview: every check of the real import, then nothing committed;
and the export plan: what a bundle would carry, without writing or marking it."""

from __future__ import annotations

from pathlib import Path

import pytest

from testimony_app.core.common.errors import Cancelled, InputError
from testimony_app.core.session import Session
from testimony_app.core.sync import bundle
from testimony_app.core.vault import org
from tests.sync_fixtures import Pair

SEEDS = Path(__file__).resolve().parents[3] / "seeds" / "aleppo-2016.json"

def snapshot(session: Session) -> dict[str, object]:
    """Row counts of every table, and the activity log itself."""
    conn = session.conn
    names = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND name NOT LIKE '%_data' AND name NOT LIKE '%_idx' AND name NOT LIKE '%_docsize' "
        "AND name NOT LIKE '%_config' AND name NOT LIKE '%_content'")]
    counts = {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0]  # noqa: S608
              for n in names}
    return {"counts": counts, "log": [(e.seq, e.action, e.target) for e in session.activity()],
            "records": sorted((r[0], r[1]) for r in conn.execute(
                "SELECT id, revision FROM records"))}


def with_attachment(r: Session, tmp: Path) -> None:
    r.add_json(SEEDS.read_bytes())
    (tmp / "interview.flac").write_bytes(bytes(range(256)) * 4000)
    r.attach(r.list_testimonies()[0].id, tmp / "interview.flac")


def test_preview_changes_nothing_and_import_gives_the_same_counts(pair: Pair) -> None:
    r, c = pair.researcher, pair.coordinator
    with_attachment(r, pair.folder)
    exported = bundle.export(r, pair.folder / "1.age")
    before = snapshot(c)
    seen: list[tuple[int, int]] = []
    preview = bundle.preview(c, exported.path, progress=lambda d, t: seen.append((d, t)))
    assert snapshot(c) == before
    assert preview.trusted and preview.result.signer == pair.fingerprint
    assert preview.result.signer_name == "Researcher One"
    assert preview.words == org.fingerprint_words(pair.fingerprint)
    assert preview.attachment_bytes == 256 * 4000
    result = bundle.import_bundle(c, exported.path)
    for name in ("added", "updated", "unchanged", "conflicting", "attachments_added",
                 "attachments_unchanged", "missing_sequences"):
        assert getattr(preview.result, name) == getattr(result, name), name
    assert len(result.added) == exported.records and len(result.attachments_added) == 1
    # a second preview of the same bundle says it is already imported, changes nothing
    before = snapshot(c)
    again = bundle.preview(c, exported.path)
    assert again.result.already_imported
    assert snapshot(c) == before


def test_preview_of_updates_conflicts_and_gaps(pair: Pair) -> None:
    r, c = pair.researcher, pair.coordinator
    r.add_json(SEEDS.read_bytes())
    tid = r.list_testimonies()[0].id
    bundle.import_bundle(c, bundle.export(r, pair.folder / "1.age").path)
    other = r.list_testimonies()[1].id
    for session, record_id, title in ((c, tid, "coordinator's"), (r, tid, "researcher's"),
                                      (r, other, "second")):
        doc = session.show(record_id)
        doc.pop("meta")
        doc["testimonies"][0]["title"] = title
        session.add_document(doc)
    bundle.export(r, pair.folder / "2.age")
    doc = r.show(other)
    doc.pop("meta")
    doc["testimonies"][0]["title"] = "third"
    r.add_document(doc)
    third = bundle.export(r, pair.folder / "3.age")
    before = snapshot(c)
    preview = bundle.preview(c, third.path)
    assert snapshot(c) == before
    assert preview.result.updated == [other] and preview.result.missing_sequences == [2]
    preview2 = bundle.preview(c, pair.folder / "2.age")
    assert preview2.result.conflicting == [tid] and preview2.result.updated == [other]
    assert snapshot(c) == before
    result = bundle.import_bundle(c, pair.folder / "2.age")
    assert (result.conflicting, result.updated) == ([tid], [other])


def test_preview_names_an_untrusted_signer_without_refusing(pair: Pair) -> None:
    r, c = pair.researcher, pair.coordinator
    r.add_json(SEEDS.read_bytes())
    exported = bundle.export(r, pair.folder / "1.age")
    org.untrust(c.conn, pair.fingerprint, c.author)
    before = snapshot(c)
    preview = bundle.preview(c, exported.path)
    assert not preview.trusted and preview.result.signer == pair.fingerprint
    assert len(preview.result.added) == exported.records
    assert snapshot(c) == before
    with pytest.raises(bundle.Refused) as info:
        bundle.import_bundle(c, exported.path)  # the import itself still refuses
    assert info.value.code == "bundle_untrusted"


def test_preview_of_a_damaged_bundle_refuses_like_import(pair: Pair) -> None:
    r, c = pair.researcher, pair.coordinator
    r.add_json(SEEDS.read_bytes())
    exported = bundle.export(r, pair.folder / "1.age")
    data = bytearray(exported.path.read_bytes())
    data[len(data) // 2] ^= 1
    (pair.folder / "bad.age").write_bytes(bytes(data))
    records = snapshot(c)["records"]
    with pytest.raises(bundle.Refused):
        bundle.preview(c, pair.folder / "bad.age")
    assert snapshot(c)["records"] == records
    assert c.activity(1)[0].action == "import_refused"


def test_preview_can_be_cancelled(pair: Pair) -> None:
    r, c = pair.researcher, pair.coordinator
    r.add_json(SEEDS.read_bytes())
    (pair.folder / "big.bin").write_bytes(b"\x01" * (9 << 20))
    r.attach(r.list_testimonies()[0].id, pair.folder / "big.bin")
    exported = bundle.export(r, pair.folder / "1.age")
    before = snapshot(c)
    with pytest.raises(Cancelled):
        bundle.preview(c, exported.path, cancelled=lambda: True)
    assert snapshot(c) == before


def test_export_plan_counts_what_export_writes(pair: Pair) -> None:
    r = pair.researcher
    with_attachment(r, pair.folder)
    plan = bundle.plan(r)
    assert plan.sequence == 1 and plan.organisation == "Test Organisation"
    assert plan.attachments == 1 and plan.attachment_bytes == 256 * 4000
    assert plan.records["testimony"] == 8
    exported = bundle.export(r, pair.folder / "1.age")
    assert sum(plan.records.values()) == exported.records
    after = bundle.plan(r)
    assert after.empty and after.sequence == 2
    everything = bundle.plan(r, everything=True)
    assert everything.records == plan.records and everything.attachments == 1


def test_export_plan_refuses_a_vault_not_enrolled(session: Session) -> None:
    with pytest.raises(InputError) as info:
        bundle.plan(session)
    assert info.value.code == "not_enrolled"
