"""What the activity log's ids stand for, in words: a record's kind and title (an
incident's type and date, a person's code), a key's trusted name. The log itself
keeps ids only (it never holds content); the window names them when it shows it."""

from __future__ import annotations

from dataclasses import dataclass

from testimony_app.core.vault import org
from testimony_app.core.vault.connection import Connection

_CHUNK = 500  # ids per query: below SQLite's limit on bound parameters


@dataclass(frozen=True)
class RecordName:
    kind: str  # testimony, incident, person, place, source, aggregate
    title: str  # the title column; may be empty (incidents, persons)
    code: str  # a person's code (P-G5VF-6GYT); empty otherwise
    type: str  # an incident's type code; empty otherwise
    date: str  # the sort date (YYYY-MM-DD or shorter); may be empty


def records(conn: Connection, ids: set[str]) -> dict[str, RecordName]:
    """The records among `ids` that this vault holds (deleted ones are absent)."""
    found: dict[str, RecordName] = {}
    wanted = sorted(i for i in ids if i)
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start:start + _CHUNK]
        marks = ", ".join("?" * len(chunk))
        for row in conn.execute(
                f"SELECT id, kind, title, code, type, sort_date FROM records "  # noqa: S608 (marks only)
                f"WHERE id IN ({marks})", chunk):
            found[row[0]] = RecordName(row[1], row[2] or "", row[3] or "", row[4] or "",
                                       row[5] or "")
    return found


def keys(conn: Connection) -> dict[str, str]:
    """fingerprint -> the name this vault knows the researcher by."""
    return {str(fp): str(name) for fp, name in org.names(conn).items() if name}
