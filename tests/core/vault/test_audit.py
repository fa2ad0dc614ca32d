"""The hash-chained activity log."""

from __future__ import annotations

from testimony_app.core.session import Session


def _unlock_triggers(session: Session) -> None:
    for name in ("activity_append_only", "activity_kept"):
        session.conn.execute(f"DROP TRIGGER {name}")


def test_log_records_unlock_and_changes_with_ids_only(demo_session: Session) -> None:
    actions = [e.action for e in demo_session.activity()]
    assert actions[:3] == ["create", "unlock", "add"]
    add = demo_session.activity()[2]
    assert set(add.detail) == {"added", "updated", "unchanged",
                               "anchored", "anchors_from", "anchors"}  # core/vault/anchor.py
    # one version per record, and one per identity (30 of the persons have one)
    identities = demo_session.conn.execute("SELECT count(*) FROM identities").fetchone()[0]
    assert add.detail["anchored"] == add.detail["added"] + identities
    assert demo_session.check() == []


def test_an_edited_entry_is_detected(demo_session: Session) -> None:
    _unlock_triggers(demo_session)
    demo_session.conn.execute("UPDATE activity SET action = 'nothing' WHERE seq = 2")
    assert any("#2 was altered" in p for p in demo_session.check())


def test_a_removed_entry_is_detected(demo_session: Session) -> None:
    _unlock_triggers(demo_session)
    demo_session.conn.execute("DELETE FROM activity WHERE seq = 2")
    assert any("missing before #3" in p for p in demo_session.check())


def test_removing_the_newest_entries_is_detected(demo_session: Session) -> None:
    _unlock_triggers(demo_session)
    last = demo_session.activity()[-1].seq
    demo_session.conn.execute("DELETE FROM activity WHERE seq = ?", (last,))
    assert any("newest entries were removed" in p for p in demo_session.check())
