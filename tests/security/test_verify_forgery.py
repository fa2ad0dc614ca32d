"""An export changed and re-signed with a fresh key: its files match its manifest and
its signature checks out, so only the key tells it apart. Without an expected key,
`testimony verify` and the auditor's window never call it authentic."""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from testimony_app.core.audit import redact, verify
from testimony_app.core.vault import org
from tests.conftest import SEEDS
from tests.sync_fixtures import Pair


def forge(genuine: Path, target: Path) -> str:
    """Change a figure, update every hash and SHA256SUMS, and sign with a new key in
    the organisation's name. Returns the forger's fingerprint."""
    shutil.copytree(genuine, target)
    key = Ed25519PrivateKey.generate()
    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    manifest = json.loads((target / "manifest.json").read_text())
    (target / "records.csv").write_text("kind,id\nforged,1\n")
    for name in manifest["files"]:
        data = (target / name).read_bytes()
        manifest["files"][name] = {"sha256": hashlib.sha256(data).hexdigest(),
                                   "size": len(data)}
    manifest["organisation"]["signing_key"] = base64.b64encode(public).decode("ascii")
    manifest["organisation"]["fingerprint"] = org.fingerprint(public)
    raw = json.dumps(manifest, sort_keys=True).encode()
    (target / "manifest.json").write_bytes(raw)
    (target / "manifest.sig").write_bytes(base64.b64encode(key.sign(raw)))
    listed = set(manifest["files"]) | {"manifest.json"}
    (target / "SHA256SUMS").write_text("".join(
        f"{hashlib.sha256((target / n).read_bytes()).hexdigest()}  {n}\n"
        for n in sorted(listed) if (target / n).exists()))
    return org.fingerprint(public)


@pytest.fixture
def exports(pair: Pair, tmp_path: Path) -> tuple[Path, Path, str, str]:
    pair.coordinator.add_json(SEEDS.read_bytes())
    genuine = tmp_path / "genuine"
    manifest = redact.export(pair.coordinator, genuine, redact.Options(auditor="Auditor A"))
    forged = tmp_path / "forged"
    return genuine, forged, manifest["organisation"]["fingerprint"], forge(genuine, forged)


def test_a_reSigned_export_is_not_called_authentic(exports) -> None:  # type: ignore[no-untyped-def]
    genuine, forged, real, fake = exports
    verdict = verify.check(forged)
    assert verdict.problems == [] and verdict.fingerprint == fake  # intact, as a forgery is
    assert not verdict.authentic and verdict.unknown_signer
    problems, _manifest = verify.verify(forged)
    assert problems and fake in problems[0] and "--expect" in problems[0]
    assert verify.check(forged, [real]).problems  # the expected key tells it apart
    assert verify.check(genuine, [real]).authentic
    assert not verify.check(genuine).authentic  # unknown without an expected key, too


def test_verify_on_the_command_line(exports, cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    genuine, forged, real, fake = exports
    r = cli("verify", str(forged))
    assert r.code == 1, r.out
    assert "Authentic" not in r.out and "NOT VERIFIED" in r.out
    assert fake in r.out and "--expect" in r.out and "--trusted-keys" in r.out
    r = cli("verify", str(forged), "--json")
    answer = json.loads(r.out)
    assert r.code == 1 and answer["ok"] is False and answer["signer_known"] is False
    r = cli("verify", str(forged), "--expect", real)
    assert r.code == 1 and "not by the expected key" in r.out
    trusted = tmp_path / "trusted.txt"
    trusted.write_text(f"# our organisation, read out in person\n\n{real.lower()}  # office\n")
    r = cli("verify", str(forged), "--trusted-keys", str(trusted))
    assert r.code == 1 and "not by the expected key" in r.out
    r = cli("verify", str(genuine), "--trusted-keys", str(trusted))
    assert r.code == 0 and "Authentic and complete" in r.out
    trusted.write_text(f"{real}\nnot a key\n")
    r = cli("verify", str(genuine), "--trusted-keys", str(trusted))
    assert r.code != 0 and "Line 2" in (r.out + r.err) and "Authentic" not in r.out


def forge_in_the_name_of(genuine: Path, target: Path, name: str, fingerprint: str) -> str:
    """A forgery signed with a key of its own that declares another organisation's
    name and fingerprint. Returns the fingerprint of the key that signed."""
    fake = forge(genuine, target)
    manifest = json.loads((target / "manifest.json").read_text())
    key = Ed25519PrivateKey.generate()
    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    manifest["organisation"]["signing_key"] = base64.b64encode(public).decode("ascii")
    manifest["organisation"]["fingerprint"] = fingerprint
    manifest["organisation"]["name"] = name
    raw = json.dumps(manifest, sort_keys=True).encode()
    (target / "manifest.json").write_bytes(raw)
    (target / "manifest.sig").write_bytes(base64.b64encode(key.sign(raw)))
    listed = set(manifest["files"]) | {"manifest.json"}
    (target / "SHA256SUMS").write_text("".join(
        f"{hashlib.sha256((target / n).read_bytes()).hexdigest()}  {n}\n"
        for n in sorted(listed) if (target / n).exists()))
    assert fake != org.fingerprint(public)
    return org.fingerprint(public)


def test_a_key_trusted_for_another_organisation_cannot_sign_in_its_name(  # type: ignore[no-untyped-def]
        exports, cli, tmp_path: Path) -> None:
    """Organisation B's key (trusted too) signs an export that declares A's name and
    fingerprint: the verdict names B's key and refuses the false declaration."""
    genuine, _forged, real, _fake = exports
    target = tmp_path / "in-a-name"
    signer = forge_in_the_name_of(genuine, target, "Test Organisation", real)
    verdict = verify.check(target, [real, signer])
    assert verdict.fingerprint == signer and verdict.signer_known
    assert not verdict.authentic
    assert any(real in p and signer in p for p in verdict.problems)
    trusted = tmp_path / "trusted.txt"
    trusted.write_text(f"# Organisation A\n{real}\n# Organisation B\n{signer}\n")
    r = cli("verify", str(target), "--trusted-keys", str(trusted))
    assert r.code == 1, r.out
    assert "Authentic" not in r.out and f"signed by {signer}" in r.out
    r = cli("verify", str(genuine), "--trusted-keys", str(trusted))
    assert r.code == 0 and f"({real})" in r.out
