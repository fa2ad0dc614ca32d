"""Pages of rows for the screens' tables: filtered, sorted and counted in SQL.

A table over 100 000 testimonies asks for one page at a time; sorting and
filtering happen here, never in a proxy model over Python objects (slow).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from testimony_app.core.common.ids import PersonId, RecordId
from testimony_app.core.records import record_counts, store, vocab
from testimony_app.core.records import sealed as sealing
from testimony_app.core.vault.connection import Connection


@dataclass(frozen=True)
class Filter:
    status: str | None = None
    incident_type: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    place_id: RecordId | None = None
    query: str | None = None


@dataclass(frozen=True)
class Column:
    key: str
    sql: str | None  # how to sort by it; None: not sortable


TESTIMONY_COLUMNS = [
    Column("date", "r.sort_date"), Column("title", "r.title"), Column("status", "r.status"),
    Column("witness", "w.code"), Column("incidents", "incidents"),
    Column("updated", "r.updated_at"),
]
INCIDENT_COLUMNS = [
    Column("date", "r.sort_date"), Column("type", "r.type"), Column("place", "place_name"),
    Column("victims", None), Column("verification", "r.status"), Column("updated", "r.updated_at"),
]
PERSON_COLUMNS = [
    Column("code", "r.code"), Column("sex", None), Column("age", None),
    Column("occupation", None), Column("public", "i.public_domain"), Column("name", None),
    Column("duplicates", None),
]
COLUMNS = {"testimony": TESTIMONY_COLUMNS, "incident": INCIDENT_COLUMNS,
           "person": PERSON_COLUMNS}

_PLACE_NAME = ("(SELECT json_extract(p.data, '$.name.en') FROM records p "
               "WHERE p.id = r.place_id)")
# A place in the reader's language where it has a name in it, else in English.
_PLACE_NAME_AR = ("(SELECT coalesce(json_extract(p.data, '$.name.ar'), "
                  "json_extract(p.data, '$.name.en')) FROM records p WHERE p.id = r.place_id)")


def _where(conn: Connection, kind: str, f: Filter) -> tuple[str, list[Any]]:
    clauses, params = ["r.kind = ?"], [kind]
    if f.status:
        clauses.append("r.status = ?")
        params.append(f.status)
    if f.date_from:
        clauses.append("r.sort_date >= ?")
        params.append(f.date_from)
    if f.date_to:
        clauses.append("r.sort_date <= ?")
        params.append(f.date_to + "\uffff")
    if f.place_id:
        # the place and every place inside it
        clauses.append("r.place_id IN (WITH RECURSIVE inside(id) AS (SELECT ? UNION "
                       "SELECT c.id FROM records c JOIN inside ON c.place_id = inside.id "
                       "WHERE c.kind = 'place') SELECT id FROM inside)")
        params.append(f.place_id)
    if f.incident_type:
        if kind == "incident":
            clauses.append("r.type = ?")
        else:
            clauses.append("EXISTS (SELECT 1 FROM links l JOIN records i ON i.id = l.from_id "
                           "WHERE l.to_id = r.id AND l.role = 'reported_by' AND i.type = ?)")
        params.append(f.incident_type)
    if f.query and f.query.strip():
        clauses.append("r.rowid IN (SELECT rowid FROM search WHERE search MATCH ?)")
        params.append(store.match_for(conn, f.query))
    return " AND ".join(clauses), params


def _from(kind: str) -> str:
    if kind == "testimony":
        return ("FROM records r LEFT JOIN links wl ON wl.from_id = r.id AND wl.role = 'witness' "
                "LEFT JOIN records w ON w.id = wl.to_id")
    if kind == "person":
        return "FROM records r LEFT JOIN identities i ON i.person_id = r.id"
    return "FROM records r"


def count(conn: Connection, kind: str, f: Filter) -> int:
    # Without the joins of `_from`: they only add columns (a testimony has one witness
    # link at most, a person one identity), and no filter uses them. Joined, a count
    # over 100 000 testimonies looked up a link and a record for each, ~1 s when the
    # vault is larger than the page cache (bench/README.md); alone it is an index walk.
    if not (f.date_from or f.date_to or f.place_id or f.incident_type
            or (f.query and f.query.strip())):
        return record_counts.count(conn, kind, f.status or None)  # kept with the records
    where, params = _where(conn, kind, f)
    return int(conn.execute(f"SELECT count(*) FROM records r WHERE {where}",  # noqa: S608
                            params).fetchone()[0])


def page(conn: Connection, kind: str, f: Filter, sort: str, descending: bool, offset: int,
         limit: int, language: str = "en") -> list[dict[str, Any]]:
    """Rows as dicts of display values (labels in `language`), plus their `id`."""
    columns = {c.key: c.sql for c in COLUMNS[kind]}
    order = columns.get(sort) or "r.sort_date"
    where, params = _where(conn, kind, f)
    extra = {
        "testimony": ", w.code, (SELECT count(*) FROM links l WHERE l.to_id = r.id "
                     "AND l.role = 'reported_by') AS incidents",
        "incident": f", {_PLACE_NAME_AR if language == 'ar' else _PLACE_NAME} AS place_name",
        "person": ", i.data, i.public_domain",
    }[kind]
    direction = "DESC" if descending else "ASC"
    # Ties are broken by rowid, and by date for a status sort, so that each order is
    # one of the indexes walked as it is (no temporary sort of the whole table).
    tie = "r.sort_date {d}, r.rowid {d}" if sort == "status" else "r.rowid {d}"
    order_by = f"{order} {direction}, " + tie.format(d=direction)
    # Phase 1 finds the page's rows on the narrow index alone: an OFFSET deep into
    # 100 000 rows then skips index entries, not joined rows.
    joined = not order.startswith("r.")
    if joined:  # sorting by witness, incident count, place or public flag needs the joins
        phase_one = f"SELECT r.rowid {extra} {_from(kind)}"
    else:
        phase_one = "SELECT r.rowid FROM records r"
    found = conn.execute(f"{phase_one} WHERE {where} ORDER BY {order_by} "  # noqa: S608
                         "LIMIT ? OFFSET ?", [*params, limit, offset]).fetchall()
    rowids = [r[0] for r in found]
    if not rowids:
        return []
    sql = (f"SELECT r.id, r.data, r.title, r.status, r.sort_date, r.updated_at, r.code{extra} "  # noqa: S608
           f"{_from(kind)} WHERE r.rowid IN ({','.join('?' * len(rowids))})")
    fetched = {}
    for row in conn.execute(sql.replace("SELECT r.id,", "SELECT r.rowid, r.id,"), rowids):
        fetched[row[0]] = row[1:]
    rows = []
    for row in (fetched[r] for r in rowids if r in fetched):
        data = json.loads(row[1])
        rows.append(_display(kind, row, data, language))
    if kind == "person":
        _add_duplicates(conn, rows, [fetched[r][0] for r in rowids if r in fetched])
    return rows


def _add_duplicates(conn: Connection, rows: list[dict[str, Any]], ids: list[PersonId]) -> None:
    """Each person's possible duplicates (others sharing a match key), for one page
    (`rows`, of persons `ids`): one query for the page's keys (see seal.people)."""
    mine = sealing.keys_by_person(conn, ids)
    keys = sorted({k for person_keys in mine.values() for k in person_keys})
    holders: dict[str, set[str]] = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        marks = ",".join("?" * len(chunk))
        sql = ("SELECT r.code, k.value FROM records r, "  # noqa: S608 (placeholders only)
               "json_each(r.data, '$.match_keys') k WHERE r.kind = 'person' "
               f"AND json_type(r.data, '$.match_keys') = 'array' AND k.value IN ({marks}) "
               "UNION SELECT r.code, k.key FROM person_keys k JOIN records r "
               f"ON r.id = k.person_id WHERE k.key IN ({marks})")
        for code, key in conn.execute(sql, chunk + chunk):
            holders.setdefault(key, set()).add(code)
    for row, person_id in zip(rows, ids, strict=True):
        same = {c for k in mine.get(person_id, ()) for c in holders.get(k, ())}
        row["duplicates"] = ", ".join(sorted(same - {row["code"]}))


def _text(value: Any, language: str) -> str:
    if not isinstance(value, dict):
        return str(value or "")
    return str(value.get(language) or next(iter(value.values()), ""))


def _display(kind: str, row: Any, data: dict[str, Any], language: str) -> dict[str, Any]:
    if kind == "testimony":
        title = row[2] or _text(data.get("summary"), language)[:80]
        if not title and "sealed" in data:  # wholly sealed on finalise (core/identity/seal.py)
            from testimony_app.i18n import _

            title = _("Sealed: readable by the organisation only")
        return {"id": row[0], "date": row[4] or "", "title": title, "status": row[3],
                "witness": row[7] or "", "incidents": row[8], "updated": row[5],
                "rtl_title": bool(title) and _is_rtl(title)}
    if kind == "incident":
        victims = 0
        for victim in data.get("victims", []):
            victims += victim["group"]["count"] if "group" in victim else 1
        return {"id": row[0], "date": row[4] or "",
                "type": vocab.label("incident_type", data["type"], language),
                "place": row[7] or "", "victims": victims,
                "verification": vocab.label("verification", data["verification"], language),
                "updated": row[5]}
    from testimony_app.core.records.words import word  # words for enum values, in the UI language

    identity = json.loads(row[7]) if row[7] else {}
    age = data.get("age")
    return {"id": row[0], "code": row[6] or "", "sex": word("sex", data.get("sex", "")),
            "age": age if isinstance(age, int) and not isinstance(age, bool)
            else word("age_group", data.get("age_group", "")),
            "occupation": vocab.label("occupation", data.get("occupation", ""), language)
            if data.get("occupation") else "",
            "public": bool(row[8]), "name": _text(identity.get("name"), language)}


def _is_rtl(text: str) -> bool:
    from testimony_app.core.records.textnorm import is_rtl

    return is_rtl(text)
