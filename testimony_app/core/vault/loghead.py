"""Heads of the activity log that left the laptop: tamper evidence anchored outside it.

Whoever holds the passphrase can rewrite records, their anchors (core/vault/anchor.py)
and the whole hash chain of the log, and `check` on the laptop alone would find
nothing. So the chain's head leaves: every bundle carries, in its signed manifest,
the sender's log head (sequence number and hash of the newest entry) and the entries
written since the last head the organisation confirmed (ids, counts and action
names, never content). The coordinator checks that those entries chain onto every
head it received from that device before, keeps the head (with a warning when they
do not: the import still goes ahead, the records are the researcher's work, and the
warning shows wherever the bundle is named) and signs it back in the receipt. The
researcher's vault keeps the signed heads, and `check` finds each of them again at
its place in the log: a rewrite of content and log alike before that point fails.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from typing import Any

from testimony_app.core.common import safejson
from testimony_app.core.vault import activity, org
from testimony_app.core.vault.connection import Connection
from testimony_app.i18n import N_, _

SIG_CONTEXT = b"testimony-log-head/1 signature\n"
MAX_ENTRIES = 20_000  # entries a bundle carries; beyond, only the head (unlinked)
_HEX64 = re.compile(r"^[0-9a-f]{64}$")

# Warnings a coordinator keeps with a received head (received_log_heads.warning).
WARNINGS = {
    "log_rewritten": N_("the sender's activity log was rewritten since an earlier bundle "
                        "(records or history may have been changed outside the app)"),
    "log_broken": N_("the activity log this bundle carries does not hold together"),
    "log_unlinked": N_("this bundle's activity log cannot be linked to the one received "
                       "before (too long since the last receipt, or a bundle is missing)"),
}


def describe(code: str | None) -> str:
    """The warning in words ('' for none)."""
    return _(WARNINGS[code]) if code in WARNINGS else ""


@dataclass(frozen=True)
class Head:
    """A log head as a bundle carries it, with the entries since `since`."""

    seq: int
    hash: str
    since: int | None = None  # None: no entries carried
    base: str = activity.GENESIS  # the hash of entry `since`
    entries: tuple[tuple[Any, ...], ...] = ()


def head(conn: Connection) -> tuple[int, str]:
    row = conn.execute("SELECT seq, hash FROM activity ORDER BY seq DESC LIMIT 1").fetchone()
    return (int(row[0]), str(row[1])) if row else (0, activity.GENESIS)


# -- the researcher's side: what a bundle carries, what receipts confirm ----------------


def for_manifest(conn: Connection) -> dict[str, Any]:
    """The manifest's `log`: the head, and the entries since the newest confirmed head."""
    seq, digest = head(conn)
    out: dict[str, Any] = {"seq": seq, "hash": digest}
    row = conn.execute("SELECT coalesce(max(seq), 0) FROM confirmed_log_heads").fetchone()
    since = min(int(row[0]), seq)
    count = conn.execute("SELECT count(*) FROM activity WHERE seq > ?", (since,)).fetchone()[0]
    if count > MAX_ENTRIES:
        return out
    base = conn.execute("SELECT hash FROM activity WHERE seq = ?", (since,)).fetchone()
    out["since"] = since
    out["base"] = str(base[0]) if base else activity.GENESIS
    out["entries"] = [list(r) for r in conn.execute(
        "SELECT seq, at, actor, action, target, detail FROM activity WHERE seq > ? "
        "ORDER BY seq", (since,))]
    return out


def _message(organisation_id: str, signer: str, device_id: str, seq: int, digest: str) -> bytes:
    return SIG_CONTEXT + safejson.dumps({"organisation": organisation_id, "signer": signer,
                                         "device_id": device_id, "seq": seq, "hash": digest})


def keep_confirmed(conn: Connection, bundle_id: str, value: Any, at: str) -> None:
    """Keep the head a receipt signed back (researcher side, in the receipt's
    transaction). Raises ValueError when it is not the organisation's signature
    over this installation's head (the receipt is then refused)."""
    organisation = org.require_org(conn)
    me = org.whoami(conn)
    if not isinstance(value, dict) or set(value) != {"seq", "hash", "signature"}:
        raise ValueError("log head")
    seq, digest = value["seq"], value["hash"]
    if not isinstance(seq, int) or isinstance(seq, bool) or not 0 <= seq < 1 << 62 \
            or not isinstance(digest, str) or not _HEX64.match(digest):
        raise ValueError("log head")
    signature = base64.b64decode(str(value["signature"]), validate=True)
    if not org.verify_org_signature(organisation, _message(
            organisation.id, me.fingerprint, me.device_id, seq, digest), signature):
        raise ValueError("log head signature")
    conn.execute("INSERT OR REPLACE INTO confirmed_log_heads (bundle_id, seq, hash, signature, "
                 "at) VALUES (?, ?, ?, ?, ?)", (bundle_id, seq, digest, value["signature"], at))


def problems(conn: Connection) -> list[str]:
    """Every head the organisation confirmed must still be in the log, at its place."""
    rows = conn.execute("SELECT bundle_id, seq, hash, signature, at FROM confirmed_log_heads "
                        "ORDER BY seq").fetchall()
    organisation = org.organisation(conn) if rows else None
    if not rows:
        return []
    found: list[str] = []
    me = org.whoami(conn)
    for _bundle_id, seq, digest, signature, at in rows:
        try:
            valid = organisation is not None and org.verify_org_signature(
                organisation, _message(organisation.id, me.fingerprint, me.device_id, seq,
                                       digest), base64.b64decode(signature, validate=True))
        except ValueError:
            valid = False
        if not valid:
            found.append(_("activity log: a head the organisation confirmed (entry #{seq}) "
                           "was changed; its signature does not match").format(seq=seq))
            continue
        entry = conn.execute("SELECT hash FROM activity WHERE seq = ?", (seq,)).fetchone()
        if entry is None or entry[0] != digest:
            found.append(_("activity log: entry #{seq} is not the one the organisation "
                           "confirmed on {date}; the log was rewritten up to there")
                         .format(seq=seq, date=at[:10]))
    return found


# -- the coordinator's side ---------------------------------------------------------------


def _int(value: Any, high: int = 1 << 62) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < high:
        raise ValueError("integer")
    return value


def _hex(value: Any) -> str:
    if not isinstance(value, str) or not _HEX64.match(value):
        raise ValueError("hash")
    return value


def _str(value: Any, limit: int = 100_000) -> str:
    if not isinstance(value, str) or len(value) > limit:
        raise ValueError("text")
    return value


def parse(value: Any) -> Head:
    """A manifest's `log`, checked for shape (ValueError: the bundle is malformed)."""
    if not isinstance(value, dict) or not {"seq", "hash"} <= set(value) \
            <= {"seq", "hash", "since", "base", "entries"}:
        raise ValueError("log")
    seq, digest = _int(value["seq"]), _hex(value["hash"])
    if "entries" not in value:
        if "since" in value or "base" in value:
            raise ValueError("log")
        return Head(seq, digest)
    since, base, raw = _int(value["since"]), _hex(value["base"]), value["entries"]
    if not isinstance(raw, list) or len(raw) > MAX_ENTRIES:
        raise ValueError("log entries")
    entries = []
    for item in raw:
        if not isinstance(item, list) or len(item) != 6:
            raise ValueError("log entry")
        target = item[4] if item[4] is None else _str(item[4], 1000)
        entries.append((_int(item[0]), _str(item[1], 40), _str(item[2], 1000),
                        _str(item[3], 100), target, _str(item[5])))
    return Head(seq, digest, since, base, tuple(entries))


def _chain(log: Head) -> dict[int, str] | None:
    """seq -> hash along the carried entries (from `since`), or None if they do not
    chain from their base to the head they claim."""
    if log.since is None:
        return None
    hashes = {log.since: log.base}
    prev, expected = log.base, log.since + 1
    for seq, at, actor, action, target, detail in log.entries:
        if seq != expected:
            return None
        prev = activity.entry_hash(prev, seq, at, actor, action, target, detail)
        hashes[seq] = prev
        expected = seq + 1
    if expected - 1 != log.seq or prev != log.hash:
        return None
    return hashes


def _verdict(log: Head, earlier: list[tuple[int, int, str]], sequence: int) -> str | None:
    """Whether the log a bundle carries extends the heads received before from its
    device ((bundle sequence, log seq, hash) each); a warning code if not."""
    hashes = _chain(log)
    if log.since is not None and hashes is None:
        return "log_broken"
    known = {**(hashes or {}), log.seq: log.hash}
    shorter = any(s < sequence and seq > log.seq for s, seq, _h in earlier)
    if shorter or any(seq in known and known[seq] != h for _s, seq, h in earlier):
        return "log_rewritten"
    before = [seq for s, seq, _h in earlier if s < sequence]
    if before and not any(seq in known for seq in before):
        return "log_unlinked"
    return None


def receive(conn: Connection, log: Head | None, bundle_id: str, fingerprint: str, device_id: str,
            sequence: int, at: str) -> str | None:
    """Keep a bundle's log head (coordinator side, in the import's transaction); the
    warning code when it does not extend the heads received from that device before."""
    if log is None:
        return None  # a bundle from an earlier version carries no head
    earlier = conn.execute("SELECT sequence, seq, hash FROM received_log_heads WHERE "
                           "fingerprint = ? AND device_id = ?", (fingerprint, device_id)
                           ).fetchall()
    warning = _verdict(log, earlier, sequence)
    conn.execute("INSERT OR REPLACE INTO received_log_heads (bundle_id, fingerprint, "
                 "device_id, sequence, seq, hash, warning, at) VALUES (?,?,?,?,?,?,?,?)",
                 (bundle_id, fingerprint, device_id, sequence, log.seq, log.hash, warning, at))
    return warning


def warning_of(conn: Connection, bundle_id: str) -> str | None:
    row = conn.execute("SELECT warning FROM received_log_heads WHERE bundle_id = ?",
                       (bundle_id,)).fetchone()
    return None if row is None or row[0] is None else str(row[0])


def for_receipt(conn: Connection, bundle_id: str) -> dict[str, Any] | None:
    """The `log_head` a receipt carries: the bundle's head, signed by the organisation
    on its own (so the researcher's vault can check it again at every `check`)."""
    row = conn.execute("SELECT fingerprint, device_id, seq, hash FROM received_log_heads "
                       "WHERE bundle_id = ?", (bundle_id,)).fetchone()
    if row is None:
        return None
    organisation = org.require_coordinator(conn)
    signature = org.org_signing_key(conn).sign(
        _message(organisation.id, row[0], row[1], int(row[2]), row[3]))
    return {"seq": int(row[2]), "hash": row[3],
            "signature": base64.b64encode(signature).decode("ascii")}


def warnings(conn: Connection) -> dict[str, str | None]:
    """The warning kept with every received head, by bundle id."""
    return {r[0]: r[1] for r in conn.execute(
        "SELECT bundle_id, warning FROM received_log_heads")}
