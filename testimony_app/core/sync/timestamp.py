"""Trusted timestamps (RFC 3161) on what the coordinator receives.

When the coordinator imports a bundle, a request is queued in the same transaction
for a timestamp over a small message naming that bundle: its id, the SHA-256 of its
signed manifest and the researcher's log head the manifest carries. With a network,
the queue goes to the configured Time-Stamp Authorities (none by default) through
`rfc3161-client`; an offline import keeps its request for a later pass.

A token proves that the message (hence the manifest, which lists the hash of every
entry of the bundle) existed no later than the time the TSA signed, to anyone who
trusts that TSA's certificate. It says nothing of when the testimony was recorded,
whether its content is true, or what happened before the bundle reached the
coordinator; and a TSA key that is compromised or a clock that is wrong makes it
worthless (SECURITY.md, "What a timestamp proves").

The message carries no content and no hash of a record, only ids and hashes of
signed manifests: a redacted export carries tokens and messages to the auditor.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from cryptography import x509
from rfc3161_client import (
    HashAlgorithm,
    TimestampRequestBuilder,
    VerificationError,
    VerifierBuilder,
    decode_timestamp_response,
)

from testimony_app.core.common import safejson
from testimony_app.core.common.errors import InputError, IntegrityError
from testimony_app.core.common.ids import BundleId
from testimony_app.core.records import arrivals
from testimony_app.core.vault import activity, meta
from testimony_app.core.vault.connection import Connection
from testimony_app.core.vault.db import transaction

if TYPE_CHECKING:
    from testimony_app.core.vault.opened import OpenVault

log = logging.getLogger(__name__)

FORMAT = "testimony-timestamp/1"
EXPORT_FORMAT = "testimony-timestamps/1"
META_URLS = "timestamp.urls"
MAX_RESPONSE = 256 * 1024
MAX_URLS = 10
TIMEOUT = 20.0


class TimestampInvalid(IntegrityError):
    code = "timestamp_invalid"


# Sends a request (DER) to a URL and returns the response body: urllib by default;
# tests pass their own only to count or to fail on purpose.
Post = Callable[[str, bytes], bytes]


def message(bundle_id: BundleId, manifest_sha256: str, log_head: str | None) -> bytes:
    """The bytes timestamped for one bundle. `log_head`: the researcher's activity-log
    head as the bundle's manifest carries it (None for bundles without one)."""
    return safejson.dumps({"format": FORMAT, "bundle_id": bundle_id,
                           "manifest_sha256": manifest_sha256, "log_head": log_head})


# -- configuration ---------------------------------------------------------------


def urls(conn: Connection) -> list[str]:
    stored = meta.get(conn, META_URLS)
    return list(json.loads(stored)) if stored is not None else []


def pending_count(conn: Connection) -> int:
    """How many requests are queued without a token."""
    return int(conn.execute("SELECT count(*) FROM timestamps WHERE token IS NULL").fetchone()[0])


def set_urls(session: OpenVault, values: Iterable[str]) -> list[str]:
    cleaned = []
    for value in values:
        value = value.strip()
        if not value.startswith(("https://", "http://")) or len(value) > 2000:
            raise InputError("timestamp_url", url=value[:200])
        if value not in cleaned:
            cleaned.append(value)
    if len(cleaned) > MAX_URLS:
        raise InputError("timestamp_url", url=cleaned[MAX_URLS][:200])
    conn = session.conn
    with transaction(conn):
        if cleaned:
            meta.put(conn, META_URLS, json.dumps(cleaned))
        else:
            meta.delete(conn, META_URLS)
        activity.record(conn, session.author, "timestamp_authorities", None, count=len(cleaned))
    return cleaned


# -- queue and requests ----------------------------------------------------------


def queue(conn: Connection, bundle_id: BundleId, manifest_sha256: str,
          log_head: str | None) -> None:
    """Inside the import's transaction: the request waits until a TSA answers."""
    conn.execute("INSERT OR IGNORE INTO timestamps (bundle_id, message, queued_at) "
                 "VALUES (?, ?, ?)",
                 (bundle_id, message(bundle_id, manifest_sha256, log_head), activity.now()))


def _post(url: str, body: bytes) -> bytes:
    request = urllib.request.Request(  # noqa: S310 (a URL the coordinator configured)
        url, data=body, method="POST",
        headers={"Content-Type": "application/timestamp-query"})
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
        data: bytes = response.read(MAX_RESPONSE + 1)
    if len(data) > MAX_RESPONSE:
        raise ValueError("response too large")
    return data


def request(url: str, data: bytes, post: Post = _post) -> bytes:
    """Ask one TSA for a token over `data`; returns the response (DER) once its status,
    imprint and nonce are those asked for (its signature is checked by `verify`)."""
    req = TimestampRequestBuilder().data(data).hash_algorithm(HashAlgorithm.SHA256) \
        .nonce(nonce=True).cert_request(cert_request=True).build()
    raw = post(url, req.as_bytes())
    response = decode_timestamp_response(raw)
    if response.status not in (0, 1):
        raise ValueError("not granted")
    info = response.tst_info
    if info.message_imprint.message != hashlib.sha256(data).digest() \
            or info.nonce != req.nonce:
        raise ValueError("not what was asked")
    return raw


@dataclass(frozen=True)
class Sent:
    obtained: int
    pending: int  # still queued (offline, or no TSA answered)


def send_pending(session: OpenVault, post: Post = _post) -> Sent:
    """Ask the configured TSAs for every queued timestamp; what fails stays queued."""
    conn = session.conn
    targets = urls(conn)
    rows = conn.execute("SELECT bundle_id, message FROM timestamps WHERE token IS NULL "
                        "ORDER BY queued_at").fetchall()
    obtained = 0
    for bundle_id, data in rows if targets else []:
        for url in targets:
            try:
                token = request(url, bytes(data), post)
            except (OSError, urllib.error.URLError, ValueError, TimeoutError) as exc:
                log.info("timestamp authority did not answer: %s", type(exc).__name__)
                continue
            except Exception as exc:  # noqa: BLE001 (a malformed answer, from the parser)
                log.info("timestamp authority answer refused: %s", type(exc).__name__)
                continue
            gen_time = decode_timestamp_response(token).tst_info.gen_time
            with transaction(conn):
                conn.execute("UPDATE timestamps SET token = ?, url = ?, gen_time = ? "
                             "WHERE bundle_id = ?",
                             (token, url, _iso(gen_time), bundle_id))
                activity.record(conn, session.author, "timestamp_obtained", bundle_id)
            obtained += 1
            break
    pending = conn.execute("SELECT count(*) FROM timestamps WHERE token IS NULL").fetchone()[0]
    return Sent(obtained, int(pending))


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class Token:
    bundle_id: BundleId
    message: bytes
    token: bytes | None
    url: str | None
    gen_time: str | None


def of_bundles(conn: Connection, bundle_ids: Iterable[BundleId]) -> list[Token]:
    out = []
    for bundle_id in bundle_ids:
        row = conn.execute("SELECT bundle_id, message, token, url, gen_time FROM timestamps "
                           "WHERE bundle_id = ?", (bundle_id,)).fetchone()
        if row is not None:
            out.append(Token(row[0], bytes(row[1]), bytes(row[2]) if row[2] else None,
                             row[3], row[4]))
    return out


# -- in exports ------------------------------------------------------------------


def for_export(conn: Connection, record_ids: Iterable[str]) -> dict[str, Any] | None:
    """timestamps.json: for each exported record (testimonies and incidents: their ids
    are the vault's; persons are pseudonymised per auditor and left out), the bundle
    it first arrived in, and each such bundle's message and token."""
    received: dict[str, BundleId] = {}
    stamped: dict[str, str | None] = {r[0]: r[1] for r in conn.execute(
        "SELECT bundle_id, gen_time FROM timestamps WHERE token IS NOT NULL")}
    for record_id in record_ids:
        # The first bundle with a token, by the token's time (none first, as SQL sorts
        # NULL) and then by arrival.
        carried = [(stamped[b], order, b) for b, order in arrivals.bundles_of(conn, record_id)
                   if b in stamped]
        if carried:
            first = min(carried, key=lambda c: (c[0] is not None, c[0] or "", c[1]))
            received[record_id] = first[2]
    if not received:
        return None
    tokens = {t.bundle_id: t for t in of_bundles(conn, sorted(set(received.values())))}
    return {"format": EXPORT_FORMAT,
            "bundles": {b: {"message": base64.b64encode(t.message).decode("ascii"),
                            "token": base64.b64encode(t.token or b"").decode("ascii"),
                            "gen_time": t.gen_time} for b, t in sorted(tokens.items())},
            "first_received": dict(sorted(received.items()))}


# -- verification (no secret) ------------------------------------------------------


def load_certificates(pem: bytes) -> list[x509.Certificate]:
    try:
        return x509.load_pem_x509_certificates(pem)
    except ValueError:
        raise InputError("timestamp_certificate") from None


def verify(token: bytes, data: bytes, roots: list[x509.Certificate]) -> datetime:
    """The time a TSA whose certificate chains to `roots` put on `data`; raises
    TimestampInvalid if the token is damaged, over other bytes, signed by a key that
    does not chain to them, or by a certificate not valid at that time."""
    if not roots:
        raise TimestampInvalid("timestamp_untrusted")
    try:
        response = decode_timestamp_response(token)
        verifier = VerifierBuilder(roots=list(roots)).build()
        verifier.verify_message(response, data)
        return response.tst_info.gen_time
    except (VerificationError, ValueError) as exc:
        log.info("timestamp refused: %s", type(exc).__name__)
        raise TimestampInvalid() from None
    except Exception:  # noqa: BLE001 (the parser's own errors on damaged input)
        raise TimestampInvalid() from None


def check_export(doc: Any, roots: list[x509.Certificate], records: Any
                 ) -> tuple[list[str], dict[str, str]]:
    """(problems as codes with ids, {record id: verified time}) for timestamps.json."""
    problems: list[str] = []
    times: dict[str, str] = {}
    try:
        if doc.get("format") != EXPORT_FORMAT:
            return ["format"], {}
        bundles = doc["bundles"]
        first = doc["first_received"]
        verified: dict[str, str] = {}
        for bundle_id, entry in sorted(bundles.items()):
            data = base64.b64decode(entry["message"], validate=True)
            token = base64.b64decode(entry["token"], validate=True)
            named = safejson.loads(data)
            if named.get("format") != FORMAT or named.get("bundle_id") != bundle_id:
                problems.append(f"message:{bundle_id}")
                continue
            try:
                verified[bundle_id] = _iso(verify(token, data, roots))
            except TimestampInvalid:
                problems.append(f"token:{bundle_id}")
        exported = record_ids(records)
        for record_id, bundle_id in sorted(first.items()):
            if record_id not in exported:
                problems.append(f"record:{record_id}")
            elif bundle_id in verified:
                times[record_id] = verified[bundle_id]
    except (ValueError, KeyError, TypeError, AttributeError):
        return ["format"], {}
    return problems, times


def record_ids(records: Any) -> set[str]:
    """The ids of the records in an export's records.json (persons carry none)."""
    ids: set[str] = set()
    if isinstance(records, dict):
        for items in records.values():
            if isinstance(items, list):
                ids.update(str(i["id"]) for i in items if isinstance(i, dict) and "id" in i)
    return ids
