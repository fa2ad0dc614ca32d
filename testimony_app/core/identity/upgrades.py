"""The data upgrades of the schema migrations that need sealing or the records' own
code (vault/migrations.py `DATA_STEPS` runs them, each in its step's transaction). The
schema lives in the vault layer and cannot import either; whoever opens a database
passes `UPGRADES` to `db.connect` (the session, a backup's copy)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from testimony_app.core.identity import seal
from testimony_app.core.records import figure_facts, sealed, store
from testimony_app.core.vault.connection import Connection


def _person_keys(conn: Connection) -> None:
    """Migration 10: the match keys of every identity this vault sees."""
    for person_id, data in conn.execute("SELECT person_id, data FROM identities").fetchall():
        sealed.store_keys(conn, person_id, json.loads(data))


def _sealed_revision_hashes(conn: Connection) -> None:
    """Migration 11: the hashes migration 9 kept in the clear, sealed to the organisation
    (the step then drops the clear ones)."""
    rows = conn.execute("SELECT record_id, revision, sha256 FROM revision_seals").fetchall()
    recipients = sealed.recipients_or_none(conn)
    if rows and recipients:
        conn.executemany("INSERT INTO sealed_revision_hashes (record_id, revision, sealed) "
                         "VALUES (?, ?, ?)", [(r, v, sealed.seal_hash(h, recipients))
                                              for r, v, h in rows])


UPGRADES: dict[int, Callable[[Any], None]] = {
    10: _person_keys,
    11: _sealed_revision_hashes,
    12: seal.upgrade_sealed,
    16: figure_facts.rebuild,
    18: store.fill_dated,
}
