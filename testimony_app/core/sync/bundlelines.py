"""The lines of a bundle's records.jsonl, made in bulk for many records at once.

`bundle._record_line` reads one record (two queries), parses its stored JSON and
writes it out again twice (once for its hash, once inside the line). Here the
records and their revisions are read a few hundred at a time, and a record's stored
text goes into the line as it is: it is `interchange.canonical` of the record, the
same bytes `safejson.dumps` gives for it (sorted keys, no spaces, UTF-8), so the
line and its hash are byte for byte what `_record_line` makes (a test compares the
two on every kind, sealed records and persons included).

A person is made by `_record_line` itself: its line carries its identity, kept in
a table of its own.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from typing import Any

from testimony_app.core.common import safejson
from testimony_app.core.common.ids import RecordId
from testimony_app.core.records import tables
from testimony_app.core.vault.connection import Connection

CHUNK = 500  # records per query


def lines(conn: Connection, ids: list[RecordId], max_history: int,
          one: Callable[[Any, RecordId], tuple[bytes, str, int]]
          ) -> Iterator[tuple[bytes, str, int]]:
    """(line, content hash, revision) for each id, in order; `one` makes a line alone."""
    for start in range(0, len(ids), CHUNK):
        part = ids[start:start + CHUNK]
        records = tables.line_rows(conn, part)
        histories: dict[str, list[dict[str, Any]]] = {}
        for record_id, revision, at, author, action, text, sealed in tables.histories_of(
                conn, part):
            histories.setdefault(record_id, []).append(
                {"revision": revision, "at": at, "author": author, "action": action,
                 "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
                 **({"sealed_sha256": sealed} if sealed else {})})
        for record_id in part:
            row = records.get(record_id)
            if row is None or row[0] == "person":
                yield one(conn, record_id)  # a person; or gone: `one` says so as before
                continue
            kind, stored, revision = row
            data = stored.encode("utf-8")
            digest = hashlib.sha256(data).hexdigest()
            history = histories.get(record_id, [])[-max_history:]
            line = b"".join((
                b'{"data":', data,
                b',"history":', safejson.dumps(history),
                b',"id":', safejson.dumps(record_id),
                b',"kind":', safejson.dumps(kind),
                b',"revision":', safejson.dumps(revision),
                b',"sha256":', safejson.dumps(digest), b"}\n"))
            yield line, digest, int(revision)
