"""Vaults made by earlier versions, stored in tests/fixtures/vaults/ (see its README):
each opens with today's code, is migrated, passes `check` (quick_check,
cipher_integrity_check, the activity log's chain, anchors, the search index,
attachments) and shows what that version showed (expected.json beside it)."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from testimony_app.core.session import Session
from testimony_app.core.vault import migrations
from tests.conftest import PASSPHRASE

STORED = Path(__file__).resolve().parents[2] / "fixtures" / "vaults"
VERSIONS = sorted(p.name for p in STORED.iterdir() if (p / "expected.json").is_file())


def test_there_are_stored_vaults() -> None:
    assert len(VERSIONS) >= 3, VERSIONS


@pytest.mark.parametrize("version", VERSIONS)
def test_a_vault_from_an_earlier_version_opens_migrated_and_whole(
        version: str, tmp_path: Path) -> None:
    expected: dict[str, Any] = json.loads((STORED / version / "expected.json").read_text())
    folder = tmp_path / "vault"
    shutil.copytree(STORED / version / "vault", folder)  # opening migrates: a copy
    with Session.open(folder, PASSPHRASE) as session:
        assert session.conn.execute("PRAGMA user_version").fetchone()[0] == migrations.LATEST
        assert session.check() == []
        shows_what_it_showed(session, expected)
        key = session.data_key()
    # opened again, nothing is left to migrate and it is still whole
    with Session.open_with_key(folder, key) as again:
        assert again.check() == []
        shows_what_it_showed(again, expected)


def test_an_upgrade_tells_of_each_step(tmp_path: Path) -> None:
    """The window and the CLI say what the first unlock after an upgrade does (minutes
    for a large archive): told before each step and at the end; a vault of this
    version tells nothing."""
    folder = tmp_path / "vault"
    shutil.copytree(STORED / VERSIONS[0] / "vault", folder)
    told: list[tuple[int, int]] = []
    with Session.open(folder, PASSPHRASE, lambda done, total: told.append((done, total))):
        pass
    steps = told[0][1]
    assert steps >= 3  # the first stored vault is several versions behind
    assert told == [(done, steps) for done in range(steps + 1)]
    told.clear()
    with Session.open(folder, PASSPHRASE, lambda done, total: told.append((done, total))):
        pass
    assert told == []


def shows_what_it_showed(session: Session, expected: dict[str, Any]) -> None:
    assert session.counts() == expected["counts"]
    rows = session.list_testimonies(limit=100_000)
    assert sorted([r.title, r.status] for r in rows) == expected["testimonies"]
    finalised = expected["finalised"]
    assert session.record(finalised).data["status"] == "finalised"
    attachments = session.attachments(finalised)
    assert [{"filename": a.filename, "size": a.size, "sha256": a.sha256}
            for a in attachments] == expected["attachments"]
    sink = io.BytesIO()
    session.read_attachment(attachments[0].id, sink)
    assert hashlib.sha256(sink.getvalue()).hexdigest() == expected["attachment_sha256"]
    # The identities finalising sealed stay sealed, and nothing an earlier version kept
    # beside a seal (match keys that confirm a guessed name) is left in any revision.
    sealed = 0
    for person in session.testimony_persons(finalised):
        shown = session.show(person)["persons"][0]
        if "sealed_identity" in shown:
            sealed += 1
            assert "identity" not in shown and "match_keys" not in shown
            revisions = session.conn.execute(
                "SELECT data FROM revisions WHERE record_id = ?", (person,)).fetchall()
            assert revisions and not any("match_keys" in r[0] for r in revisions)
    assert sealed == expected["sealed_persons"]
