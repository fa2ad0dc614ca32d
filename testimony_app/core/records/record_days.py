"""The first and last day each dated record's date can mean, kept beside it.

An export of one period read every testimony and incident of the vault to choose
those of the period: at a million testimonies, most of its work (bench/README.md).
Each write of a testimony, incident or aggregate also writes its days here, in the
same transaction, from the record as this vault reads it (a sealed one opened); a
period's records are then those whose days can overlap it, found in an index. The
caller still decides on each record's own date: this is a superset, never fewer.
`check` compares the days with the records (core/records/store.py)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from testimony_app.core.records import dates
from testimony_app.core.vault.connection import Connection

DATE_OF = {"testimony": ("interview", "date"), "incident": ("date",), "aggregate": ("period",)}
DATED = tuple(DATE_OF)
OPEN_END = "9999-12-31"


def of(kind: str, record: dict[str, Any]) -> tuple[str, str] | None:
    """(first day, last day) of a dated record ('' and 9999-12-31 for open ends);
    None for a record of a kind without a date."""
    path = DATE_OF.get(kind)
    if path is None:
        return None
    date: Any = record
    for step in path:
        date = date[step]
    return dates.start(date), dates.end(date)


def put(conn: Connection, kind: str, record: dict[str, Any]) -> None:
    """Write a stored record's days (inside the caller's transaction)."""
    if kind in DATE_OF:
        conn.execute("DELETE FROM record_days WHERE record_id = ?", (record["id"],))
        put_many(conn, [(kind, record)])


def put_many(conn: Connection, items: Iterable[tuple[str, dict[str, Any]]]) -> None:
    """The days of records that have none yet. (INSERT OR REPLACE, with foreign keys
    on, cost ten times a DELETE and an INSERT: bench/README.md.)"""
    rows = []
    for kind, record in items:
        days = of(kind, record)
        if days is not None:
            rows.append((record["id"], kind, *days))
    conn.executemany("INSERT INTO record_days (record_id, kind, first_day, last_day) "
                     "VALUES (?, ?, ?, ?)", rows)


def stored(conn: Connection, ids: list[str]) -> dict[str, tuple[str, str]]:
    """record id -> its days as stored, for those of `ids` that have them."""
    return {r[0]: (r[1], r[2]) for r in conn.execute(
        "SELECT record_id, first_day, last_day FROM record_days WHERE record_id IN "
        "(SELECT value FROM json_each(?))", (json.dumps(ids),))}


def between(conn: Connection, kind: str, first: str | None, last: str | None
            ) -> Iterator[dict[str, Any]]:
    """Every record of a kind whose date can fall on a day from `first` to `last`
    (YYYY-MM-DD; None: that end open), by date then id, one at a time.

    Should any record of the kind lack its days (their count differs from the
    records'), every record of the kind is read: a period never misses a record."""
    whole = int(conn.execute("SELECT count(*) FROM records WHERE kind = ?",
                             (kind,)).fetchone()[0])
    dated = int(conn.execute("SELECT count(*) FROM record_days WHERE kind = ?",
                             (kind,)).fetchone()[0])
    if (first is None and last is None) or whole != dated:
        for (data,) in conn.execute("SELECT data FROM records WHERE kind = ? "
                                    "ORDER BY sort_date, id", (kind,)):
            yield json.loads(data)
        return
    # The ids in order first, then the records a slice at a time: sorted with their
    # text, a period of 100 000 records held it all in SQLite's sorter. A record's
    # sort date is its first day, or its last when the first is open (dates.sort_key).
    ids = [row[0] for row in conn.execute(
        "SELECT record_id FROM record_days WHERE kind = ? AND last_day >= ? "
        "AND first_day <= ? ORDER BY CASE first_day WHEN '' THEN last_day "
        "ELSE first_day END, record_id", (kind, first or "", last or OPEN_END))]
    for start in range(0, len(ids), 500):
        part = ids[start:start + 500]
        found = dict(conn.execute("SELECT id, data FROM records WHERE id IN "
                                  "(SELECT value FROM json_each(?))", (json.dumps(part),)))
        for record_id in part:
            yield json.loads(found[record_id])
