"""The counts a list shows before its rows (its scroll bar) are kept by every write
of a record: they must be the records' own after any change, and
`check` reports counts that drifted."""

from __future__ import annotations

import json
import random

from testimony_app.core.records import record_counts
from testimony_app.core.records.listing import Filter
from testimony_app.core.session import Session
from tests.core.workspace.test_figures_maintained import _valid, document

KINDS = ("testimony", "incident", "person", "place", "source", "aggregate")


def walked(session: Session, kind: str, status: str | None = None) -> int:
    return int(session.conn.execute(
        "SELECT count(*) FROM records WHERE kind = ? AND (? IS NULL OR status = ?)",
        (kind, status, status)).fetchone()[0])


def assert_counts_are_the_records(session: Session) -> None:
    for kind in KINDS:
        assert session.count(kind, Filter()) == walked(session, kind), kind
    statuses = [s for (s,) in session.conn.execute(
        "SELECT DISTINCT status FROM records WHERE status IS NOT NULL")]
    for kind in ("testimony", "incident"):
        for status in [*statuses, "no-such-status"]:
            assert session.count(kind, Filter(status=status)) == walked(session, kind, status)
    assert record_counts.problems(session.conn) == []


def test_counts_follow_adds_edits_and_deletes(demo_session: Session) -> None:
    session = demo_session
    assert_counts_are_the_records(session)
    session.add_document(_valid(document(random.Random(3), incidents=20)))
    assert_counts_are_the_records(session)
    # a status changed by an edit moves the record from one count to another
    incident_id, data = session.conn.execute(
        "SELECT id, data FROM records WHERE kind = 'incident' AND status = 'unverified' "
        "LIMIT 1").fetchone()
    session.add_document({"format": "testimony/1", "incidents": [
        {**json.loads(data), "verification": "verified"}]})
    assert_counts_are_the_records(session)
    session.delete(incident_id)
    assert_counts_are_the_records(session)


def test_check_reports_counts_that_drifted(demo_session: Session) -> None:
    assert demo_session.check() == []
    demo_session.conn.execute("UPDATE record_counts SET n = n + 1 WHERE kind = 'testimony'")
    assert any(p.startswith("lists:") for p in demo_session.check())


def test_an_earlier_vault_gains_its_counts_when_opened(demo_session: Session,
                                                       vault_dir: object) -> None:
    from pathlib import Path

    conn = demo_session.conn
    conn.execute("DROP TABLE record_counts")
    conn.execute("PRAGMA user_version = 16")  # the version before the counts (17)
    key = demo_session.data_key()
    demo_session.close()
    with Session.open_with_key(Path(str(vault_dir)), key) as again:
        assert_counts_are_the_records(again)
        assert again.check() == []
