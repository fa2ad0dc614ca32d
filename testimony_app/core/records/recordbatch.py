"""New records written in bulk: one prepared statement per table for a whole batch.

An intake (or an import) of new records used to run six statements per record
(record row, index delete and insert, revision, anchor, links), each prepared anew
(the connection keeps no statement cache: core/vault/db.py). Here the rows of plain new
records are gathered and written with one `executemany` per table, in the same
order and with the same values `store._put` writes, so that the vault ends up
holding exactly what the record-by-record path made:

- rowids are given explicitly, max(rowid) + 1 onward, which is what SQLite picks
  for a row inserted without one; the search index uses the same rowids;
- the index entries that could sit at those rowids (an orphan left by damage) are
  found in one range query and removed first, as `_index` did one by one;
- every record gets its own salted anchor, in record order, so the activity entry of
  the batch folds the same rows in the same order (core/vault/anchor.py): the log chain,
  `check` and the anchors keep every guarantee they had;
- what an incident adds to the figures is written with it (core/records/figure_facts.py),
  and so are a dated record's days (core/records/record_days.py);
- a record that needs more than that (a person: identity, pseudonym code, seals;
  a testimony or incident that holds sealed parts; anything already stored) goes
  through `store._put` as before, after the rows gathered so far are written.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable
from typing import Any

from testimony_app.core.records import figure_facts, interchange, record_counts, record_days
from testimony_app.core.vault import activity, anchor
from testimony_app.core.vault.connection import Connection

# Rows gathered before they are written: bounds the memory a large batch holds.
FLUSH_EVERY = 500
# Rows of `records` and `revisions` per INSERT statement (13 and 7 parameters a row:
# far below SQLite's 32 766).
ROWS_PER_STATEMENT = 500


def _insert_rows(conn: Connection, head: str, rows: list[tuple[Any, ...]]) -> None:
    """`head` (an INSERT OR FAIL … VALUES without its rows) for many rows, as one
    statement per ROWS_PER_STATEMENT rows rather than one execution per row.

    With memory security, SQLite's allocations outside its lookaside are each locked
    and wiped: one execution per row made them again for every row (the bound
    record text, the row's record, and for `records` the temporary table that its
    `kind IN (…)` check builds at every execution: a b-tree with its own page cache).
    One statement makes them once. OR FAIL rather than the default ABORT: a
    statement of many rows that may abort keeps a statement journal, a copy of every
    page it changes, in memory; one that fails keeps the rows it wrote, and the
    caller's transaction is rolled back whole on any error (all or nothing), so
    nothing differs in what is kept. The rows, values and rowids are those the
    one-by-one inserts wrote, in the same order."""
    if not rows:
        return
    values = "(" + ",".join("?" * len(rows[0])) + ")"
    for start in range(0, len(rows), ROWS_PER_STATEMENT):
        part = rows[start:start + ROWS_PER_STATEMENT]
        conn.execute(head + ",".join([values] * len(part)),
                     [value for row in part for value in row])


def simple(kind: str, data: str) -> bool:
    """Whether a new record of this kind and canonical text is written with no more
    than its rows (see the module): no person, nothing sealed."""
    return kind != "person" and not (kind in ("testimony", "incident") and '"sealed"' in data)


class Batch:
    """Gathers new records; `flush` writes them. Use inside the caller's transaction."""

    def __init__(self, conn: Connection, author: str,
                 columns: Callable[[str, dict[str, Any]], tuple[Any, ...]],
                 index_row: Callable[[str, dict[str, Any]], tuple[str, str] | None]) -> None:
        self.conn = conn
        self.author = author
        self.columns = columns
        self.index_row = index_row
        self.pending: list[tuple[str, dict[str, Any], str]] = []

    def add(self, kind: str, rec: dict[str, Any], data: str) -> None:
        """A new record (the caller checked it is absent and `simple`), its canonical text."""
        self.pending.append((kind, rec, data))
        if len(self.pending) >= FLUSH_EVERY:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        conn = self.conn
        last = conn.execute("SELECT max(rowid) FROM records").fetchone()[0] or 0
        records: list[tuple[Any, ...]] = []
        revisions: list[tuple[Any, ...]] = []
        anchors: list[tuple[str, int, str, bytes]] = []
        links: list[tuple[str, str, str]] = []
        index: list[tuple[Any, ...]] = []
        facts: list[tuple[str, dict[str, Any], str | None]] = []
        for offset, (kind, rec, data) in enumerate(self.pending, 1):
            rowid = last + offset
            record_id = rec["id"]
            at = activity.now()
            status, type_, sort_date, place, title = self.columns(kind, rec)
            records.append((rowid, record_id, kind, None, data, 1, at, at, status, type_,
                            sort_date, place, title))
            revisions.append((record_id, 1, at, self.author, "created",
                              json.dumps(sorted(rec)), data))
            salt = os.urandom(anchor.SALT_BYTES)
            anchors.append((record_id, 1, anchor.commitment(salt, data), salt))
            links.extend((record_id, target, role)
                         for role, target, _k in interchange.references(kind, rec))
            facts.append((kind, rec, sort_date))
            entry = self.index_row(kind, rec)
            if entry is not None:
                index.append((rowid, record_id, kind, *entry))
        first, end = last + 1, last + len(self.pending)
        self.pending = []
        _insert_rows(conn,
                     "INSERT OR FAIL INTO records (rowid, id, kind, code, data, revision, "
                     "created_at, updated_at, status, type, sort_date, place_id, title) VALUES ",
                     records)
        _insert_rows(conn,
                     "INSERT OR FAIL INTO revisions (record_id, revision, at, author, action, "
                     "changed, data) VALUES ", revisions)
        anchor.stage_rows(conn, anchors)
        conn.executemany("INSERT OR IGNORE INTO links (from_id, to_id, role) VALUES (?,?,?)",
                         links)
        figure_facts.put_many(conn, facts)
        record_counts.change(conn, Counter((row[2], row[8]) for row in records))
        record_days.put_many(conn, ((kind, rec) for kind, rec, _sort_date in facts))
        # FTS5 would scan the whole index for a rowid range; its content table (a
        # documented shadow table, keyed by the same rowid) finds the few, if any.
        orphans = conn.execute("SELECT id FROM search_content WHERE id BETWEEN ? AND ?",
                               (first, end)).fetchall()
        if orphans:
            conn.executemany("DELETE FROM search WHERE rowid = ?", orphans)
        conn.executemany("INSERT INTO search (rowid, record_id, kind, body, stems) "
                         "VALUES (?, ?, ?, ?, ?)", index)
