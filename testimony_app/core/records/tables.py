"""Plain reads of the tables this package owns (records, links, identities), for the
packages above that need a whole kind or a whole table at once: the SQL stays beside
the schema it reads, and the callers get decoded JSON."""

from __future__ import annotations

import json
from typing import Any

from testimony_app.core.common.ids import PersonId, RecordId
from testimony_app.core.vault.connection import Connection


def of_kind(conn: Connection, kind: str) -> list[dict[str, Any]]:
    """Every record of a kind, by date then id."""
    return [json.loads(r[0]) for r in conn.execute(
        "SELECT data FROM records WHERE kind = ? ORDER BY sort_date, id", (kind,))]


def testimony(conn: Connection, testimony_id: RecordId) -> dict[str, Any] | None:
    """A testimony's stored record, or None when the id is not a testimony."""
    row = conn.execute("SELECT data FROM records WHERE id = ? AND kind = 'testimony'",
                       (testimony_id,)).fetchone()
    return None if row is None else dict(json.loads(row[0]))


def finalised_testimonies(
        conn: Connection) -> list[tuple[str, str | None, str | None, dict[str, Any]]]:
    """(id, title, sort date, record) of every finalised testimony, by date then id."""
    return [(r[0], r[1], r[2], json.loads(r[3])) for r in conn.execute(
        "SELECT id, title, sort_date, data FROM records WHERE kind = 'testimony' "
        "AND status = 'finalised' ORDER BY sort_date, id")]


def witnesses(conn: Connection) -> set[str]:
    """Every person who is some testimony's witness."""
    return {r[0] for r in conn.execute("SELECT to_id FROM links WHERE role = 'witness'")}


def identities(conn: Connection) -> dict[str, dict[str, Any]]:
    """Every visible identity, by person id (in the table's order)."""
    return {r[0]: json.loads(r[1]) for r in conn.execute(
        "SELECT person_id, data FROM identities")}


def public_non_witnesses(conn: Connection) -> set[str]:
    """Persons whose names are public and who are nobody's witness."""
    return {r[0] for r in conn.execute(
        "SELECT person_id FROM identities WHERE public_domain = 1 AND person_id NOT IN "
        "(SELECT to_id FROM links WHERE role = 'witness')")}


def public_persons(conn: Connection) -> set[str]:
    """Persons whose names are public."""
    return {r[0] for r in conn.execute("SELECT person_id FROM identities "
                                       "WHERE public_domain = 1")}


def identity(conn: Connection, person_id: PersonId) -> dict[str, Any] | None:
    """A person's visible identity, or None when there is none here (sealed, or none)."""
    row = conn.execute("SELECT data FROM identities WHERE person_id = ?",
                       (person_id,)).fetchone()
    return None if row is None else dict(json.loads(row[0]))


def codes(conn: Connection, kind: str, ids: list[str]) -> dict[str, str]:
    """The pseudonym code of each of these records of a kind (by id)."""
    return dict(conn.execute(
        f"SELECT id, code FROM records WHERE kind = ? AND id IN "  # noqa: S608
        f"({','.join('?' * len(ids))})", [kind, *ids]).fetchall())


def finalised_testimony_ids(conn: Connection) -> list[RecordId]:
    """Every finalised testimony, in the order they were first stored."""
    return [r[0] for r in conn.execute("SELECT id FROM records WHERE kind = 'testimony' "
                                       "AND status = 'finalised' ORDER BY rowid")]
