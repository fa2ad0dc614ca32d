"""Anchors: every version of every record, fixed in the activity log when written.

Each revision a record gets (its current content is its newest revision), and each
revision of a person's identity (kept apart, under `identity:<person id>`), is
committed to as it is written: a random salt and SHA-256(salt || canonical data),
one row in `anchors`. The next activity entry (core/vault/activity.py) takes every row
written since the last one and puts their digest in its own detail (`anchors`,
with `anchors_from` and `anchored`: which rows), so the log's hash chain covers
them. `testimony check` then finds an edit made outside the app: a version that no
longer hashes to its anchor, anchors that no longer hash to their entry, or a log
that no longer chains (and, once a head of the log came back signed in a receipt,
no longer holds that head: core/vault/loghead.py).

Salted, because a plain hash of a version that sealing later rewrites would
confirm a guessed name (SECURITY.md). A legitimate rewrite (sealing an earlier
revision) or a removal (purge) forgets the salt of the old version, so its old
commitment stays in the log and tells nobody anything, and anchors the new
version (or the removal) in the entry that the operation writes.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from typing import Any, Protocol

from testimony_app.core.vault import db
from testimony_app.core.vault.connection import Connection
from testimony_app.i18n import _, ngettext, number

IDENTITY = "identity:"  # the anchors of a person's identity revisions
SALT_BYTES = 16
REMOVED = ""  # the digest of a version that was removed (purge)
MAX_LISTED = 50  # problems named one by one; the rest are counted
# The only entries that may anchor a version anew (sealing rewrites earlier revisions
# under one-time permits; the migration anchors what earlier versions left) or anchor
# a removal (purge; sealing removes an identity). Anyone with the passphrase can still
# write such an entry, but it then shows in the log as that operation, not silently.
REANCHORING = frozenset({"sealed", "anchored"})
REMOVING = frozenset({"delete", "sealed", "anchored"})
_DONE = "anchors_done"  # meta: the last anchor row an activity entry took


def commitment(salt: bytes, data: str) -> str:
    return hashlib.sha256(salt + data.encode("utf-8")).hexdigest()


def _write(conn: Connection, sql: str, rows: list[tuple[Any, ...]]) -> None:
    try:
        conn.executemany(sql, rows)
    except db.DatabaseError as exc:
        # Older migrations (up to 12) still write records through the store, before
        # the migration that creates this table; that migration anchors what they left.
        if "no such table: anchors" not in str(exc):
            raise


def _insert(conn: Connection, rows: list[tuple[str, int, str, bytes | None]]) -> None:
    _write(conn, "INSERT INTO anchors (record_id, revision, digest, salt) VALUES (?, ?, ?, ?)",
           list(rows))


def stage(conn: Connection, record_id: str, revision: int, data: str) -> None:
    """Commit to a new version, inside the transaction that writes it."""
    salt = os.urandom(SALT_BYTES)
    _insert(conn, [(record_id, revision, commitment(salt, data), salt)])


def stage_rows(conn: Connection, rows: list[tuple[str, int, str, bytes]]) -> None:
    """Many new versions at once, each already committed to as `stage` does:
    (record id, revision, `commitment(salt, data)`, salt), in the order written."""
    _insert(conn, rows)  # type: ignore[arg-type]


def restage(conn: Connection, record_id: str, revision: int, data: str) -> None:
    """An earlier revision was rewritten (sealing): forget its old salt, anchor anew."""
    _write(conn, "UPDATE anchors SET salt = NULL WHERE record_id = ? AND revision = ? "
           "AND salt IS NOT NULL", [(record_id, revision)])
    stage(conn, record_id, revision, data)


def remove(conn: Connection, record_id: str) -> None:
    """A record is purged with its revisions: anchor their removal, forget the salts."""
    revisions = [r[0] for r in conn.execute(
        "SELECT DISTINCT revision FROM anchors WHERE record_id = ? ORDER BY revision",
        (record_id,))]
    conn.execute("UPDATE anchors SET salt = NULL WHERE record_id = ? AND salt IS NOT NULL",
                 (record_id,))
    _insert(conn, [(record_id, revision, REMOVED, None) for revision in revisions])


def _fold(rows: list[tuple[int, str, int, str]]) -> str:
    digest = hashlib.sha256()
    for row_id, record_id, revision, value in rows:
        digest.update(f"{row_id} {record_id} {revision} {value}\n".encode())
    return digest.hexdigest()


def collect(conn: Connection) -> dict[str, Any]:
    """The detail an activity entry adds for the anchors written since the last one
    (nothing if none). Called by `audit.record`, in the same transaction."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (_DONE,)).fetchone()
    done = int(row[0]) if row else 0
    try:
        rows = conn.execute("SELECT id, record_id, revision, digest FROM anchors WHERE id > ? "
                            "ORDER BY id", (done,)).fetchall()
    except db.DatabaseError as exc:  # an earlier migration writing to the log, as in _write
        if "no such table: anchors" not in str(exc):
            raise
        return {}
    if not rows:
        return {}
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                 (_DONE, str(rows[-1][0])))
    return {"anchored": len(rows), "anchors_from": rows[0][0], "anchors": _fold(rows)}


def _listed(problems: list[str]) -> list[str]:
    if len(problems) <= MAX_LISTED:
        return problems
    more = len(problems) - MAX_LISTED
    return problems[:MAX_LISTED] + [ngettext("… and {count} more record version",
                                             "… and {count} more record versions", more
                                             ).format(count=number(more))]


def problems(conn: Connection, *, source: Versions) -> list[str]:
    """Record versions and log entries that do not match; named by id, never content.
    `source` reads the records' rows (records/versions.py)."""
    found: list[str] = []
    entries: list[tuple[int, str, dict[str, Any]]] = []
    for seq, action, detail in conn.execute("SELECT seq, action, detail FROM activity WHERE "
                                            "instr(detail, '\"anchors\"') > 0 ORDER BY seq"):
        try:
            value = json.loads(detail)
        except ValueError:
            continue  # the chain check names an entry that does not parse
        if isinstance(value, dict) and "anchors" in value:
            entries.append((int(seq), str(action), value))
    rows = conn.execute("SELECT id, record_id, revision, digest, salt FROM anchors "
                        "ORDER BY id").fetchall()
    by_id = {r[0]: r for r in rows}
    live: dict[tuple[str, int], tuple[str, bytes | None]] = {}
    expected = 1
    for seq, action, detail in entries:
        try:
            first, count = int(detail["anchors_from"]), int(detail["anchored"])
        except (KeyError, TypeError, ValueError):
            found.append(_("activity log: entry #{seq} does not match the record versions "
                           "it anchored").format(seq=seq))
            continue
        part = [by_id[i][:4] for i in range(first, first + count) if i in by_id]
        if first != expected or len(part) != count or _fold(part) != detail["anchors"]:
            found.append(_("activity log: entry #{seq} does not match the record versions "
                           "it anchored").format(seq=seq))
        anew = False
        for i in range(first, first + count):
            if i in by_id:
                _id, record_id, revision, digest, salt = by_id[i]
                before = live.get((record_id, revision))
                if digest == REMOVED:
                    anew = anew or action not in REMOVING
                elif before is not None and before[0] != REMOVED:
                    anew = anew or action not in REANCHORING
                live[(record_id, revision)] = (digest, salt)
        if anew:
            found.append(_("activity log: entry #{seq} ({action}) rewrites or removes record "
                           "versions, which only sealing and purging do").format(
                               seq=seq, action=action))
        expected = max(expected, first + count)
    pending = sum(1 for r in rows if r[0] >= expected)
    if pending:
        found.append(ngettext("{count} record version was written without an entry in the "
                              "activity log",
                              "{count} record versions were written without an entry in the "
                              "activity log", pending).format(count=number(pending)))
    versions: list[str] = []
    for key, revision, data in source.every_version(conn, IDENTITY):
        anchor = live.pop((key, revision), None)
        if anchor is None or anchor[0] == REMOVED:
            versions.append(_("{what}, revision {revision}: not written by the app "
                              "(no anchor in the activity log)").format(
                                  what=_what(key), revision=revision))
        elif anchor[1] is None or commitment(anchor[1], data) != anchor[0]:
            versions.append(_("{what}, revision {revision}: changed outside the app")
                            .format(what=_what(key), revision=revision))
    for (key, revision), (digest, _salt) in sorted(live.items()):
        if digest != REMOVED:
            versions.append(_("{what}, revision {revision}: missing (removed outside "
                              "the app)").format(what=_what(key), revision=revision))
    for record_id in source.stale_records(conn):
        versions.append(_("{what}: its current content is not its last revision "
                          "(changed outside the app)").format(what=_what(record_id)))
    for person_id in source.stale_identities(conn):
        versions.append(_("{what}: its current content is not its last revision "
                          "(changed outside the app)").format(what=_what(IDENTITY + person_id)))
    return found + _listed(versions)


def _what(key: str) -> str:
    """A record or an identity, by id."""
    if key.startswith(IDENTITY):
        return _("the identity of person {id}").format(id=key.removeprefix(IDENTITY))
    return _("record {id}").format(id=key)


class Versions(Protocol):
    """What the check reads of the records' tables, which this layer does not own
    (records/versions.py is one)."""

    def every_version(self, conn: Connection, identity: str) -> Iterator[tuple[str, int, str]]:
        ...

    def stale_records(self, conn: Connection) -> list[str]: ...

    def stale_identities(self, conn: Connection) -> list[str]: ...
