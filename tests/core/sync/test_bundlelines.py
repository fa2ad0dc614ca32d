"""records.jsonl made in bulk (core/sync/bundlelines.py) is byte for byte what
`bundle_export._record_line` makes record by record: every kind, persons with identities,
revisions, and a finalised testimony whose earlier revisions were sealed."""

from __future__ import annotations

import json
from pathlib import Path

from bench.corpus import Corpus
from testimony_app.core.sync import bundle, bundle_export, bundlelines, receipt
from tests.conftest import SEEDS
from tests.security.test_sealing_tags import case, receipt_for
from tests.sync_fixtures import Pair


def test_bulk_lines_are_the_record_by_record_lines(pair: Pair, tmp_path: Path) -> None:
    researcher = pair.researcher
    researcher.add_json(SEEDS.read_bytes())
    for document in Corpus(seed=17).documents(40, 20):
        researcher.add_document(document)
    document, ids = case()
    researcher.add_document(document)
    receipt.accept(researcher, receipt_for(pair, tmp_path / "early"))
    assert researcher.finalise(ids["testimony"]) == 1  # earlier revisions sealed
    changed = json.loads(SEEDS.read_bytes())
    for testimony in changed["testimonies"]:
        testimony["title"] = testimony.get("title", "") + " (revised)"
    researcher.add_document(changed)
    conn = researcher.conn
    every = [r[0] for r in conn.execute("SELECT id FROM records ORDER BY rowid")]
    kinds = {r[0] for r in conn.execute("SELECT DISTINCT kind FROM records")}
    assert {"person", "testimony", "incident", "place", "source"} <= kinds
    old = [bundle_export._record_line(conn, i) for i in every]
    for chunk in (bundlelines.CHUNK, 7):
        bundlelines.CHUNK = chunk
        try:
            new = list(bundlelines.lines(conn, every, bundle.MAX_HISTORY,
                                         bundle_export._record_line))
        finally:
            bundlelines.CHUNK = 500
        assert new == old
    assert any(b'"sealed_sha256"' in line for line, _h, _r in old)
    assert any(b'"revision":2' in line for line, _h, _r in old)
