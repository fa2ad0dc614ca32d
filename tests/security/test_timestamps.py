"""Trusted timestamps (RFC 3161) with a local time-stamp authority on 127.0.0.1: a
token is queued with each import, obtained when the TSA answers (kept queued when it
does not), carried in redacted exports and checked by `verify` with no secret. A
token over other bytes, an expired or untrusted TSA certificate and a tampered
token all fail."""

from __future__ import annotations

import base64
import json
import socket
from pathlib import Path

import pytest

from testimony_app.core.audit import redact, verify
from testimony_app.core.common.errors import InputError
from testimony_app.core.common.ids import BundleId
from testimony_app.core.session import Session
from testimony_app.core.sync import bundle, timestamp
from testimony_app.core.vault import org
from tests.conftest import SEEDS
from tests.sync_fixtures import Pair
from tests.tsa_fixtures import TSA, Authority, authority, expired_tsa, make_authority, tsa

__all__ = ["authority", "expired_tsa", "tsa"]


def _import(pair: Pair, tmp_path: Path, name: str = "b.age") -> bundle.ImportResult:
    exported = bundle.export(pair.researcher, tmp_path / name)
    return bundle.import_bundle(pair.coordinator, exported.path)


def _token(session: Session, bundle_id: BundleId) -> timestamp.Token:
    return timestamp.of_bundles(session.conn, [bundle_id])[0]


def test_token_issued_and_verified(pair: Pair, tsa: TSA, authority: Authority,
                                   tmp_path: Path) -> None:
    c = pair.coordinator
    timestamp.set_urls(c, [tsa.url])
    pair.researcher.add_json(SEEDS.read_bytes())
    result = _import(pair, tmp_path)
    queued = _token(c, result.bundle_id)
    assert queued.token is None  # queued with the import, in its transaction
    sent = timestamp.send_pending(c)
    assert (sent.obtained, sent.pending) == (1, 0) and len(tsa.requests) == 1
    token = _token(c, result.bundle_id)
    assert token.token is not None and token.url == tsa.url
    named = json.loads(token.message)
    assert named["bundle_id"] == result.bundle_id and len(named["manifest_sha256"]) == 64
    when = timestamp.verify(token.token, token.message, [authority.ca_cert])
    assert token.gen_time == when.strftime("%Y-%m-%dT%H:%M:%SZ")
    # over other bytes, under a CA the auditor does not trust, or tampered: refused
    with pytest.raises(timestamp.TimestampInvalid):
        timestamp.verify(token.token, token.message.replace(b"bundle_id", b"bundle_ID"),
                         [authority.ca_cert])
    with pytest.raises(timestamp.TimestampInvalid):
        timestamp.verify(token.token, token.message, [make_authority("Other").ca_cert])
    tampered = bytearray(token.token)
    tampered[-20] ^= 0x01  # in the TSA's signature
    with pytest.raises(timestamp.TimestampInvalid):
        timestamp.verify(bytes(tampered), token.message, [authority.ca_cert])
    with pytest.raises(timestamp.TimestampInvalid):
        timestamp.verify(token.token[:-40], token.message, [authority.ca_cert])
    with pytest.raises(timestamp.TimestampInvalid):
        timestamp.verify(token.token, token.message, [])


def test_expired_tsa_certificate_fails(pair: Pair, expired_tsa: TSA, tmp_path: Path) -> None:
    c = pair.coordinator
    timestamp.set_urls(c, [expired_tsa.url])
    pair.researcher.add_json(SEEDS.read_bytes())
    result = _import(pair, tmp_path)
    assert timestamp.send_pending(c).obtained == 1
    token = _token(c, result.bundle_id)
    assert token.token is not None
    with pytest.raises(timestamp.TimestampInvalid):
        timestamp.verify(token.token, token.message, [expired_tsa.authority.ca_cert])


def test_offline_imports_queue_their_requests(pair: Pair, tsa: TSA, tmp_path: Path) -> None:
    c = pair.coordinator
    with socket.socket() as s:  # a port nobody listens on: as good as offline
        s.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{s.getsockname()[1]}/tsa"
    timestamp.set_urls(c, [closed])
    pair.researcher.add_json(SEEDS.read_bytes())
    result = _import(pair, tmp_path)
    assert timestamp.send_pending(c) == timestamp.Sent(0, 1)
    timestamp.set_urls(c, [closed, tsa.url])  # the first that answers
    assert timestamp.send_pending(c) == timestamp.Sent(1, 0)
    assert _token(c, result.bundle_id).url == tsa.url
    with pytest.raises(InputError):
        timestamp.set_urls(c, ["ftp://example.org"])


def _exported(pair: Pair, tsa: TSA, tmp_path: Path) -> Path:
    c = pair.coordinator
    timestamp.set_urls(c, [tsa.url])
    pair.researcher.add_json(SEEDS.read_bytes())
    _import(pair, tmp_path)
    timestamp.send_pending(c)
    target = tmp_path / "export"
    redact.export(c, target, redact.Options(auditor="Auditor A"))
    return target


def test_export_carries_tokens_that_verify_checks(pair: Pair, tsa: TSA, authority: Authority,
                                                  tmp_path: Path) -> None:
    target = _exported(pair, tsa, tmp_path)
    fp = org.require_org(pair.coordinator.conn).fingerprint
    verdict = verify.check(target, [fp], [authority.ca_cert])
    assert verdict.problems == [] and verdict.authentic
    records = json.loads((target / "records.json").read_text())
    testimonies = {t["id"] for t in records["testimonies"]}
    assert testimonies and testimonies <= set(verdict.received)
    # nothing but ids, manifest hashes and tokens: no record hash, no person id
    stamps = json.loads((target / "timestamps.json").read_text())
    assert set(stamps) == {"format", "bundles", "first_received"}
    for entry in stamps["bundles"].values():
        assert set(json.loads(base64.b64decode(entry["message"]))) == {
            "format", "bundle_id", "manifest_sha256", "log_head"}
    persons = {p.id for p in pair.coordinator.list_records("person")}
    assert not persons & set(stamps["first_received"])
    # against a TSA the auditor does not trust: each token is a problem
    other = verify.check(target, [fp], [make_authority("Other").ca_cert])
    assert other.problems and not other.received
    # without a TSA certificate, timestamps are not checked (and not claimed)
    plain = verify.check(target, [fp])
    assert plain.problems == [] and plain.received == {}


def test_a_tampered_token_in_an_export_fails(pair: Pair, tsa: TSA, authority: Authority,
                                             tmp_path: Path) -> None:
    target = _exported(pair, tsa, tmp_path)
    fp = org.require_org(pair.coordinator.conn).fingerprint
    path = target / "timestamps.json"
    stamps = json.loads(path.read_text())
    bundle_id = next(iter(stamps["bundles"]))
    token = bytearray(base64.b64decode(stamps["bundles"][bundle_id]["token"]))
    token[-20] ^= 1
    stamps["bundles"][bundle_id]["token"] = base64.b64encode(bytes(token)).decode()
    path.write_text(json.dumps(stamps))
    verdict = verify.check(target, [fp], [authority.ca_cert])
    assert any("timestamps.json was changed" in p for p in verdict.problems)
    assert any("does not check out" in p for p in verdict.problems)
