"""The hash-chained activity log: every unlock, change, export and import.

Entries carry ids, counts and action names, never content. Each entry's hash
covers the previous hash, so an edited, inserted or removed entry breaks the
chain from that point on; `verify_chain` says where. Triggers in the schema
make the table append-only for the app itself.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from testimony_app.core.vault import anchor
from testimony_app.core.vault.connection import Connection
from testimony_app.i18n import _

GENESIS = "0" * 64


@dataclass(frozen=True)
class Entry:
    seq: int
    at: str
    actor: str
    action: str
    target: str | None
    detail: dict[str, Any]
    hash: str


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _digest(prev: str, seq: int, at: str, actor: str, action: str, target: str | None,
            detail: str) -> str:
    body = json.dumps([prev, seq, at, actor, action, target, detail], ensure_ascii=False)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


# The chain's hash, for whoever checks a copy of the log (core/vault/loghead.py).
entry_hash = _digest


def record(conn: Connection, actor: str, action: str, target: str | None = None,
           **detail: Any) -> Entry:
    """Append one entry; call inside the transaction of the change it records."""
    row = conn.execute("SELECT seq, hash FROM activity ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev = (row[0] + 1, row[1]) if row else (1, GENESIS)
    at = now()
    # The record versions written in this transaction: their digest joins the chain.
    detail = {**detail, **anchor.collect(conn)}
    detail_json = json.dumps(detail, sort_keys=True, ensure_ascii=False)
    digest = _digest(prev, seq, at, actor, action, target, detail_json)
    conn.execute(
        "INSERT INTO activity (seq, at, actor, action, target, detail, prev_hash, hash) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (seq, at, actor, action, target, detail_json, prev, digest),
    )
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('activity_head', ?)",
                 (f"{seq}:{digest}",))
    return Entry(seq, at, actor, action, target, detail, digest)


def entries(conn: Connection, limit: int | None = None, after: int = 0) -> list[Entry]:
    sql = "SELECT seq, at, actor, action, target, detail, hash FROM activity WHERE seq > ? "
    sql += "ORDER BY seq DESC LIMIT ?" if limit else "ORDER BY seq"
    params: tuple[Any, ...] = (after, limit) if limit else (after,)
    rows = conn.execute(sql, params).fetchall()
    result = [Entry(r[0], r[1], r[2], r[3], r[4], json.loads(r[5]), r[6]) for r in rows]
    return sorted(result, key=lambda e: e.seq)


def verify_chain(conn: Connection) -> list[str]:
    """Problems found in the chain, as short descriptions with sequence numbers."""
    problems: list[str] = []
    prev, expected_seq = GENESIS, 1
    last = None
    for seq, at, actor, action, target, detail, prev_hash, digest in conn.execute(
            "SELECT seq, at, actor, action, target, detail, prev_hash, hash "
            "FROM activity ORDER BY seq"):
        if seq != expected_seq:
            problems.append(_("activity log: entries missing before #{seq}").format(seq=seq))
        if prev_hash != prev:
            problems.append(_("activity log: entry #{seq} does not follow the one before")
                            .format(seq=seq))
        if _digest(prev_hash, seq, at, actor, action, target, detail) != digest:
            problems.append(_("activity log: entry #{seq} was altered").format(seq=seq))
        prev, expected_seq, last = digest, seq + 1, f"{seq}:{digest}"
    head = conn.execute("SELECT value FROM meta WHERE key = 'activity_head'").fetchone()
    if head and head[0] != last:
        problems.append(_("activity log: the newest entries were removed"))
    return problems


def last_entry(conn: Connection) -> tuple[int, str] | None:
    """(seq, hash) of the log's last entry, or None when the log is empty."""
    row = conn.execute("SELECT seq, hash FROM activity ORDER BY seq DESC LIMIT 1").fetchone()
    return None if row is None else (row[0], row[1])


def hash_at(conn: Connection, seq: int) -> str | None:
    """The hash of entry `seq`, or None when there is none."""
    row = conn.execute("SELECT hash FROM activity WHERE seq = ?", (seq,)).fetchone()
    return None if row is None else row[0]


def changed_since(conn: Connection, seq: int, quiet: list[str]) -> bool:
    """Whether an entry after `seq` records an action other than the `quiet` ones."""
    marks = ",".join("?" * len(quiet))
    return conn.execute(
        f"SELECT 1 FROM activity WHERE seq > ? AND action NOT IN ({marks}) LIMIT 1",  # noqa: S608
        (seq, *quiet)).fetchone() is not None


def first_at(conn: Connection) -> str | None:
    """When the log's first entry was written, or None when the log is empty."""
    row = conn.execute("SELECT at FROM activity ORDER BY seq LIMIT 1").fetchone()
    return None if row is None else str(row[0])
