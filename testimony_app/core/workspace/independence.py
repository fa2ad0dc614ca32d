"""The coordinator's judgement that a source is not an independent confirmation.

A source record (a media outlet, a government) or a testimony can be marked as not
independent, with a reason from the vocabulary `dependence` (a party to the
conflict, a coerced statement such as a "confession" broadcast by one side, or one
that repeats another source) and the coordinator's words. Corroboration never counts
such a source towards a suggested verification status, and says why (core/
corroboration). Judgements are append-only, each with who and when; the latest one
per source stands, and marking a source independent again takes it back. Every
judgement goes into the activity log, by id and reason code only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from testimony_app.core.common.errors import InputError
from testimony_app.core.common.ids import RecordId
from testimony_app.core.records import store, vocab
from testimony_app.core.vault import activity
from testimony_app.core.vault.connection import Connection
from testimony_app.core.vault.db import transaction

KINDS = ("source", "testimony")


@dataclass(frozen=True)
class Judgement:
    source_id: RecordId
    independent: bool
    reason: str | None  # a code of vocab.DEPENDENCE; None when independent
    repeats: str | None  # the source it repeats ("repeats_another")
    note: str
    author: str
    at: str

    def reason_text(self, language: str = "en") -> str:
        return vocab.label("dependence", self.reason, language) if self.reason else ""

    def as_json(self) -> dict[str, Any]:
        return {**self.__dict__, "reason_text": self.reason_text()}


def _require(conn: Connection, record_id: RecordId) -> None:
    if store.get(conn, record_id, with_identity=False).kind not in KINDS:
        raise InputError("not_a_source")


def judge(conn: Connection, source_id: RecordId, author: str, reason: str | None,
          repeats: RecordId | None = None, note: str = "") -> Judgement:
    """Mark a source as not independent (`reason` a dependence code), or as
    independent again (`reason` None)."""
    _require(conn, source_id)
    if reason is not None and reason not in vocab.DEPENDENCE:
        raise InputError("dependence_reason")
    if reason == "repeats_another":
        if not repeats or repeats == source_id:
            raise InputError("repeats_what")
        _require(conn, repeats)
    else:
        repeats = None
    at = activity.now()
    independent = reason is None
    with transaction(conn):
        conn.execute("INSERT INTO source_independence (source_id, independent, reason, "
                     "repeats, note, author, at) VALUES (?,?,?,?,?,?,?)",
                     (source_id, int(independent), reason, repeats, note, author, at))
        detail: dict[str, Any] = {"independent": independent}
        if reason:
            detail["reason"] = reason
        if repeats:
            detail["repeats"] = repeats
        activity.record(conn, author, "source_independence", source_id, **detail)
    return Judgement(source_id, independent, reason, repeats, note, author, at)


def current(conn: Connection) -> dict[str, Judgement]:
    """The standing judgement of every source marked as not independent."""
    out: dict[str, Judgement] = {}
    for row in conn.execute(
            "SELECT s.source_id, s.independent, s.reason, s.repeats, s.note, s.author, s.at "
            "FROM source_independence s WHERE s.seq = (SELECT max(seq) FROM "
            "source_independence t WHERE t.source_id = s.source_id) AND s.independent = 0 "
            "ORDER BY s.seq"):
        out[row[0]] = Judgement(row[0], False, row[2], row[3], row[4], row[5], row[6])
    return out


def history(conn: Connection, source_id: RecordId) -> list[Judgement]:
    return [Judgement(r[0], bool(r[1]), r[2], r[3], r[4], r[5], r[6]) for r in conn.execute(
        "SELECT source_id, independent, reason, repeats, note, author, at FROM "
        "source_independence WHERE source_id = ? ORDER BY seq", (source_id,))]
