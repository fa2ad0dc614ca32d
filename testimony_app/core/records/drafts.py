"""Unsaved editor state kept inside the vault (autosave and crash recovery).

An editor writes its whole form state here every few seconds while a person
types; an explicit save turns it into records and removes the draft. A draft
left behind by a crash or a power cut is offered back at the next unlock.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from testimony_app.core.common import safejson
from testimony_app.core.common.errors import InputError
from testimony_app.core.common.ids import RecordId
from testimony_app.core.vault import activity
from testimony_app.core.vault.connection import Connection
from testimony_app.core.vault.db import transaction
from testimony_app.i18n import _


@dataclass(frozen=True)
class Draft:
    id: str
    record_id: RecordId | None
    kind: str
    data: dict[str, Any]
    updated_at: str


def save(conn: Connection, draft_id: str, record_id: RecordId | None, kind: str,
         data: dict[str, Any]) -> str:
    try:
        # The parser's rules (core/common/safejson.py): what is kept here is JSON that any
        # reader of the app takes back, and no lone surrogate fails to encode.
        safejson.check(data)
    except safejson.Malformed as exc:
        raise InputError("draft_refused", reason=_(exc.reason), path=exc.path) from None
    at = activity.now()
    with transaction(conn):
        conn.execute("INSERT OR REPLACE INTO drafts (id, record_id, kind, data, updated_at) "
                     "VALUES (?, ?, ?, ?, ?)",
                     (draft_id, record_id, kind, json.dumps(data, ensure_ascii=False), at))
    return at


def pending(conn: Connection) -> list[Draft]:
    return [Draft(r[0], r[1], r[2], json.loads(r[3]), r[4]) for r in conn.execute(
        "SELECT id, record_id, kind, data, updated_at FROM drafts ORDER BY updated_at")]


def discard(conn: Connection, draft_id: str) -> None:
    with transaction(conn):
        conn.execute("DELETE FROM drafts WHERE id = ?", (draft_id,))


def all_raw(conn: Connection) -> list[tuple[str, str]]:
    """(id, stored JSON) of every draft, for a rewrite inside the caller's transaction."""
    return [(r[0], r[1]) for r in conn.execute("SELECT id, data FROM drafts").fetchall()]


def replace_data(conn: Connection, draft_id: str, text: str) -> None:
    """Inside the caller's transaction: a draft's stored JSON becomes `text`."""
    conn.execute("UPDATE drafts SET data = ? WHERE id = ?", (text, draft_id))


def discard_for(conn: Connection, record_id: str) -> None:
    """Inside the caller's transaction: forget every draft of a record."""
    conn.execute("DELETE FROM drafts WHERE record_id = ?", (record_id,))


def changed_since(conn: Connection, at: str) -> bool:
    """Whether a draft was written after `at`."""
    return conn.execute("SELECT 1 FROM drafts WHERE updated_at > ? LIMIT 1",
                        (at,)).fetchone() is not None


def any_kept(conn: Connection) -> bool:
    return conn.execute("SELECT 1 FROM drafts LIMIT 1").fetchone() is not None
