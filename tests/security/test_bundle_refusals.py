"""What an adversary or an accident does to a bundle: every case is refused with its
own message, nothing is added or changed, the refusal is in the activity log, and
no decrypted byte reaches disk."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import tarfile
import uuid
from pathlib import Path
from typing import Any

import pyrage
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyrage import x25519

from testimony_app.core.common import safejson
from testimony_app.core.session import Session
from testimony_app.core.sync import bundle
from testimony_app.core.vault import org
from tests.conftest import CANARY_LATIN
from tests.sync_fixtures import Pair

SEEDS = Path(__file__).resolve().parents[2] / "seeds" / "aleppo-2016.json"
HYPOTHESIS = settings(max_examples=40, deadline=None,
                      suppress_health_check=[HealthCheck.function_scoped_fixture])


def state(session: Session) -> tuple[Any, ...]:
    conn = session.conn
    return tuple(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # noqa: S608
                 for t in ("records", "revisions", "identities", "attachments",
                           "attachment_chunks", "provenance", "conflicts", "received_bundles"))


def refused(pair: Pair, path: Path, *codes: str) -> bundle.Refused:
    before = state(pair.coordinator)
    with pytest.raises(bundle.Refused) as info:
        bundle.import_bundle(pair.coordinator, path)
    assert info.value.code in codes, info.value.code
    assert state(pair.coordinator) == before
    last = pair.coordinator.activity(1)[0]
    assert (last.action, last.detail["reason"]) == ("import_refused", info.value.code)
    return info.value


def member(name: str, data: bytes, kind: bytes = tarfile.REGTYPE, size: int | None = None,
           linkname: str = "") -> bytes:
    info = tarfile.TarInfo(name)
    info.size = len(data) if size is None else size
    info.type, info.linkname, info.mode = kind, linkname, 0o600
    return info.tobuf(tarfile.GNU_FORMAT) + data + b"\0" * (-len(data) % 512)


class Forge:
    """Bundles made by hand with the researcher's real key, to test the importer's checks."""

    def __init__(self, pair: Pair) -> None:
        self.pair = pair
        r = pair.researcher.conn
        self.key = org.signing_key(r)
        self.me = org.whoami(r)
        self.org = org.require_org(r)

    def manifest(self, entries: list[dict[str, Any]], **overrides: Any) -> dict[str, Any]:
        manifest = {
            "format": bundle.FORMAT, "bundle_id": str(uuid.uuid4()), "created_at": "2026-01-01",
            "organisation": self.org.id, "sequence": 1,
            "sender": {"fingerprint": self.me.fingerprint,
                       "signing_key": base64.b64encode(self.me.signing_key).decode(),
                       "age_recipient": self.me.age_recipient, "device_id": str(uuid.uuid4())},
            "recipients": [org.recipient_fingerprint(r) for r in self.org.recipients],
            "entries": entries}
        manifest.update(overrides)
        return manifest

    def records_entry(self, payload: bytes) -> dict[str, Any]:
        return {"name": "records.jsonl", "size": len(payload),
                "sha256": hashlib.sha256(payload).hexdigest(), "records": 1}

    def tar(self, manifest: dict[str, Any] | bytes, *members: bytes,
            signature: bytes | None = None) -> bytes:
        raw = manifest if isinstance(manifest, bytes) else safejson.dumps(manifest)
        sig = signature if signature is not None else self.key.sign(bundle.SIG_CONTEXT + raw)
        body = member("manifest.json", raw) + member("manifest.sig", sig) + b"".join(members)
        return body + b"\0" * 1024

    def write(self, plaintext: bytes, name: str = "forged.age",
              recipients: list[str] | None = None) -> Path:
        path = self.pair.folder / f"{uuid.uuid4().hex[:6]}-{name}"
        keys = [x25519.Recipient.from_str(r) for r in (recipients or self.org.recipients)]
        path.write_bytes(pyrage.encrypt(plaintext, keys))
        return path

    def records_bundle(self, payload: bytes) -> Path:
        return self.write(self.tar(self.manifest([self.records_entry(payload)]),
                                   member("records.jsonl", payload)))


@pytest.fixture
def real_bundle(pair: Pair) -> Path:
    pair.researcher.add_json(SEEDS.read_bytes())
    return bundle.export(pair.researcher, pair.folder / "real.age").path


# -- the outer layer -------------------------------------------------------------


@pytest.mark.parametrize("where", [0, 30, 200, -1, -17, "middle"])
def test_a_flipped_bit_anywhere(pair: Pair, real_bundle: Path, where: int | str) -> None:
    data = bytearray(real_bundle.read_bytes())
    index = len(data) // 2 if where == "middle" else int(where)
    data[index] ^= 0x10
    real_bundle.write_bytes(bytes(data))
    # In age's header a flipped bit makes the recipient stanza unreadable: "not for us".
    refused(pair, real_bundle, "not_a_bundle", "bundle_not_for_us", "bundle_damaged")


def test_truncated_anywhere_including_chunk_boundaries(pair: Pair, real_bundle: Path) -> None:
    data = real_bundle.read_bytes()
    header = data.index(b"\n---") + 1
    header = data.index(b"\n", header) + 1 + 16  # the payload nonce
    cuts = {len(data) - 1, len(data) - 16, header + 65536 + 16, header + 2 * (65536 + 16),
            header, 100}
    for cut in sorted(c for c in cuts if 0 < c < len(data)):
        real_bundle.with_name("cut.age").write_bytes(data[:cut])
        with pytest.raises(bundle.Refused) as info:
            bundle.import_bundle(pair.coordinator, real_bundle.with_name("cut.age"))
        assert info.value.code in ("bundle_damaged", "bundle_truncated", "not_a_bundle",
                                   "bundle_size")
    assert state(pair.coordinator)[0] == 0


def test_a_tar_cut_short_but_well_encrypted(pair: Pair, real_bundle: Path) -> None:
    forge = Forge(pair)
    payload = b'{"x": 1}\n'
    plain = forge.tar(forge.manifest([forge.records_entry(payload)]))[:-1024]
    refused(pair, forge.write(plain), "bundle_truncated")


def test_not_encrypted_for_this_organisation(pair: Pair) -> None:
    forge = Forge(pair)
    other = str(x25519.Identity.generate().to_public())
    plain = forge.tar(forge.manifest([]))
    refused(pair, forge.write(plain, recipients=[other]), "bundle_not_for_us")


def test_recipients_binding_stops_forwarding(pair: Pair) -> None:
    """A bundle signed for other recipients, re-encrypted to us, is refused."""
    forge = Forge(pair)
    plain = forge.tar(forge.manifest([], recipients=["0" * 32]))
    refused(pair, forge.write(plain), "bundle_not_for_us")


def test_signed_for_another_organisation(pair: Pair) -> None:
    forge = Forge(pair)
    plain = forge.tar(forge.manifest([], organisation=str(uuid.uuid4())))
    refused(pair, forge.write(plain), "bundle_other_org")


def test_unknown_and_untrusted_signers(pair: Pair, real_bundle: Path) -> None:
    org.untrust(pair.coordinator.conn, pair.fingerprint, "test")
    error = refused(pair, real_bundle, "bundle_untrusted")
    assert pair.fingerprint in str(error) and "testimony trust" in str(error)
    forge = Forge(pair)
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    stranger = Ed25519PrivateKey.generate()
    public = stranger.public_key().public_bytes_raw()
    manifest = forge.manifest([])
    manifest["sender"]["signing_key"] = base64.b64encode(public).decode()
    manifest["sender"]["fingerprint"] = org.fingerprint(public)
    raw = safejson.dumps(manifest)
    path = forge.write(forge.tar(raw, signature=stranger.sign(bundle.SIG_CONTEXT + raw)))
    assert org.fingerprint(public) in str(refused(pair, path, "bundle_untrusted"))


def test_a_signature_that_does_not_match(pair: Pair) -> None:
    forge = Forge(pair)
    raw = safejson.dumps(forge.manifest([]))
    refused(pair, forge.write(forge.tar(raw, signature=b"\0" * 64)), "bundle_bad_signature")


# -- the tar layer ----------------------------------------------------------------


@pytest.mark.parametrize(("name", "kind", "linkname"), [
    ("../records.jsonl", tarfile.REGTYPE, ""),
    ("/etc/passwd", tarfile.REGTYPE, ""),
    ("records.jsonl", tarfile.SYMTYPE, "/etc/passwd"),
    ("records.jsonl", tarfile.LNKTYPE, "manifest.json"),
    ("records.jsonl", tarfile.DIRTYPE, ""),
    ("records.jsonl", tarfile.FIFOTYPE, ""),
    ("unexpected.txt", tarfile.REGTYPE, ""),
    ("attachments/../../x", tarfile.REGTYPE, ""),
])
def test_members_that_do_not_belong(pair: Pair, name: str, kind: bytes, linkname: str) -> None:
    forge = Forge(pair)
    payload = b"{}\n"
    plain = forge.tar(forge.manifest([forge.records_entry(payload)]),
                      member(name, payload if kind == tarfile.REGTYPE else b"", kind,
                             linkname=linkname))
    refused(pair, forge.write(plain), "bundle_unexpected_member")


def test_a_member_larger_than_declared(pair: Pair) -> None:
    forge = Forge(pair)
    payload = b"{}\n"
    entry = forge.records_entry(payload)
    entry["size"] = 2
    plain = forge.tar(forge.manifest([entry]), member("records.jsonl", payload))
    refused(pair, forge.write(plain), "bundle_size")


def test_a_size_bomb_is_refused_before_reading(pair: Pair) -> None:
    forge = Forge(pair)
    entry = {"name": "attachments/" + str(uuid.uuid4()), "size": 10**12, "sha256": "0" * 64}
    entry["attachment"] = {"id": entry["name"].split("/")[1], "record_id": str(uuid.uuid4()),
                           "filename": "a.bin", "media_type": "application/octet-stream",
                           "created_at": "2026-01-01"}
    plain = forge.tar(forge.manifest([entry]), member(entry["name"], b"", size=10**12))
    refused(pair, forge.write(plain), "bundle_size")


def test_a_pax_or_gnu_long_name_header_is_refused(pair: Pair) -> None:
    forge = Forge(pair)
    info = tarfile.TarInfo("records.jsonl")
    info.pax_headers = {"path": "../../etc/passwd"}
    pax = info.tobuf(tarfile.PAX_FORMAT)
    plain = forge.tar(forge.manifest([forge.records_entry(b"")]), pax)
    refused(pair, forge.write(plain), "bundle_unexpected_member")


# -- the JSON layer (signed by a trusted key: the importer must still not trust it) ----


@pytest.mark.parametrize("payload", [
    b'{"kind": "place", "kind": "person"}\n',
    b"[" * 100_000 + b"]" * 100_000 + b"\n",
    b'{"kind": "\xff\xfe"}\n',
    b'{"revision": 1' + b"0" * 5000 + b"}\n",
    b'{"revision": 1e999}\n',
    b'{"revision": NaN}\n',
    b'{"id": "\\ud800"}\n',
    b"\xef\xbb\xbf{}\n",
    b"not json\n",
    b"{}",
])
def test_hostile_json_records(pair: Pair, payload: bytes) -> None:
    forge = Forge(pair)
    refused(pair, forge.records_bundle(payload), "bundle_malformed")


def test_records_that_break_the_format_are_refused(pair: Pair) -> None:
    forge = Forge(pair)
    data = {"id": str(uuid.uuid4()), "name": {"en": "x"}, "level": "nowhere"}
    line = {"kind": "place", "id": data["id"], "revision": 1, "history": [],
            "sha256": bundle.content_hash(data), "data": data}
    refused(pair, forge.records_bundle(safejson.dumps(line) + b"\n"), "bundle_invalid_records")


@HYPOTHESIS
@given(payload=st.binary(max_size=400))
def test_any_bytes_as_records_are_refused(pair: Pair, payload: bytes) -> None:
    forge = Forge(pair)
    before = state(pair.coordinator)
    with pytest.raises(bundle.Refused):
        bundle.import_bundle(pair.coordinator, forge.records_bundle(payload + b"\n"))
    assert state(pair.coordinator) == before


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                  max_size=4),
    max_leaves=12)


@HYPOTHESIS
@given(field=st.sampled_from(["format", "bundle_id", "sequence", "sender", "recipients",
                              "entries", "created_at", "extra"]), value=json_values)
def test_any_manifest_field_mangled_is_refused(pair: Pair, field: str, value: Any) -> None:
    forge = Forge(pair)
    manifest = forge.manifest([])
    manifest[field] = value
    before = state(pair.coordinator)
    try:
        result = bundle.import_bundle(pair.coordinator, forge.write(forge.tar(manifest)))
    except bundle.Refused:
        assert state(pair.coordinator) == before
    else:  # only values that happen to be valid (another sequence, no entries) pass
        assert field in ("sequence", "created_at", "entries") and not result.added


# -- nothing decrypted on disk ------------------------------------------------------


def test_a_refused_bundle_leaves_no_plaintext_anywhere(pair: Pair, tmp_path: Path) -> None:
    r = pair.researcher
    doc = json.loads(SEEDS.read_bytes())
    doc["places"][0]["name"] = {"en": CANARY_LATIN}
    r.add_document(doc)
    data = bytearray(bundle.export(r, pair.folder / "canary.age").path.read_bytes())
    data[-3] ^= 1  # the last chunk fails: everything before it was decrypted and staged
    bad = pair.folder / "bad.age"
    bad.write_bytes(bytes(data))
    refused(pair, bad, "bundle_damaged")
    pair.coordinator.close()
    needle = CANARY_LATIN.encode()
    for path in (pair.folder / "coordinator").rglob("*"):
        if path.is_file():
            assert needle not in path.read_bytes(), path.name
    leftovers = [p.name for p in pair.folder.iterdir() if p.name.endswith(".part")]
    assert leftovers == []


def test_export_leaves_no_partial_file_when_it_fails(pair: Pair) -> None:
    from testimony_app.core.common.errors import Cancelled

    pair.researcher.add_json(SEEDS.read_bytes())
    target = pair.folder / "cancelled.age"
    (pair.folder / "big.bin").write_bytes(b"\1" * (9 << 20))
    pair.researcher.attach(pair.researcher.list_testimonies()[0].id, pair.folder / "big.bin")
    with pytest.raises(Cancelled):
        bundle.export(pair.researcher, target, cancelled=lambda: True)
    assert not target.exists()
    assert not [p for p in pair.folder.iterdir() if p.name.endswith(".part")]
    assert bundle.export(pair.researcher, target).sequence == 1  # nothing was counted as sent


def test_io_reader_is_not_fooled_by_trailing_garbage(pair: Pair) -> None:
    forge = Forge(pair)
    plain = forge.tar(forge.manifest([])) + b"garbage"
    refused(pair, forge.write(plain), "bundle_malformed")
    assert io is not None
