"""How many records of each kind and status the vault holds, kept by the code that
writes records (store, recordbatch) in the same transaction: a list shows its count
(the scroll bar) before its rows, and counting a million testimonies walked the whole
index. `problems` compares the counts with the records, for `check`."""

from __future__ import annotations

from collections import Counter

from testimony_app.core.vault.connection import Connection
from testimony_app.i18n import _


def change(conn: Connection, by: Counter[tuple[str, str | None]]) -> None:
    """Add each (kind, status) -> n (n may be negative) to the counts."""
    conn.executemany(
        "INSERT INTO record_counts (kind, status, n) VALUES (?, ?, ?) "
        "ON CONFLICT (kind, status) DO UPDATE SET n = n + excluded.n",
        [(kind, status or "", n) for (kind, status), n in by.items() if n])


def count(conn: Connection, kind: str, status: str | None = None) -> int:
    """Records of a kind (with that status, when given)."""
    return int(conn.execute("SELECT coalesce(sum(n), 0) FROM record_counts "
                            "WHERE kind = ? AND (? IS NULL OR status = ?)",
                            (kind, status, status)).fetchone()[0])


def problems(conn: Connection) -> list[str]:
    kept = {(k, s): n for k, s, n in conn.execute(
        "SELECT kind, status, n FROM record_counts WHERE n != 0")}
    actual = {(k, s): n for k, s, n in conn.execute(
        "SELECT kind, coalesce(status, ''), count(*) FROM records GROUP BY 1, 2")}
    return [] if kept == actual else [
        _("lists: the record counts kept differ from the records")]
