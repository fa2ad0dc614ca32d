"""A trusted researcher's bundle cannot overwrite a record another researcher made
(or the coordinator made itself) by claiming its current version in its history:
such an update is kept as a conflict; the creator's own updates go through."""

from __future__ import annotations

import copy
import io
import shutil
import uuid
from pathlib import Path

import pytest

from testimony_app.core.identity import enrolling
from testimony_app.core.session import Session
from testimony_app.core.sync import bundle
from testimony_app.core.vault import org
from tests.conftest import Template
from tests.sync_fixtures import Pair

PLACE = "3f1c7a52-8a43-4a55-9d3c-1b4cbd3d8c11"


def _place(name: str, place_id: str = PLACE) -> dict[str, object]:
    return {"format": "testimony/1",
            "places": [{"id": place_id, "name": {"en": name}, "level": "city"}]}


def second_researcher(pair: Pair, template: Template, tmp_path: Path) -> Session:
    folder = tmp_path / "researcher-two"
    shutil.copytree(template.folder, folder)
    other = Session._open_with_key(folder, template.key)
    other.conn.execute("UPDATE meta SET value = ? WHERE key = 'device_id'", (str(uuid.uuid4()),))
    coordinator = pair.coordinator
    code = org.write_enrolment(coordinator.conn, tmp_path / "enrol-two.age", coordinator.author)
    enrolling.apply_enrolment(other.conn, org.read_enrolment(tmp_path / "enrol-two.age", code),
                        other.author)
    org.trust(coordinator.conn, org.whoami(other.conn).fingerprint, "Researcher Two",
              coordinator.author)
    return other


def test_another_researcher_cannot_overwrite_a_record(
        pair: Pair, template: Template, tmp_path: Path) -> None:
    one, coordinator = pair.researcher, pair.coordinator
    two = second_researcher(pair, template, tmp_path)
    try:
        one.add_document(_place("Old town"))
        bundle.import_bundle(coordinator, bundle.export(one, tmp_path / "one-1.age").path)
        # The second researcher holds the same version (its hash is now the current one
        # on the coordinator's vault) and "updates" it.
        two.add_document(_place("Old town"))
        two.add_document(_place("Renamed by someone else"))
        result = bundle.import_bundle(coordinator, bundle.export(two, tmp_path / "two.age").path)
        assert PLACE in result.conflicting and PLACE not in result.updated
        assert coordinator.record(PLACE).data["name"] == {"en": "Old town"}
        assert [(c.record_id, c.fingerprint) for c in bundle.conflicts(coordinator.conn)] == [
            (PLACE, org.whoami(two.conn).fingerprint)]
        # The creator's own update goes through.
        one.add_document(_place("Old town, corrected"))
        result = bundle.import_bundle(coordinator, bundle.export(one, tmp_path / "one-2.age").path)
        assert PLACE in result.updated
        assert coordinator.record(PLACE).data["name"] == {"en": "Old town, corrected"}
    finally:
        two.close()


def test_a_researcher_cannot_overwrite_what_the_coordinator_made(
        pair: Pair, tmp_path: Path) -> None:
    one, coordinator = pair.researcher, pair.coordinator
    made_here = str(uuid.uuid4())
    coordinator.add_document(_place("Office's place", made_here))
    one.add_document(_place("Office's place", made_here))
    changed = copy.deepcopy(_place("Changed in the field", made_here))
    one.add_document(changed)
    result = bundle.import_bundle(coordinator, bundle.export(one, tmp_path / "one.age").path)
    assert made_here in result.conflicting
    assert coordinator.record(made_here).data["name"] == {"en": "Office's place"}


def test_another_researcher_cannot_add_a_file_to_a_record(
        pair: Pair, template: Template, tmp_path: Path) -> None:
    """An unchanged copy of another researcher's record, with a file attached, would
    plant evidence under that record: the bundle is refused whole."""
    one, coordinator = pair.researcher, pair.coordinator
    two = second_researcher(pair, template, tmp_path)
    try:
        one.add_document(_place("Old town"))
        bundle.import_bundle(coordinator, bundle.export(one, tmp_path / "one-1.age").path)
        two.add_document(_place("Old town"))  # the same content: 'unchanged' on import
        two.attach_stream(PLACE, io.BytesIO(b"%PDF forged evidence"), "planted.pdf")
        counts = [coordinator.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # noqa: S608
                  for t in ("attachments", "attachment_chunks", "received_bundles")]
        with pytest.raises(bundle.Refused) as info:
            bundle.import_bundle(coordinator, bundle.export(two, tmp_path / "two.age").path)
        assert info.value.code == "bundle_attachment_not_owner"
        assert coordinator.attachments(PLACE) == []
        assert counts == [coordinator.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # noqa: S608
                          for t in ("attachments", "attachment_chunks", "received_bundles")]
        # The creator's own file goes through.
        one.attach_stream(PLACE, io.BytesIO(b"%PDF the creator's"), "map.pdf")
        result = bundle.import_bundle(coordinator, bundle.export(one, tmp_path / "one-2.age").path)
        assert len(result.attachments_added) == 1
        assert [a.filename for a in coordinator.attachments(PLACE)] == ["map.pdf"]
    finally:
        two.close()


def test_a_researcher_cannot_add_a_file_to_what_the_coordinator_made(
        pair: Pair, tmp_path: Path) -> None:
    one, coordinator = pair.researcher, pair.coordinator
    made_here = str(uuid.uuid4())
    coordinator.add_document(_place("Office's place", made_here))
    one.add_document(_place("Office's place", made_here))
    one.attach_stream(made_here, io.BytesIO(b"%PDF planted"), "planted.pdf")
    with pytest.raises(bundle.Refused) as info:
        bundle.import_bundle(coordinator, bundle.export(one, tmp_path / "one.age").path)
    assert info.value.code == "bundle_attachment_not_owner"
    assert coordinator.attachments(made_here) == []
