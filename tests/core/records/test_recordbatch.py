"""New records written in bulk (core/records/recordbatch.py) leave the vault exactly as the
record-by-record path did: same rows, rowids, index entries, links, anchors in the
same order, the same search results; the log and the anchors still check."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from bench.corpus import Corpus
from testimony_app.core.common.errors import ValidationFailed
from testimony_app.core.records import interchange, store, versions
from testimony_app.core.session import Session
from testimony_app.core.vault import activity, anchor
from testimony_app.core.vault.db import transaction
from tests.conftest import SEEDS, Template


def _one_by_one(conn: Any, document: dict[str, Any], author: str) -> None:
    """`store.add_document` as it was before the bulk writer: every record by `_put`."""
    interchange.validate(document)
    items = list(interchange.records(document))
    with transaction(conn):
        stored = store._check_references(conn, items, {r["id"]: k for k, r in items})
        put: set[str] = set()
        outcomes = []
        for kind, rec in items:
            outcomes.append(store._put(conn, kind, rec, author,
                                       new=rec["id"] not in stored and rec["id"] not in put))
            put.add(rec["id"])
        if "added" in outcomes or "updated" in outcomes:
            activity.record(conn, author, "add", None, added=outcomes.count("added"),
                         updated=outcomes.count("updated"),
                         unchanged=outcomes.count("unchanged"))


def _contents(conn: Any) -> dict[str, list[Any]]:
    """Everything the writes touch, without the clock and the random salts."""
    return {
        "records": conn.execute(
            "SELECT rowid, id, kind, code IS NULL, data, revision, status, type, sort_date, "
            "place_id, title FROM records ORDER BY rowid").fetchall(),
        "revisions": conn.execute(
            "SELECT rowid, record_id, revision, author, action, changed, data FROM revisions "
            "ORDER BY rowid").fetchall(),
        "anchors": conn.execute("SELECT id, record_id, revision, salt IS NULL FROM anchors "
                                "ORDER BY id").fetchall(),
        "links": conn.execute("SELECT * FROM links ORDER BY 1, 2, 3").fetchall(),
        "search": conn.execute("SELECT rowid, record_id, kind, body, stems FROM search "
                               "ORDER BY rowid").fetchall(),
        "identities": conn.execute("SELECT person_id, data FROM identities "
                                   "ORDER BY person_id").fetchall(),
        "log": [(a, json.loads(d).get("anchored"), json.loads(d).get("anchors_from"))
                for a, d in conn.execute("SELECT action, detail FROM activity ORDER BY seq")],
    }


def _documents() -> list[dict[str, Any]]:
    demo = json.loads(SEEDS.read_bytes())
    corpus = list(Corpus(seed=11).documents(120, 40))
    # One batch large enough that the bulk writer's statements carry their most rows.
    corpus += list(Corpus(seed=12).documents(420, 420))
    # The second time round: the same records (unchanged) and some changed (updated).
    again = json.loads(json.dumps(corpus[0]))
    for testimony in again["testimonies"][:5]:
        testimony["title"] = testimony.get("title", "") + " (2)"
    return [demo, *corpus, again]


def test_bulk_and_one_by_one_leave_the_same_vault(template: Template, tmp_path: Path
                                                  ) -> None:
    folders = []
    for name in ("bulk", "single"):
        shutil.copytree(template.folder, tmp_path / name)
        folders.append(tmp_path / name)
    documents = _documents()
    with Session._open_with_key(folders[0], template.key) as bulk, \
            Session._open_with_key(folders[1], template.key) as single:
        for document in documents:
            bulk.add_document(document)
            _one_by_one(single.conn, document, single.author)
        a, b = _contents(bulk.conn), _contents(single.conn)
        for table in a:
            assert a[table] == b[table], table
        for query in ("الحاجز", "checkpoint", "hospital", "Hajjar", "حلب", "Aleppo"):
            assert store.search(bulk.conn, query) == store.search(single.conn, query)
        assert anchor.problems(bulk.conn, source=versions) == []
        assert activity.verify_chain(bulk.conn) == []
        assert store.search_index_problems(bulk.conn) == []


def test_an_orphan_index_entry_where_a_new_record_goes_is_replaced(session: Session) -> None:
    conn = session.conn
    next_rowid = (conn.execute("SELECT max(rowid) FROM records").fetchone()[0] or 0) + 1
    conn.execute("INSERT INTO search (rowid, record_id, kind, body, stems) "
                 "VALUES (?, 'gone', 'testimony', 'orphan words', '')", (next_rowid,))
    document = next(iter(Corpus(seed=3).documents(20, 20)))
    session.add_document(document)
    assert store.search_index_problems(conn) == []
    assert store.search(conn, "orphan") == []
    row = conn.execute("SELECT record_id FROM search WHERE rowid = ?", (next_rowid,)).fetchone()
    assert row is None or row[0] != "gone"  # the first record (a place) has no text


def test_a_refused_batch_leaves_nothing(session: Session) -> None:
    """All or nothing still: a refused batch writes none of its records."""
    conn = session.conn
    before = _contents(conn)
    document = next(iter(Corpus(seed=5).documents(30, 30)))
    broken = json.loads(json.dumps(document))
    broken["testimonies"][-1]["witness"] = broken["testimonies"][-1]["id"]
    with pytest.raises(ValidationFailed):
        session.add_document(broken)
    assert _contents(conn) == before
